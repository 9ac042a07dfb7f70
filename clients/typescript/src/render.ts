/**
 * Local prompt rendering: `{{variable}}` placeholders filled from the caller's values. Every
 * declared variable must be given and nothing undeclared may be; values are never expanded again.
 */

import { MissingVariable, UnknownVariable } from "./errors.js";

/** A message, ready to send to a model. */
export interface Message {
  role: string;
  content: string;
}

/** A prompt version's content (the fields rendering needs; the rest is kept as sent). */
export interface PromptContent {
  model: string;
  messages: Message[];
  variables?: string[];
  parameters?: Record<string, unknown>;
}

function fill(template: string, variables: Record<string, string>): string {
  let out = "";
  let rest = template;
  for (;;) {
    const start = rest.indexOf("{{");
    const end = start >= 0 ? rest.indexOf("}}", start + 2) : -1;
    if (start < 0 || end < 0) return out + rest;
    const name = rest.slice(start + 2, end).trim();
    out += rest.slice(0, start) + (Object.hasOwn(variables, name) ? variables[name] : rest.slice(start, end + 2));
    rest = rest.slice(end + 2);
  }
}

/** The prompt's messages with `variables` filled in; throws `MissingVariable`/`UnknownVariable`. */
export function render(prompt: PromptContent, variables: Record<string, string>): Message[] {
  const declared = prompt.variables ?? [];
  for (const name of declared) {
    if (!Object.hasOwn(variables, name)) throw new MissingVariable(`prompt variable '${name}' was not given`);
  }
  for (const name of Object.keys(variables)) {
    if (!declared.includes(name)) throw new UnknownVariable(`'${name}' is not a variable of this prompt`);
  }
  return prompt.messages.map((m) => ({ role: m.role, content: fill(m.content, variables) }));
}
