//! Signing webhook deliveries per the Standard Webhooks specification: a secret
//! `whsec_<base64>` (shown once), the headers `webhook-id`, `webhook-timestamp` and
//! `webhook-signature`, the latter `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one entry per
//! signing secret separated by spaces (both secrets sign during a rotation's overlap).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::random;

/// The prefix of every webhook secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// How many random bytes a generated secret holds (the specification asks for 24 to 64).
const SECRET_BYTES: usize = 32;

/// A webhook signing secret, `whsec_<base64>`; `Debug` never shows it.
#[derive(Clone)]
pub struct WebhookSecret {
    text: SecretString,
    key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

impl WebhookSecret {
    /// A fresh secret from the operating system's generator.
    pub fn generate() -> Self {
        let raw = random::bytes(SECRET_BYTES);
        let mut text = String::with_capacity(SECRET_PREFIX.len() + SECRET_BYTES.div_ceil(3) * 4);
        text.push_str(SECRET_PREFIX);
        STANDARD.encode_string(&*raw, &mut text);
        Self {
            text: SecretString::from(text),
            key: raw,
        }
    }

    /// Reads a secret back from its text (`whsec_` and standard base64 of at least 24 bytes).
    /// `None` when the text is not such a secret; the text itself is never echoed.
    pub fn parse(text: &str) -> Option<Self> {
        let encoded = text.strip_prefix(SECRET_PREFIX)?;
        let key = Zeroizing::new(STANDARD.decode(encoded).ok()?);
        (key.len() >= 24 && key.len() <= 64).then(|| Self {
            text: SecretString::from(text.to_owned()),
            key,
        })
    }

    /// The secret's text, to show once and to store encrypted.
    pub fn expose(&self) -> &str {
        self.text.expose_secret()
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        // HMAC takes keys of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable_mac());
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// This secret's `v1,<base64>` signature of a message.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        format!(
            "v1,{}",
            STANDARD.encode(self.mac(id, timestamp, body).finalize().into_bytes())
        )
    }

    /// Whether one of the space-separated signatures of a `webhook-signature` header is this
    /// secret's for the message (compared in constant time), as a receiver checks it.
    pub fn verify(&self, id: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
        header.split(' ').filter_map(|s| s.strip_prefix("v1,")).any(|sig| {
            STANDARD
                .decode(sig)
                .is_ok_and(|bytes| self.mac(id, timestamp, body).verify_slice(&bytes).is_ok())
        })
    }
}

#[expect(
    clippy::panic,
    reason = "HMAC-SHA256 accepts keys of every length; this is never reached"
)]
fn unreachable_mac() -> Hmac<Sha256> {
    panic!("HMAC refused a key")
}

/// The `webhook-signature` header of a message signed by every secret of `secrets` (the current
/// one first).
pub fn signature_header(secrets: &[&WebhookSecret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|s| s.sign(id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of the Standard Webhooks specification and its reference libraries.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn signs_the_specifications_example() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        assert_eq!(secret.sign(ID, TIMESTAMP, BODY), SIGNATURE);
        assert!(secret.verify(ID, TIMESTAMP, BODY, SIGNATURE));
    }

    #[test]
    fn a_tampered_message_or_another_secret_fails() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        assert!(!secret.verify(ID, TIMESTAMP, br#"{"test": 2432232315}"#, SIGNATURE));
        assert!(!secret.verify(ID, TIMESTAMP + 1, BODY, SIGNATURE));
        assert!(!secret.verify("msg_other", TIMESTAMP, BODY, SIGNATURE));
        assert!(!WebhookSecret::generate().verify(ID, TIMESTAMP, BODY, SIGNATURE));
        assert!(!secret.verify(ID, TIMESTAMP, BODY, "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }

    #[test]
    fn both_secrets_sign_during_a_rotation() {
        let (old, new) = (WebhookSecret::generate(), WebhookSecret::generate());
        let header = signature_header(&[&new, &old], ID, TIMESTAMP, BODY);
        assert!(new.verify(ID, TIMESTAMP, BODY, &header));
        assert!(old.verify(ID, TIMESTAMP, BODY, &header));
        assert_eq!(header.split(' ').count(), 2);
    }

    #[test]
    fn generated_secrets_parse_back_and_never_show_in_debug() {
        let secret = WebhookSecret::generate();
        assert!(secret.expose().starts_with(SECRET_PREFIX));
        let again = WebhookSecret::parse(secret.expose()).unwrap();
        assert_eq!(again.sign(ID, 1, b"x"), secret.sign(ID, 1, b"x"));
        assert!(!format!("{secret:?}").contains(secret.expose()));
        for bad in [
            "",
            "whsec_",
            "whsec_!!!",
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_AAAA",
        ] {
            assert!(WebhookSecret::parse(bad).is_none(), "{bad}");
        }
    }
}
