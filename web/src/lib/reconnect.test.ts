import { parse } from "graphql";
import { Client, type Exchange, type Operation } from "urql";
import { filter, map, pipe, tap } from "wonka";
import { reconnections, refetchOnReconnectExchange } from "./reconnect";

/** A client whose "server" answers every query at once and records what it was sent. */
function clientWith(signal: ReturnType<typeof reconnections>) {
  const sent: Operation[] = [];
  const server: Exchange = () => (operations$) =>
    pipe(
      operations$,
      filter((operation) => operation.kind !== "teardown"),
      tap((operation) => void sent.push(operation)),
      map((operation) => ({ operation, data: { reads: sent.length }, stale: false, hasNext: false })),
    );
  const client = new Client({ url: "/graphql", exchanges: [refetchOnReconnectExchange(signal.listen), server] });
  return { client, sent };
}

// Plain documents for a made-up server (not `graphql` tags: codegen checks those against the schema).
const Overview = parse("query TestOverview($project: String!) { project(slug: $project) { id } }");
const Release = parse("query TestRelease($id: ID!) { release(id: $id) { id } }");
const tick = () => new Promise((done) => setTimeout(done, 0));

describe("re-reading after the WebSocket reconnects", () => {
  it("re-reads every query a screen still shows, from the server, and hands the screen the new answer", async () => {
    const signal = reconnections();
    const { client, sent } = clientWith(signal);
    const overview: unknown[] = [];
    const shown = client.query(Overview, { project: "chat" }).subscribe((r) => overview.push(r.data));
    const release = client.query(Release, { id: "r1" }).subscribe(() => {});
    await tick();
    expect(sent.map((o) => o.query)).toEqual([Overview, Release]);

    const subscription = signal.subscribed();
    signal.connected();
    signal.closed();
    signal.connected();
    await tick();
    const again = sent.slice(2);
    expect(again.map((o) => [o.query, o.variables, o.context.requestPolicy])).toEqual([
      [Overview, { project: "chat" }, "network-only"],
      [Release, { id: "r1" }, "network-only"],
    ]);
    expect(overview).toEqual([{ reads: 1 }, { reads: 3 }]);
    shown.unsubscribe();
    release.unsubscribe();
    subscription();
  });

  it("forgets a query once its screen is gone", async () => {
    const signal = reconnections();
    const { client, sent } = clientWith(signal);
    const gone = client.query(Overview, { project: "chat" }).subscribe(() => {});
    const kept = client.query(Release, { id: "r1" }).subscribe(() => {});
    await tick();
    gone.unsubscribe();
    signal.subscribed();
    signal.closed();
    signal.connected();
    await tick();
    expect(sent.slice(2).map((o) => o.query)).toEqual([Release]);
    kept.unsubscribe();
  });

  it("re-reads nothing on a first connection or one opened again after an idle close", async () => {
    const signal = reconnections();
    const { client, sent } = clientWith(signal);
    const shown = client.query(Overview, { project: "chat" }).subscribe(() => {});
    await tick();
    // The first connection, for a first subscription.
    const first = signal.subscribed();
    signal.connected();
    // The last subscription ends (twice: its end is counted once), the idle socket closes, a
    // new screen subscribes and the socket opens again.
    first();
    first();
    signal.closed();
    const next = signal.subscribed();
    signal.connected();
    await tick();
    expect(sent).toHaveLength(1);
    // The socket is lost under that subscription: now it re-reads, once per loss.
    signal.closed();
    signal.closed();
    signal.connected();
    signal.connected();
    await tick();
    expect(sent).toHaveLength(2);
    next();
    shown.unsubscribe();
  });
});
