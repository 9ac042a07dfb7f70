//! Random secrets from the operating system's generator, encoded for files and tokens.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

/// `len` random bytes, zeroized on drop.
pub(crate) fn bytes(len: usize) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// `len` random bytes in standard base64, followed by a newline when `newline` is set (for
/// files), in a buffer sized up front so that no unzeroized copy is left behind by growing it.
pub(crate) fn base64_secret(len: usize, newline: bool) -> Zeroizing<String> {
    let raw = bytes(len);
    let mut text = Zeroizing::new(String::with_capacity(len.div_ceil(3) * 4 + 1));
    STANDARD.encode_string(&*raw, &mut text);
    if newline {
        text.push('\n');
    }
    text
}

/// `len` random bytes in unpadded base64url (for API keys).
pub(crate) fn base64url_secret(len: usize) -> Zeroizing<String> {
    let raw = bytes(len);
    let mut text = Zeroizing::new(String::with_capacity(len.div_ceil(3) * 4));
    URL_SAFE_NO_PAD.encode_string(&*raw, &mut text);
    text
}
