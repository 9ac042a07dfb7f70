// Two versions of a resource side by side, changed lines marked (and named for screen readers).
import { diffLines, pretty } from "../../lib/diff";

const SAID: Record<string, string> = { removed: "removed", added: "added", changed: "changed", same: "" };

export function DiffView({ leftLabel, rightLabel, left, right }: { leftLabel: string; rightLabel: string; left: unknown; right: unknown }) {
  const rows = diffLines(pretty(left), pretty(right));
  const changed = rows.filter((r) => r.kind !== "same").length;
  return (
    <table aria-label={`Differences between ${leftLabel} and ${rightLabel}`} className="diff-table">
      <caption>
        {changed === 0 ? "No differences." : `${changed} changed line${changed === 1 ? "" : "s"}.`}
      </caption>
      <thead>
        <tr>
          <th scope="col">{leftLabel}</th>
          <th scope="col">{rightLabel}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i} data-kind={row.kind}>
            <td className={row.kind === "removed" || row.kind === "changed" ? "removed" : undefined}>
              <code>{row.left ?? ""}</code>
              {row.kind !== "same" && row.left !== null ? <span className="sr-only"> ({SAID[row.kind]})</span> : null}
            </td>
            <td className={row.kind === "added" || row.kind === "changed" ? "added" : undefined}>
              <code>{row.right ?? ""}</code>
              {row.kind !== "same" && row.right !== null ? <span className="sr-only"> ({SAID[row.kind]})</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
