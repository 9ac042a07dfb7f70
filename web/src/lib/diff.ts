// A line diff for the side-by-side version view: the longest common subsequence of two texts'
// lines, as rows that pair a left line with a right line.

/** One row of a side-by-side diff. */
export interface DiffRow {
  kind: "same" | "removed" | "added" | "changed";
  left: string | null;
  right: string | null;
}

/** Lines beyond this (per side) are compared as one changed block, to bound the work. */
const MAX_LINES = 2000;

/** The rows that turn `left` into `right`, line by line. */
export function diffLines(left: string, right: string): DiffRow[] {
  const a = left.split("\n");
  const b = right.split("\n");
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return [{ kind: "changed", left, right }];
  }
  // lcs[i][j]: the common subsequence length of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push({ kind: "same", left: a[i] ?? "", right: b[j] ?? "" });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // On a tie the removal goes first, so that a replaced line pairs with its replacement.
      rows.push({ kind: "removed", left: a[i] ?? "", right: null });
      i++;
    } else {
      rows.push({ kind: "added", left: null, right: b[j] ?? "" });
      j++;
    }
  }
  return pairChanges(rows);
}

/** A removal directly followed by an addition is shown on one row, as a change. */
function pairChanges(rows: DiffRow[]): DiffRow[] {
  const out: DiffRow[] = [];
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k] as DiffRow;
    const next = rows[k + 1];
    if (row.kind === "removed" && next?.kind === "added") {
      out.push({ kind: "changed", left: row.left, right: next.right });
      k++;
    } else {
      out.push(row);
    }
  }
  return out;
}

/** JSON as the diff compares it: keys in the order given, two-space indents. */
export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "";
}
