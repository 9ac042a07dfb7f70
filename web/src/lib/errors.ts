// What a failed request tells a person: the GraphQL error's own message and code, and for
// VALIDATION the field it names, so a form can mark it.
import type { CombinedError } from "urql";

/** A request's failure, ready to show. */
export interface Problem {
  message: string;
  code: string | null;
  /** The argument or input field a VALIDATION error names (`name`, `content.model`). */
  field: string | null;
  /** The policy rule a POLICY_VIOLATION names. */
  rule: string | null;
}

const EXPLANATIONS: Record<string, string> = {
  FORBIDDEN: "Your role in this project does not allow this.",
  UNAUTHENTICATED: "Your session has ended; sign in again.",
  RATE_LIMITED: "Too many requests; wait a moment and try again.",
  UNAVAILABLE: "Slipway cannot reach its storage right now; try again shortly.",
};

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** The first GraphQL error of `error` (or its network failure) as a [`Problem`]. */
export function describeError(error: CombinedError): Problem {
  const first = error.graphQLErrors[0];
  if (first) {
    const extensions = (first.extensions ?? {}) as Record<string, unknown>;
    const code = text(extensions.code);
    return {
      message: first.message || (code && EXPLANATIONS[code]) || "The request failed.",
      code,
      field: text(extensions.field),
      rule: text(extensions.rule),
    };
  }
  return {
    message: error.networkError ? "Slipway could not be reached." : "The request failed.",
    code: null,
    field: null,
    rule: null,
  };
}

/** An explanation to show beside the message, for codes a person can act on. */
export function explain(problem: Problem): string | null {
  return (problem.code && EXPLANATIONS[problem.code]) ?? null;
}

/** Whether `error` says the caller's token is missing, invalid or expired. */
export function isUnauthenticated(error: CombinedError): boolean {
  return (
    error.graphQLErrors.some((e) => (e.extensions as Record<string, unknown> | undefined)?.code === "UNAUTHENTICATED") ||
    (error.response as Response | undefined)?.status === 401
  );
}

/** The message to show at input field `field`, when `problem` is about it. */
export function fieldMessage(problem: Problem | null, field: string): string | null {
  if (!problem || problem.code !== "VALIDATION" || !problem.field) return null;
  return problem.field === field || problem.field.startsWith(`${field}.`) || problem.field.startsWith(`${field}[`)
    ? problem.message
    : null;
}
