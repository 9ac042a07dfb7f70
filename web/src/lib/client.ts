// The GraphQL client: queries and mutations over POST, subscriptions over `graphql-ws` on the
// same path, the signed-in token on both, and one place that notices an UNAUTHENTICATED answer.
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from "urql";
import { createClient as createWsClient } from "graphql-ws";
import { isUnauthenticated } from "./errors";

/** Builds a client for `token`; `onUnauthenticated` runs when the server refuses it. */
export function makeClient(token: string, onUnauthenticated: () => void): Client {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const ws = createWsClient({
    url: `${scheme}//${window.location.host}/graphql`,
    connectionParams: () => ({ Authorization: `Bearer ${token}` }),
    lazy: true,
    retryAttempts: 5,
  });
  return new Client({
    url: "/graphql",
    preferGetMethod: false,
    // Pages show what they last read at once and re-read it: other people change projects too.
    requestPolicy: "cache-and-network",
    fetchOptions: () => ({ headers: { Authorization: `Bearer ${token}` } }),
    exchanges: [
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
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
