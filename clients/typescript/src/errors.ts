/** The client's errors: one class per case a caller acts on. None ever holds the API key. */

/** Base of every error this client throws. */
export class SlipwayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** The API key or token was refused. */
export class Unauthenticated extends SlipwayError {}
/** The credentials may not read that environment. */
export class Forbidden extends SlipwayError {}
/** Unknown project or environment, or a resource nothing serves. */
export class NotFound extends SlipwayError {}
/** The server refused the request as malformed. */
export class InvalidRequest extends SlipwayError {}
/** Slipway could not be reached and nothing is held for the environment. */
export class Unavailable extends SlipwayError {}
/** The server answered something this client does not understand. */
export class InvalidResponse extends SlipwayError {}
/** A read pinned an environment this client does not follow. */
export class NotFollowed extends SlipwayError {}
/** The bootstrap file or value could not be used. */
export class BootstrapError extends SlipwayError {}
/** Rendering a prompt lacked a value for a variable it declares. */
export class MissingVariable extends SlipwayError {}
/** Rendering a prompt was given a variable it does not declare. */
export class UnknownVariable extends SlipwayError {}

/** Whether retrying cannot help until the credentials or setup change. */
export function isDefinitive(error: unknown): boolean {
  return (
    error instanceof Unauthenticated ||
    error instanceof Forbidden ||
    error instanceof NotFound ||
    error instanceof InvalidRequest
  );
}

function parsed(body: string): { code?: string; message?: string } {
  try {
    const value = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    return {
      code: typeof value.error?.code === "string" ? value.error.code : undefined,
      message: typeof value.error?.message === "string" ? value.error.message : undefined,
    };
  } catch {
    return {};
  }
}

/** The error of an HTTP answer that is not a success. */
export function fromAnswer(status: number, body: string): SlipwayError {
  const message = parsed(body).message ?? `HTTP ${status}`;
  switch (status) {
    case 401:
      return new Unauthenticated("Slipway refused the credentials");
    case 403:
      return new Forbidden(message);
    case 404:
      return new NotFound(message);
    case 400:
    case 422:
      return new InvalidRequest(message);
    default:
      return new Unavailable(`HTTP ${status}: ${message}`);
  }
}

/** The error an `event: error` of the watch stream carries. */
export function fromEvent(data: string): SlipwayError {
  const { code, message = "the stream ended" } = parsed(data);
  if (code === "UNAUTHENTICATED") return new Unauthenticated("Slipway refused the credentials");
  if (code === "FORBIDDEN") return new Forbidden(message);
  if (code === "NOT_FOUND") return new NotFound(message);
  return new Unavailable(message);
}
