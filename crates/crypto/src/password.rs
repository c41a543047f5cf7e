//! Passwords: the policy (ASVS v5.0.0-6.2: length, not composition; no common or
//! identity-based passwords) and argon2id hashing with OWASP's parameters.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::CryptoError;
use mosaique_domain::text::fold;

/// At least 12 characters (ASVS asks for 8 and recommends 15).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Long enough for any passphrase, short enough to bound hashing work.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Identity items shorter than this are too likely to occur by chance to refuse.
const MIN_IDENTITY_CHARS: usize = 4;

/// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
const M_COST_KIB: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
/// Limits for hashes read back, so a corrupted or planted PHC string cannot make a login
/// allocate gigabytes or spin for minutes. Generous enough for future, stronger parameters.
const MAX_M_COST_KIB: u32 = 262_144;
const MAX_T_COST: u32 = 16;
const MAX_P_COST: u32 = 8;

/// The password of [`DUMMY_PHC`], for the test that it verifies in full. Knowing it opens
/// nothing: the dummy is checked only when there is no account, and the answer is `false`.
#[cfg(test)]
const DUMMY_PASSWORD: &str = "no account has this password";
/// An argon2id hash with the real parameters, checked when the account does not exist so
/// that the answer takes as long as for a real account.
const DUMMY_PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$Ab+DXE/fjCWJdptenNtbNA$NoCCDniduXtJE+vcrkUbWMxJdrdbGOReMsNFEISGfrs";

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty())
        .collect()
});

/// Why a password was refused; the web layer turns each into a translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Fewer than `min` characters.
    TooShort { min: usize },
    /// More than `max` characters.
    TooLong { max: usize },
    /// In the list of common passwords (case-insensitive).
    Common,
    /// Contains the user's name, email or another identity item.
    ContainsIdentity,
}

