//! Paged listings: which pages are asked, how many at once, and how each page is read.
//!
//! A listing is read as a sequential walk would read it (page 0, 1, 2, … until a page says
//! `hasNextPage: false`), with the same result whatever the number of pages in flight:
//!
//! 1. [`Walk`] fetches. Page 0 goes alone: a short page that still announces a next one means
//!    the server clamps the page size, and every later page is asked at that size. Then up to
//!    `concurrent_reads` pages are in flight (fewer after a 429 or a 503, see [`Pace`]), and
//!    pages are handed over in their order, never more than the window ahead of the one being
//!    read (memory stays bounded however long the listing).
//! 2. [`read_page`] decodes a page: rows, problems, repeats of earlier rows removed.
//! 3. [`pages`] strings them together: it stops at the last page, on the first page that
//!    failed (pages after it are dropped, in flight or not), or on a paging anomaly.
//!    [`pages_from`] does the same from a page where an earlier walk stopped, and lets its
//!    caller stop after any page, with the [`Resume`] point to start from next time.

use super::listing::{Page, Problem, ProblemKind};
use super::transport::{Method, Pace, Reply, Transport};
use super::wire::{self, query, FromWire, Notes};
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Pages read at most in one listing: a server that never ends a listing cannot hang a run.
const MAX_PAGES: u32 = 100_000;
/// Empty pages in a row that still claim a next page before the listing is stopped.
const MAX_EMPTY_PAGES: u32 = 3;

/// One listing to read.
pub(super) struct ListingRequest<'a> {
    pub op: &'a str,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// Asked page by page (`page`, `pageSize`, `hasNextPage`), or one bare list.
    pub paginated: bool,
    /// Pages may be read several at once (the item, stock and price listings).
    pub concurrent: bool,
}

/// Where a walk stopped part-way resumes: the next page to read, at the page size the walk
/// settled on (the server's, when it clamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    pub page: u32,
    pub size: u32,
}

/// What the consumer of a walk says after each page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on with the next page.
    Next,
    /// Stop after this page (pages in flight are dropped); the walk answers where to resume.
    Stop,
}

type Fetch<'a> = Pin<Box<dyn Future<Output = Result<Reply>> + 'a>>;

/// The pages of one listing being fetched, handed over in order.
pub(super) struct Walk<'a> {
    transport: &'a Transport,
    request: &'a ListingRequest<'a>,
    pace: Rc<Pace>,
    size: u32,
    /// Past page 0: the page size is known, several pages may be in flight.
    fanned_out: bool,
    next_launch: u32,
    next_deliver: u32,
    in_flight: Vec<(u32, Fetch<'a>)>,
    ready: BTreeMap<u32, Result<Reply>>,
}

