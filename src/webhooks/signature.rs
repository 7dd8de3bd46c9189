//! The signature of a delivery: HMAC-SHA256 keyed with the endpoint's secret, over the
//! timestamp (Unix seconds, as sent in `Lotgate-Timestamp`), a dot and the body, in
//! lower-case hex. The receiver recomputes it to know the body came from lotgate, and
//! refuses old timestamps to stop replays.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header of the event's id (the same for every attempt and every endpoint).
pub const EVENT_ID_HEADER: &str = "Lotgate-Event-Id";
/// The header of the event's type.
pub const EVENT_TYPE_HEADER: &str = "Lotgate-Event-Type";
/// The header of the delivery's id (one per endpoint and event).
pub const DELIVERY_ID_HEADER: &str = "Lotgate-Delivery-Id";
/// The header of the attempt's time, in Unix seconds; part of what is signed.
pub const TIMESTAMP_HEADER: &str = "Lotgate-Timestamp";
/// The header of the signature: `sha256=` and the hex HMAC.
pub const SIGNATURE_HEADER: &str = "Lotgate-Signature";

/// `sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256=");
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hmac_matches_rfc_4231_test_case_2() {
        // RFC 4231, 4.3: key "Jefe", data "what do ya want for nothing?": the HMAC that
        // `sign` computes, over the RFC's message.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_signature_covers_the_timestamp_a_dot_and_the_body() {
        // python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_test',
        //   b'1764806400.{\"id\":\"e\"}', hashlib.sha256).hexdigest())"
        assert_eq!(
            sign("whsec_test", 1_764_806_400, br#"{"id":"e"}"#),
            "sha256=3b6b3c9b09023e4d9411e8ac79fbcdc123b1f85f24cfb146d7197e77444e6dc8"
        );
    }
}
