//! The Shopcaisse client: one short public method per endpoint over one private chokepoint.
//!
//! [`Client::send`] is the only place that touches HTTP: it sets the bearer token and the JSON
//! headers, applies the connect and total timeouts, maps statuses and transport failures to
//! [`ErrorKind`]s, and retries what is safe to retry. Everything else is paths, pagination and
//! decoding (through `wire`).

use super::config::ClientConfig;
use super::listing::{Listing, Page, Problem, ProblemKind};
use super::requests::{ItemUpdate, NewItem, PushHow, PushOutcome};
use super::retry::{Backoff, Retry};
use super::wire::{self, paths, query, FromWire, Notes, PriceRow};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    AuthBundle, Company, CompanyId, Customer, Family, Item, ItemId, NewCustomer, OrderPush, Pos,
    PosOrder, PosOrderId, Price, PriceList, PriceListId, Sale, StockRow, Store, StoreId,
};
use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Largest response body read (a page of items with long descriptions stays far below).
const MAX_BODY: u64 = 64 * 1024 * 1024;
/// Pages read at most in one listing: a server that never ends a listing cannot hang a run.
const MAX_PAGES: u32 = 100_000;
/// Empty pages in a row that still claim a next page before the listing is stopped.
const MAX_EMPTY_PAGES: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Repeating the request cannot do more than doing it once.
    fn idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// A successful (2xx) answer.
struct Reply {
    status: u16,
    body: Vec<u8>,
}

/// A failed attempt and whether it may be repeated.
struct Failure {
    error: Error,
    retry: Retry,
    retry_after: Option<Duration>,
}

/// A Shopcaisse API client. Cheap to build: no socket, thread or TLS state exists until the first
/// request (PHP-FPM forks after module start), then one connection pool is kept and reused.
/// `Client` is `Send + Sync`; share it by reference.
pub struct Client {
    config: ClientConfig,
    agent: OnceLock<ureq::Agent>,
    backoff: Backoff,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("agent_started", &self.agent_started())
            .finish()
    }
}

