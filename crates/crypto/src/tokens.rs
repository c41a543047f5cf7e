//! Random tokens (sessions, resets, invitations) and recovery codes.

use std::hint::black_box;

use crate::{fill_random, sha256_hex};

/// Recovery code alphabet: Crockford's base32 (digits and lowercase letters without i, l, o
/// and u). 32 symbols, so 10 of them carry exactly 50 bits; the letters people confuse with
/// digits are read as those digits by [`normalize_recovery_code`].
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_HALF: usize = 5;

/// 256 bits from the OS CSPRNG in lowercase hex (64 characters): a session, reset or
/// invitation token. Store only its [`token_hash`].
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    crate::hex(&bytes)
}

/// What to store and look up for a token: its SHA-256 in hex. A token carries 256 random
/// bits, so an unsalted fast hash is enough, and a database leak reveals no usable token.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// `count` distinct recovery codes, each `xxxxx-xxxxx` in Crockford base32 (50 bits).
/// With only 50 bits, store them with `hash_password`, not a fast hash.
pub fn recovery_codes(count: usize) -> Vec<String> {
    let mut codes: Vec<String> = Vec::with_capacity(count);
    while codes.len() < count {
        let code = recovery_code();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

fn recovery_code() -> String {
    let mut bytes = [0u8; 2 * RECOVERY_HALF];
    fill_random(&mut bytes);
    let mut code = String::with_capacity(2 * RECOVERY_HALF + 1);
    for (i, byte) in bytes.iter().enumerate() {
        if i == RECOVERY_HALF {
            code.push('-');
        }
        // 256 is a multiple of 32: taking the low 5 bits is uniform.
        code.push(char::from(RECOVERY_ALPHABET[usize::from(byte & 31)]));
    }
    code
}

/// Brings typed input to the stored form: lowercase, no spaces; `o` read as `0`, `i` and `l`
/// as `1`; and, when 10 code characters remain, the dash put back after the fifth (so
/// "ABCDE 12345", "abcde12345" and "abcde-12345" all match). Other input is returned
/// cleaned but otherwise as typed, and matches no code.
pub fn normalize_recovery_code(input: &str) -> String {
    let cleaned: Vec<char> = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'o' => '0',
            'i' | 'l' => '1',
            // Typographic dashes, as a phone keyboard may insert.
            '‐' | '‑' | '–' | '—' => '-',
            other => other,
        })
        .collect();
    let symbols: Vec<char> = cleaned.iter().copied().filter(|&c| c != '-').collect();
    let dashes = cleaned.len() - symbols.len();
    let well_placed = dashes == 0 || (dashes == 1 && cleaned.get(RECOVERY_HALF) == Some(&'-'));
    if symbols.len() == 2 * RECOVERY_HALF && well_placed {
        let mut out: String = symbols[..RECOVERY_HALF].iter().collect();
        out.push('-');
        out.extend(&symbols[RECOVERY_HALF..]);
        out
    } else {
        cleaned.into_iter().collect()
    }
}

/// Compares two byte strings in time that depends only on their lengths, for secrets
/// (codes, MACs) where an early exit would tell an attacker how many leading bytes match.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut difference = 0u8;
    for (x, y) in a.iter().zip(b) {
        difference |= black_box(x ^ y);
    }
    black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn tokens_are_random_hex() {
        let tokens: HashSet<String> = (0..1000).map(|_| random_token()).collect();
        assert_eq!(tokens.len(), 1000);
        for token in &tokens {
            assert_eq!(token.len(), 64);
            assert!(
                token
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            );
        }
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = random_token();
        assert_eq!(token_hash(&token), token_hash(&token));
        assert_ne!(token_hash(&token), token);
    }

    #[test]
    fn recovery_codes_are_distinct_and_well_formed() {
        assert!(recovery_codes(0).is_empty());
        let codes = recovery_codes(500);
        assert_eq!(codes.len(), 500);
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 500);
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(code.as_bytes()[5], b'-');
            assert!(
                code.bytes()
                    .enumerate()
                    .all(|(i, b)| i == 5 || RECOVERY_ALPHABET.contains(&b)),
                "{code}"
            );
            assert_eq!(&normalize_recovery_code(code), code);
            assert_eq!(&normalize_recovery_code(&code.to_uppercase()), code);
        }
        // Every symbol shows up: the alphabet is used uniformly, not a subset of it.
        let used: HashSet<u8> = codes.iter().flat_map(|c| c.bytes()).collect();
        assert_eq!(used.len(), 33);
        // ≥ 50 bits each.
        assert!(10.0 * (RECOVERY_ALPHABET.len() as f64).log2() >= 50.0);
        // No ambiguous letters in the alphabet.
        assert!(!RECOVERY_ALPHABET.iter().any(|b| b"ilou".contains(b)));
    }

    #[test]
    fn normalization_table() {
        let cases = [
            ("abcde-12345", "abcde-12345"),
            ("ABCDE-12345", "abcde-12345"),
            (" abcde - 12345 ", "abcde-12345"),
            ("abcde12345", "abcde-12345"),
            ("ab cde 123 45", "abcde-12345"),
            ("abcde–12345", "abcde-12345"),
            ("ABCDE-O1IL5", "abcde-01115"),
            ("abcd-e12345", "abcd-e12345"),
            ("abcde--12345", "abcde--12345"),
            ("abcde-1234", "abcde-1234"),
            ("", ""),
            ("-", "-"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_recovery_code(input), expected, "{input:?}");
        }
    }

    #[test]
    fn constant_time_eq_table() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"bbc"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(!constant_time_eq(&[0x80], &[0x00]));
    }
}
