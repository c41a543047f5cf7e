//! The keys the store uses at its read/write boundary, derived once from the master key.

use mosaique_crypto::{AuditSigner, BlindIndex, FieldCipher, MasterKey};

/// Current version of the coalition-scope field key (credentials such as TOTP secrets).
pub(crate) const SECRETS_KEY_VERSION: u8 = 1;

pub(crate) struct Keys {
    audit_signer: AuditSigner,
    secrets: FieldCipher,
    recovery_codes: BlindIndex,
}

impl Keys {
    pub(crate) fn new(master: MasterKey) -> Keys {
        Keys {
            audit_signer: master.audit_signer(),
            secrets: master.field_cipher("coalition-secrets", SECRETS_KEY_VERSION),
            recovery_codes: master.blind_index("recovery-codes"),
        }
    }

    pub(crate) fn audit_signer(&self) -> &AuditSigner {
        &self.audit_signer
    }

    /// The cipher for credentials that belong to no organization's data (TOTP secrets).
    pub(crate) fn secrets(&self) -> &FieldCipher {
        &self.secrets
    }

    /// Recovery codes carry about 50 bits: a plain hash of them could be brute-forced from
    /// a stolen database, so they are stored under a keyed hash instead.
    pub(crate) fn recovery_code_hash(&self, code: &str) -> String {
        self.recovery_codes
            .compute(&mosaique_crypto::normalize_recovery_code(code))
    }
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}
