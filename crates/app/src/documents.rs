//! Documents on a case: adding one (its type found from its bytes, only inert types kept)
//! and opening one, each as consent opens the document's category.

use mosaique_domain::case::{DocumentInfo, NewDocument};
use mosaique_domain::policy::Principal;
use mosaique_domain::policy::case::CaseAction;
use mosaique_domain::{CaseId, DocumentId};

use crate::{App, AppError, AppResult, Invalid};

impl App {
    /// Adds a document of a category the writer writes, to an open case.
    pub async fn add_document(
        &self,
        who: &Principal,
        id: CaseId,
        document: NewDocument,
    ) -> AppResult<DocumentId> {
        let action = CaseAction::Write(document.category);
        let (permit, _) = self.case_permit(who, id, action).await?;
        let (document, kind) = document
            .validate()
            .map_err(|problems| AppError::Invalid(Invalid::Document(problems)))?;
        let mut tx = self.db.begin().await?;
        let document_id = tx.add_document(&permit, &document, kind).await?;
        tx.commit().await?;
        Ok(document_id)
    }

    /// Opens one document: its description and bytes, for a reader its category is
    /// disclosed to (audited either way). A document that does not exist answers as the
    /// case does to this reader.
    pub async fn document(
        &self,
        who: &Principal,
        id: CaseId,
        document: DocumentId,
    ) -> AppResult<(DocumentInfo, Vec<u8>)> {
        let Some(category) = self.db.document_category(id, document).await? else {
            self.case_permit(who, id, CaseAction::View).await?;
            return Err(AppError::NotFound);
        };
        let (permit, _) = self
            .case_permit(who, id, CaseAction::ReadDocument(category))
            .await?;
        let mut tx = self.db.begin().await?;
        let found = tx.document(&permit, document).await?;
        tx.commit().await?;
        found.ok_or(AppError::NotFound)
    }
}
