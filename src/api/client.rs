//! The Shopcaisse client: one short public method per endpoint over one private chokepoint.
//!
//! The chokepoint (`transport`) is the only place that touches HTTP: it sets the bearer token and
//! the JSON headers, applies the connect and total timeouts, maps statuses and transport failures
//! to [`ErrorKind`]s, and retries what is safe to retry. Listings are read by `paging`, several
//! pages at once where the listing allows it. Everything here is paths and decoding (through
//! `wire`), each public method a blocking call.

use super::config::ClientConfig;
use super::listing::{Listing, Page};
use super::paging::{self, Flow, ListingRequest, Resume};
use super::requests::{ItemUpdate, NewItem, PushHow, PushOutcome};
use super::transport::{Method, Reply, Transport};
use super::wire::{self, paths, query, FromWire, Notes, PriceRow};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{
    AuthBundle, Company, CompanyId, Customer, Family, Item, ItemId, NewCustomer, OrderPush, Pos,
    PosOrder, PosOrderId, Price, PriceList, PriceListId, Sale, StockRow, Store, StoreId,
};
use std::collections::HashSet;
use std::fmt;
use std::time::{Duration, Instant};

/// How a listing is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paging {
    /// One bare list.
    Single,
    /// Page after page.
    Sequential,
    /// Page after page, up to `concurrent_reads` pages in flight (page 0 alone first).
    Concurrent,
}

