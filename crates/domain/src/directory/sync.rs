//! Importing a source again: what happens to each organization, site and service it sends,
//! so that a re-import updates what the source changed and never overwrites a local edit
//! without saying so.
//!
//! The store remembers, per object, the fingerprint of what its source last sent and whether
//! someone here edited it since; [`decide`] turns that and the new fingerprint into an
//! [`Outcome`] and what to write.

use sha2::{Digest, Sha256};

/// The three kinds of object a directory import carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    Organization,
    Location,
    Service,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 3] = [Self::Organization, Self::Location, Self::Service];

    pub fn key(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Location => "location",
            Self::Service => "service",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// Whose version wins when the source changed an object that was also edited here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// Keep the local version and report the conflict, again at every import until someone
    /// chooses (the default: nothing is overwritten without a person deciding).
    #[default]
    Ask,
    /// Keep the local version and record the source's as seen: reported this once, and
    /// again only when the source changes it again.
    Local,
    /// Take the source's version over the local edit (reported as overwritten).
    Source,
}

/// Where an import comes from (its URL, its folder, or a name the coalition gives it), and
/// whose version wins a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    pub name: String,
    pub prefer: Prefer,
}

/// What the store knows of an object an import sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No such object here.
    Absent,
    /// Brought by an import (this source's or another's: two sources may carry the same
    /// publisher's data).
    Imported {
        /// The fingerprint of what was sent then.
        previous: String,
        /// Edited here since.
        edited_here: bool,
    },
    /// It exists here and no import brought it: it was made here (or imported before
    /// sources were tracked), so it counts as a local version unless it is the same.
    Local {
        /// The fingerprint of it as it is here.
        current: String,
    },
}

/// What a re-import did with one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Added,
    Changed,
    Unchanged,
    /// The source changed it and so did someone here: the local version stays.
    ConflictKept,
    /// The source changed it and so did someone here: the source's version replaced it
    /// (`Prefer::Source`).
    ConflictOverwritten,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Self::Added,
        Self::Changed,
        Self::Unchanged,
        Self::ConflictKept,
        Self::ConflictOverwritten,
    ];

    pub fn is_conflict(self) -> bool {
        matches!(self, Self::ConflictKept | Self::ConflictOverwritten)
    }
}

/// How the store's record of an object's source changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    /// Left as it is (a conflict nobody has decided: reported again next time).
    Keep,
    /// This source's, with the new fingerprint and no local edit.
    Fresh,
    /// This source's, with the new fingerprint, and still edited here if it was (a local
    /// version kept counts as edited): the source's next change is a conflict again.
    KeepEdited,
}

/// The decision for one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub outcome: Outcome,
    /// Whether the source's version is written.
    pub write: bool,
    pub track: Track,
}

/// What to do with an object whose source sends `incoming` (its fingerprint).
pub fn decide(found: &Found, incoming: &str, prefer: Prefer) -> Decision {
    let decision = |outcome, write, track| Decision {
        outcome,
        write,
        track,
    };
    match found {
        Found::Absent => decision(Outcome::Added, true, Track::Fresh),
        // Unchanged at the source: a local edit since stays, and there is nothing to say.
        Found::Imported { previous, .. } if previous == incoming => {
            decision(Outcome::Unchanged, false, Track::KeepEdited)
        }
        // The very same: from now on it is the source's.
        Found::Local { current } if current == incoming => {
            decision(Outcome::Unchanged, false, Track::Fresh)
        }
        Found::Imported {
            edited_here: false, ..
        } => decision(Outcome::Changed, true, Track::Fresh),
        Found::Imported {
            edited_here: true, ..
        }
        | Found::Local { .. } => match prefer {
            Prefer::Ask => decision(Outcome::ConflictKept, false, Track::Keep),
            Prefer::Local => decision(Outcome::ConflictKept, false, Track::KeepEdited),
            Prefer::Source => decision(Outcome::ConflictOverwritten, true, Track::Fresh),
        },
    }
}

/// A fingerprint of an object as a source sent it: SHA-256 over its fields, each one
/// length-prefixed so that no two different lists of fields share a fingerprint.
pub fn fingerprint<'a>(fields: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let mut hash = Sha256::new();
    for field in fields {
        match field {
            None => hash.update(b"-"),
            Some(text) => {
                hash.update((text.len() as u64).to_le_bytes());
                hash.update(text.as_bytes());
            }
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// One object a report names (a conflict, or an object the source no longer sends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub kind: ObjectKind,
    pub id: String,
    pub name: crate::Bilingual<String>,
    pub outcome: Option<Outcome>,
}

/// What an import did, per kind of object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    counts: std::collections::BTreeMap<(ObjectKind, Outcome), usize>,
    /// Conflicts, kept or overwritten, in the order of the package.
    pub conflicts: Vec<Named>,
    /// Objects this source sent before and no longer sends: reported, never deleted (a
    /// feed's hiccup must not erase a shelter from the directory).
    pub missing: Vec<Named>,
}

impl SyncReport {
    pub fn count(&mut self, kind: ObjectKind, outcome: Outcome) {
        *self.counts.entry((kind, outcome)).or_default() += 1;
    }

    pub fn counted(&self, kind: ObjectKind, outcome: Outcome) -> usize {
        self.counts.get(&(kind, outcome)).copied().unwrap_or(0)
    }

    pub fn missing_of(&self, kind: ObjectKind) -> usize {
        self.missing.iter().filter(|m| m.kind == kind).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "old";
    const NEW: &str = "new";

    fn imported(previous: &str, edited_here: bool) -> Found {
        Found::Imported {
            previous: previous.into(),
            edited_here,
        }
    }

    fn local(current: &str) -> Found {
        Found::Local {
            current: current.into(),
        }
    }

    #[test]
    fn every_case_of_a_re_import() {
        use Outcome::*;
        use Prefer::*;
        use Track::*;
        let table: Vec<(Found, Prefer, Outcome, bool, Track)> = vec![
            (Found::Absent, Ask, Added, true, Fresh),
            (Found::Absent, Source, Added, true, Fresh),
            (imported(NEW, false), Ask, Unchanged, false, KeepEdited),
            // A local edit of something the source did not change is not a conflict.
            (imported(NEW, true), Source, Unchanged, false, KeepEdited),
            (imported(OLD, false), Ask, Changed, true, Fresh),
            (imported(OLD, false), Local, Changed, true, Fresh),
            (imported(OLD, true), Ask, ConflictKept, false, Keep),
            (imported(OLD, true), Local, ConflictKept, false, KeepEdited),
            (
                imported(OLD, true),
                Source,
                ConflictOverwritten,
                true,
                Fresh,
            ),
            (local(OLD), Ask, ConflictKept, false, Keep),
            (local(OLD), Local, ConflictKept, false, KeepEdited),
            (local(OLD), Source, ConflictOverwritten, true, Fresh),
            (local(NEW), Ask, Unchanged, false, Fresh),
        ];
        for (found, prefer, outcome, write, track) in table {
            assert_eq!(
                decide(&found, NEW, prefer),
                Decision {
                    outcome,
                    write,
                    track
                },
                "{found:?} {prefer:?}"
            );
        }
    }

    #[test]
    fn fingerprints_tell_fields_apart() {
        let a = fingerprint([Some("ab"), Some("c")]);
        assert_eq!(a, fingerprint([Some("ab"), Some("c")]));
        assert_ne!(a, fingerprint([Some("a"), Some("bc")]));
        assert_ne!(fingerprint([None]), fingerprint([Some("")]));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn kinds_read_back_from_their_keys() {
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(ObjectKind::from_key("site"), None);
    }
}
