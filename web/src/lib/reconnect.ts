// Live screens across a lost WebSocket: events published while the socket was down are never
// replayed, so when it comes back every query a screen still shows is read again from the
// server. The exchange remembers the active queries (added when one starts, dropped at its
// teardown) and re-executes each, network-only, when told the socket reconnected.
import { makeOperation, type Client, type Exchange, type Operation } from "urql";
import { pipe, tap } from "wonka";

/** A signal to listen to: `listen(f)` calls `f` at each reconnection. */
export type Reconnections = (listener: () => void) => void;

/**
 * A urql exchange (put it before the cache) that re-reads every active query from the server
 * each time `reconnections` fires.
 */
export function refetchOnReconnectExchange(reconnections: Reconnections): Exchange {
  const active = new Map<number, Operation>();
  let client: Client | null = null;
  reconnections(() => {
    if (!client) return;
    for (const operation of active.values()) {
      client.reexecuteOperation(makeOperation(operation.kind, operation, { ...operation.context, requestPolicy: "network-only" }));
    }
  });
  return (input) => {
    client = input.client;
    return (operations$) =>
      input.forward(
        pipe(
          operations$,
          tap((operation) => {
            if (operation.kind === "query") active.set(operation.key, operation);
            else if (operation.kind === "teardown") active.delete(operation.key);
          }),
        ),
      );
  };
}

/**
 * A reconnection signal fed by the WebSocket client: it fires when the socket connects again
 * after closing while something was subscribed (a server restart, a network drop, a proxy's
 * idle cut), and not for the first connection or one opened again after an idle close (the
 * client closes a lazy socket once nothing is subscribed: nothing was missed).
 */
export function reconnections(): {
  listen: Reconnections;
  /** Call at each subscription's start; call what it returns at its end. */
  subscribed: () => () => void;
  closed: () => void;
  connected: () => void;
} {
  const listeners: (() => void)[] = [];
  let subscriptions = 0;
  let lost = false;
  return {
    listen: (listener) => void listeners.push(listener),
    subscribed: () => {
      subscriptions += 1;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        subscriptions -= 1;
      };
    },
    closed: () => {
      if (subscriptions > 0) lost = true;
    },
    connected: () => {
      if (!lost) return;
      lost = false;
      listeners.forEach((listener) => listener());
    },
  };
}
