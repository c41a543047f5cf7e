//! TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps) and the QR code that enrolls it.
//!
//! Written on `hmac` + `sha1` rather than with totp-rs: verification must look at each step
//! of the window on its own (to refuse steps already used, ASVS v5.0.0-6.5.1) and compare
//! codes in constant time, which totp-rs's `check` (first match only) does not allow; the
//! otpauth URL must never fail, where totp-rs refuses colons and empty account names; and
//! the whole algorithm is 20 lines pinned by the RFC's test vectors, without pulling `url`
//! and `rand` into this crate.

use std::fmt;
use std::fmt::Write as _;

use hmac::{Hmac, KeyInit, Mac};
use qrcodegen::{QrCode, QrCodeEcc};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::{CryptoError, constant_time_eq, fill_random};

const STEP_SECONDS: u64 = 30;
const DIGITS: usize = 6;
const SECRET_LEN: usize = 20;
const MIN_SECRET_LEN: usize = 16;
const MAX_SECRET_LEN: usize = 64;

/// A TOTP shared secret; zeroized on drop, never printed.
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(..)")
    }
}

impl TotpSecret {
    /// 160 random bits, the length RFC 4226 recommends for HMAC-SHA-1.
    pub fn generate() -> TotpSecret {
        let mut bytes = Zeroizing::new(vec![0u8; SECRET_LEN]);
        fill_random(&mut bytes);
        TotpSecret(bytes)
    }

    /// A stored secret: 16 to 64 bytes (RFC 4226 asks for at least 128 bits).
    pub fn from_bytes(bytes: &[u8]) -> Result<TotpSecret, CryptoError> {
        if (MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&bytes.len()) {
            Ok(TotpSecret(Zeroizing::new(bytes.to_vec())))
        } else {
            Err(CryptoError::InvalidKey)
        }
    }

    /// The raw secret, to store (encrypted).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// RFC 4648 base32 without padding, for typing into an authenticator app by hand.
    pub fn base32(&self) -> String {
        base32(&self.0)
    }

    /// The `otpauth://totp/...` URL authenticator apps read from the QR code, with issuer
    /// and account percent-encoded. A colon in either would be read as the label separator,
    /// so it becomes a space.
    pub fn otpauth_url(&self, issuer: &str, account: &str) -> String {
        let issuer = percent_encode(&issuer.replace(':', " "));
        let account = percent_encode(&account.replace(':', " "));
        let secret = self.base32();
        let params =
            format!("secret={secret}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}");
        if issuer.is_empty() {
            format!("otpauth://totp/{account}?{params}")
        } else {
            format!("otpauth://totp/{issuer}:{account}?{params}&issuer={issuer}")
        }
    }

    /// The code for the step containing `unix_seconds`.
    pub fn code_at(&self, unix_seconds: u64) -> String {
        self.code_for_step(unix_seconds / STEP_SECONDS)
    }

    /// Checks a code typed at `unix_seconds` against the current step and one step either
    /// side (clock drift). Spaces are ignored ("123 456"). Returns the matched step, which the
    /// caller stores as `last_used_step`: steps at or before it are refused, so a code (or
    /// an earlier one) cannot be replayed.
    pub fn verify(
        &self,
        code: &str,
        unix_seconds: u64,
        last_used_step: Option<u64>,
    ) -> Option<u64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = unix_seconds / STEP_SECONDS;
        let mut matched = None;
        // Every candidate is computed and compared, so timing does not tell which matched.
        for step in current.saturating_sub(1)..=current + 1 {
            let fresh = last_used_step.is_none_or(|last| step > last);
            let equal = constant_time_eq(self.code_for_step(step).as_bytes(), code.as_bytes());
            if equal && fresh {
                matched = Some(step);
            }
        }
        matched
    }

    /// RFC 4226 HOTP with dynamic truncation.
    fn code_for_step(&self, step: u64) -> String {
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC takes keys of any length");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = usize::from(digest[digest.len() - 1] & 0x0f);
        let binary = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        format!("{:06}", binary % 1_000_000)
    }
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters, byte by byte in UTF-8.
fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for byte in input.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The QR code of `text` as a standalone SVG: `viewBox` only (so CSS sizes it),
/// `crispEdges`, a 4-module quiet zone, error correction medium or better, the dark modules
/// as one `<path>`; no script, no external reference. Text too long for a QR code (about
/// 2,300 bytes) gives a blank square: use [`try_qr_svg`] to tell.
pub fn qr_svg(text: &str) -> String {
    try_qr_svg(text).unwrap_or_else(|_| svg(21, ""))
}

