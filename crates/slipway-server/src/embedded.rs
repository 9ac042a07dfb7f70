//! Files compiled into the binary — the dashboard's bundle and GraphiQL's vendored assets — and
//! the one way they are sent: the content type, the caching the file's kind allows, and an
//! encoding the client accepts.
//!
//! A file is stored either plain or gzip-compressed. A gzip-stored file goes out as stored to a
//! client whose `Accept-Encoding` takes gzip and is inflated for any other client; a plain file
//! goes out plain, and the router's compression layer (gzip or brotli, by the same header) may
//! compress it on the way. Either way a client that asks for `identity` gets the plain body, and
//! every answer says `Vary: Accept-Encoding` so caches keep the variants apart.

use std::io::Read;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// How a file is stored in the binary.
#[derive(Debug, Clone, Copy)]
pub enum Stored {
    /// The file's bytes as they are.
    Plain(&'static [u8]),
    /// A gzip stream of the file's bytes.
    Gzip(&'static [u8]),
}

/// How long a browser or proxy may keep a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// A name that carries a hash of the content: the same name never means other bytes, so it
    /// is kept for a year without asking again.
    Immutable,
    /// Asked for again every time (`index.html`, which names the current hashed assets).
    Revalidate,
    /// Vendored files whose names do not change between releases: a day.
    Day,
}

impl Caching {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Immutable => "public, max-age=31536000, immutable",
            Self::Revalidate => "no-cache",
            Self::Day => "public, max-age=86400",
        })
    }
}

/// One file compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedFile {
    /// The path the file is asked for by, relative to its folder (`assets/index-1a2b3c.js`).
    pub path: &'static str,
    /// The `Content-Type` it is sent with.
    pub content_type: &'static str,
    /// Its bytes.
    pub stored: Stored,
}

/// Sends `file` to a client that sent `request` headers, with `caching`.
///
/// # Errors
/// `INTERNAL` (masked) when a gzip-stored file does not inflate, which the unit tests of every
/// embedded set rule out.
pub fn respond(file: &EmbeddedFile, request: &HeaderMap, caching: Caching) -> Result<Response, ApiError> {
    let (body, encoding) = match file.stored {
        Stored::Plain(bytes) => (Body::from(bytes), None),
        Stored::Gzip(bytes) if accepts(request, "gzip") => (Body::from(bytes), Some("gzip")),
        Stored::Gzip(bytes) => (Body::from(inflate(bytes)?), None),
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    headers.insert(header::CACHE_CONTROL, caching.header());
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    Ok(response)
}

fn inflate(gzipped: &[u8]) -> Result<Vec<u8>, ApiError> {
    let mut plain = Vec::with_capacity(gzipped.len().saturating_mul(4));
    flate2::read::GzDecoder::new(gzipped)
        .read_to_end(&mut plain)
        .map_err(|error| {
            tracing::error!(%error, "an embedded file does not inflate");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error")
        })?;
    Ok(plain)
}

/// Whether `Accept-Encoding` takes `coding`: listed by name (or as `*` when not listed by
/// name) with a quality above zero. No header, or an unreadable one, takes nothing but the
/// plain body.
pub fn accepts(request: &HeaderMap, coding: &str) -> bool {
    let mut by_name = None;
    let mut by_wildcard = None;
    for value in request.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let accepted = quality > 0.0;
            if name.eq_ignore_ascii_case(coding) {
                by_name = Some(accepted);
            } else if name == "*" {
                by_wildcard = Some(accepted);
            }
        }
    }
    by_name.or(by_wildcard).unwrap_or(false)
}

/// Request headers with `Accept-Encoding: value` (for tests of what a client accepts).
#[cfg(test)]
pub(crate) fn asking(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_qualities() {
        let cases = [
            ("gzip", true),
            ("gzip, deflate, br", true),
            ("br;q=1.0, gzip;q=0.5", true),
            ("GZIP", true),
            ("identity", false),
            ("gzip;q=0", false),
            ("gzip; q=0.000", false),
            ("*", true),
            ("*;q=0", false),
            ("gzip;q=0, *", false),
            ("br", false),
            ("", false),
            ("gzip;q=nonsense", true),
        ];
        for (value, expected) in cases {
            assert_eq!(accepts(&asking(value), "gzip"), expected, "{value:?}");
        }
        assert!(!accepts(&HeaderMap::new(), "gzip"), "no header: plain");
    }
}
