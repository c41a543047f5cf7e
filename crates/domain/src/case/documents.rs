//! Documents on a case: a scanned permit, a medical letter, a court notice. Each is of one
//! data category, chosen when it is added, so consent decides who reads it. What a document
//! is comes from its bytes, never from the name or the type a client declares; only inert
//! types are kept (PDF, PNG, JPEG, WebP, plain text), and they are always served as
//! downloads.

use super::DataCategory;
use super::Party;
use super::record::LINE_MAX;
use crate::{DocumentId, Timestamp, UserId};

/// The largest document kept: a phone photo or a multi-page scan.
pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The types a document may be, sniffed from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentType {
    Pdf,
    Png,
    Jpeg,
    Webp,
    Text,
}

impl DocumentType {
    pub const ALL: [DocumentType; 5] = [
        DocumentType::Pdf,
        DocumentType::Png,
        DocumentType::Jpeg,
        DocumentType::Webp,
        DocumentType::Text,
    ];

    /// The media type it is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
            DocumentType::Png => "image/png",
            DocumentType::Jpeg => "image/jpeg",
            DocumentType::Webp => "image/webp",
            DocumentType::Text => "text/plain; charset=utf-8",
        }
    }

    /// The stored key.
    /// The extensions a file of this type may have; the first is given to one that has
    /// none of them.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            DocumentType::Pdf => &["pdf"],
            DocumentType::Png => &["png"],
            DocumentType::Jpeg => &["jpg", "jpeg"],
            DocumentType::Webp => &["webp"],
            DocumentType::Text => &["txt", "text"],
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            DocumentType::Pdf => "pdf",
            DocumentType::Png => "png",
            DocumentType::Jpeg => "jpeg",
            DocumentType::Webp => "webp",
            DocumentType::Text => "text",
        }
    }

    pub fn from_key(key: &str) -> Option<DocumentType> {
        DocumentType::ALL.into_iter().find(|t| t.key() == key)
    }
}

/// What is wrong with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentProblem {
    #[error("the document is empty")]
    Empty,
    #[error("the document is larger than {DOCUMENT_MAX_BYTES} bytes")]
    TooLarge,
    /// HTML, SVG, XML, scripts, programs: what a browser or a system could run.
    #[error("the document is of a type that could run code")]
    ActiveType,
    #[error("the document is not a PDF, PNG, JPEG, WebP image or plain text")]
    UnsupportedType,
    #[error("the document's name is missing or longer than {LINE_MAX} characters")]
    BadName,
}

impl DocumentProblem {
    /// The Fluent message id.
    pub fn message_id(self) -> &'static str {
        match self {
            DocumentProblem::Empty => "document-problem-empty",
            DocumentProblem::TooLarge => "document-problem-too-large",
            DocumentProblem::ActiveType => "document-problem-active",
            DocumentProblem::UnsupportedType => "document-problem-unsupported",
            DocumentProblem::BadName => "document-problem-name",
        }
    }
}

/// What the bytes are. Markup is refused wherever it starts (after a byte-order mark and
/// white space), so an HTML page named `lettre.txt` is not kept as text.
pub fn sniff(bytes: &[u8]) -> Result<DocumentType, DocumentProblem> {
    if bytes.is_empty() {
        return Err(DocumentProblem::Empty);
    }
    if bytes.len() > DOCUMENT_MAX_BYTES {
        return Err(DocumentProblem::TooLarge);
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(DocumentType::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(DocumentType::Png);
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Ok(DocumentType::Jpeg);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(DocumentType::Webp);
    }
    let executable: [&[u8]; 4] = [b"MZ", b"\x7FELF", b"#!", b"\xCA\xFE\xBA\xBE"];
    if executable.iter().any(|magic| bytes.starts_with(magic)) {
        return Err(DocumentProblem::ActiveType);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'<') {
        return Err(DocumentProblem::ActiveType);
    }
    match std::str::from_utf8(body) {
        // Text is printable: a binary format that happens to be valid UTF-8 (a ZIP's
        // header) is not.
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) =>
        {
            Ok(DocumentType::Text)
        }
        _ => Err(DocumentProblem::UnsupportedType),
    }
}

/// A document being added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub category: DataCategory,
    /// The file's name as the worker gave it (it may name the person: sealed).
    pub name: String,
    pub bytes: Vec<u8>,
}

impl NewDocument {
    /// The document with its type, or every problem ([`check_file`]).
    pub fn validate(self) -> Result<(NewDocument, DocumentType), Vec<DocumentProblem>> {
        let (name, kind) = check_file(&self.name, &self.bytes)?;
        Ok((NewDocument { name, ..self }, kind))
    }
}