impl<'a> Walk<'a> {
    /// A walk from page 0, or from where an earlier one stopped (its page size known, so it
    /// fans out at once).
    pub fn new(
        transport: &'a Transport,
        request: &'a ListingRequest<'a>,
        from: Option<Resume>,
    ) -> Walk<'a> {
        let ceiling = if request.concurrent && request.paginated {
            transport.config.concurrent_reads
        } else {
            1
        };
        Walk {
            transport,
            request,
            pace: Rc::new(Pace::new(ceiling)),
            size: from.map_or(transport.config.page_size, |r| r.size),
            fanned_out: from.is_some_and(|r| r.page > 0),
            next_launch: from.map_or(0, |r| r.page),
            next_deliver: from.map_or(0, |r| r.page),
            in_flight: Vec::new(),
            ready: BTreeMap::new(),
        }
    }

    /// The next page in order, waiting for it (and keeping the others in flight meanwhile).
    pub fn next(&mut self) -> Result<(u32, Reply)> {
        let transport = self.transport;
        transport.block_on(std::future::poll_fn(|cx| self.poll_next(cx)))
    }

    /// After page 0: later pages are asked at the size the server actually served (when it
    /// clamped), and the walk may now fan out.
    pub fn fan_out(&mut self, rows_on_first_page: usize) {
        if rows_on_first_page > 0 && (rows_on_first_page as u32) < self.size {
            tracing::debug!(
                op = self.request.op,
                asked = self.size,
                got = rows_on_first_page,
                "the server clamps the page size"
            );
            self.size = rows_on_first_page as u32;
        }
        self.fanned_out = true;
    }

    /// How many times a 429 or a 503 halved the number of pages in flight.
    pub fn slowdowns(&self) -> u32 {
        self.pace.slowdowns()
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Result<(u32, Reply)>> {
        self.launch();
        let mut i = 0;
        while i < self.in_flight.len() {
            match self.in_flight[i].1.as_mut().poll(cx) {
                Poll::Ready(result) => {
                    let (number, _) = self.in_flight.swap_remove(i);
                    self.ready.insert(number, result);
                }
                Poll::Pending => i += 1,
            }
        }
        match self.ready.remove(&self.next_deliver) {
            Some(result) => {
                let number = self.next_deliver;
                self.next_deliver += 1;
                Poll::Ready(result.map(|reply| (number, reply)))
            }
            None => Poll::Pending,
        }
    }

    /// Starts every page the window allows: pages in flight or read but not handed over stay
    /// within the window, counted from the next page to hand over.
    fn launch(&mut self) {
        let request = self.request;
        let limit = match (request.paginated, self.fanned_out) {
            (false, _) => 1,
            (true, false) => 1,
            (true, true) => self.pace.window() as u32,
        };
        let last = if request.paginated { MAX_PAGES } else { 1 };
        while self.next_launch - self.next_deliver < limit && self.next_launch < last {
            let number = self.next_launch;
            self.next_launch += 1;
            let mut query = request.query.clone();
            if request.paginated {
                query.push((query::PAGE, number.to_string()));
                query.push((query::PAGE_SIZE, self.size.to_string()));
            }
            let url = self.transport.url(&request.path, &query);
            let transport = self.transport;
            let pace = Rc::clone(&self.pace);
            let concurrent = request.concurrent;
            let fetch: Fetch<'a> = Box::pin(async move {
                let pace = concurrent.then_some(&*pace);
                transport
                    .send(request.op, Method::Get, &url, None, pace)
                    .await
            });
            self.in_flight.push((number, fetch));
        }
    }
}

/// Reads every page of `request`, calling `each` with each page in order (repeats of rows
/// already in `seen` removed). Loops on `hasNextPage`, never on a short page. An error from
/// `each` or from any page stops the walk and is returned.
pub(super) fn pages<T: FromWire>(
    transport: &Transport,
    request: &ListingRequest<'_>,
    seen: &mut HashSet<String>,
    mut each: impl FnMut(Page<T>) -> Result<()>,
) -> Result<()> {
    pages_from(transport, request, None, seen, |page, _| {
        each(page).map(|()| Flow::Next)
    })
    .map(|_| ())
}

/// [`pages`] from page `from` (or 0), where `each` may stop the walk after a page: `each` gets
/// the page and where a walk resumes after it (`None` when it ended the listing); the answer is
/// where to resume when `each` stopped early, `None` when the listing was read to its end.
/// `seen` must hold the keys of the pages read before `from`.
pub(super) fn pages_from<T: FromWire>(
    transport: &Transport,
    request: &ListingRequest<'_>,
    from: Option<Resume>,
    seen: &mut HashSet<String>,
    mut each: impl FnMut(Page<T>, Option<Resume>) -> Result<Flow>,
) -> Result<Option<Resume>> {
    let mut walk = Walk::new(transport, request, from);
    let mut empty_pages = 0u32;
    loop {
        let (number, reply) = walk.next()?;
        let read = read_page(transport, request, number, &reply, seen)?;
        if !read.has_next {
            each(read.page, None)?;
            if walk.slowdowns() > 0 {
                tracing::debug!(
                    op = request.op,
                    slowdowns = walk.slowdowns(),
                    "listing slowed down by the server"
                );
            }
            return Ok(None);
        }
        if let Some(detail) = paging_anomaly(number, read.rows, &mut empty_pages) {
            tracing::warn!(op = request.op, detail, "listing stopped");
            each(read.page, None)?;
            each(anomaly_page(number, detail), None)?;
            return Ok(None);
        }
        if number == 0 {
            walk.fan_out(read.rows);
        }
        let next = Resume {
            page: number + 1,
            size: walk.size,
        };
        if each(read.page, Some(next))? == Flow::Stop {
            return Ok(Some(next));
        }
    }
}

