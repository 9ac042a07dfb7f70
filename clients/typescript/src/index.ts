/**
 * Slipway's TypeScript client for Node and browsers: what an environment serves, read from
 * memory, kept current by the watch stream, and still served when Slipway is unreachable.
 */

export { Client, type ClientOptions, type ChangeListener, type Status } from "./client.js";
export { Configuration, type Kind, type Served, type ServedPrompt } from "./config.js";
export { render, type Message, type PromptContent } from "./render.js";
export * from "./errors.js";