/// A Shopcaisse API client. Cheap to build: no socket, thread or TLS state exists until the first
/// request (PHP-FPM forks after module start), then one connection pool is kept and reused.
/// `Client` is `Send + Sync`; share it by reference.
pub struct Client {
    transport: Transport,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.transport.config)
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
            transport: Transport::new(config),
        })
    }

    /// The settings in use.
    pub fn config(&self) -> &ClientConfig {
        &self.transport.config
    }

    /// Whether the HTTP client (and its connection pool) exists in this process yet: false until
    /// the first request, and again in a process forked after it.
    pub fn agent_started(&self) -> bool {
        self.transport.started()
    }

    // -----------------------------------------------------------------------------------------
    // Endpoints
    // -----------------------------------------------------------------------------------------

    /// Endpoint 1: checks the token and lists what it reaches. `InvalidToken` when it is invalid,
    /// expired or revoked.
    pub fn authentication(&self) -> Result<AuthBundle> {
        let op = "checking the token";
        let reply =
            self.transport
                .send_blocking(op, Method::Get, &paths::authentication(), &[], None)?;
        let (value, _) = wire::json(&reply.body).map_err(|e| self.unexpected(op, e))?;
        wire::auth_bundle(&value).map_err(|e| self.unexpected(op, e))
    }

    /// Endpoint 2: the companies the token reaches.
    pub fn companies(&self) -> Result<Listing<Company>> {
        self.listing(
            "listing companies",
            &paths::companies(),
            Vec::new(),
            Paging::Single,
        )
    }

    /// Endpoint 3: the stores the token reaches (each with its company id, which differs from its own).
    pub fn stores(&self) -> Result<Listing<Store>> {
        self.listing(
            "listing stores",
            &paths::stores(),
            Vec::new(),
            Paging::Single,
        )
    }

    /// Endpoint 4: the points of sale of a store, with whether each has the order-management module.
    pub fn pos_of_store(&self, store: &StoreId) -> Result<Listing<Pos>> {
        self.listing(
            "listing points of sale",
            &paths::pos(store),
            Vec::new(),
            Paging::Single,
        )
    }

    /// Endpoint 5: the whole catalog of a company, every page read (see [`Listing`] for what is reported
    /// rather than failed). For very large catalogs, [`Client::for_each_items_page`] keeps only
    /// one page in memory.
    pub fn items(&self, company: &CompanyId) -> Result<Listing<Item>> {
        self.listing(
            "listing items",
            &paths::items(company),
            Vec::new(),
            Paging::Concurrent,
        )
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
        self.pages(
            "listing items",
            &paths::items(company),
            Vec::new(),
            Paging::Concurrent,
            each,
        )
    }

    /// Endpoints 5, 11 and 12 read in steps: one of the catalog's listings from page `from` (or
    /// the first), `each` called with every page and where a walk resumes after it (`None` after
    /// the last page) and free to stop after any page. Answers where to resume when `each`
    /// stopped, `None` when the listing was read to its end. `seen` holds the keys (item ids) of
    /// the rows read before `from`, so that repeats across steps are dropped as within one walk.
    pub(crate) fn walk_catalog<T: CatalogListing>(
        &self,
        listing: &T::Of,
        from: Option<Resume>,
        seen: &mut HashSet<String>,
        mut each: impl FnMut(Page<T>, Option<Resume>) -> Result<Flow>,
    ) -> Result<Option<Resume>> {
        let (op, path, query) = T::request(listing);
        let request = ListingRequest {
            op,
            path,
            query,
            paginated: true,
            concurrent: true,
        };
        paging::pages_from(
            &self.transport,
            &request,
            from,
            seen,
            |page: Page<T::Wire>, next| {
                let rows = page.items.into_iter().map(|row| T::from_row(row, listing));
                let page = Page {
                    number: page.number,
                    items: rows.collect(),
                    problems: page.problems,
                };
                each(page, next)
            },
        )
    }

    /// Endpoint 6: one item; `NotFound` when it no longer exists.
    pub fn item(&self, company: &CompanyId, item: &ItemId) -> Result<Item> {
        let op = "fetching an item";
        let reply = self.transport.send_blocking(
            op,
            Method::Get,
            &paths::item(company, item),
            &[],
            None,
        )?;
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
        let reply = self.transport.send_blocking(
            op,
            Method::Post,
            &paths::items(company),
            &[],
            Some(&body),
        )?;
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
        let reply = self.transport.send_blocking(
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
            Paging::Single,
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
            Paging::Single,
        )
    }

    /// Endpoint 11: the prices of one list, every page read.
    pub fn prices(&self, company: &CompanyId, list: &PriceListId) -> Result<Listing<Price>> {
        let rows: Listing<PriceRow> = self.listing(
            "listing prices",
            &paths::prices(company, list),
            Vec::new(),
            Paging::Concurrent,
        )?;
        Ok(rows.map(|rows| rows.into_iter().map(|r| r.into_price(list)).collect()))
    }

    /// Endpoint 12: the stock of a store (`type=DEFAULT`), every page read. Stock may be negative or
    /// decimal; a row without a readable stock is reported, never read as zero.
    pub fn stocks(&self, store: &StoreId) -> Result<Listing<StockRow>> {
        let query = vec![(query::STOCK_TYPE, query::STOCK_TYPE_DEFAULT.to_owned())];
        self.listing(
            "listing stock",
            &paths::stocks(store),
            query,
            Paging::Concurrent,
        )
    }

    /// Endpoint 13: the tickets of a store between two instants (epoch milliseconds), every status.
    pub fn sales(&self, store: &StoreId, from_ms: i64, to_ms: i64) -> Result<Listing<Sale>> {
        let query = vec![
            (query::SALE_STATUS, query::SALE_STATUS_ALL.to_owned()),
            (query::FROM, from_ms.to_string()),
            (query::TO, to_ms.to_string()),
        ];
        self.listing(
            "listing sales",
            &paths::sales(store),
            query,
            Paging::Sequential,
        )
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
        self.listing(
            "finding customers",
            &paths::customers(store),
            query,
            Paging::Single,
        )
    }

    /// Endpoint 15: creates a customer. Not retried once sent (search before trying again).
    pub fn create_customer(&self, store: &StoreId, customer: &NewCustomer) -> Result<Customer> {
        let op = "creating a customer";
        let body = serde_json::to_vec(&wire::WireNewCustomer::from(customer))
            .map_err(|e| Error::internal(e.to_string()))?;
        let reply = self.transport.send_blocking(
            op,
            Method::Post,
            &paths::customers(store),
            &[],
            Some(&body),
        )?;
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
        let error = match self.transport.send_blocking(
            op,
            Method::Post,
            &paths::orders(store),
            &[],
            Some(&body),
        ) {
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
                for looked in 1..self.transport.config.max_attempts.max(1) {
                    let delay = self.transport.backoff(looked);
                    if started.elapsed() + delay > self.transport.config.retry_budget {
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
            Paging::Sequential,
        )?;
        Ok(listing.map(|mut orders| {
            orders.retain(|o| o.external_reference.as_deref().map(str::trim) == Some(reference));
            orders
        }))
    }

    /// Endpoint 18: one order with its status.
    pub fn order(&self, store: &StoreId, order: &PosOrderId) -> Result<PosOrder> {
        let op = "fetching an order";
        let reply = self.transport.send_blocking(
            op,
            Method::Get,
            &paths::order(store, order),
            &[],
            None,
        )?;
        self.one(op, &reply)
    }

    /// Endpoint 19: cancels an order.
    pub fn cancel_order(&self, store: &StoreId, order: &PosOrderId) -> Result<()> {
        let op = "cancelling an order";
        self.transport
            .send_blocking(op, Method::Delete, &paths::order(store, order), &[], None)
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
        paging: Paging,
    ) -> Result<Listing<T>> {
        let (mut items, mut problems) = (Vec::new(), Vec::new());
        self.pages(op, path, query, paging, |page: Page<T>| {
            items.extend(page.items);
            problems.extend(page.problems);
            Ok(())
        })?;
        Ok(Listing::new(items, problems))
    }

    fn pages<T: FromWire>(
        &self,
        op: &str,
        path: &str,
        query: Vec<(&'static str, String)>,
        paging: Paging,
        each: impl FnMut(Page<T>) -> Result<()>,
    ) -> Result<()> {
        let request = ListingRequest {
            op,
            path: path.to_owned(),
            query,
            paginated: paging != Paging::Single,
            concurrent: paging == Paging::Concurrent,
        };
        paging::pages(&self.transport, &request, &mut HashSet::new(), each)
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
        self.transport.unexpected(op, detail)
    }

    fn sleep(&self, delay: Duration) {
        self.transport.block_on(self.transport.sleep(delay));
    }
}

/// A listing [`Client::walk_catalog`] reads: the catalog's items, a price list's prices, a
/// store's stock.
pub(crate) trait CatalogListing: Sized {
    /// What it lists the rows of: a company, a (company, price list), a store.
    type Of;
    type Wire: FromWire;
    fn request(of: &Self::Of) -> (&'static str, String, Vec<(&'static str, String)>);
    fn from_row(row: Self::Wire, of: &Self::Of) -> Self;
    /// The item id the row is about (what repeats are recognised by).
    fn key(&self) -> &str;
}

impl CatalogListing for Item {
    type Of = CompanyId;
    type Wire = Item;
    fn request(company: &CompanyId) -> (&'static str, String, Vec<(&'static str, String)>) {
        ("listing items", paths::items(company), Vec::new())
    }
    fn from_row(row: Item, _: &CompanyId) -> Item {
        row
    }
    fn key(&self) -> &str {
        self.id.as_str()
    }
}

impl CatalogListing for Price {
    type Of = (CompanyId, PriceListId);
    type Wire = PriceRow;
    fn request(
        (company, list): &(CompanyId, PriceListId),
    ) -> (&'static str, String, Vec<(&'static str, String)>) {
        ("listing prices", paths::prices(company, list), Vec::new())
    }
    fn from_row(row: PriceRow, (_, list): &(CompanyId, PriceListId)) -> Price {
        row.into_price(list)
    }
    fn key(&self) -> &str {
        self.item.as_str()
    }
}

impl CatalogListing for StockRow {
    type Of = StoreId;
    type Wire = StockRow;
    fn request(store: &StoreId) -> (&'static str, String, Vec<(&'static str, String)>) {
        let query = vec![(query::STOCK_TYPE, query::STOCK_TYPE_DEFAULT.to_owned())];
        ("listing stock", paths::stocks(store), query)
    }
    fn from_row(row: StockRow, _: &StoreId) -> StockRow {
        row
    }
    fn key(&self) -> &str {
        self.item.as_str()
    }
}
