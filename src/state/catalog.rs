//! The catalog cache: the chosen company's Shopcaisse items and the chosen store's stock, as
//! last read from the API, searchable for the "Produits Shopcaisse" tab.
//!
//! Refreshes replace everything in one transaction ([`CatalogCache::replace_catalog`],
//! [`CatalogCache::replace_stocks`]), so readers see the old catalog or the new one, never a mix.
//! Each item is stored twice: its searchable facts in narrow indexed columns (kind, parent,
//! folded name, reference key, price), its full [`Item`] as JSON in a side table read only for
//! the rows shown. Barcodes go in their own table, one row per normalised key, since an item may
//! have several.
//!
//! Search: a name matches on a case- and accent-folded substring, a reference on a substring
//! of its key, a barcode on its exact key (so a UPC-A finds the EAN-13 that extends it, through
//! `barcode_key`). A substring cannot use a B-tree index, and a scan of 100 000 rows (twice: the
//! page and the total) measured 70 to 200 ms on the build machine, over the 50 ms target; so an
//! FTS5 trigram index over the folded name and reference key finds the candidates, and the rows
//! are stored in display order so that a page is a range of `pk` and an unfiltered total is a
//! plain count. Needles under three characters, which a trigram index cannot answer, fall back
//! to the scan. Figures are in "State" in `docs/benchmarks.md`.

use super::db::{limit_offset, paged, parse_stored, where_sql, Work};
use super::links::LinkMethod;
use super::State;
use crate::error::Result;
use crate::model::keys::{barcode_key, name_key, reference_key};
use crate::model::{Item, ItemId, ItemKind, Money, Price, Quantity, StockRow};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A kind filter as the admin tab offers it (a product kind in the spec's sense, which mixes
/// the item type, declinations and weighing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogKind {
    /// Plain items sold by the piece, without declinations.
    Simple,
    /// Parents of declinations (variable products).
    WithDeclinations,
    /// Declinations themselves.
    Variation,
    Pack,
    /// Items sold by weight or another measure.
    Weighed,
    /// Item types the core does not know.
    Unsupported,
}

impl CatalogKind {
    fn condition(self) -> &'static str {
        match self {
            CatalogKind::Simple => "i.kind = 'simple' AND i.has_declinations = 0 AND i.weighed = 0",
            CatalogKind::WithDeclinations => "i.has_declinations = 1",
            CatalogKind::Variation => "i.kind = 'variation'",
            CatalogKind::Pack => "i.kind = 'pack'",
            CatalogKind::Weighed => "i.weighed = 1",
            CatalogKind::Unsupported => "i.kind = 'unsupported'",
        }
    }
}

/// A search of the catalog; every filter is optional and they combine with AND.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CatalogQuery {
    /// Matches a name (case- and accent-insensitive substring), a reference (substring, spaces
    /// and case ignored) or a barcode (whole code, any of its UPC/EAN forms).
    pub text: Option<String>,
    /// Only linked (`true`) or only unlinked (`false`) items.
    pub linked: Option<bool>,
    pub kind: Option<CatalogKind>,
    /// Only the declinations of this parent.
    pub parent: Option<ItemId>,
    /// Leave declinations out (they show under their parent).
    pub top_level_only: bool,
    /// 1-based; 0 is the first page.
    pub page: u32,
    /// Rows per page; 0 for the default (50), at most 500.
    pub per_page: u32,
}

/// Stock of an item in the chosen store, in thousandths like every [`Quantity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogStock {
    pub stock: Quantity,
    pub reserved_for_customers: Quantity,
    pub reserved_for_suppliers: Quantity,
}

/// One row of the admin tab: the item's facts, its stock and whether it is linked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogRow {
    pub id: ItemId,
    pub kind: ItemKind,
    pub parent: Option<ItemId>,
    pub name: String,
    pub reference: Option<String>,
    pub barcodes: Vec<String>,
    /// From the chosen price list, else the item's default price.
    pub price: Option<Money>,
    pub has_declinations: bool,
    pub weighed: bool,
    pub stock: Option<CatalogStock>,
    pub linked: bool,
    /// The WooCommerce product or variation it is linked to.
    pub wc_id: Option<i64>,
    pub link_method: Option<LinkMethod>,
}

/// A page of rows (sorted by name) and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub rows: Vec<CatalogRow>,
    pub total: u64,
}

