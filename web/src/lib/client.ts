// The GraphQL client: queries and mutations over POST, subscriptions over `graphql-ws` on the
// same path, the signed-in token on both, one place that notices an UNAUTHENTICATED answer, and
// one that re-reads what screens show when the WebSocket comes back after being lost (a server
// restart, a network drop), so a change made meanwhile appears.
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from "urql";
import { createClient as createWsClient } from "graphql-ws";
import { isUnauthenticated } from "./errors";
import { reconnections, refetchOnReconnectExchange } from "./reconnect";

/** How often an idle socket is pinged, and how long a pong may take before it counts as lost. */
const PING_EVERY_MS = 15_000;
const PONG_WITHIN_MS = 5_000;

/** Builds a client for `token`; `onUnauthenticated` runs when the server refuses it. */
export function makeClient(token: string, onUnauthenticated: () => void): Client {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const reconnected = reconnections();
  // A dropped network often closes nothing: the socket stays open and silent. A ping left
  // unanswered closes it (4408, which the client retries), so the retry and re-read happen.
  let socket: WebSocket | null = null;
  let pongDue: ReturnType<typeof setTimeout> | undefined;
  const ws = createWsClient({
    url: `${scheme}//${window.location.host}/graphql`,
    connectionParams: () => ({ Authorization: `Bearer ${token}` }),
    lazy: true,
    retryAttempts: 5,
    // A socket the server accepts but never acknowledges is as lost as a closed one.
    connectionAckWaitTimeout: 10_000,
    keepAlive: PING_EVERY_MS,
    on: {
      connected: (opened) => {
        socket = opened as WebSocket;
        reconnected.connected();
      },
      closed: () => {
        clearTimeout(pongDue);
        reconnected.closed();
      },
      ping: (received) => {
        if (received) return;
        pongDue = setTimeout(() => {
          if (socket?.readyState === WebSocket.OPEN) socket.close(4408, "Pong overdue");
        }, PONG_WITHIN_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongDue);
      },
    },
  });
  return new Client({
    url: "/graphql",
    preferGetMethod: false,
    // Pages show what they last read at once and re-read it: other people change projects too.
    requestPolicy: "cache-and-network",
    fetchOptions: () => ({ headers: { Authorization: `Bearer ${token}` } }),
    exchanges: [
      refetchOnReconnectExchange(reconnected.listen),
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const ended = reconnected.subscribed();
              const stop = ws.subscribe(input, sink);
              return {
                unsubscribe() {
                  ended();
                  stop();
                },
              };
            },
          };
        },
      }),
    ],
  });
}
