//! The coalition's resource library: each resource's description and tags, and a file's
//! bytes apart (a list never reads them). What a permit reads is what its shelf's
//! visibility opens: every resource for a members' permit, the public ones otherwise.

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::case::DocumentType;
use mosaique_domain::coalition::library::{
    CheckedContent, CheckedResource, Content, Resource, Visibility,
};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{Shelf, ShelfAction};
use mosaique_domain::{Bilingual, MeetingId, OrgId, ResourceId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{decode_hex, encode_hex};
use crate::cases::{parse_id, parse_optional, vocab};
use crate::permits::require;
use crate::{StoreError, Tx, now_ms};

const COLUMNS: &str = "id, coalition_id, owner_org_id, meeting_id, title_fr, title_en, \
     summary_fr, summary_en, audiences, themes, visibility, language, link, file_name, \
     file_kind, file_size, added_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("library_resources.{what}"))
}

pub(crate) fn tags<T: std::str::FromStr>(
    row: &AnyRow,
    column: &'static str,
) -> Result<Vec<T>, StoreError> {
    let text: String = row.try_get(column)?;
    text.split(',')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().map_err(|_| corrupt(column)))
        .collect()
}

pub(crate) fn joined<T: ToString>(tags: &[T]) -> String {
    tags.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn resource(row: &AnyRow) -> Result<Resource, StoreError> {
    let link: Option<String> = row.try_get("link")?;
    let content = match link {
        Some(link) => Content::Link(link),
        None => Content::File {
            name: row
                .try_get::<Option<String>, _>("file_name")?
                .ok_or_else(|| corrupt("file_name"))?,
            kind: row
                .try_get::<Option<String>, _>("file_kind")?
                .as_deref()
                .and_then(DocumentType::from_key)
                .ok_or_else(|| corrupt("file_kind"))?,
            size: row
                .try_get::<Option<i64>, _>("file_size")?
                .and_then(|s| u64::try_from(s).ok())
                .ok_or_else(|| corrupt("file_size"))?,
        },
    };
    Ok(Resource {
        id: parse_id(row, "id")?,
        coalition: parse_id(row, "coalition_id")?,
        owner: parse_optional(row, "owner_org_id")?,
        meeting: parse_optional(row, "meeting_id")?,
        title: Bilingual::new(row.try_get("title_fr")?, row.try_get("title_en")?),
        summary: Bilingual::new(row.try_get("summary_fr")?, row.try_get("summary_en")?),
        audiences: tags(row, "audiences")?,
        themes: tags(row, "themes")?,
        visibility: vocab(row, "visibility")?,
        language: vocab(row, "language")?,
        content,
        added_at: Timestamp(row.try_get("added_at")?),
    })
}

/// The visibilities a permit's shelf opens, as two bound values (`visibility IN (.., ..)`):
/// every one for a members' permit, the public only otherwise.
fn opened(permit: &Permit<Shelf>) -> [&'static str; 2] {
    [Visibility::Public.key(), permit.resource().visibility.key()]
}

impl Tx {
    /// The permit's coalition's resources it reads, newest first.
    pub async fn library(&mut self, permit: &Permit<Shelf>) -> Result<Vec<Resource>, StoreError> {
        require(permit, &[ShelfAction::Read])?;
        let [public, opened] = opened(permit);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM library_resources WHERE coalition_id = $1 \
             AND visibility IN ($2, $3) ORDER BY added_at DESC, id DESC"
        )))
        .bind(permit.resource().coalition.to_string())
        .bind(public)
        .bind(opened)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(resource)
        .collect()
    }

    /// A meeting's documents, oldest first (read with the meeting, by its readers).
    pub async fn meeting_documents(
        &mut self,
        permit: &Permit<Shelf>,
        meeting: MeetingId,
    ) -> Result<Vec<Resource>, StoreError> {
        require(permit, &[ShelfAction::Read])?;
        let [public, opened] = opened(permit);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM library_resources WHERE coalition_id = $1 AND meeting_id = $2 \
             AND visibility IN ($3, $4) ORDER BY added_at, id"
        )))
        .bind(permit.resource().coalition.to_string())
        .bind(meeting.to_string())
        .bind(public)
        .bind(opened)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(resource)
        .collect()
    }

    /// Adds a checked resource, shared by the permit's owner (`None`: the coalition).
    pub async fn add_resource(
        &mut self,
        permit: &Permit<Shelf>,
        checked: &CheckedResource,
    ) -> Result<ResourceId, StoreError> {
        require(permit, &[ShelfAction::Add])?;
        let shelf = permit.resource();
        let new = &checked.resource;
        if new.visibility != shelf.visibility {
            return Err(StoreError::WrongPermit("library"));
        }
        let id = ResourceId::new();
        let (link, file) = match &checked.content {
            CheckedContent::Link(link) => (Some(link.clone()), None),
            CheckedContent::File { name, kind, bytes } => {
                (None, Some((name.clone(), *kind, bytes)))
            }
        };
        sqlx::query(
            "INSERT INTO library_resources (id, coalition_id, owner_org_id, meeting_id, \
             title_fr, title_en, summary_fr, summary_en, audiences, themes, visibility, language, \
             link, file_name, file_kind, file_size, added_by, added_at) VALUES ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(id.to_string())
        .bind(shelf.coalition.to_string())
        .bind(shelf.owner.map(|o| o.to_string()))
        .bind(new.meeting.map(|m| m.to_string()))
        .bind(new.title.fr.clone())
        .bind(new.title.en.clone())
        .bind(new.summary.fr.clone())
        .bind(new.summary.en.clone())
        .bind(joined(&new.audiences))
        .bind(joined(&new.themes))
        .bind(new.visibility.key())
        .bind(new.language.key())
        .bind(link)
        .bind(file.as_ref().map(|(name, _, _)| name.clone()))
        .bind(file.as_ref().map(|(_, kind, _)| kind.key()))
        .bind(
            file.as_ref()
                .map(|(_, _, bytes)| i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        )
        .bind(permit.actor().map(|a| a.user_id.to_string()))
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        if let Some((_, _, bytes)) = file {
            sqlx::query("INSERT INTO library_files (resource_id, content) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(encode_hex(bytes))
                .execute(self.conn())
                .await?;
        }
        let event = AuditEvent::new("library.add", "library_resource", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok(id)
    }

    /// One resource and, for a file, its bytes, if the permit's shelf opens it.
    pub async fn resource(
        &mut self,
        permit: &Permit<Shelf>,
        id: ResourceId,
    ) -> Result<Option<(Resource, Option<Vec<u8>>)>, StoreError> {
        require(permit, &[ShelfAction::Read])?;
        let [public, opened] = opened(permit);
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM library_resources WHERE id = $1 AND coalition_id = $2 \
             AND visibility IN ($3, $4)"
        )))
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(public)
        .bind(opened)
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let found = resource(&row)?;
        let bytes = match found.content {
            Content::Link(_) => None,
            Content::File { .. } => {
                let hex: String =
                    sqlx::query("SELECT content FROM library_files WHERE resource_id = $1")
                        .bind(id.to_string())
                        .fetch_optional(self.conn())
                        .await?
                        .ok_or_else(|| corrupt("content"))?
                        .try_get("content")?;
                Some(decode_hex(&hex).ok_or_else(|| corrupt("content"))?)
            }
        };
        Ok(Some((found, bytes)))
    }

    /// Withdraws a resource and its file for good. `false`: no such resource in the
    /// permit's coalition.
    pub async fn withdraw_resource(
        &mut self,
        permit: &Permit<Shelf>,
        id: ResourceId,
    ) -> Result<bool, StoreError> {
        require(permit, &[ShelfAction::Withdraw])?;
        // A campaign that used it keeps its other materials.
        sqlx::query("DELETE FROM campaign_materials WHERE resource_id = $1")
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM library_files WHERE resource_id = $1")
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        let gone = sqlx::query("DELETE FROM library_resources WHERE id = $1 AND coalition_id = $2")
            .bind(id.to_string())
            .bind(permit.resource().coalition.to_string())
            .execute(self.conn())
            .await?
            .rows_affected()
            == 1;
        if gone {
            let event = AuditEvent::new("library.withdraw", "library_resource", Outcome::Success)
                .by_maybe(permit.who().audit_actor())
                .target(id);
            self.audit(&event).await?;
        }
        Ok(gone)
    }
}

/// What the policy needs to know of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceFacts {
    pub coalition: OrgId,
    pub visibility: Visibility,
    pub owner: Option<OrgId>,
    pub meeting: Option<MeetingId>,
}

impl crate::Db {
    /// A resource's coalition, visibility, owner and meeting (the policy's facts), if it
    /// exists.
    pub async fn resource_facts(
        &self,
        id: ResourceId,
    ) -> Result<Option<ResourceFacts>, StoreError> {
        sqlx::query(
            "SELECT coalition_id, visibility, owner_org_id, meeting_id FROM library_resources \
             WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .map(|r| {
            Ok(ResourceFacts {
                coalition: parse_id(&r, "coalition_id")?,
                visibility: vocab(&r, "visibility")?,
                owner: parse_optional(&r, "owner_org_id")?,
                meeting: parse_optional(&r, "meeting_id")?,
            })
        })
        .transpose()
    }
}