/// Lowercases, strips accents and collapses spaces, so "  Thé  GLACÉ" and "the glace" compare
/// equal. Covers Latin-1 and Latin Extended-A (every French letter, ligatures included) and
/// drops combining marks, which is what decomposed input carries.
pub fn fold_for_search(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match fold_char(c) {
            Folded::One(f) => out.push(f),
            Folded::Two(a, b) => {
                out.push(a);
                out.push(b);
            }
        }
    }
    out
}

enum Folded {
    One(char),
    Two(char, char),
}

fn fold_char(c: char) -> Folded {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' | 'ŧ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        '’' | '‘' | '`' => '\'',
        'œ' => return Folded::Two('o', 'e'),
        'æ' => return Folded::Two('a', 'e'),
        'ß' => return Folded::Two('s', 's'),
        other => other,
    };
    Folded::One(base)
}

fn kind_columns(kind: &ItemKind) -> (&'static str, Option<&str>) {
    match kind {
        ItemKind::Simple => ("simple", None),
        ItemKind::Variation => ("variation", None),
        ItemKind::Pack => ("pack", None),
        ItemKind::Unsupported(name) => ("unsupported", Some(name.as_str())),
    }
}

fn kind_from_columns(kind: &str, name: Option<String>) -> ItemKind {
    match kind {
        "simple" => ItemKind::Simple,
        "variation" => ItemKind::Variation,
        "pack" => ItemKind::Pack,
        _ => ItemKind::Unsupported(name.unwrap_or_else(|| kind.to_owned())),
    }
}

const ROW_COLUMNS: &str = "SELECT i.id, i.kind, i.kind_name, i.parent_id, i.name, i.reference,
        i.price, i.has_declinations, i.weighed,
        s.stock, s.reserved_customers, s.reserved_suppliers,
        l.wc_id, l.method,
        (SELECT group_concat(b.barcode, char(31)) FROM item_barcodes b WHERE b.item_id = i.id)";

const ROW_JOINS: &str = "LEFT JOIN catalog_stock s ON s.item_id = i.id
    LEFT JOIN links l ON l.item_id = i.id";

impl CatalogRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<CatalogRow> {
        let stock = match row.get::<_, Option<i64>>(9)? {
            Some(stock) => Some(CatalogStock {
                stock: Quantity::from_thousandths(stock),
                reserved_for_customers: Quantity::from_thousandths(row.get(10)?),
                reserved_for_suppliers: Quantity::from_thousandths(row.get(11)?),
            }),
            None => None,
        };
        let wc_id: Option<i64> = row.get(12)?;
        let link_method = match row.get::<_, Option<String>>(13)? {
            Some(raw) => Some(parse_stored(13, raw, LinkMethod::parse)?),
            None => None,
        };
        let barcodes = row
            .get::<_, Option<String>>(14)?
            .map(|all| all.split('\u{1f}').map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(CatalogRow {
            id: parse_stored(0, row.get(0)?, ItemId::parse)?,
            kind: kind_from_columns(&row.get::<_, String>(1)?, row.get(2)?),
            parent: match row.get::<_, Option<String>>(3)? {
                Some(raw) => Some(parse_stored(3, raw, ItemId::parse)?),
                None => None,
            },
            name: row.get(4)?,
            reference: row.get(5)?,
            barcodes,
            price: row.get::<_, Option<i64>>(6)?.map(Money::from_cents),
            has_declinations: row.get(7)?,
            weighed: row.get(8)?,
            stock,
            linked: wc_id.is_some(),
            wc_id,
            link_method,
        })
    }
}

/// Page cache of a bulk replace, and SQLite's default, in KiB.
const BULK_CACHE_KIB: i64 = 64 * 1024;
const DEFAULT_CACHE_KIB: i64 = 2000;

/// Shortest needle the trigram index answers.
const TRIGRAM: usize = 3;

/// Quotes a needle as an FTS5 string (a substring for the trigram tokenizer).
fn fts_string(needle: &str) -> String {
    format!("\"{}\"", needle.replace('"', "\"\""))
}