/// A file's base name and its type, or every problem: the checks every file kept goes
/// through (a case's document, a coalition library's). The name keeps its last path segment
/// (a browser may send `C:\...\scan.pdf`).
pub fn check_file(
    name: &str,
    bytes: &[u8],
) -> Result<(String, DocumentType), Vec<DocumentProblem>> {
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let mut problems = Vec::new();
    if name.is_empty() || name.chars().count() > LINE_MAX || name.chars().any(char::is_control) {
        problems.push(DocumentProblem::BadName);
    }
    let kind = sniff(bytes).map_err(|p| problems.push(p)).ok();
    match kind {
        Some(kind) if problems.is_empty() => Ok((with_extension(name, kind), kind)),
        _ => Err(problems),
    }
}

/// The name, ending with an extension of its type: a text named `guide.html` or `x.bat`
/// becomes `guide.html.txt`, so that once saved nothing opens it as a page or a program.
fn with_extension(name: String, kind: DocumentType) -> String {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if kind.extensions().contains(&extension.as_str()) {
        name
    } else {
        format!("{name}.{}", kind.extensions()[0])
    }
}

/// A document as a list shows it: no content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    pub id: DocumentId,
    pub category: DataCategory,
    pub name: String,
    pub kind: DocumentType,
    pub size: u64,
    pub added_by: UserId,
    pub added_by_name: String,
    pub party: Party,
    pub added_at: Timestamp,
}

/// A file name safe in a `Content-Disposition` header's plain `filename`: ASCII letters,
/// digits, dot, dash and underscore; the rest becomes `_` (the exact name goes in
/// `filename*`).
pub fn ascii_file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.trim_matches(['.', '_']).is_empty() {
        "document".to_owned()
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_decide_the_type() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(DocumentType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Ok(DocumentType::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Ok(DocumentType::Jpeg));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Ok(DocumentType::Webp));
        assert_eq!(
            sniff("Rendez-vous à 14 h, bureau 3.".as_bytes()),
            Ok(DocumentType::Text)
        );
        for active in [
            &b"<html><script>alert(1)</script>"[..],
            b"\xEF\xBB\xBF  <svg onload=alert(1)>",
            b"\n<?xml version=\"1.0\"?>",
            b"MZ\x90\0",
            b"\x7FELF\x02",
            b"#!/bin/sh\nrm -rf /",
        ] {
            assert_eq!(
                sniff(active),
                Err(DocumentProblem::ActiveType),
                "{active:?}"
            );
        }
        assert_eq!(
            sniff(b"PK\x03\x04zip"),
            Err(DocumentProblem::UnsupportedType)
        );
        assert_eq!(sniff(b"\0\x01\x02"), Err(DocumentProblem::UnsupportedType));
        assert_eq!(sniff(b""), Err(DocumentProblem::Empty));
        let big = vec![b'a'; DOCUMENT_MAX_BYTES + 1];
        assert_eq!(sniff(&big), Err(DocumentProblem::TooLarge));
    }

    #[test]
    fn a_document_keeps_its_base_name_and_every_problem_is_named() {
        let doc = |name: &str, bytes: &[u8]| NewDocument {
            category: DataCategory::Immigration,
            name: name.into(),
            bytes: bytes.to_vec(),
        };
        let (ok, kind) = doc("C:\\Users\\x\\permis PST.pdf", b"%PDF-1.4")
            .validate()
            .unwrap();
        assert_eq!(
            (ok.name.as_str(), kind),
            ("permis PST.pdf", DocumentType::Pdf)
        );
        assert_eq!(
            doc(" ", b"<html>").validate().unwrap_err(),
            [DocumentProblem::BadName, DocumentProblem::ActiveType]
        );
        // The name ends with the type the bytes are.
        for (name, bytes, kept) in [
            (
                "guide.html",
                &b"Bonjour <script>x</script>"[..],
                "guide.html.txt",
            ),
            ("lancer.bat", b"del *.*", "lancer.bat.txt"),
            ("x.html", b"%PDF-<script>", "x.html.pdf"),
            ("photo.JPEG", b"\xFF\xD8\xFF\xE0", "photo.JPEG"),
            ("notes", b"Rien", "notes.txt"),
        ] {
            assert_eq!(check_file(name, bytes).unwrap().0, kept, "{name}");
        }
        assert_eq!(ascii_file_name("permis PST é.pdf"), "permis_PST__.pdf");
        assert_eq!(ascii_file_name("ééé"), "document");
        assert_eq!(ascii_file_name("\"; x=.pdf"), "___x_.pdf");
    }
}
