//! Documents on a case: name and content sealed under the case's key, listed and opened
//! only in the categories a permit carries, every opening audited (and registered when no
//! consent covers it).

use mosaique_crypto::FieldCipher;
use mosaique_domain::audit::Outcome;
use mosaique_domain::case::{CategorySet, DocumentInfo, DocumentType, NewDocument};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{Case, CaseAction};
use mosaique_domain::{CaseId, DocumentId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::encode_hex;
use crate::cases::{category_list, open_bytes, parse_id, party, vocab};
use crate::permits::{require, user};
use crate::{StoreError, Tx, now_ms};

const INFO_COLUMNS: &str = "d.id, d.category, d.name, d.kind, d.size, d.added_by, d.org_id, \
     d.added_at, u.display_name";

fn info(row: &AnyRow, cipher: &FieldCipher) -> Result<DocumentInfo, StoreError> {
    let id: DocumentId = parse_id(row, "id")?;
    let sealed: String = row.try_get("name")?;
    let name = open_bytes(cipher, "case_documents", "name", &id.to_string(), &sealed)?;
    let kind: String = row.try_get("kind")?;
    Ok(DocumentInfo {
        id,
        category: vocab(row, "category")?,
        name: String::from_utf8(name)
            .map_err(|_| StoreError::Corrupt("case_documents.name".into()))?,
        kind: DocumentType::from_key(&kind)
            .ok_or_else(|| StoreError::Corrupt("case_documents.kind".into()))?,
        size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or_default(),
        added_by: parse_id(row, "added_by")?,
        added_by_name: row.try_get("display_name")?,
        party: party(row.try_get("org_id")?)?,
        added_at: Timestamp(row.try_get("added_at")?),
    })
}

impl Tx {
    /// Adds a document of the kind its bytes were found to be; the permit must be for
    /// writing its category.
    pub async fn add_document(
        &mut self,
        permit: &Permit<Case>,
        document: &NewDocument,
        kind: DocumentType,
    ) -> Result<DocumentId, StoreError> {
        require(permit, &[CaseAction::Write(document.category)])?;
        let author = user(permit)?.clone();
        let case = permit.resource().id;
        let id = DocumentId::new();
        let cipher = self.case_cipher(case, false).await?;
        let seal = |column, bytes: &[u8]| {
            encode_hex(&cipher.seal(bytes, "case_documents", column, &id.to_string()))
        };
        let now = now_ms();
        sqlx::query(
            "INSERT INTO case_documents (id, case_id, category, name, kind, size, content, \
             added_by, org_id, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(case.to_string())
        .bind(document.category.key())
        .bind(seal("name", document.name.as_bytes()))
        .bind(kind.key())
        .bind(i64::try_from(document.bytes.len()).unwrap_or(i64::MAX))
        .bind(seal("content", &document.bytes))
        .bind(author.user_id.to_string())
        .bind(author.org_id.map(|o| o.to_string()))
        .bind(now)
        .execute(self.conn())
        .await?;
        self.touch(permit, now).await?;
        Ok(id)
    }

    /// The documents of the categories in `disclosed` (no content), oldest first.
    pub(crate) async fn documents(
        &mut self,
        case: CaseId,
        cipher: &FieldCipher,
        disclosed: CategorySet,
    ) -> Result<Vec<DocumentInfo>, StoreError> {
        if disclosed.is_empty() {
            return Ok(Vec::new());
        }
        let list = category_list(disclosed);
        let sql = format!(
            "SELECT {INFO_COLUMNS} FROM case_documents d JOIN users u ON u.id = d.added_by \
             WHERE d.case_id = $1 AND d.category IN ({list}) ORDER BY d.added_at, d.id"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(|r| info(r, cipher))
            .collect()
    }

    /// Opens one document with a permit to read its category: its description and bytes,
    /// or `None` when the case has no such document of that category. Audited; registered
    /// as a disclosure when no consent covers it.
    pub async fn document(
        &mut self,
        permit: &Permit<Case>,
        id: DocumentId,
    ) -> Result<Option<(DocumentInfo, Vec<u8>)>, StoreError> {
        let CaseAction::ReadDocument(category) = permit.action() else {
            return Err(StoreError::WrongPermit("case"));
        };
        let case = permit.resource().id;
        let sql = format!(
            "SELECT {INFO_COLUMNS}, d.content FROM case_documents d \
             JOIN users u ON u.id = d.added_by WHERE d.id = $1 AND d.case_id = $2 \
             AND d.category = $3"
        );
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .bind(case.to_string())
            .bind(category.key())
            .fetch_optional(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let cipher = self.case_cipher(case, false).await?;
        let found = info(&row, &cipher)?;
        let sealed: String = row.try_get("content")?;
        let bytes = open_bytes(
            &cipher,
            "case_documents",
            "content",
            &id.to_string(),
            &sealed,
        )?;
        let without_consent = permit.without_consent();
        if !without_consent.is_empty() {
            let reference: String = sqlx::query("SELECT reference FROM cases WHERE id = $1")
                .bind(case.to_string())
                .fetch_one(self.conn())
                .await?
                .try_get("reference")?;
            self.register_disclosure(permit, &reference, without_consent)
                .await?;
        }
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(Some((found, bytes)))
    }
}

impl crate::Db {
    /// The category of a document of `case`, or `None` if the case has no such document:
    /// what the permit to open it is asked for.
    pub async fn document_category(
        &self,
        case: CaseId,
        id: DocumentId,
    ) -> Result<Option<mosaique_domain::case::DataCategory>, StoreError> {
        sqlx::query("SELECT category FROM case_documents WHERE id = $1 AND case_id = $2")
            .bind(id.to_string())
            .bind(case.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| vocab(&r, "category"))
            .transpose()
    }
}