/// The condition for a text search: name, reference or barcode.
fn text_condition(text: &str, values: &mut Vec<Value>) -> String {
    let name = fold_for_search(text);
    let reference = reference_key(text).unwrap_or_default();
    let barcode = barcode_key(text);
    let short = |s: &str| !s.is_empty() && s.chars().count() < TRIGRAM;
    let mut any = Vec::new();
    if short(&name) || short(&reference) {
        // Too short for trigrams: scan the narrow table.
        if !name.is_empty() {
            any.push("instr(i.name_fold, ?) > 0");
            values.push(Value::Text(name));
        }
        if !reference.is_empty() {
            any.push("instr(i.reference_key, ?) > 0");
            values.push(Value::Text(reference));
        }
        if let Some(key) = barcode {
            any.push("i.id IN (SELECT item_id FROM item_barcodes WHERE key = ?)");
            values.push(Value::Text(key));
        }
        return format!("({})", any.join(" OR "));
    }
    // Candidates from the trigram index and from the barcode index, as one set of keys, so that
    // only matching rows are ever read.
    let mut fts = Vec::new();
    if !name.is_empty() {
        fts.push(format!("name_fold : {}", fts_string(&name)));
    }
    if !reference.is_empty() {
        fts.push(format!("reference_key : {}", fts_string(&reference)));
    }
    if !fts.is_empty() {
        any.push("SELECT rowid FROM catalog_search WHERE catalog_search MATCH ?");
        values.push(Value::Text(fts.join(" OR ")));
    }
    if let Some(key) = barcode {
        any.push(
            "SELECT c.pk FROM item_barcodes b JOIN catalog_items c ON c.id = b.item_id
             WHERE b.key = ?",
        );
        values.push(Value::Text(key));
    }
    if any.is_empty() {
        return "0".to_owned();
    }
    format!("i.pk IN ({})", any.join(" UNION "))
}

/// The `WHERE` clause of a search and its parameters.
fn where_clause(query: &CatalogQuery) -> (String, Vec<Value>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut values = Vec::new();
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        clauses.push(text_condition(text, &mut values));
    }
    match query.linked {
        Some(true) => clauses.push("i.linked = 1".into()),
        Some(false) => clauses.push("i.linked = 0".into()),
        None => {}
    }
    if let Some(kind) = query.kind {
        clauses.push(format!("({})", kind.condition()));
    }
    if let Some(parent) = &query.parent {
        clauses.push("i.parent_id = ?".into());
        values.push(Value::Text(parent.to_string()));
    }
    if query.top_level_only {
        clauses.push("i.parent_id IS NULL".into());
    }
    (where_sql(&clauses), values)
}

/// The catalog cache of the state file.
pub struct CatalogCache<'a> {
    state: &'a State,
}

