//! The master key file. It holds one or more versions of the master key, one per line as
//! `VERSION HEX` (a bare 64-hex-digit line is version 1); the highest version is current.
//! The master keys only wrap data keys; without them no sealed data can be read, so the
//! file must exist, be valid and be readable by this account alone.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use mosaique_crypto::MasterKey;
pub use mosaique_store::keys::MasterKeys;

/// Why the key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("no key file at {}", .0.display())]
    Missing(PathBuf),
    /// Readable by the group or others: refused, as a leaked key opens everything.
    #[error("{} is readable by others", .0.display())]
    Permissions(PathBuf),
    #[error("{} does not hold valid master keys", .0.display())]
    Invalid(PathBuf),
    #[error("{path}: {error}", path = .0.display(), error = .1)]
    Io(PathBuf, std::io::Error),
}

/// Whether the key file was already there or has just been created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Existing,
    Created,
}

const HEADER: &str =
    "# Mosaïque master keys: VERSION HEX, newest last. Keep this file secret (mode 0600).\n";

/// Reads the key file; with `create`, makes one with a new random key when absent.
pub fn load(path: &Path, create: bool) -> Result<(MasterKeys, KeyStatus), KeyFileError> {
    match std::fs::metadata(path) {
        Ok(meta) => {
            if group_or_world_readable(&meta) {
                return Err(KeyFileError::Permissions(path.to_owned()));
            }
            let text =
                std::fs::read_to_string(path).map_err(|e| KeyFileError::Io(path.to_owned(), e))?;
            Ok((
                parse(&text).ok_or_else(|| KeyFileError::Invalid(path.to_owned()))?,
                KeyStatus::Existing,
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if !create {
                return Err(KeyFileError::Missing(path.to_owned()));
            }
            let key = MasterKey::generate();
            write_private(
                path,
                &format!("{HEADER}1 {}\n", key.to_hex().as_str()),
                false,
            )?;
            Ok((MasterKeys::single(key), KeyStatus::Created))
        }
        Err(e) => Err(KeyFileError::Io(path.to_owned(), e)),
    }
}

fn parse(text: &str) -> Option<MasterKeys> {
    let mut versions = BTreeMap::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (version, hex) = match line.split_once(char::is_whitespace) {
            Some((v, hex)) => (v.parse::<u8>().ok()?, hex.trim()),
            None => (1, line),
        };
        if versions
            .insert(version, MasterKey::from_hex(hex).ok()?)
            .is_some()
        {
            return None;
        }
    }
    MasterKeys::new(versions).ok()
}

/// Adds a new, current master key version to the file; returns its number.
pub fn add_version(path: &Path) -> Result<u8, KeyFileError> {
    let (keys, _) = load(path, false)?;
    let next = keys
        .current_version()
        .checked_add(1)
        .ok_or_else(|| KeyFileError::Invalid(path.to_owned()))?;
    let key = MasterKey::generate();
    let mut text = render(&keys, |_| true);
    text.push_str(&format!("{next} {}\n", key.to_hex().as_str()));
    write_private(path, &text, true)?;
    Ok(next)
}

/// Rewrites the file with only the versions still in use (and always the current one).
pub fn keep_only(path: &Path, in_use: &BTreeSet<u8>) -> Result<Vec<u8>, KeyFileError> {
    let (keys, _) = load(path, false)?;
    let current = keys.current_version();
    let dropped: Vec<u8> = keys
        .versions()
        .map(|(v, _)| v)
        .filter(|v| *v != current && !in_use.contains(v))
        .collect();
    if !dropped.is_empty() {
        write_private(
            path,
            &render(&keys, |v| v == current || in_use.contains(&v)),
            true,
        )?;
    }
    Ok(dropped)
}

fn render(keys: &MasterKeys, keep: impl Fn(u8) -> bool) -> String {
    let mut text = HEADER.to_owned();
    for (version, key) in keys.versions().filter(|(v, _)| keep(*v)) {
        text.push_str(&format!("{version} {}\n", key.to_hex().as_str()));
    }
    text
}

/// Writes the file atomically (a private temporary file renamed over it), so an
/// interruption leaves either the old file or the new one, never half of one.
fn write_private(path: &Path, text: &str, replace: bool) -> Result<(), KeyFileError> {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".new");
    let temporary = path.with_file_name(name);
    let _ = std::fs::remove_file(&temporary);
    let target = if replace { &temporary } else { path };
    let mut file = create_private(target).map_err(|e| KeyFileError::Io(path.to_owned(), e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| KeyFileError::Io(path.to_owned(), e))?;
    file.sync_all()
        .map_err(|e| KeyFileError::Io(path.to_owned(), e))?;
    if replace {
        std::fs::rename(&temporary, path).map_err(|e| KeyFileError::Io(path.to_owned(), e))?;
    }
    Ok(())
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
        let (_, status) = load(&path, true).expect("created");
        assert_eq!(status, KeyStatus::Created);
        let (again, status) = load(&path, false).expect("read back");
        assert_eq!((status, again.current_version()), (KeyStatus::Existing, 1));
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

    #[test]
    fn versions_are_added_and_dropped_atomically() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("k");
        // A bare hex line (the first format) is version 1.
        std::fs::write(&path, format!("{}\n", "ab".repeat(32))).expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        assert_eq!(add_version(&path).expect("added"), 2);
        let (keys, _) = load(&path, false).expect("read");
        assert_eq!(keys.versions().map(|(v, _)| v).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(keep_only(&path, &BTreeSet::from([2])).expect("kept"), [1]);
        let (keys, _) = load(&path, false).expect("read");
        assert_eq!(keys.versions().map(|(v, _)| v).collect::<Vec<_>>(), [2]);
        assert!(!dir.path().join("k.new").exists());
        std::fs::write(
            &path,
            format!("1 {}\n1 {}\n", "ab".repeat(32), "cd".repeat(32)),
        )
        .expect("write");
        assert!(load(&path, false).is_err(), "a version twice is refused");
    }
}
