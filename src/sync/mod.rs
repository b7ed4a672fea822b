//! Pure sync planning: from snapshots (the Shopcaisse catalog, the shop's product index, an order)
//! to plans the PHP shell applies. No I/O here: no HTTP, no SQLite, no clock (times are passed
//! in), so every function is testable with plain values. Every plan is plain serde data with
//! snake_case fields: it crosses to PHP as JSON arrays.
//!
//! - Matching keys (references, barcodes, names, attributes, emails, phones) are
//!   [`crate::model::keys`]: the catalog cache and the customer memory use the same ones.
//! - [`shop`]: the WooCommerce snapshot ([`ShopProduct`], [`ShopIndex`]) and existing [`Links`].
//! - [`catalog`]: the Shopcaisse items indexed, each with its [`ItemRole`] in the shop.
//! - [`matching`]: which item is which product ([`match_items`] → [`MatchPlan`]), and
//!   [`suggest`]ions for the matching column.
//! - [`import`]: the product a Shopcaisse item becomes ([`plan_import`] → [`ProductSpec`]),
//!   bulk import previews ([`dry_run`] → [`ImportPreview`]) and later updates ([`plan_update`]).
//! - [`guard`]: whether an empty or shrunk answer may replace a cache ([`shrink_hold`]).
//! - [`stock`]: available quantities, packs, weighed items, and the guarded stock diff
//!   ([`plan_stock`] → [`StockPlan`]).
//! - [`health`]: how often the POS calls each cron URL, and whether it is late.
//! - [`activity`]: the dashboard's chart, activity buckets summed into the shop's local days.
//! - [`inflight`]: web orders the POS has not absorbed yet, and the units they hold back
//!   ([`reserved_quantities`], [`release_of`], [`released_by_drop`]).
//! - [`orders`]: status mapping, the order payload ([`build_push`] → [`PushPlan`]), what a
//!   failed delivery brings, and customer matching.

pub mod activity;
pub mod catalog;
pub mod guard;
pub mod health;
pub mod import;
pub mod inflight;
pub mod matching;
pub mod orders;
pub mod shop;
pub mod stock;

pub use catalog::{Catalog, ItemRole};
pub use guard::{shrink_hold, ShrinkHold};
pub use import::{
    dry_run, plan_image_updates, plan_import, plan_update, AttributeSpec, ImportContext,
    ImportCounts, ImportPreview, PackSpec, PriceBook, ProductSpec, ProductType, SkipReason,
    Skipped, UpdateSpec, VariationSpec, VariationsToAdd, WeighedSpec,
};
pub use inflight::{
    order_quantities, pos_stage, release_of, released_by_drop, reserved_quantities, stock_items_of,
    taken_from_drops, DropEvidence, InflightLine, InflightOrder, InflightSettings, PosStage,
    Release, StockMovedAt, Whereabouts,
};
pub use matching::{
    match_items, suggest, Conflict, MatchCounts, MatchMethod, MatchPlan, MatchedBy,
    PlannedCreation, ProposedLink, Suggestion, SuggestionReason,
};
pub use orders::{
    after_failed_cancel, after_failed_push, build_push, customer_searches, decide,
    external_reference, live_order, match_customer, next_attempt_delay, no_post_until, status_key,
    triage, Adjustment, AfterFailure, BlockReason, ChargeSnapshot, CustomerMatch,
    CustomerMatchedBy, CustomerSearch, OrderAction, OrderLineSnapshot, OrderSettings,
    OrderSnapshot, OrderStanding, PushPlan, StatusMap, Triage, UnlinkedLine,
};
pub use shop::{Link, Links, ShopIndex, ShopKind, ShopProduct};
pub use stock::{
    available, available_for_shop, pack_availability, plan_stock, plan_stock_reserving,
    shop_levels, shop_quantity, HoldReason, PackAvailability, ReservedInFlight, StockCounts,
    StockPlan, StockProblem, StockSettings, StockWrite,
};
