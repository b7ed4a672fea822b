//! What a listing returns: the rows that could be read, and a report of those that could not.
//!
//! One bad row never sinks a catalog: it is skipped (or kept, bounded) and described in a
//! [`Problem`], so the merchant sees what Shopcaisse sent that the core could not use.

use serde::Serialize;
use std::fmt;

/// Why a row (or a page) was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The row could not be read (wrong types, missing id, bad number) and was skipped; or a
    /// field of a kept row was unusable and left empty.
    Malformed,
    /// The item has a `type` the core does not know; it is kept as `ItemKind::Unsupported`.
    UnsupportedType,
    /// The same id came twice (across pages); the first one is kept.
    Duplicate,
    /// A text or list was longer than the core keeps; it was cut.
    Truncated,
    /// The body was not valid UTF-8; invalid bytes were replaced by U+FFFD.
    InvalidUtf8,
    /// The pagination itself looked wrong (endless empty pages, too many pages); the listing
    /// stopped there and may be incomplete.
    PagingAnomaly,
}

impl ProblemKind {
    /// A machine-readable name ("unsupported_type").
    pub const fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Malformed => "malformed",
            ProblemKind::UnsupportedType => "unsupported_type",
            ProblemKind::Duplicate => "duplicate",
            ProblemKind::Truncated => "truncated",
            ProblemKind::InvalidUtf8 => "invalid_utf8",
            ProblemKind::PagingAnomaly => "paging_anomaly",
        }
    }
}

/// One thing a listing could not take as it came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The 0-based page it came on (`None` for a listing that is not paginated).
    pub page: Option<u32>,
    /// The 0-based row within that page (`None` for a page-level problem).
    pub row: Option<usize>,
    /// The row's id as sent, when it could be read.
    pub id: Option<String>,
    /// What was wrong, in English, for people.
    pub detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.as_str())?;
        if let Some(page) = self.page {
            write!(f, " page {page}")?;
        }
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " id {id:?}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// The rows of a listing that could be read, in the order the API sent them (first occurrence
/// wins), and the problems met on the way.
///
/// A listing is not a snapshot: rows created, deleted or moved while the pages are read may be
/// missed or repeated (repeats are removed). Absence from a listing is therefore never proof
/// that something was deleted: confirm with a single fetch (which answers `NotFound`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub problems: Vec<Problem>,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing {
            items: Vec::new(),
            problems: Vec::new(),
        }
    }
}

impl<T> Listing<T> {
    /// Problems of one kind.
    pub fn problems_of(&self, kind: ProblemKind) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.kind == kind)
    }
}

/// One page of a streamed listing (see `Client::for_each_items_page`).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The 0-based page number.
    pub number: u32,
    /// The rows of this page not already seen on an earlier page.
    pub items: Vec<T>,
    /// The problems met on this page.
    pub problems: Vec<Problem>,
}
