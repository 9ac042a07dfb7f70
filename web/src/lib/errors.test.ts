import { CombinedError } from "urql";
import { GraphQLError } from "graphql";
import { describeError, fieldMessage, isUnauthenticated } from "./errors";

const failure = (message: string, extensions: Record<string, unknown>) =>
  new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions })] });

describe("error mapping", () => {
  it("keeps the server's message, code and field for a VALIDATION error", () => {
    const problem = describeError(failure("name: must be 1 to 64 characters", { code: "VALIDATION", field: "name" }));
    expect(problem).toEqual({ message: "name: must be 1 to 64 characters", code: "VALIDATION", field: "name", rule: null });
    expect(fieldMessage(problem, "name")).toBe("name: must be 1 to 64 characters");
    expect(fieldMessage(problem, "slug")).toBeNull();
  });

  it("marks a parent field for an error inside it", () => {
    const problem = describeError(failure("content.model: required", { code: "VALIDATION", field: "content.model" }));
    expect(fieldMessage(problem, "content")).toBe("content.model: required");
  });

  it("names the rule of a POLICY_VIOLATION and never marks a field for other codes", () => {
    const problem = describeError(failure("prod only takes promotions", { code: "POLICY_VIOLATION", rule: "ALLOW_DIRECT" }));
    expect(problem.rule).toBe("ALLOW_DIRECT");
    expect(fieldMessage(problem, "publishTo")).toBeNull();
  });

  it("tells a network failure from a GraphQL error", () => {
    const problem = describeError(new CombinedError({ networkError: new Error("connection refused") }));
    expect(problem.message).toBe("Slipway could not be reached.");
    expect(problem.code).toBeNull();
  });

  it("recognizes UNAUTHENTICATED and nothing else as a lost session", () => {
    expect(isUnauthenticated(failure("token expired", { code: "UNAUTHENTICATED" }))).toBe(true);
    expect(isUnauthenticated(failure("no", { code: "FORBIDDEN" }))).toBe(false);
  });
});
