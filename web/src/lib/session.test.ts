import { clearSession, loadSession, parseToken, saveSession, takeReturnTo, tokenFromFragment } from "./session";

const b64 = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const jwt = (claims: object) => `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}.signature`;

describe("session", () => {
  it("reads who a token is for", () => {
    expect(parseToken(jwt({ sub: "alice", name: "Alice", exp: 2000000000 }))).toMatchObject({ subject: "alice", name: "Alice", expiresAt: 2000000000 });
  });

  it("refuses what is not a JWT with a subject", () => {
    expect(parseToken("not-a-token")).toBeNull();
    expect(parseToken(jwt({ name: "nobody" }))).toBeNull();
    expect(parseToken("a.%%%.c")).toBeNull();
  });

  it("keeps the token in session storage only, and forgets it on sign-out", () => {
    const token = jwt({ sub: "alice" });
    expect(saveSession(token)?.subject).toBe("alice");
    expect(loadSession()?.token).toBe(token);
    expect(JSON.stringify({ ...localStorage })).not.toContain(token);
    clearSession();
    expect(loadSession()).toBeNull();
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(token);
  });

  it("remembers the page a session ended on, once, and only same-site paths", () => {
    clearSession("/orgs/acme/projects/bot/releases");
    expect(takeReturnTo()).toBe("/orgs/acme/projects/bot/releases");
    expect(takeReturnTo()).toBeNull();
    clearSession("//evil.example.com/");
    expect(takeReturnTo()).toBeNull();
  });

  it("takes the token from a sign-in link's fragment", () => {
    expect(tokenFromFragment("#token=abc.def.ghi")).toBe("abc.def.ghi");
    expect(tokenFromFragment("#other=1")).toBeNull();
    expect(tokenFromFragment("")).toBeNull();
  });
});