/// One page decoded.
pub(super) struct ReadPage<T> {
    pub page: Page<T>,
    /// Rows the server sent (repeats and unreadable rows included).
    pub rows: usize,
    pub has_next: bool,
}

/// Decodes page `number`: its envelope (refused when it lost it), its rows (an unreadable row
/// is skipped and reported, a repeat of an earlier row is dropped and reported).
pub(super) fn read_page<T: FromWire>(
    transport: &Transport,
    request: &ListingRequest<'_>,
    number: u32,
    reply: &Reply,
    seen: &mut HashSet<String>,
) -> Result<ReadPage<T>> {
    let op = request.op;
    let page_no = request.paginated.then_some(number);
    let (value, lossy) = wire::json(&reply.body)
        .map_err(|e| transport.unexpected(op, format!("page {number}: {e}")))?;
    let raw = wire::page(value, request.paginated)
        .map_err(|e| transport.unexpected(op, format!("page {number}: {e}")))?;
    let mut page = Page {
        number,
        items: Vec::with_capacity(raw.rows.len()),
        problems: Vec::new(),
    };
    if lossy {
        page.problems.push(Problem {
            kind: ProblemKind::InvalidUtf8,
            page: page_no,
            row: None,
            id: None,
            detail: "the page was not valid UTF-8; invalid bytes were replaced".into(),
            skipped: false,
        });
    }
    for (i, row) in raw.rows.iter().enumerate() {
        read_row(row, page_no, i, seen, &mut page);
    }
    for problem in &page.problems {
        tracing::debug!(op, %problem, "listing problem");
    }
    Ok(ReadPage {
        page,
        rows: raw.rows.len(),
        has_next: request.paginated && raw.has_next,
    })
}

/// Row `i` of a page: kept with its notes, dropped as a repeat, or skipped as unreadable.
fn read_row<T: FromWire>(
    row: &serde_json::Value,
    page_no: Option<u32>,
    i: usize,
    seen: &mut HashSet<String>,
    page: &mut Page<T>,
) {
    let problem = |kind, id, detail, skipped| Problem {
        kind,
        page: page_no,
        row: Some(i),
        id,
        detail,
        skipped,
    };
    let mut notes = Notes::default();
    match T::from_wire(row, &mut notes) {
        Ok(value) => {
            let key = value.key().map(str::to_owned);
            if let Some(key) = &key {
                if !seen.insert(key.clone()) {
                    page.problems.push(problem(
                        ProblemKind::Duplicate,
                        Some(key.clone()),
                        "already listed on an earlier row; this one ignored".into(),
                        false,
                    ));
                    return;
                }
            }
            page.problems.extend(
                notes
                    .0
                    .into_iter()
                    .map(|(kind, detail)| problem(kind, key.clone(), detail, false)),
            );
            page.items.push(value);
        }
        Err(reason) => page.problems.push(problem(
            ProblemKind::Malformed,
            wire::raw_id(row),
            format!("row skipped: {reason}"),
            true,
        )),
    }
}

/// Why a listing that still announces a next page must stop after page `number`: too many
/// empty pages in a row, or too many pages.
fn paging_anomaly(number: u32, rows: usize, empty_pages: &mut u32) -> Option<String> {
    if rows == 0 {
        *empty_pages += 1;
        (*empty_pages >= MAX_EMPTY_PAGES)
            .then(|| format!("{empty_pages} empty pages in a row still announce a next one"))
    } else {
        *empty_pages = 0;
        (number + 1 >= MAX_PAGES).then(|| format!("more than {MAX_PAGES} pages"))
    }
}

/// The page-level problem that ends a listing stopped early.
fn anomaly_page<T>(number: u32, detail: String) -> Page<T> {
    Page {
        number,
        items: Vec::new(),
        problems: vec![Problem {
            kind: ProblemKind::PagingAnomaly,
            page: Some(number),
            row: None,
            id: None,
            detail: format!("{detail}; the listing stopped and may be incomplete"),
            skipped: false,
        }],
    }
}