impl Client {
    /// A client for `config`. Fails with `NotConfigured` when the base URL is not an http(s) URL
    /// and `InvalidInput` when the page size is 0.
    pub fn new(config: ClientConfig) -> Result<Client> {
        let base = config.base().to_ascii_lowercase();
        if !(base.starts_with("https://") || base.starts_with("http://")) || base.len() < 10 {
            return Err(Error::new(
                ErrorKind::NotConfigured,
                format!(
                    "the API base URL {:?} is not an http(s) URL",
                    config.base_url
                ),
            ));
        }
        if config.page_size == 0 {
            return Err(Error::invalid_input("the page size must be at least 1"));
        }
        Ok(Client {
            backoff: Backoff::new(&config),
            config,
            agent: OnceLock::new(),
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Whether the HTTP agent (and its connection pool) exists yet: false until the first request.
    pub fn agent_started(&self) -> bool {
        self.agent.get().is_some()
    }

    // -----------------------------------------------------------------------------------------
    // Endpoints
    // -----------------------------------------------------------------------------------------

    /// Endpoint 1: checks the token and lists what it reaches. `InvalidToken` when it is invalid,
    /// expired or revoked.
    pub fn authentication(&self) -> Result<AuthBundle> {
        let op = "checking the token";
        let reply = self.send(op, Method::Get, &paths::authentication(), &[], None)?;
        let (value, _) = wire::json(&reply.body).map_err(|e| self.unexpected(op, e))?;
        wire::auth_bundle(&value).map_err(|e| self.unexpected(op, e))
    }

    /// Endpoint 2: the companies the token reaches.
    pub fn companies(&self) -> Result<Listing<Company>> {
        self.listing("listing companies", &paths::companies(), Vec::new(), false)
    }

    /// Endpoint 3: the stores the token reaches (each with its company id, which differs from its own).
    pub fn stores(&self) -> Result<Listing<Store>> {
        self.listing("listing stores", &paths::stores(), Vec::new(), false)
    }

    /// Endpoint 4: the points of sale of a store, with whether each has the order-management module.
    pub fn pos_of_store(&self, store: &StoreId) -> Result<Listing<Pos>> {
        self.listing(
            "listing points of sale",
            &paths::pos(store),
            Vec::new(),
            false,
        )
    }

    /// Endpoint 5: the whole catalog of a company, every page read (see [`Listing`] for what is reported
    /// rather than failed). For very large catalogs, [`Client::for_each_items_page`] keeps only
    /// one page in memory.
    pub fn items(&self, company: &CompanyId) -> Result<Listing<Item>> {
        self.listing("listing items", &paths::items(company), Vec::new(), true)
    }

    /// Endpoint 5, streamed: calls `each` with every page as it arrives (repeats of earlier pages
    /// removed). An error from `each` stops the listing and is returned. When a page cannot be
    /// fetched the listing stops with that error: pages already handed over are then an
    /// incomplete catalog, never a reason to delete anything.
    pub fn for_each_items_page(
        &self,
        company: &CompanyId,
        each: impl FnMut(Page<Item>) -> Result<()>,
    ) -> Result<()> {
        let mut seen = HashSet::new();
        self.pages(
            "listing items",
            &paths::items(company),
            &[],
            true,
            &mut seen,
            each,
        )
    }

    /// Endpoint 6: one item; `NotFound` when it no longer exists.
    pub fn item(&self, company: &CompanyId, item: &ItemId) -> Result<Item> {
        let op = "fetching an item";
        let reply = self.send(op, Method::Get, &paths::item(company, item), &[], None)?;
        self.one(op, &reply)
    }

    /// Endpoint 7: creates a SIMPLE item. Not retried once sent: when this fails with a transient error
    /// the item may exist; look it up by reference before trying again.
    pub fn create_item(&self, company: &CompanyId, item: &NewItem) -> Result<Item> {
        let op = "creating an item";
        if item.name.trim().is_empty() {
            return Err(Error::invalid_input("an item needs a name"));
        }
        let body = wire::WireNewItem {
            name: item.name.trim(),
            price: item.price.to_json_number(),
            reference: item.reference.as_deref(),
            barcode: item.barcode.as_deref(),
            description: item.description.as_deref(),
            family_id: item.family.as_ref().map(|f| f.as_str()),
        };
        let body = serde_json::to_vec(&body).map_err(|e| Error::internal(e.to_string()))?;
        let reply = self.send(op, Method::Post, &paths::items(company), &[], Some(&body))?;
        self.one(op, &reply)
    }

    /// Endpoint 8: changes an item's name, description or reference (the only fields the API edits).
    pub fn update_item(
        &self,
        company: &CompanyId,
        item: &ItemId,
        update: &ItemUpdate,
    ) -> Result<Item> {
        let op = "updating an item";
        let body = wire::WireItemUpdate {
            name: update.name.as_deref(),
            description: update.description.as_deref(),
            reference: update.reference.as_deref(),
        };
        let body = serde_json::to_vec(&body).map_err(|e| Error::internal(e.to_string()))?;
        let reply = self.send(
            op,
            Method::Put,
            &paths::item(company, item),
            &[],
            Some(&body),
        )?;
        if reply.body.iter().all(u8::is_ascii_whitespace) {
            return self.item(company, item);
        }
        self.one(op, &reply)
    }

    /// Endpoint 9: the product families, without the technical ones ("System family", "Pas de famille").
    pub fn families(&self, company: &CompanyId) -> Result<Listing<Family>> {
        let listing: Listing<Family> = self.listing(
            "listing families",
            &paths::families(company),
            Vec::new(),
            false,
        )?;
        Ok(listing.map(|mut families| {
            families.retain(|f| !f.is_technical());
            families
        }))
    }

    /// Endpoint 10: the price lists ("Défaut" is the default one).
    pub fn price_lists(&self, company: &CompanyId) -> Result<Listing<PriceList>> {
        self.listing(
            "listing price lists",
            &paths::price_lists(company),
            Vec::new(),
            false,
        )
    }

    /// Endpoint 11: the prices of one list, every page read.
    pub fn prices(&self, company: &CompanyId, list: &PriceListId) -> Result<Listing<Price>> {
        let rows: Listing<PriceRow> = self.listing(
            "listing prices",
            &paths::prices(company, list),
            Vec::new(),
            true,
        )?;
        Ok(rows.map(|rows| rows.into_iter().map(|r| r.into_price(list)).collect()))
    }

    /// Endpoint 12: the stock of a store (`type=DEFAULT`), every page read. Stock may be negative or
    /// decimal; a row without a readable stock is reported, never read as zero.
    pub fn stocks(&self, store: &StoreId) -> Result<Listing<StockRow>> {
        let query = vec![(query::STOCK_TYPE, query::STOCK_TYPE_DEFAULT.to_owned())];
        self.listing("listing stock", &paths::stocks(store), query, true)
    }

    /// Endpoint 13: the tickets of a store between two instants (epoch milliseconds), every status.
    pub fn sales(&self, store: &StoreId, from_ms: i64, to_ms: i64) -> Result<Listing<Sale>> {
        let query = vec![
            (query::SALE_STATUS, query::SALE_STATUS_ALL.to_owned()),
            (query::FROM, from_ms.to_string()),
            (query::TO, to_ms.to_string()),
        ];
        self.listing("listing sales", &paths::sales(store), query, true)
    }

    /// Endpoint 14: customers of a store matching an email or a phone (at least one is required, so a
    /// search can never list every customer).
    pub fn find_customers(
        &self,
        store: &StoreId,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Listing<Customer>> {
        let mut query = Vec::new();
        if let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) {
            query.push((query::EMAIL, email.to_owned()));
        }
        if let Some(phone) = phone.map(str::trim).filter(|p| !p.is_empty()) {
            query.push((query::PHONE, phone.to_owned()));
        }
        if query.is_empty() {
            return Err(Error::invalid_input(
                "a customer search needs an email or a phone",
            ));
        }
        self.listing("finding customers", &paths::customers(store), query, false)
    }

    /// Endpoint 15: creates a customer. Not retried once sent (search before trying again).
    pub fn create_customer(&self, store: &StoreId, customer: &NewCustomer) -> Result<Customer> {
        let op = "creating a customer";
        let body = serde_json::to_vec(&wire::WireNewCustomer::from(customer))
            .map_err(|e| Error::internal(e.to_string()))?;
        let reply = self.send(op, Method::Post, &paths::customers(store), &[], Some(&body))?;
        self.one(op, &reply)
    }

    /// Endpoint 16: pushes an order to the POS, at most once per external reference.
    ///
    /// The POST is never repeated within a call. Before it, the reference is looked up
    /// (endpoint 17): an order found is adopted, and only a confirmed absence (a complete, fully
    /// readable lookup) allows the POST. A 409 is answered by the same lookup. A 401 is told
    /// apart: `OrderModuleMissing` when the token is still valid, `InvalidToken` otherwise.
    ///
    /// When the POST fails in a way that may hide a commit (timeout, reset, 5xx), the reference
    /// is looked up a few more times, spread over the retry budget; if the order still does not
    /// show, the error is marked [`Error::outcome_unknown`]: the POS may commit it later, so the
    /// caller must not post it again before a grace window has passed (the engine's
    /// `push_grace_ms`) with look-ups still finding nothing.
    pub fn push_order(&self, store: &StoreId, order: &OrderPush) -> Result<PushOutcome> {
        let op = "pushing an order";
        let reference = order.external_reference.trim();
        if reference.is_empty() {
            return Err(Error::invalid_input("an order needs an external reference"));
        }
        // The reference is sent exactly as it is looked up.
        let trimmed;
        let order = if order.external_reference == reference {
            order
        } else {
            trimmed = OrderPush {
                external_reference: reference.to_owned(),
                ..order.clone()
            };
            &trimmed
        };
        let body = serde_json::to_vec(&wire::WireOrderPush::from(order))
            .map_err(|e| Error::internal(e.to_string()))?;
        if let Some(found) = self.existing_order(store, reference)? {
            tracing::info!(reference, order = %found.order.id, "order already in the POS: adopted");
            return Ok(found);
        }
        let started = Instant::now();
        let error = match self.send(op, Method::Post, &paths::orders(store), &[], Some(&body)) {
            Ok(reply) => {
                return match self.one::<PosOrder>(op, &reply) {
                    Ok(created) => Ok(PushOutcome {
                        order: created,
                        how: PushHow::Created,
                        others: Vec::new(),
                    }),
                    // Committed, but the answer is unreadable: the lookup tells what exists.
                    Err(e) => self
                        .existing_order(store, reference)?
                        .ok_or(e.context("the order was accepted but cannot be found")),
                };
            }
            Err(e) => e,
        };
        match error.kind() {
            ErrorKind::InvalidToken if error.http_status() == Some(401) => {
                Err(self.explain_push_401())
            }
            ErrorKind::Conflict => {
                self.existing_order(store, reference)?.ok_or(error.context(
                    "the POS refused the reference as a duplicate but no order carries it",
                ))
            }
            ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Server => {
                tracing::warn!(reference, error = %error, "order push outcome unknown: looking it up");
                for looked in 1..self.config.max_attempts.max(1) {
                    let delay = self.backoff.delay(looked, None);
                    if started.elapsed() + delay > self.config.retry_budget {
                        break;
                    }
                    self.sleep(delay);
                    match self.existing_order(store, reference) {
                        Ok(Some(found)) => return Ok(found),
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
                Err(error
                    .context(format!(
                        "order {reference} may or may not have reached the POS; \
                         it is looked up, not posted again, until the grace window has passed"
                    ))
                    .with_outcome_unknown())
            }
            _ => Err(error),
        }
    }

    /// Endpoint 17: the orders pushed under an external reference. Rows whose reference is not exactly
    /// this one are dropped (a server that ignored the filter cannot make us adopt a stranger).
    pub fn find_orders_by_reference(
        &self,
        store: &StoreId,
        reference: &str,
    ) -> Result<Listing<PosOrder>> {
        let reference = reference.trim();
        let query = vec![(query::EXTERNAL_REFERENCE, reference.to_owned())];
        let listing: Listing<PosOrder> = self.listing(
            "finding orders by reference",
            &paths::orders(store),
            query,
            true,
        )?;
        Ok(listing.map(|mut orders| {
            orders.retain(|o| o.external_reference.as_deref().map(str::trim) == Some(reference));
            orders
        }))
    }

    /// Endpoint 18: one order with its status.
    pub fn order(&self, store: &StoreId, order: &PosOrderId) -> Result<PosOrder> {
        let op = "fetching an order";
        let reply = self.send(op, Method::Get, &paths::order(store, order), &[], None)?;
        self.one(op, &reply)
    }

    /// Endpoint 19: cancels an order.
    pub fn cancel_order(&self, store: &StoreId, order: &PosOrderId) -> Result<()> {
        let op = "cancelling an order";
        self.send(op, Method::Delete, &paths::order(store, order), &[], None)
            .map(|_| ())
    }

    // -----------------------------------------------------------------------------------------
    // Order push helpers
    // -----------------------------------------------------------------------------------------

    /// The order already held under `reference`, if the lookup can tell. A lookup that skipped
    /// rows or stopped early cannot prove absence: it is an error, never "absent".
    fn existing_order(&self, store: &StoreId, reference: &str) -> Result<Option<PushOutcome>> {
        let mut orders = self
            .find_orders_by_reference(store, reference)
            .map_err(|e| e.context("checking whether the order is already in the POS"))?
            .into_found(&format!(
                "confirming that order {reference} is absent from the POS before pushing it"
            ))?;
        if orders.is_empty() {
            return Ok(None);
        }
        let chosen = orders
            .iter()
            .position(|o| !o.status.is_cancelled())
            .unwrap_or(0);
        let order = orders.remove(chosen);
        Ok(Some(PushOutcome {
            order,
            how: PushHow::Adopted,
            others: orders,
        }))
    }

    /// A 401 on order push means a bad token or a POS without the order module: ask
    /// `/authentication` which.
    fn explain_push_401(&self) -> Error {
        match self.authentication() {
            Ok(_) => Error::new(
                ErrorKind::OrderModuleMissing,
                "pushing an order: the POS refused it (401) while the token is valid: \
                 the point of sale lacks the order-management module",
            )
            .with_http_status(401),
            Err(e) if e.kind() == ErrorKind::InvalidToken => {
                e.context("pushing an order: the token is no longer valid")
            }
            Err(e) => {
                e.context("pushing an order was refused (401), and checking the token failed")
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Listings and decoding
    // -----------------------------------------------------------------------------------------

    fn listing<T: FromWire>(
        &self,
        op: &str,
        path: &str,
        query: Vec<(&'static str, String)>,
        paginated: bool,
    ) -> Result<Listing<T>> {
        let (mut items, mut problems) = (Vec::new(), Vec::new());
        let mut seen = HashSet::new();
        self.pages(op, path, &query, paginated, &mut seen, |page: Page<T>| {
            items.extend(page.items);
            problems.extend(page.problems);
            Ok(())
        })?;
        Ok(Listing::new(items, problems))
    }

    /// Reads every page, looping on `hasNextPage` (never on a short page). When the first page
    /// is short yet announces a next one, the server clamps the page size: later pages are
    /// asked at that size, so rows are neither skipped nor fetched twice whichever way the
    /// server counts its offsets (a repeat would be removed anyway).
    fn pages<T: FromWire>(
        &self,
        op: &str,
        path: &str,
        base_query: &[(&'static str, String)],
        paginated: bool,
        seen: &mut HashSet<String>,
        mut each: impl FnMut(Page<T>) -> Result<()>,
    ) -> Result<()> {
        let mut number = 0u32;
        let mut size = self.config.page_size;
        let mut empty_pages = 0u32;
        loop {
            let mut query = base_query.to_vec();
            if paginated {
                query.push((query::PAGE, number.to_string()));
                query.push((query::PAGE_SIZE, size.to_string()));
            }
            let reply = self.send(op, Method::Get, path, &query, None)?;
            let page_no = paginated.then_some(number);
            let (value, lossy) = wire::json(&reply.body)
                .map_err(|e| self.unexpected(op, format!("page {number}: {e}")))?;
            let raw = wire::page(value, paginated)
                .map_err(|e| self.unexpected(op, format!("page {number}: {e}")))?;
            let rows = raw.rows.len();
            let mut page = Page {
                number,
                items: Vec::with_capacity(rows),
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
                let mut notes = Notes::default();
                match T::from_wire(row, &mut notes) {
                    Ok(value) => {
                        let key = value.key().map(str::to_owned);
                        if let Some(key) = &key {
                            if !seen.insert(key.clone()) {
                                page.problems.push(Problem {
                                    kind: ProblemKind::Duplicate,
                                    page: page_no,
                                    row: Some(i),
                                    id: Some(key.clone()),
                                    detail: "already listed on an earlier row; this one ignored"
                                        .into(),
                                    skipped: false,
                                });
                                continue;
                            }
                        }
                        page.problems
                            .extend(notes.0.into_iter().map(|(kind, detail)| Problem {
                                kind,
                                page: page_no,
                                row: Some(i),
                                id: key.clone(),
                                detail,
                                skipped: false,
                            }));
                        page.items.push(value);
                    }
                    Err(reason) => page.problems.push(Problem {
                        kind: ProblemKind::Malformed,
                        page: page_no,
                        row: Some(i),
                        id: wire::raw_id(row),
                        detail: format!("row skipped: {reason}"),
                        skipped: true,
                    }),
                }
            }
            for problem in &page.problems {
                tracing::debug!(op, %problem, "listing problem");
            }
            each(page)?;
            if !paginated || !raw.has_next {
                return Ok(());
            }
            let anomaly = if rows == 0 {
                empty_pages += 1;
                (empty_pages >= MAX_EMPTY_PAGES).then(|| {
                    format!("{empty_pages} empty pages in a row still announce a next one")
                })
            } else {
                empty_pages = 0;
                (number + 1 >= MAX_PAGES).then(|| format!("more than {MAX_PAGES} pages"))
            };
            if let Some(detail) = anomaly {
                tracing::warn!(op, detail, "listing stopped");
                return each(Page {
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
                });
            }
            if number == 0 && rows > 0 && (rows as u32) < size {
                tracing::debug!(
                    op,
                    asked = size,
                    got = rows,
                    "the server clamps the page size"
                );
                size = rows as u32;
            }
            number += 1;
        }
    }

    /// Decodes a single-object answer; oddities are logged, an unreadable object is an error.
    fn one<T: FromWire>(&self, op: &str, reply: &Reply) -> Result<T> {
        let (value, _) = wire::json(&reply.body).map_err(|e| self.unexpected(op, e))?;
        let mut notes = Notes::default();
        let decoded = T::from_wire(&value, &mut notes)
            .map_err(|e| self.unexpected(op, format!("HTTP {}: {e}", reply.status)))?;
        for (kind, detail) in notes.0 {
            tracing::debug!(op, kind = kind.as_str(), detail, "decoding note");
        }
        Ok(decoded)
    }

    fn unexpected(&self, op: &str, detail: impl fmt::Display) -> Error {
        Error::new(
            ErrorKind::UnexpectedPayload,
            self.scrub(format!("{op}: unexpected answer: {detail}")),
        )
    }

    // -----------------------------------------------------------------------------------------
    // The chokepoint
    // -----------------------------------------------------------------------------------------

    /// Sends one request, retrying what is safe: every method on 429 (after `Retry-After`) and
    /// on failures before the request left; idempotent methods (GET, PUT, DELETE) also on 5xx,
    /// timeouts and dropped connections. Bounded by `max_attempts` and `retry_budget`.
    fn send(
        &self,
        op: &str,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Reply> {
        let url = format!(
            "{}{}{}",
            self.config.base(),
            path,
            wire::encode_query(query)
        );
        let started = Instant::now();
        let mut attempt = 1u32;
        loop {
            let begun = Instant::now();
            let result = self.attempt(op, method, &url, body);
            let failure = match result {
                Ok(reply) => {
                    tracing::debug!(
                        method = method.as_str(),
                        path,
                        status = reply.status,
                        attempt,
                        ms = begun.elapsed().as_millis() as u64,
                        "shopcaisse request"
                    );
                    return Ok(reply);
                }
                Err(failure) => failure,
            };
            let retryable = match failure.retry {
                Retry::No => false,
                Retry::Always => true,
                Retry::IfIdempotent => method.idempotent(),
            };
            let delay = self.backoff.delay(attempt, failure.retry_after);
            let give_up = !retryable
                || attempt >= self.config.max_attempts.max(1)
                || started.elapsed() + delay > self.config.retry_budget;
            tracing::debug!(
                method = method.as_str(),
                path,
                status = failure.error.http_status(),
                kind = failure.error.kind().as_str(),
                attempt,
                give_up,
                "shopcaisse request failed"
            );
            if give_up {
                return Err(failure.error);
            }
            self.sleep(delay);
            attempt += 1;
        }
    }

    /// One attempt, no retry.
    fn attempt(
        &self,
        op: &str,
        method: Method,
        url: &str,
        body: Option<&[u8]>,
    ) -> std::result::Result<Reply, Failure> {
        let builder = ureq::http::Request::builder()
            .method(method.as_str())
            .uri(url)
            .header(
                "Authorization",
                format!("Bearer {}", self.config.token.expose()),
            )
            .header("Accept", "application/json");
        let agent = self.agent();
        let sent = match body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body)
                .map(|request| agent.run(request)),
            None => builder.body(()).map(|request| agent.run(request)),
        };
        let mut response = match sent {
            Err(e) => {
                return Err(Failure {
                    error: Error::new(
                        ErrorKind::NotConfigured,
                        self.scrub(format!("{op}: cannot build the request: {e}")),
                    ),
                    retry: Retry::No,
                    retry_after: None,
                })
            }
            Ok(Err(e)) => return Err(self.transport_failure(op, e)),
            Ok(Ok(response)) => response,
        };
        let status = response.status().as_u16();
        let retry_after_secs = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let read = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec();
        if (200..300).contains(&status) {
            return match read {
                Ok(body) => Ok(Reply { status, body }),
                Err(e) => Err(self.transport_failure(op, e)),
            };
        }
        let body = read.unwrap_or_default();
        Err(self.status_failure(op, status, retry_after_secs, &body))
    }

    fn status_failure(
        &self,
        op: &str,
        status: u16,
        retry_after_secs: Option<u64>,
        body: &[u8],
    ) -> Failure {
        let (kind, retry) = match status {
            401 => (ErrorKind::InvalidToken, Retry::No),
            403 => (ErrorKind::PermissionDenied, Retry::No),
            404 | 410 => (ErrorKind::NotFound, Retry::No),
            409 => (ErrorKind::Conflict, Retry::No),
            429 => (ErrorKind::RateLimited, Retry::Always),
            500..=599 => (ErrorKind::Server, Retry::IfIdempotent),
            400..=499 => (ErrorKind::InvalidInput, Retry::No),
            _ => (ErrorKind::UnexpectedPayload, Retry::No),
        };
        let explained = match wire::api_message(body) {
            Some(message) => format!("{op}: HTTP {status}: {message}"),
            None => format!("{op}: HTTP {status}"),
        };
        let mut error = Error::new(kind, self.scrub(explained)).with_http_status(status);
        if let Some(secs) = retry_after_secs {
            error = error.with_retry_after(secs);
        }
        Failure {
            error,
            retry,
            retry_after: retry_after_secs.map(|s| self.backoff.capped(Duration::from_secs(s))),
        }
    }

    /// Maps a transport failure. What failed before the request could leave (DNS, refused,
    /// connect timeout) may be retried whatever the method; anything later may have reached
    /// the server.
    fn transport_failure(&self, op: &str, e: ureq::Error) -> Failure {
        use std::io::ErrorKind as Io;
        let (kind, retry, what) = match &e {
            ureq::Error::Timeout(t) => match t {
                ureq::Timeout::Resolve | ureq::Timeout::Connect => (
                    ErrorKind::Timeout,
                    Retry::Always,
                    "could not connect in time",
                ),
                _ => (
                    ErrorKind::Timeout,
                    Retry::IfIdempotent,
                    "no complete answer in time",
                ),
            },
            ureq::Error::HostNotFound => (ErrorKind::Network, Retry::Always, "host not found"),
            ureq::Error::ConnectionFailed => {
                (ErrorKind::Network, Retry::Always, "connection failed")
            }
            ureq::Error::Io(io) if is_tls(io) => (ErrorKind::Network, Retry::No, TLS_FAILED),
            ureq::Error::Io(io) => match io.kind() {
                Io::ConnectionRefused => (ErrorKind::Network, Retry::Always, "connection refused"),
                Io::TimedOut | Io::WouldBlock => (
                    ErrorKind::Timeout,
                    Retry::IfIdempotent,
                    "no complete answer in time",
                ),
                _ => (ErrorKind::Network, Retry::IfIdempotent, "connection lost"),
            },
            ureq::Error::BodyExceedsLimit(_)
            | ureq::Error::LargeResponseHeader(..)
            | ureq::Error::Decompress(..) => (
                ErrorKind::UnexpectedPayload,
                Retry::No,
                "the answer is too large or undecodable",
            ),
            ureq::Error::BadUri(_) | ureq::Error::Http(_) | ureq::Error::RequireHttpsOnly(_) => (
                ErrorKind::NotConfigured,
                Retry::No,
                "the API URL is unusable",
            ),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
                (ErrorKind::Network, Retry::No, TLS_FAILED)
            }
            _ => (ErrorKind::Network, Retry::IfIdempotent, "transport failure"),
        };
        let tls = what == TLS_FAILED;
        let error = Error::new(kind, self.scrub(format!("{op}: {what} ({e})")));
        Failure {
            error: if tls { error.with_cause("tls") } else { error },
            retry,
            retry_after: None,
        }
    }

    /// The agent, created on first use and reused (never at construction: a PHP-FPM master
    /// forks after building its module).
    fn agent(&self) -> &ureq::Agent {
        self.agent.get_or_init(|| {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(self.config.connect_timeout))
                .timeout_global(Some(self.config.total_timeout))
                // A redirect could carry the bearer token to another host: never follow one.
                .max_redirects(0)
                .user_agent(self.config.user_agent.as_str())
                .build();
            ureq::Agent::new_with_config(config)
        })
    }

    fn sleep(&self, delay: Duration) {
        match &self.config.sleeper {
            Some(sleeper) => sleeper(delay),
            None => std::thread::sleep(delay),
        }
    }

    /// Removes the token from a text that may quote a server (which could echo it back).
    fn scrub(&self, text: String) -> String {
        let token = self.config.token.expose();
        if token.len() >= 4 && text.contains(token) {
            text.replace(token, "***")
        } else {
            text
        }
    }
}

const TLS_FAILED: &str = "TLS failed";

/// Whether an I/O error is rustls refusing the peer (a certificate, or a server that does not
/// speak TLS), which ureq hands over wrapped in `std::io::Error`.
fn is_tls(io: &std::io::Error) -> bool {
    io.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}
