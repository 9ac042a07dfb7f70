//! GraphiQL, served from the binary: the page on `GET /graphql` and its JavaScript and CSS on
//! `GET /graphiql/{file}`. The assets are vendored from the npm registry (see
//! `assets/graphiql/LICENSES.md`) because async-graphql's page loads them from a public CDN,
//! which many networks cannot reach. They are stored gzip-compressed and sent through
//! [`crate::embedded`], as the dashboard's files are (gzip only to a client that accepts it).

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};

use crate::embedded::{self, Caching, EmbeddedFile, Stored};
use crate::error::ApiError;

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

const ASSETS: [EmbeddedFile; 4] = [
    EmbeddedFile {
        path: "graphiql.min.js",
        content_type: JAVASCRIPT,
        stored: Stored::Gzip(include_bytes!("../assets/graphiql/graphiql.min.js.gz")),
    },
    EmbeddedFile {
        path: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        stored: Stored::Gzip(include_bytes!("../assets/graphiql/graphiql.min.css.gz")),
    },
    EmbeddedFile {
        path: "react.production.min.js",
        content_type: JAVASCRIPT,
        stored: Stored::Gzip(include_bytes!("../assets/graphiql/react.production.min.js.gz")),
    },
    EmbeddedFile {
        path: "react-dom.production.min.js",
        content_type: JAVASCRIPT,
        stored: Stored::Gzip(include_bytes!("../assets/graphiql/react-dom.production.min.js.gz")),
    },
];

/// The page. Headers (for `Authorization: Bearer …`) are edited in GraphiQL's header tab (the
/// default query says how; no placeholder header is sent); subscriptions go over the same path as
/// a WebSocket.
const PAGE: &str = r##"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Slipway GraphiQL</title>
    <link rel="stylesheet" href="/graphiql/graphiql.min.css" />
    <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  </head>
  <body>
    <div id="graphiql">Loading…</div>
    <script src="/graphiql/react.production.min.js"></script>
    <script src="/graphiql/react-dom.production.min.js"></script>
    <script src="/graphiql/graphiql.min.js"></script>
    <script>
      const DEFAULT_QUERY = [
        "# Slipway's GraphQL API. To act as someone, open the",
        "# Headers tab below and put:",
        '#   {"Authorization": "Bearer <token>"}',
        "# (a token from: slipway token --sub YOU, or an API key).",
        "# The Docs (top left) show the schema without a token.",
        "",
        "{ viewer { user { subject name } } }",
        "",
      ].join("\n");
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const fetcher = GraphiQL.createFetcher({
        url: "/graphql",
        subscriptionUrl: scheme + "//" + location.host + "/graphql",
      });
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, {
          fetcher,
          defaultEditorToolsVisibility: true,
          // No placeholder header: one would be sent with the first (introspection) request and
          // GraphiQL would open on an authentication error. How to sign in is said in the query.
          defaultQuery: DEFAULT_QUERY,
        }),
      );
    </script>
  </body>
</html>
"##;

/// The GraphiQL page.
pub fn page() -> Response {
    Html(PAGE).into_response()
}

/// `GET /graphiql/{file}`: one vendored asset, cacheable for a day.
///
/// # Errors
/// `NOT_FOUND` for any other file.
pub async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.path == file)
        .ok_or_else(|| ApiError::not_found("no such GraphiQL asset"))?;
    embedded::respond(asset, &headers, Caching::Day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_only_references_vendored_assets() {
        for asset in &ASSETS {
            assert!(PAGE.contains(&format!("/graphiql/{}", asset.path)), "{}", asset.path);
            // Every asset is a gzip stream.
            let Stored::Gzip(bytes) = asset.stored else {
                panic!("{} is stored plain", asset.path)
            };
            assert_eq!(&bytes[..2], &[0x1f, 0x8b]);
        }
        assert!(!PAGE.contains("https://"), "no CDN");
    }
}
