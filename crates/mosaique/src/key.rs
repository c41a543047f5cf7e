//! The master key file. Field encryption and audit signatures derive their keys from it;
//! without it personal data cannot be read, so it must exist, be valid and be readable by
//! this account alone.

use std::io::Write;
use std::path::Path;

use mosaique_crypto::MasterKey;

use crate::failure::Failure;

/// Whether the key was already there or has just been created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Existing,
    Created,
}

/// Reads the key file; with `create`, makes a new random key (mode 0600) when absent.
pub fn load(path: &Path, create: bool) -> Result<(MasterKey, KeyStatus), Failure> {
    match std::fs::metadata(path) {
        Ok(meta) => {
            if group_or_world_readable(&meta) {
                return Err(Failure::key_permissions(path));
            }
            let text = std::fs::read_to_string(path).map_err(|e| Failure::key_io(path, &e))?;
            let key = MasterKey::from_hex(&text).map_err(|_| Failure::key_invalid(path))?;
            Ok((key, KeyStatus::Existing))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if !create {
                return Err(Failure::key_missing(path));
            }
            let key = MasterKey::generate();
            let mut file = create_private(path).map_err(|e| Failure::key_io(path, &e))?;
            file.write_all(format!("{}\n", key.to_hex().as_str()).as_bytes())
                .map_err(|e| Failure::key_io(path, &e))?;
            file.sync_all().map_err(|e| Failure::key_io(path, &e))?;
            Ok((key, KeyStatus::Created))
        }
        Err(e) => Err(Failure::key_io(path, &e)),
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn group_or_world_readable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o077 != 0
}

#[cfg(not(unix))]
fn group_or_world_readable(_meta: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_checks_and_refuses_loose_keys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("k");
        assert!(
            load(&path, false).is_err(),
            "missing key refused without create"
        );
        let (created, status) = load(&path, true).expect("created");
        assert_eq!(status, KeyStatus::Created);
        let (again, status) = load(&path, false).expect("read back");
        assert_eq!(status, KeyStatus::Existing);
        assert_eq!(created.to_hex().as_str(), again.to_hex().as_str());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
                0o600
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(load(&path, false).is_err(), "world-readable key refused");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        std::fs::write(&path, "not hex").expect("write");
        assert!(load(&path, false).is_err(), "garbage refused");
    }
}
