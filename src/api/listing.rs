//! What a listing returns: the rows that could be read, and a report of those that could not.
//!
//! One bad row never sinks a catalog: it is skipped (or kept, bounded) and described in a
//! [`Problem`], so the merchant sees what Shopcaisse sent that the core could not use.

use crate::error::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// Why a row (or a page) was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The row was not read at all (rather than read with a field left empty).
    pub skipped: bool,
}

impl Problem {
    /// Whether this problem leaves a hole in the listing: a skipped row, or a paging that
    /// stopped before the end.
    pub fn is_gap(&self) -> bool {
        self.skipped || self.kind == ProblemKind::PagingAnomaly
    }
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
/// A listing may be partial: rows it could not read were skipped. Its rows are therefore not
/// handed out as a bare list; the caller says what a partial answer means to it:
/// [`Listing::into_complete`] refuses one, [`Listing::into_found`] accepts rows found but never
/// an empty answer that skipped rows, [`Listing::into_known`] keeps the skipped ids as
/// "unknown" (never "missing"), and [`Listing::into_parts`] takes both, explicitly.
///
/// A listing is not a snapshot either: rows created, deleted or moved while the pages are read
/// may be missed or repeated (repeats are removed). Absence from a listing is therefore never
/// proof that something was deleted: confirm with a single fetch (which answers `NotFound`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[must_use = "a listing may be partial: take it with into_complete, into_found, into_known or into_parts"]
pub struct Listing<T> {
    items: Vec<T>,
    problems: Vec<Problem>,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing {
            items: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// The rows of a partial listing, and what it could not tell.
#[derive(Debug, Clone, PartialEq)]
pub struct Known<T> {
    /// The rows read.
    pub items: Vec<T>,
    /// Ids of rows that were sent but could not be read: their state is unknown, not absent.
    pub unknown: HashSet<String>,
    /// A row without a readable id was skipped, or the paging stopped early: any id absent
    /// from `items` may be there.
    pub unknown_any: bool,
    pub problems: Vec<Problem>,
}

impl<T> Known<T> {
    /// Whether absence from `items` proves nothing about `id`.
    pub fn is_unknown(&self, id: &str) -> bool {
        self.unknown_any || self.unknown.contains(id)
    }
}

impl<T> Listing<T> {
    pub(crate) fn new(items: Vec<T>, problems: Vec<Problem>) -> Self {
        Listing { items, problems }
    }

    /// The rows read, to look at (the listing keeps them, and its problems).
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Every problem met.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Problems of one kind.
    pub fn problems_of(&self, kind: ProblemKind) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.kind == kind)
    }

    /// The problems that make the listing partial: skipped rows, a paging that stopped early.
    pub fn gaps(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_gap())
    }

    /// Whether every row sent was read (notes about kept rows do not count).
    pub fn is_complete(&self) -> bool {
        self.gaps().next().is_none()
    }

    /// The rows, only when the listing is complete; otherwise an `UnexpectedPayload` error
    /// saying what `doing` could not read.
    pub fn into_complete(self, doing: &str) -> Result<Vec<T>> {
        let gaps = self.gaps().count();
        match self.gaps().next() {
            None => {}
            Some(first) => {
                return Err(Error::new(
                    ErrorKind::UnexpectedPayload,
                    format!(
                        "{doing}: the answer is incomplete ({gaps} rows or pages not read; \
                         first: {first})"
                    ),
                ))
            }
        }
        Ok(self.items)
    }

    /// The rows found; an empty answer counts as "none" only when nothing was skipped (a
    /// search whose only row was unreadable does not say "nobody").
    pub fn into_found(self, doing: &str) -> Result<Vec<T>> {
        if self.items.is_empty() {
            return self.into_complete(doing);
        }
        Ok(self.items)
    }

    /// The rows, with the ids the listing could not read kept as unknown.
    pub fn into_known(self) -> Known<T> {
        let mut unknown = HashSet::new();
        let mut unknown_any = false;
        for gap in self.problems.iter().filter(|p| p.is_gap()) {
            match (&gap.id, gap.row) {
                (Some(id), Some(_)) => {
                    unknown.insert(id.clone());
                }
                _ => unknown_any = true,
            }
        }
        Known {
            items: self.items,
            unknown,
            unknown_any,
            problems: self.problems,
        }
    }

    /// Rows and problems, for a caller that reports the problems itself.
    pub fn into_parts(self) -> (Vec<T>, Vec<Problem>) {
        (self.items, self.problems)
    }

    /// The same listing with its rows changed (problems kept).
    pub fn map<U>(self, f: impl FnOnce(Vec<T>) -> Vec<U>) -> Listing<U> {
        Listing {
            items: f(self.items),
            problems: self.problems,
        }
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
