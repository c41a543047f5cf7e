//! Field encryption: one column value sealed with XChaCha20-Poly1305 and bound to its place.
//!
//! Layout: `[key_version: u8][24-byte random nonce][ciphertext + 16-byte tag]`. The AAD is
//! `table|column|row_id|key_version`, so a ciphertext copied to another row, column or table,
//! or relabelled with another key version, fails to open instead of showing the wrong
//! person's data. 192-bit random nonces make nonce reuse negligible without any counter.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::{CryptoError, fill_random};

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + NONCE_LEN;

/// Seals and opens field values under one key version. The key is zeroized on drop (the
/// cipher's `zeroize` feature) and never printed.
pub struct FieldCipher {
    aead: XChaCha20Poly1305,
    version: u8,
}

impl fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldCipher")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl FieldCipher {
    pub(crate) fn new(key: &[u8; 32], version: u8) -> FieldCipher {
        FieldCipher {
            aead: XChaCha20Poly1305::new(<&Key>::from(key)),
            version,
        }
    }

    /// The key version written into every ciphertext this cipher seals.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Encrypts `plaintext` for one cell; a fresh random nonce each call, so sealing the same
    /// value twice gives different bytes.
    pub fn seal(&self, plaintext: &[u8], table: &str, column: &str, row_id: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce);
        let nonce = XNonce::from(nonce);
        let aad = associated_data(table, column, row_id, self.version);
        let ciphertext = self
            .aead
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("a field value is within XChaCha20-Poly1305 limits (256 GiB)");
        let mut out = Vec::with_capacity(HEADER_LEN + ciphertext.len());
        out.push(self.version);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Decrypts what [`FieldCipher::seal`] produced for the same cell. `Format` for input too
    /// short to be a ciphertext; `Decrypt` for anything else that does not authenticate
    /// (another key or version, another cell, tampering). Use [`sealed_key_version`] first to
    /// pick the cipher of the right version.
    pub fn open(
        &self,
        sealed: &[u8],
        table: &str,
        column: &str,
        row_id: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if sealed.len() < HEADER_LEN + TAG_LEN {
            return Err(CryptoError::Format);
        }
        let (version, rest) = sealed.split_at(1);
        if version[0] != self.version {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Format)?;
        let aad = associated_data(table, column, row_id, version[0]);
        self.aead
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Decrypt)
    }
}

/// The key version a ciphertext was sealed with, to choose the cipher that opens it (and to
/// find rows still on an old version during rotation). `None` for input too short to be one.
pub fn sealed_key_version(sealed: &[u8]) -> Option<u8> {
    if sealed.len() < HEADER_LEN + TAG_LEN {
        return None;
    }
    sealed.first().copied()
}

