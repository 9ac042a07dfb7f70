//! Gateway answers in the encoding a client accepts, compressed once per body. A snapshot body's
//! gzip and brotli forms are made the first time a client asks for them and kept next to the
//! body ([`Compressed`]), so a busy gateway read never compresses per request — the hot routes
//! have no compression layer (see [`hot`](crate::hot)). Brotli is preferred when both are
//! accepted; `identity`, a quality of zero or no `Accept-Encoding` gets the plain body, as do
//! bodies too small to gain from compression.

use std::io::Write as _;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue};
use slipway_service::compressed::Compressed;

use crate::embedded::accepts;

/// Bodies shorter than this go out plain: compression would save little or grow them.
pub const MIN_COMPRESSED_LEN: usize = 512;

/// The brotli quality used: near gzip's speed with a smaller result (11 is far slower).
const BROTLI_QUALITY: u32 = 5;
/// Brotli's window (log2 of bytes): larger than any gateway body.
const BROTLI_WINDOW: u32 = 22;

/// A body as it is sent, and its `Content-Encoding` when compressed.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The bytes to send.
    pub bytes: Bytes,
    /// `gzip` or `br`; `None` for the plain body.
    pub content_encoding: Option<HeaderValue>,
}

/// Lets shared bytes be sent without copying them.
struct Shared<T>(T);

impl AsRef<[u8]> for Shared<Arc<str>> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl AsRef<[u8]> for Shared<Arc<[u8]>> {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// `body` in the encoding `request` prefers, its compressed form made once through `forms`.
pub fn encode(request: &HeaderMap, body: &Arc<str>, forms: &Compressed) -> Encoded {
    if body.len() >= MIN_COMPRESSED_LEN {
        if accepts(request, "br") {
            return compressed(forms.brotli(|| brotli(body.as_bytes())), "br");
        }
        if accepts(request, "gzip") {
            return compressed(forms.gzip(|| gzip(body.as_bytes())), "gzip");
        }
    }
    Encoded {
        bytes: Bytes::from_owner(Shared(Arc::clone(body))),
        content_encoding: None,
    }
}

fn compressed(bytes: Arc<[u8]>, coding: &'static str) -> Encoded {
    Encoded {
        bytes: Bytes::from_owner(Shared(bytes)),
        content_encoding: Some(HeaderValue::from_static(coding)),
    }
}

/// The gzip stream of `plain` (writing to memory cannot fail).
fn gzip(plain: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(plain.len() / 3), flate2::Compression::default());
    let _ = encoder.write_all(plain);
    encoder.finish().unwrap_or_default()
}

/// The brotli stream of `plain`.
fn brotli(plain: &[u8]) -> Vec<u8> {
    let mut writer =
        brotli::CompressorWriter::new(Vec::with_capacity(plain.len() / 3), 4096, BROTLI_QUALITY, BROTLI_WINDOW);
    let _ = writer.write_all(plain);
    writer.into_inner()
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;
    use crate::embedded::asking;

    fn body() -> Arc<str> {
        Arc::from(format!(
            "{{\"resources\":[{}]}}",
            r#"{"text":"hello there"},"#.repeat(100)
        ))
    }

    #[test]
    fn the_preferred_accepted_encoding_is_sent_and_inflates_to_the_body() {
        let (body, forms) = (body(), Compressed::default());
        let br = encode(&asking("gzip, br"), &body, &forms);
        assert_eq!(br.content_encoding.unwrap(), "br");
        let mut plain = String::new();
        brotli::Decompressor::new(&br.bytes[..], 4096)
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, *body);
        assert!(br.bytes.len() < body.len() / 4, "{} bytes", br.bytes.len());

        let gz = encode(&asking("gzip;q=0.8, br;q=0"), &body, &forms);
        assert_eq!(gz.content_encoding.unwrap(), "gzip");
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&gz.bytes[..])
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, *body);
        assert_eq!(forms.held_bytes(), br.bytes.len() + gz.bytes.len());
    }

    #[test]
    fn identity_refusals_and_small_bodies_get_the_plain_body() {
        let (body, forms) = (body(), Compressed::default());
        for value in ["identity", "gzip;q=0, br;q=0", "", "compress"] {
            let plain = encode(&asking(value), &body, &forms);
            assert!(plain.content_encoding.is_none(), "{value:?}");
            assert_eq!(&plain.bytes[..], body.as_bytes());
        }
        assert!(encode(&HeaderMap::new(), &body, &forms).content_encoding.is_none());
        let small: Arc<str> = Arc::from("{\"resources\":[]}");
        assert!(encode(&asking("gzip, br"), &small, &forms).content_encoding.is_none());
        assert_eq!(forms.held_bytes(), 0, "nothing compressed for them");
    }

    #[test]
    fn a_form_is_made_once_per_body() {
        let (body, forms) = (body(), Compressed::default());
        let first = encode(&asking("gzip"), &body, &forms);
        let second = encode(&asking("gzip"), &body, &forms);
        assert_eq!(
            first.bytes.as_ptr(),
            second.bytes.as_ptr(),
            "the same bytes, not made again"
        );
    }
}