/// [`qr_svg`], or `Format` when the text does not fit in a QR code.
pub fn try_qr_svg(text: &str) -> Result<String, CryptoError> {
    const QUIET: i32 = 4;
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| CryptoError::Format)?;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                let _ = write!(path, "M{},{}h1v1h-1z", x + QUIET, y + QUIET);
            }
        }
    }
    Ok(svg(qr.size() + 2 * QUIET, &path))
}

fn svg(size: i32, path: &str) -> String {
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" "##,
            r##"shape-rendering="crispEdges">"##,
            r##"<rect width="{size}" height="{size}" fill="#fff"/>"##,
            r##"<path d="{path}" fill="#000"/></svg>"##
        ),
        size = size,
        path = path
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890").unwrap()
    }

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B (SHA-1), last 6 of the 8 digits.
        let secret = rfc_secret();
        let vectors = [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ];
        for (time, code) in vectors {
            assert_eq!(secret.code_at(time), code, "T={time}");
            assert_eq!(secret.verify(code, time, None), Some(time / 30));
        }
    }

    #[test]
    fn rfc4226_hotp_vectors() {
        let secret = rfc_secret();
        let codes = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (step, code) in codes.iter().enumerate() {
            assert_eq!(secret.code_for_step(step as u64), *code);
        }
    }

    #[test]
    fn window_is_one_step_either_side() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_015; // step 56_666_667
        let step = now / 30;
        for (offset, accepted) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let at = (now as i64 + offset * 30) as u64;
            let code = secret.code_at(at);
            let expected = accepted.then_some(at / 30);
            // A code from a rejected step might by chance equal an accepted one (1e-6).
            if !accepted && (step - 1..=step + 1).any(|s| secret.code_for_step(s) == code) {
                continue;
            }
            assert_eq!(secret.verify(&code, now, None), expected, "offset {offset}");
        }
        // At the very start of time there is no previous step.
        assert_eq!(secret.verify(&secret.code_at(0), 0, None), Some(0));
        assert_eq!(secret.verify(&secret.code_at(30), 0, None), Some(1));
    }

    #[test]
    fn replay_is_refused() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_015;
        let code = secret.code_at(now);
        let step = secret.verify(&code, now, None).unwrap();
        assert_eq!(secret.verify(&code, now, Some(step)), None);
        assert_eq!(secret.verify(&code, now + 10, Some(step)), None);
        // An older code is refused once a newer step was used.
        let previous = secret.code_at(now - 30);
        if previous != code {
            assert_eq!(secret.verify(&previous, now, Some(step)), None);
        }
        // The next step's code still works.
        let next = secret.code_at(now + 30);
        assert_eq!(secret.verify(&next, now + 30, Some(step)), Some(step + 1));
        // A last used step before the window changes nothing.
        assert_eq!(secret.verify(&code, now, Some(step - 5)), Some(step));
    }

    #[test]
    fn spaces_are_trimmed_and_garbage_refused() {
        let secret = rfc_secret();
        assert_eq!(secret.verify(" 287 082 ", 59, None), Some(1));
        assert_eq!(secret.verify("287\u{a0}082", 59, None), Some(1));
        for garbage in [
            "",
            " ",
            "28708",
            "2870822",
            "28708a",
            "+87082",
            "-87082",
            "２８７０８２",
            "287082\0",
            "94287082",
            "287-082",
            "ABCDEF",
        ] {
            assert_eq!(secret.verify(garbage, 59, None), None, "{garbage:?}");
        }
        assert_eq!(secret.verify("287082", u64::MAX, None), None);
        let _ = secret.code_at(u64::MAX);
    }

    #[test]
    fn secret_lengths_and_encodings() {
        assert_eq!(TotpSecret::generate().as_bytes().len(), 20);
        assert_ne!(
            TotpSecret::generate().as_bytes(),
            TotpSecret::generate().as_bytes()
        );
        for len in [0, 1, 15, 65, 100] {
            assert!(TotpSecret::from_bytes(&vec![1; len]).is_err(), "{len}");
        }
        for len in [16, 20, 32, 64] {
            assert_eq!(
                TotpSecret::from_bytes(&vec![1; len])
                    .unwrap()
                    .as_bytes()
                    .len(),
                len
            );
        }
        // RFC 4648 test vectors (without padding).
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "MY"),
            (b"fo", "MZXQ"),
            (b"foo", "MZXW6"),
            (b"foob", "MZXW6YQ"),
            (b"fooba", "MZXW6YTB"),
            (b"foobar", "MZXW6YTBOI"),
        ];
        for (input, expected) in cases {
            assert_eq!(base32(input), expected);
        }
        assert_eq!(rfc_secret().base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    #[test]
    fn otpauth_url_is_encoded() {
        let secret = rfc_secret();
        assert_eq!(
            secret.otpauth_url("Mosaïque", "élise+test@example.org"),
            "otpauth://totp/Mosa%C3%AFque:%C3%A9lise%2Btest%40example.org?\
             secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30\
             &issuer=Mosa%C3%AFque"
        );
        let url = secret.otpauth_url("A&B Coalition: QC", "a b?c#d/e");
        assert!(url.starts_with("otpauth://totp/A%26B%20Coalition%20%20QC:a%20b%3Fc%23d%2Fe?"));
        assert!(url.ends_with("&issuer=A%26B%20Coalition%20%20QC"));
        assert_eq!(
            secret.otpauth_url("", "bob"),
            "otpauth://totp/bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn qr_svg_is_well_formed() {
        let url = rfc_secret().otpauth_url("Mosaïque", "elise@example.org");
        let svg = qr_svg(&url);
        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"shape-rendering="crispEdges""#));
        assert_eq!(svg.matches("<path ").count(), 1);
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(!svg.contains("width=\"100%\""));
        for forbidden in [
            "<script",
            "href",
            "url(",
            " on",
            "<image",
            "<foreignObject",
            "<style",
        ] {
            let body = svg.replace("http://www.w3.org/2000/svg", "");
            assert!(!body.contains(forbidden), "{forbidden}");
        }
        // The root element has a viewBox and no width or height.
        let root = &svg[..svg.find('>').unwrap()];
        assert!(root.contains("viewBox") && !root.contains("width") && !root.contains("height"));
        // Size = modules + 2 × 4 quiet zone, matching the QR code's own size.
        let qr = QrCode::encode_text(&url, QrCodeEcc::Medium).unwrap();
        let size = qr.size() + 8;
        assert!(svg.contains(&format!(r#"viewBox="0 0 {size} {size}""#)));
        assert!(qr.error_correction_level() >= QrCodeEcc::Medium);
        // One square per dark module, none inside the quiet zone.
        let dark = (0..qr.size())
            .flat_map(|y| (0..qr.size()).map(move |x| (x, y)))
            .filter(|&(x, y)| qr.get_module(x, y))
            .count();
        assert_eq!(svg.matches('M').count(), dark);
        assert!(svg.contains("M4,4h1v1h-1z"), "finder pattern corner");
        assert!(!svg.contains("M3,") && !svg.contains(",3h"));
        // Well formed: tags balance (the three elements).
        assert_eq!(svg.matches('<').count(), 4);
        assert_eq!(svg.matches("/>").count() + svg.matches("</svg>").count(), 3);
    }

    #[test]
    fn qr_svg_of_too_long_text_is_blank_not_a_panic() {
        let long = "x".repeat(5_000);
        assert_eq!(try_qr_svg(&long), Err(CryptoError::Format));
        let svg = qr_svg(&long);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"d="""#));
    }

    #[test]
    fn debug_is_redacted() {
        let secret = rfc_secret();
        let debug = format!("{secret:?} {secret:#?}");
        assert!(
            !debug.contains("1234") && !debug.contains("GEZD"),
            "{debug}"
        );
    }
}
