//! GraphiQL, served from the binary: the page on `GET /graphql` and its JavaScript and CSS on
//! `GET /graphiql/{file}`. The assets are vendored from the npm registry (see
//! `assets/graphiql/LICENSES.md`) because async-graphql's page loads them from a public CDN,
//! which many networks cannot reach. They are stored gzip-compressed and sent as such.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::ApiError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    gzipped: &'static [u8],
}

const ASSETS: [Asset; 4] = [
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        gzipped: include_bytes!("../assets/graphiql/graphiql.min.js.gz"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        gzipped: include_bytes!("../assets/graphiql/graphiql.min.css.gz"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        gzipped: include_bytes!("../assets/graphiql/react.production.min.js.gz"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        gzipped: include_bytes!("../assets/graphiql/react-dom.production.min.js.gz"),
    },
];

/// The page. Headers (for `Authorization: Bearer …`) are edited in GraphiQL's header tab;
/// subscriptions go over the same path as a WebSocket.
const PAGE: &str = r#"<!doctype html>
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
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const fetcher = GraphiQL.createFetcher({
        url: "/graphql",
        subscriptionUrl: scheme + "//" + location.host + "/graphql",
      });
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, {
          fetcher,
          defaultEditorToolsVisibility: true,
          defaultHeaders: '{\n  "Authorization": "Bearer <output of: slipway token --sub YOU>"\n}',
        }),
      );
    </script>
  </body>
</html>
"#;

/// The GraphiQL page.
pub fn page() -> Response {
    Html(PAGE).into_response()
}

/// `GET /graphiql/{file}`: one vendored asset, gzip-encoded, cacheable for a day.
///
/// # Errors
/// `NOT_FOUND` for any other file.
pub async fn asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    let asset = ASSETS
        .iter()
        .find(|a| a.name == file)
        .ok_or_else(|| ApiError::not_found("no such GraphiQL asset"))?;
    let mut response = asset.gzipped.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_only_references_vendored_assets() {
        for asset in &ASSETS {
            assert!(PAGE.contains(&format!("/graphiql/{}", asset.name)), "{}", asset.name);
            // Every asset is a gzip stream.
            assert_eq!(&asset.gzipped[..2], &[0x1f, 0x8b]);
        }
        assert!(!PAGE.contains("https://"), "no CDN");
    }
}