/// `table|column|row_id|key_version`. A `|` or `\` inside a part is escaped with `\`, so two
/// different cells can never share an AAD (ordinary identifiers are left as they are).
fn associated_data(table: &str, column: &str, row_id: &str, version: u8) -> Vec<u8> {
    let mut aad = String::with_capacity(table.len() + column.len() + row_id.len() + 8);
    for part in [table, column, row_id] {
        for c in part.chars() {
            if c == '|' || c == '\\' {
                aad.push('\\');
            }
            aad.push(c);
        }
        aad.push('|');
    }
    aad.push_str(&version.to_string());
    aad.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MasterKey;

    fn cipher() -> (MasterKey, FieldCipher) {
        let master = MasterKey::generate();
        let cipher = master.field_cipher("org-1", 1);
        (master, cipher)
    }

    #[test]
    fn round_trips() {
        let (_, cipher) = cipher();
        let long = vec![0xA5u8; 100_000];
        let cases: [&[u8]; 5] = [b"", b"x", "Élise Tremblay".as_bytes(), b"\0\xff\x00", &long];
        for plaintext in cases {
            let sealed = cipher.seal(plaintext, "persons", "name", "0192-abc");
            assert_eq!(sealed.len(), HEADER_LEN + plaintext.len() + TAG_LEN);
            assert_eq!(sealed[0], 1);
            assert_eq!(sealed_key_version(&sealed), Some(1));
            let opened = cipher.open(&sealed, "persons", "name", "0192-abc").unwrap();
            assert_eq!(opened.as_slice(), plaintext);
        }
    }

    #[test]
    fn version_is_written() {
        let master = MasterKey::generate();
        for version in [0u8, 1, 7, 255] {
            let cipher = master.field_cipher("s", version);
            assert_eq!(cipher.version(), version);
            let sealed = cipher.seal(b"v", "t", "c", "r");
            assert_eq!(sealed_key_version(&sealed), Some(version));
            assert_eq!(
                cipher.open(&sealed, "t", "c", "r").unwrap().as_slice(),
                b"v"
            );
        }
    }

    #[test]
    fn same_plaintext_seals_differently() {
        let (_, cipher) = cipher();
        let a = cipher.seal(b"same", "t", "c", "r");
        let b = cipher.seal(b"same", "t", "c", "r");
        assert_ne!(a, b);
        assert_ne!(a[1..HEADER_LEN], b[1..HEADER_LEN], "nonces must differ");
    }

    #[test]
    fn open_fails_out_of_place_or_tampered() {
        let (master, cipher) = cipher();
        let sealed = cipher.seal(b"secret", "persons", "name", "row-1");
        let wrong_place = [
            ("other", "name", "row-1"),
            ("persons", "phone", "row-1"),
            ("persons", "name", "row-2"),
            ("persons", "name", "row-1 "),
            ("", "", ""),
            // Moving a separator between parts must not give the same AAD.
            ("persons|name", "", "row-1"),
            ("persons", "name|row-1", ""),
        ];
        for (table, column, row) in wrong_place {
            assert_eq!(
                cipher.open(&sealed, table, column, row).map(|_| ()),
                Err(CryptoError::Decrypt),
                "{table}/{column}/{row}"
            );
        }

        // A relabelled version byte fails under either version's cipher.
        let mut relabelled = sealed.clone();
        relabelled[0] = 2;
        assert!(
            cipher
                .open(&relabelled, "persons", "name", "row-1")
                .is_err()
        );
        let v2 = master.field_cipher("org-1", 2);
        assert!(v2.open(&relabelled, "persons", "name", "row-1").is_err());
        assert!(v2.open(&sealed, "persons", "name", "row-1").is_err());

        // Any single flipped bit, in the nonce, ciphertext or tag.
        for i in 1..sealed.len() {
            for bit in [0x01u8, 0x80] {
                let mut flipped = sealed.clone();
                flipped[i] ^= bit;
                assert_eq!(
                    cipher
                        .open(&flipped, "persons", "name", "row-1")
                        .map(|_| ()),
                    Err(CryptoError::Decrypt),
                    "byte {i}"
                );
            }
        }

        // Truncated input: too short for a ciphertext, or a dropped tag byte.
        for len in 0..sealed.len() {
            assert!(
                cipher
                    .open(&sealed[..len], "persons", "name", "row-1")
                    .is_err()
            );
        }
        assert_eq!(
            cipher
                .open(
                    &sealed[..HEADER_LEN + TAG_LEN - 1],
                    "persons",
                    "name",
                    "row-1"
                )
                .map(|_| ()),
            Err(CryptoError::Format)
        );
        let mut extended = sealed.clone();
        extended.push(0);
        assert!(cipher.open(&extended, "persons", "name", "row-1").is_err());

        // Another key: another scope, another master key.
        let other_scope = master.field_cipher("org-2", 1);
        assert!(
            other_scope
                .open(&sealed, "persons", "name", "row-1")
                .is_err()
        );
        let other_master = MasterKey::generate().field_cipher("org-1", 1);
        assert!(
            other_master
                .open(&sealed, "persons", "name", "row-1")
                .is_err()
        );
    }

    #[test]
    fn same_master_and_scope_derive_same_cipher() {
        let master = MasterKey::generate();
        let again = MasterKey::from_hex(&master.to_hex()).unwrap();
        let sealed = master.field_cipher("s", 3).seal(b"x", "t", "c", "r");
        let opened = again
            .field_cipher("s", 3)
            .open(&sealed, "t", "c", "r")
            .unwrap();
        assert_eq!(opened.as_slice(), b"x");
    }

    #[test]
    fn key_version_of_garbage() {
        assert_eq!(sealed_key_version(&[]), None);
        assert_eq!(sealed_key_version(&[1; HEADER_LEN + TAG_LEN - 1]), None);
        assert_eq!(sealed_key_version(&[9; HEADER_LEN + TAG_LEN]), Some(9));
    }

    #[test]
    fn aad_layout() {
        assert_eq!(
            associated_data("persons", "name", "r1", 1),
            b"persons|name|r1|1"
        );
        assert_eq!(associated_data("a|b", "c\\", "", 255), b"a\\|b|c\\\\||255");
    }

    #[test]
    fn debug_shows_only_the_version() {
        let (_, cipher) = cipher();
        assert_eq!(format!("{cipher:?}"), "FieldCipher { version: 1, .. }");
    }
}