/// Checks a new password; every problem found is returned, in a stable order. Length counts
/// Unicode scalar values. `identity` holds the user's name, email and the like: the password
/// may not contain any of them, nor any word of 4+ characters in them (an email counts by
/// its local part), ignoring case and accents.
pub fn check_password_policy(
    password: &str,
    identity: &[&str],
) -> Result<(), Vec<PasswordProblem>> {
    let mut problems = Vec::new();
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        problems.push(PasswordProblem::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if chars > MAX_PASSWORD_CHARS {
        problems.push(PasswordProblem::TooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    if is_common_password(password) {
        problems.push(PasswordProblem::Common);
    }
    let folded = fold(password);
    if identity_terms(identity).any(|term| folded.contains(&term)) {
        problems.push(PasswordProblem::ContainsIdentity);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Whether the password, lower-cased, is in the shipped common-password list.
pub fn is_common_password(password: &str) -> bool {
    COMMON_PASSWORDS.contains(password.to_lowercase().as_str())
}

/// Each identity item whole (an email by its local part), then each of its words, folded;
/// only terms of 4+ characters.
fn identity_terms<'a>(identity: &'a [&'a str]) -> impl Iterator<Item = String> + 'a {
    identity.iter().flat_map(|item| {
        let item = item.trim();
        let item = match item.split_once('@') {
            Some((local, _domain)) => local,
            None => item,
        };
        let folded = fold(item);
        let words: Vec<String> = folded
            .split(|c: char| !c.is_alphanumeric())
            .map(str::to_owned)
            .collect();
        std::iter::once(folded)
            .chain(words)
            .filter(|term| term.chars().count() >= MIN_IDENTITY_CHARS)
    })
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, Some(Params::DEFAULT_OUTPUT_LEN))
        .expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with argon2id (m=19456 KiB, t=2, p=1) and a random salt; returns the
/// PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) to store.
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|_| CryptoError::Hash)
}

/// Whether `password` matches the stored PHC string. With `None` (no such account) a dummy
/// hash is checked and `false` returned, so the time taken does not reveal which accounts
/// exist (ASVS v5.0.0-6.3.8). A malformed hash, or one with other than argon2id or outlandish
/// parameters, is `false`; never a panic.
pub fn verify_password(password: &str, phc: Option<&str>) -> bool {
    let Some(phc) = phc else {
        std::hint::black_box(check(password, DUMMY_PHC));
        return false;
    };
    check(password, phc)
}

fn check(password: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    if hash.algorithm.as_str() != "argon2id" {
        return false;
    }
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    if params.m_cost() > MAX_M_COST_KIB
        || params.t_cost() > MAX_T_COST
        || params.p_cost() > MAX_P_COST
    {
        return false;
    }
    argon2().verify_password(password.as_bytes(), &hash).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_list_is_loaded() {
        assert!(COMMON_PASSWORDS.len() >= 10_000);
        for p in ["password1234", "123456789012", "password", "motdepasse"] {
            assert!(COMMON_PASSWORDS.contains(p), "{p}");
        }
        assert!(COMMON_PASSWORDS.iter().all(|p| *p == p.to_lowercase()));
        assert!(is_common_password("PassWord1234"));
        assert!(!is_common_password("correct horse battery staple, 2024"));
    }

    #[test]
    fn policy_table() {
        use PasswordProblem::*;
        let identity = ["Élise Tremblay", "elise.tremblay@example.org"];
        let short = TooShort { min: 12 };
        let long = TooLong { max: 128 };
        let cases: Vec<(String, Result<(), Vec<PasswordProblem>>)> = vec![
            ("".into(), Err(vec![short])),
            ("abc".into(), Err(vec![short])),
            ("mE7#kq!2zP0".into(), Err(vec![short])),
            ("mE7#kq!2zP0w".into(), Ok(())),
            ("vélo-pâtés-ïle".into(), Ok(())),
            // 12 scalar values but 24 bytes: counts as 12.
            ("éééééééééééé".into(), Ok(())),
            ("ééééééééééé".into(), Err(vec![short])),
            ("x".repeat(128), Ok(())),
            ("x".repeat(129), Err(vec![long])),
            ("password1234".into(), Err(vec![Common])),
            ("PASSWORD1234".into(), Err(vec![Common])),
            ("password".into(), Err(vec![short, Common])),
            ("tremblay-rocks-2024".into(), Err(vec![ContainsIdentity])),
            ("ELISE-IS-FINE-2024".into(), Err(vec![ContainsIdentity])),
            ("Élise!Tremblay".into(), Err(vec![ContainsIdentity])),
            ("my elise.tremblay pass".into(), Err(vec![ContainsIdentity])),
            ("ryelise".into(), Err(vec![short, ContainsIdentity])),
            // The email's domain is not an identity item.
            ("example-horse-staple".into(), Ok(())),
            ("correct horse battery staple".into(), Ok(())),
        ];
        for (password, expected) in cases {
            assert_eq!(
                check_password_policy(&password, &identity),
                expected,
                "{password:?}"
            );
        }
    }

    #[test]
    fn short_identity_items_are_ignored() {
        assert_eq!(
            check_password_policy("long enough and bob", &["bob", "Li", ""]),
            Ok(())
        );
        assert_eq!(
            check_password_policy("long enough and bobby", &["Bobby"]),
            Err(vec![PasswordProblem::ContainsIdentity])
        );
        assert_eq!(check_password_policy("long enough and bobby", &[]), Ok(()));
    }

    #[test]
    fn hash_and_verify() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery staple", Some(&hash)));
        assert!(!verify_password("correct horse battery stapl", Some(&hash)));
        assert!(!verify_password("", Some(&hash)));
        // Random salt: the same password hashes differently.
        assert_ne!(hash, hash_password("correct horse battery staple").unwrap());
    }

    #[test]
    fn verifies_hashes_of_the_reference_implementation() {
        // Made by argon2-cffi (the reference C implementation) with the same parameters.
        let reference = "$argon2id$v=19$m=19456,t=2,p=1$cRGp2caCcvX7UEESXR6v9w$\
                         WWeB5SpzhbM6zDCmERtBfmQQeZC7y9ySJ8d0q6eq56I";
        assert!(verify_password(
            "correct horse battery staple",
            Some(reference)
        ));
        assert!(!verify_password(
            "correct horse battery staplE",
            Some(reference)
        ));
    }

    #[test]
    fn missing_or_garbage_hashes_are_false() {
        assert!(!verify_password("anything", None));
        assert!(!verify_password("", None));
        let garbage = [
            "",
            "$",
            "not a hash",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$",
            "$argon2id$v=19$m=19456,t=2,p=1$!!!$!!!",
            "$argon2id$v=99$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=1,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=4294967295,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=19456,t=4294967295,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=19456,t=2,p=255$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$pbkdf2-sha256$i=1000$c2FsdA$aGFzaA",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "\u{0}\u{ffff}",
        ];
        for phc in garbage {
            assert!(!verify_password("password", Some(phc)), "{phc:?}");
        }
    }

    #[test]
    fn missing_account_costs_a_real_verification() {
        // The dummy hash passes every gate `check` applies and verifies in full: its own
        // password matches it, so the missing-account path runs the whole argon2id work
        // with the real parameters (next test), not an early return. (A timing comparison
        // flaked on a loaded machine; this holds whatever the load.)
        assert!(check(DUMMY_PASSWORD, DUMMY_PHC));
        assert!(!verify_password(DUMMY_PASSWORD, None), "never a sign-in");
    }

    #[test]
    fn dummy_hash_has_the_real_parameters() {
        let hash = PasswordHash::new(DUMMY_PHC).unwrap();
        assert_eq!(hash.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&hash).unwrap();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (M_COST_KIB, T_COST, P_COST)
        );
        assert_eq!(hash.hash.map(|h| h.len()), Some(Params::DEFAULT_OUTPUT_LEN));
        let real = hash_password("x").unwrap();
        assert_eq!(real.len(), DUMMY_PHC.len());
    }
}