impl<'a> CatalogCache<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        CatalogCache { state }
    }

    /// Replaces the whole catalog with `items`. `prices` are the chosen price list's prices; an
    /// item without one keeps its default price. An id given twice keeps its last copy. Returns
    /// how many items are stored.
    pub fn replace_catalog(&self, items: &[Item], prices: &[Price]) -> Result<usize> {
        let price_of: HashMap<&str, Money> =
            prices.iter().map(|p| (p.item.as_str(), p.price)).collect();
        let mut last_copy: HashMap<&str, usize> = HashMap::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            last_copy.insert(item.id.as_str(), index);
        }
        // Rows go in display order: the rank by folded name (then id) becomes the primary key.
        let mut ordered: Vec<(String, &Item)> = items
            .iter()
            .enumerate()
            .filter(|(index, item)| last_copy.get(item.id.as_str()) == Some(index))
            .map(|(_, item)| (fold_for_search(&item.name), item))
            .collect();
        ordered.sort_by(|a, b| (&a.0, a.1.id.as_str()).cmp(&(&b.0, b.1.id.as_str())));
        // A bulk replace touches every page of several indexes: it gets a large page cache for
        // its duration (the default 2 MB makes it spill to disk), then hands the memory back.
        self.set_cache_kib(BULK_CACHE_KIB)?;
        let result = self.state.db.write("replacing the catalog", |tx| {
            tx.execute_batch(
                "DELETE FROM catalog_items; DELETE FROM catalog_item_json;
                 DELETE FROM item_barcodes;",
            )?;
            let mut insert_item = tx.prepare(
                "INSERT INTO catalog_items (pk, id, kind, kind_name, parent_id, has_declinations,
                     weighed, name, name_fold, name_key, reference, reference_key, price)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            let mut insert_json =
                tx.prepare("INSERT INTO catalog_item_json (pk, item) VALUES (?1, ?2)")?;
            let mut insert_barcode = tx.prepare(
                "INSERT OR IGNORE INTO item_barcodes (item_id, key, barcode) VALUES (?1, ?2, ?3)",
            )?;
            for (rank, (name_fold, item)) in ordered.iter().enumerate() {
                let pk = rank as i64 + 1;
                let (kind, kind_name) = kind_columns(&item.kind);
                let price = price_of
                    .get(item.id.as_str())
                    .copied()
                    .or(item.default_price)
                    .map(Money::cents);
                insert_item.execute(params![
                    pk,
                    item.id.as_str(),
                    kind,
                    kind_name,
                    item.parent.as_ref().map(ItemId::as_str),
                    item.has_declinations(),
                    item.is_weighed(),
                    item.name,
                    name_fold,
                    name_key(&item.name),
                    item.reference,
                    item.reference.as_deref().and_then(reference_key),
                    price,
                ])?;
                let json = serde_json::to_string(item).map_err(|e| {
                    crate::Error::internal(format!("item {} is not serialisable: {e}", item.id))
                })?;
                insert_json.execute(params![pk, json])?;
                for barcode in &item.barcodes {
                    if let Some(key) = barcode_key(barcode) {
                        insert_barcode.execute(params![item.id.as_str(), key, barcode])?;
                    }
                }
            }
            tx.execute(
                "UPDATE catalog_items SET linked = 1 WHERE id IN (SELECT item_id FROM links)",
                [],
            )?;
            // The trigram index is rebuilt from the rows in one pass, faster than row by row.
            tx.execute(
                "INSERT INTO catalog_search (catalog_search) VALUES ('rebuild')",
                [],
            )?;
            Ok(ordered.len())
        });
        self.set_cache_kib(DEFAULT_CACHE_KIB)?;
        result
    }

    fn set_cache_kib(&self, kib: i64) -> Result<()> {
        self.state.db.read("sizing the page cache", |conn| {
            Ok(conn.pragma_update(None, "cache_size", -kib)?)
        })
    }

    /// Replaces every stock row with `rows` (the chosen store's stock); how many are stored.
    pub fn replace_stocks(&self, rows: &[StockRow]) -> Result<usize> {
        self.state.db.write("replacing the stock cache", |tx| {
            tx.execute("DELETE FROM catalog_stock", [])?;
            let mut insert = tx.prepare(
                "INSERT OR REPLACE INTO catalog_stock
                     (item_id, stock, reserved_customers, reserved_suppliers)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for row in rows {
                insert.execute(params![
                    row.item.as_str(),
                    row.stock.thousandths(),
                    row.reserved_for_customers.thousandths(),
                    row.reserved_for_suppliers.thousandths(),
                ])?;
            }
            let n: i64 = tx.query_row("SELECT COUNT(*) FROM catalog_stock", [], |r| r.get(0))?;
            Ok(n as usize)
        })
    }

    /// One page of matching items, sorted by folded name then id, with the total count.
    pub fn search(&self, query: &CatalogQuery) -> Result<CatalogPage> {
        let (filter, values) = where_clause(query);
        self.state.db.read("searching the catalog", |conn| {
            // Pick the page's keys first: skipped rows then cost a key, not joins.
            let (rows, total) = paged(
                conn,
                &format!("SELECT COUNT(*) FROM catalog_items i{filter}"),
                &format!(
                    "WITH page (pk) AS (
                         SELECT i.pk FROM catalog_items i{filter} ORDER BY i.pk LIMIT ? OFFSET ?)
                     {ROW_COLUMNS} FROM page JOIN catalog_items i ON i.pk = page.pk {ROW_JOINS}
                     ORDER BY i.pk"
                ),
                &values,
                limit_offset(query.page, query.per_page),
                CatalogRow::from_row,
            )?;
            Ok(CatalogPage { rows, total })
        })
    }

    /// The row of one item, as [`CatalogCache::search`] shows it.
    pub fn row(&self, id: &ItemId) -> Result<Option<CatalogRow>> {
        self.state.db.read("reading a catalog row", |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "{ROW_COLUMNS} FROM catalog_items i {ROW_JOINS} WHERE i.id = ?1"
                ))?
                .query_row([id.as_str()], CatalogRow::from_row)
                .optional()?)
        })
    }

    /// The full item as last read from Shopcaisse.
    pub fn get_item(&self, id: &ItemId) -> Result<Option<Item>> {
        self.state.db.read("reading a catalog item", |conn| {
            let json: Option<String> = conn
                .prepare_cached(
                    "SELECT j.item FROM catalog_items i JOIN catalog_item_json j ON j.pk = i.pk
                     WHERE i.id = ?1",
                )?
                .query_row([id.as_str()], |row| row.get(0))
                .optional()?;
            json.map(|text| parse_item(&text)).transpose()
        })
    }

    /// Every cached item, sorted by name (the planners' snapshot).
    pub fn all_items(&self) -> Result<Vec<Item>> {
        self.state.db.read("reading the catalog", |conn| {
            let mut stmt = conn.prepare("SELECT item FROM catalog_item_json ORDER BY pk")?;
            let texts = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            texts.iter().map(|t| parse_item(t)).collect()
        })
    }

    /// Items whose reference has this key (see `model::keys::reference_key`).
    pub fn find_by_reference_key(&self, key: &str) -> Result<Vec<ItemId>> {
        self.ids(
            "SELECT id FROM catalog_items WHERE reference_key = ?1 ORDER BY id",
            key,
        )
    }

    /// Items carrying a barcode with this key (see `model::keys::barcode_key`).
    pub fn find_by_barcode_key(&self, key: &str) -> Result<Vec<ItemId>> {
        self.ids(
            "SELECT item_id FROM item_barcodes WHERE key = ?1 ORDER BY item_id",
            key,
        )
    }

    /// Items whose name has this key (see `model::keys::name_key`).
    pub fn find_by_name_key(&self, key: &str) -> Result<Vec<ItemId>> {
        self.ids(
            "SELECT id FROM catalog_items WHERE name_key = ?1 ORDER BY id",
            key,
        )
    }

    fn ids(&self, sql: &str, key: &str) -> Result<Vec<ItemId>> {
        self.state.db.read("looking up catalog items", |conn| {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map([key], |row| parse_stored(0, row.get(0)?, ItemId::parse))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The cached stock of one item.
    pub fn stock(&self, id: &ItemId) -> Result<Option<CatalogStock>> {
        self.state.db.read("reading a stock row", |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT stock, reserved_customers, reserved_suppliers FROM catalog_stock
                     WHERE item_id = ?1",
                )?
                .query_row([id.as_str()], |row| {
                    Ok(CatalogStock {
                        stock: Quantity::from_thousandths(row.get(0)?),
                        reserved_for_customers: Quantity::from_thousandths(row.get(1)?),
                        reserved_for_suppliers: Quantity::from_thousandths(row.get(2)?),
                    })
                })
                .optional()?)
        })
    }

    /// Every cached stock row, by item id.
    pub fn all_stocks(&self) -> Result<Vec<StockRow>> {
        self.state.db.read("reading the stock cache", |conn| {
            let mut stmt = conn.prepare(
                "SELECT item_id, stock, reserved_customers, reserved_suppliers FROM catalog_stock
                 ORDER BY item_id",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok(StockRow {
                    item: parse_stored(0, row.get(0)?, ItemId::parse)?,
                    stock: Quantity::from_thousandths(row.get(1)?),
                    reserved_for_customers: Quantity::from_thousandths(row.get(2)?),
                    reserved_for_suppliers: Quantity::from_thousandths(row.get(3)?),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// How many items the cache holds.
    pub fn count(&self) -> Result<u64> {
        self.state.db.read("counting catalog items", |conn| {
            let n: i64 =
                conn.query_row("SELECT COUNT(*) FROM catalog_items", [], |row| row.get(0))?;
            Ok(n as u64)
        })
    }

    /// How many declinations wait for a variation: those of a linked parent that are not linked
    /// themselves (what the declinations tab offers to associate). One query, however many
    /// parents are linked.
    pub fn unlinked_declinations_of_linked_parents(&self) -> Result<u64> {
        self.state
            .db
            .read("counting declinations not associated", |conn| {
                let n: i64 = conn.query_row(
                    "SELECT COUNT(*) FROM catalog_items i
                 JOIN links parent ON parent.item_id = i.parent_id
                 LEFT JOIN links own ON own.item_id = i.id
                 WHERE own.item_id IS NULL",
                    [],
                    |row| row.get(0),
                )?;
                Ok(n as u64)
            })
    }

    /// The price of every priced item (the chosen list's, else the default price), by item id.
    pub fn prices(&self) -> Result<Vec<(ItemId, Money)>> {
        self.state.db.read("reading the cached prices", |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, price FROM catalog_items WHERE price IS NOT NULL ORDER BY id",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok((
                    parse_stored(0, row.get(0)?, ItemId::parse)?,
                    Money::from_cents(row.get(1)?),
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

fn parse_item(text: &str) -> Work<Item> {
    serde_json::from_str(text).map_err(|e| {
        crate::Error::new(
            crate::ErrorKind::State,
            format!("a cached catalog item cannot be read back ({e}); refresh the catalog"),
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_case_accents_and_extra_spaces() {
        assert_eq!(fold_for_search("  Thé  GLACÉ "), "the glace");
        assert_eq!(fold_for_search("Œuf CŒUR"), "oeuf coeur");
        assert_eq!(fold_for_search("Cafe\u{301} noir"), "cafe noir");
        assert_eq!(fold_for_search("L’Été"), "l'ete");
    }
}
