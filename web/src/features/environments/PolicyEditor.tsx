// The promotion policy editor: every field of a policy, validated by the server (a VALIDATION
// error is shown at its field).
import { useState, type FormEvent } from "react";
import type { PromotionPolicyInput, Role } from "../../gql/graphql";
import { fieldMessage, type Problem } from "../../lib/errors";
import { Field } from "../../ui/Field";
import { ErrorNotice } from "../../ui/Status";

const ROLES: Role[] = ["OWNER", "ADMIN", "DEVELOPER", "APPROVER", "VIEWER"];

/** A policy as the editor holds it (the API's shape, freeze windows included). */
export interface PolicyValue {
  allowedSources: string[];
  allowDirect: boolean;
  requiredApprovals: number;
  explicitApproverRoles: Role[];
  preventSelfApproval: boolean;
  minSoakSeconds: number;
  freezeWindows: { start: string; end: string; reason: string }[];
  autoApply: boolean;
  expiresAfterSeconds: number | null;
}

/** The mutation input for `value`. */
export function toInput(value: PolicyValue): PromotionPolicyInput {
  return {
    allowedSources: value.allowedSources,
    allowDirect: value.allowDirect,
    requiredApprovals: value.requiredApprovals,
    approverRoles: value.explicitApproverRoles,
    preventSelfApproval: value.preventSelfApproval,
    minSoakSeconds: value.minSoakSeconds,
    freezeWindows: value.freezeWindows.map((w) => ({ start: w.start, end: w.end, reason: w.reason })),
    autoApply: value.autoApply,
    expiresAfterSeconds: value.expiresAfterSeconds,
  };
}

interface PolicyEditorProps {
  environment: string;
  /** The other environments, which may be allowed as sources. */
  sources: string[];
  initial: PolicyValue;
  disabled: boolean;
  problem: Problem | null;
  onSave: (input: PromotionPolicyInput) => void;
}

function toggle<T>(list: T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

export function PolicyEditor({ environment, sources, initial, disabled, problem, onSave }: PolicyEditorProps) {
  const [value, setValue] = useState<PolicyValue>(initial);
  const set = (patch: Partial<PolicyValue>) => setValue((v) => ({ ...v, ...patch }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(toInput(value));
  };
  const number = (text: string) => (text === "" ? 0 : Number(text));
  return (
    <form onSubmit={submit} aria-label={`Promotion policy of ${environment}`}>
      <fieldset disabled={disabled}>
        <legend>Promotion policy of {environment}</legend>
        <fieldset>
          <legend>Allowed sources (none checked: any)</legend>
          {sources.map((s) => (
            <label key={s}>
              <input type="checkbox" checked={value.allowedSources.includes(s)} onChange={(e) => set({ allowedSources: toggle(value.allowedSources, s, e.target.checked) })} />{" "}
              {s}{" "}
            </label>
          ))}
          {fieldMessage(problem, "allowedSources") ? <small className="field-error">{fieldMessage(problem, "allowedSources")}</small> : null}
        </fieldset>
        <label>
          <input type="checkbox" checked={value.allowDirect} onChange={(e) => set({ allowDirect: e.target.checked })} /> Allow direct publishing
          (off: only promotions and rollbacks)
        </label>
        <Field
          label="Required approvals"
          type="number"
          min={0}
          max={10}
          value={value.requiredApprovals}
          onChange={(e) => set({ requiredApprovals: number(e.target.value) })}
          error={fieldMessage(problem, "requiredApprovals")}
        />
        <fieldset>
          <legend>Approver roles (none checked: roles that may approve)</legend>
          {ROLES.map((r) => (
            <label key={r}>
              <input type="checkbox" checked={value.explicitApproverRoles.includes(r)} onChange={(e) => set({ explicitApproverRoles: toggle(value.explicitApproverRoles, r, e.target.checked) })} />{" "}
              {r.toLowerCase()}{" "}
            </label>
          ))}
          {fieldMessage(problem, "approverRoles") ? <small className="field-error">{fieldMessage(problem, "approverRoles")}</small> : null}
        </fieldset>
        <label>
          <input type="checkbox" checked={value.preventSelfApproval} onChange={(e) => set({ preventSelfApproval: e.target.checked })} /> The
          author's own approval does not count
        </label>
        <Field
          label="Soak time in the source (seconds)"
          type="number"
          min={0}
          value={value.minSoakSeconds}
          onChange={(e) => set({ minSoakSeconds: number(e.target.value) })}
          error={fieldMessage(problem, "minSoakSeconds")}
        />
        <label>
          <input type="checkbox" checked={value.autoApply} onChange={(e) => set({ autoApply: e.target.checked })} /> Deploy as soon as approved
        </label>
        <Field
          label="Pending releases expire after (seconds; empty: never)"
          type="number"
          min={1}
          value={value.expiresAfterSeconds ?? ""}
          onChange={(e) => set({ expiresAfterSeconds: e.target.value === "" ? null : Number(e.target.value) })}
          error={fieldMessage(problem, "expiresAfterSeconds")}
        />
        <fieldset>
          <legend>Freeze windows (UTC)</legend>
          {value.freezeWindows.map((w, i) => (
            <div key={i} className="inline" role="group" aria-label={`Freeze window ${i + 1}`}>
              <Field label="Starts" value={w.start} placeholder="2026-12-24T00:00:00Z" onChange={(e) => set({ freezeWindows: value.freezeWindows.map((x, j) => (j === i ? { ...x, start: e.target.value } : x)) })} error={fieldMessage(problem, `freezeWindows[${i}]`)} />
              <Field label="Ends" value={w.end} placeholder="2026-12-27T00:00:00Z" onChange={(e) => set({ freezeWindows: value.freezeWindows.map((x, j) => (j === i ? { ...x, end: e.target.value } : x)) })} />
              <Field label="Reason" value={w.reason} onChange={(e) => set({ freezeWindows: value.freezeWindows.map((x, j) => (j === i ? { ...x, reason: e.target.value } : x)) })} />
              <button type="button" onClick={() => set({ freezeWindows: value.freezeWindows.filter((_, j) => j !== i) })}>
                Remove window {i + 1}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set({ freezeWindows: [...value.freezeWindows, { start: "", end: "", reason: "" }] })}>
            Add a freeze window
          </button>
        </fieldset>
        <button type="submit" className="primary">
          Save policy of {environment}
        </button>
      </fieldset>
      {problem && problem.code !== "VALIDATION" ? <ErrorNotice problem={problem} /> : null}
      {problem && problem.code === "VALIDATION" && !["allowedSources", "requiredApprovals", "approverRoles", "minSoakSeconds", "expiresAfterSeconds"].some((f) => fieldMessage(problem, f)) && !fieldMessage(problem, "freezeWindows") ? (
        <ErrorNotice problem={problem} />
      ) : null}
    </form>
  );
}
