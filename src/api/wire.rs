//! Every wire shape and path of the Shopcaisse API, the [observed] and the [assumed] alike.
//!
//! This is the one module to correct the day a real payload contradicts the contract
//! (`docs/shopcaisse-api.md`): nothing outside it knows a JSON field name or a URL path.
//! The serde structs here are private and shaped like the JSON; each is read tolerantly (unknown
//! fields ignored, `null` where a list belongs read as empty, numbers where text belongs read as
//! text) and then converted into the `model` types: typed ids, money in cents read from the
//! number's text form, quantities in thousandths. A row that cannot be read is refused with a
//! reason, so the listing can skip it and report it instead of failing the page.

use super::listing::ProblemKind;
use crate::model::{
    Attribute, AuthBundle, Company, CompanyId, Customer, CustomerId, Family, FamilyId, Item,
    ItemId, ItemKind, Money, NewCustomer, OrderPush, PackComponent, Payment, Pos, PosId, PosOrder,
    PosOrderId, PosOrderStatus, Price, PriceList, PriceListId, Quantity, Sale, SaleLine, StockRow,
    Store, StoreId, Unit, UnitKind,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Longest item name kept (bytes); longer names are cut and reported.
pub(crate) const MAX_NAME: usize = 1024;
/// Longest description kept (bytes).
pub(crate) const MAX_TEXT: usize = 64 * 1024;
/// Longest reference, barcode, label or attribute kept (bytes).
pub(crate) const MAX_CODE: usize = 256;
/// Longest image URL kept (bytes).
pub(crate) const MAX_URL: usize = 2048;
/// Most entries kept in one list of one row (barcodes, images, declinations, components).
pub(crate) const MAX_LIST: usize = 500;

/// URL paths, relative to the base URL (which ends in `/v1`). Ids are validated by their types
/// (no `/`, `?`, `#`, `%`, spaces), so interpolating them cannot change the path.
pub(crate) mod paths {
    use crate::model::{CompanyId, ItemId, PosOrderId, PriceListId, StoreId};

    /// 1 [observed]
    pub(crate) fn authentication() -> String {
        "/authentication".into()
    }
    /// 2 [observed]
    pub(crate) fn companies() -> String {
        "/companies".into()
    }
    /// 3 [observed]
    pub(crate) fn stores() -> String {
        "/stores".into()
    }
    /// 4 [assumed]
    pub(crate) fn pos(store: &StoreId) -> String {
        format!("/stores/{store}/pos")
    }
    /// 5, 7 [observed]
    pub(crate) fn items(company: &CompanyId) -> String {
        format!("/companies/{company}/items")
    }
    /// 6, 8 [observed]
    pub(crate) fn item(company: &CompanyId, item: &ItemId) -> String {
        format!("/companies/{company}/items/{item}")
    }
    /// 9 [observed]
    pub(crate) fn families(company: &CompanyId) -> String {
        format!("/companies/{company}/families")
    }
    /// 10 [observed]
    pub(crate) fn price_lists(company: &CompanyId) -> String {
        format!("/companies/{company}/prices")
    }
    /// 11 [observed]
    pub(crate) fn prices(company: &CompanyId, list: &PriceListId) -> String {
        format!("/companies/{company}/prices/{list}")
    }
    /// 12 [observed]; query `type=DEFAULT`.
    pub(crate) fn stocks(store: &StoreId) -> String {
        format!("/stores/{store}/stocks")
    }
    /// 13 [observed]; query `status=all&from=&to=`.
    pub(crate) fn sales(store: &StoreId) -> String {
        format!("/stores/{store}/sales")
    }
    /// 14, 15 [assumed]
    pub(crate) fn customers(store: &StoreId) -> String {
        format!("/stores/{store}/customers")
    }
    /// 16, 17 [route observed, body assumed]
    pub(crate) fn orders(store: &StoreId) -> String {
        format!("/stores/{store}/orders")
    }
    /// 18, 19 [assumed]
    pub(crate) fn order(store: &StoreId, order: &PosOrderId) -> String {
        format!("/stores/{store}/orders/{order}")
    }
}

/// Query parameter names.
pub(crate) mod query {
    pub(crate) const PAGE: &str = "page";
    pub(crate) const PAGE_SIZE: &str = "pageSize";
    pub(crate) const STOCK_TYPE: &str = "type";
    pub(crate) const STOCK_TYPE_DEFAULT: &str = "DEFAULT";
    pub(crate) const SALE_STATUS: &str = "status";
    pub(crate) const SALE_STATUS_ALL: &str = "all";
    pub(crate) const FROM: &str = "from";
    pub(crate) const TO: &str = "to";
    pub(crate) const EMAIL: &str = "email";
    pub(crate) const PHONE: &str = "phone";
    pub(crate) const EXTERNAL_REFERENCE: &str = "externalReference";
}

/// Builds `?a=b&c=d`, percent-encoding everything but RFC 3986 unreserved characters (so a `+`
/// in a phone number or an `@` in an email arrive as sent).
pub(crate) fn encode_query(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        percent_encode(key, &mut out);
        out.push('=');
        percent_encode(value, &mut out);
    }
    out
}

fn percent_encode(text: &str, out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies, pages and notes
// ---------------------------------------------------------------------------------------------

/// Parses a response body as JSON. Invalid UTF-8 is replaced (U+FFFD) rather than refused: one
/// bad byte in one name must not cost the whole page. Returns whether a replacement happened.
pub(crate) fn json(body: &[u8]) -> Result<(Value, bool), String> {
    let (value, lossy) = match std::str::from_utf8(body) {
        Ok(text) => (serde_json::from_str(text), false),
        Err(_) => (serde_json::from_str(&String::from_utf8_lossy(body)), true),
    };
    value
        .map(|v| (v, lossy))
        .map_err(|e| format!("the body is not JSON ({e})"))
}

/// One page of a listing, before its rows are read.
pub(crate) struct RawPage {
    pub rows: Vec<Value>,
    pub has_next: bool,
}

/// Reads a listing envelope `{"items":[...],"hasNextPage":bool,"skipped":int}` [observed].
///
/// The contract says never to infer the end of a paginated listing, so a page of one must be a
/// whole envelope: a bare array, an envelope without a readable `hasNextPage` or without an
/// `items` list is refused, and the walk fails (the caller keeps what it had). The
/// non-paginated listings send a bare array, accepted as the whole answer.
pub(crate) fn page(body: Value, paginated: bool) -> Result<RawPage, String> {
    match body {
        Value::Array(rows) if !paginated => Ok(RawPage {
            rows,
            has_next: false,
        }),
        Value::Array(_) => Err(
            "a bare list where a page envelope was expected: where the listing ends is unknown"
                .into(),
        ),
        Value::Object(mut map) => {
            let rows = match map.remove("items") {
                Some(Value::Array(rows)) => rows,
                Some(Value::Null) | None if paginated => {
                    return Err("the page has no \"items\" list".into())
                }
                Some(Value::Null) | None => Vec::new(),
                Some(other) => {
                    return Err(format!(
                        "\"items\" is {} where a list was expected",
                        type_name(&other)
                    ))
                }
            };
            let has_next = match map.get("hasNextPage").and_then(lenient_bool) {
                Some(has_next) => has_next,
                None if paginated => return Err(
                    "the page has no readable \"hasNextPage\": where the listing ends is unknown"
                        .into(),
                ),
                None => false,
            };
            Ok(RawPage { rows, has_next })
        }
        other => Err(format!(
            "the body is {} where a list or a page was expected",
            type_name(&other)
        )),
    }
}

/// The API's own explanation of an error, `{"message": string or [string], "error": string}`
/// [assumed], bounded.
pub(crate) fn api_message(body: &[u8]) -> Option<String> {
    let (value, _) = json(body).ok()?;
    let message = match value.get("message") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        _ => value.get("error")?.as_str()?.to_owned(),
    };
    let mut message = message.trim().to_owned();
    if message.is_empty() {
        return None;
    }
    cut(&mut message, 300);
    Some(message)
}

/// Notes taken while reading one row: what was kept but altered or unusual.
#[derive(Default)]
pub(crate) struct Notes(pub Vec<(ProblemKind, String)>);

impl Notes {
    fn add(&mut self, kind: ProblemKind, detail: impl Into<String>) {
        self.0.push((kind, detail.into()));
    }
}

/// A row type of a listing: read from one JSON row, or refused with a reason.
pub(crate) trait FromWire: Sized {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String>;
    /// The key that identifies the row across pages (for de-duplication).
    fn key(&self) -> Option<&str>;
}

/// The id of a raw row, for reports about rows that could not be read: its `id`, or for a price
/// or stock row the `item` it is about (a string, or an object with an `id`).
pub(crate) fn raw_id(row: &Value) -> Option<String> {
    let id = match (row.get("id"), row.get("item")) {
        (Some(id), _) => id,
        (None, Some(Value::Object(item))) => item.get("id")?,
        (None, Some(item)) => item,
        (None, None) => return None,
    };
    match id {
        Value::String(s) => {
            let mut s = s.clone();
            cut(&mut s, 128);
            Some(s)
        }
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn decode<'a, T: Deserialize<'a>>(row: &'a Value) -> Result<T, String> {
    T::deserialize(row).map_err(|e| e.to_string())
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn lenient_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" | "" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary; whether it cut.
fn cut(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    true
}

/// Cuts `text` to `max` bytes, noting it.
fn bounded(mut text: String, max: usize, field: &str, notes: &mut Notes) -> String {
    let len = text.len();
    if cut(&mut text, max) {
        notes.add(
            ProblemKind::Truncated,
            format!("{field} cut from {len} to {} bytes", text.len()),
        );
    }
    text
}

/// Trims, drops empties, bounds each entry and the count.
fn bounded_list(list: Vec<String>, max_each: usize, field: &str, notes: &mut Notes) -> Vec<String> {
    let total = list.len();
    let mut out: Vec<String> = list
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .map(|s| bounded(s, max_each, field, notes))
        .collect();
    if out.len() > MAX_LIST {
        out.truncate(MAX_LIST);
        notes.add(
            ProblemKind::Truncated,
            format!("{field}: kept {MAX_LIST} of {total}"),
        );
    }
    out
}

fn money(value: &Value, field: &str) -> Result<Option<Money>, String> {
    match value {
        Value::Null => Ok(None),
        v => Money::from_json(v)
            .map(Some)
            .map_err(|e| format!("{field}: {e}")),
    }
}

fn quantity(value: &Value, field: &str) -> Result<Option<Quantity>, String> {
    match value {
        Value::Null => Ok(None),
        v => Quantity::from_json(v)
            .map(Some)
            .map_err(|e| format!("{field}: {e}")),
    }
}

fn millis(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn id<T>(
    raw: Option<String>,
    parse: impl Fn(&str) -> Result<T, crate::model::IdError>,
    field: &str,
) -> Result<T, String> {
    let raw = raw.ok_or_else(|| format!("{field} is missing"))?;
    parse(&raw).map_err(|e| format!("{field} {raw:?}: {e}"))
}

/// An optional id: unreadable ones are noted and dropped.
fn opt_id<T>(
    raw: Option<WireRef>,
    parse: impl Fn(&str) -> Result<T, crate::model::IdError>,
    field: &str,
    notes: &mut Notes,
) -> Option<T> {
    let raw = raw?.into_id()?;
    match parse(&raw) {
        Ok(id) => Some(id),
        Err(e) => {
            notes.add(
                ProblemKind::Malformed,
                format!("{field} {raw:?} ignored: {e}"),
            );
            None
        }
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Lenient field readers
// ---------------------------------------------------------------------------------------------

/// Text: a string, or a number or boolean written as text; `null` is `None`.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(serde::de::Error::custom(format!(
            "expected text, found {}",
            type_name(&other)
        ))),
    }
}

/// A list of texts: `null` is empty, one text is a list of one.
fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let one = |v: Value| -> Result<Option<String>, String> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            Value::Number(n) => Ok(Some(n.to_string())),
            other => Err(format!(
                "expected text in a list, found {}",
                type_name(&other)
            )),
        }
    };
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(list) => list
            .into_iter()
            .filter_map(|v| one(v).transpose())
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom),
        Value::Object(_) => Err(serde::de::Error::custom(
            "expected a list of texts, found an object",
        )),
        v => Ok(one(v)
            .map_err(serde::de::Error::custom)?
            .into_iter()
            .collect()),
    }
}

/// A list where `null` means empty.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A reference to another record: its id as a string or number, or an object carrying `id`.
#[derive(Deserialize)]
#[serde(untagged)]
enum WireRef {
    Text(String),
    Number(serde_json::Number),
    Object {
        #[serde(default, deserialize_with = "text")]
        id: Option<String>,
    },
}

impl WireRef {
    fn into_id(self) -> Option<String> {
        match self {
            WireRef::Text(s) => Some(s),
            WireRef::Number(n) => Some(n.to_string()),
            WireRef::Object { id } => id,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Authentication [outer observed, inner assumed]
// ---------------------------------------------------------------------------------------------

/// `{"bundle":{"resources":[...],"permissions":[...]}}`. Resources are strings
/// `"company.<uuid>"`, `"store.<uuid>"`, `"pos.<uuid>"`, or objects keyed `company`/`store`/`pos`
/// (one id or a list), or `{"type":"company","id":...}`.
pub(crate) fn auth_bundle(body: &Value) -> Result<AuthBundle, String> {
    let bundle = match body.get("bundle") {
        Some(b @ Value::Object(_)) => b,
        _ if body.get("resources").is_some() => body,
        _ => return Err("no \"bundle\" in the authentication answer".into()),
    };
    let mut out = AuthBundle::default();
    let add = |kind: &str, id: &str, out: &mut AuthBundle| {
        let id = id.trim();
        let known = match kind.trim().to_ascii_lowercase().as_str() {
            "company" | "companies" => CompanyId::parse(id).map(|i| out.companies.push(i)).is_ok(),
            "store" | "stores" => StoreId::parse(id).map(|i| out.stores.push(i)).is_ok(),
            "pos" | "poses" => PosId::parse(id).map(|i| out.pos.push(i)).is_ok(),
            _ => false,
        };
        if !known {
            out.other_resources.push(format!("{kind}.{id}"));
        }
    };
    let resources: Vec<&Value> = match bundle.get("resources") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    for resource in resources {
        match resource {
            Value::String(s) => match s.split_once('.') {
                Some((kind, id)) => add(kind, id, &mut out),
                None => out.other_resources.push(s.clone()),
            },
            Value::Object(map) => {
                if let (Some(kind), Some(id)) = (
                    map.get("type").and_then(Value::as_str),
                    map.get("id").and_then(Value::as_str),
                ) {
                    add(kind, id, &mut out);
                    continue;
                }
                for (kind, ids) in map {
                    match ids {
                        Value::String(id) => add(kind, id, &mut out),
                        Value::Array(list) => {
                            for id in list.iter().filter_map(Value::as_str) {
                                add(kind, id, &mut out);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(Value::Array(perms)) = bundle.get("permissions") {
        out.permissions = perms
            .iter()
            .map(|p| match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// 2-4, 9, 10. Companies, stores, POS, families, price lists
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireNamed {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
}

/// 2 [observed]: `{id, name}`.
impl FromWire for Company {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WireNamed = decode(row)?;
        Ok(Company {
            id: id(w.id, CompanyId::parse, "id")?,
            name: bounded(w.name.unwrap_or_default(), MAX_NAME, "name", notes),
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStore {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default)]
    company_id: Option<WireRef>,
    #[serde(default)]
    company: Option<WireRef>,
}

/// 3 [observed]: `{id, name, companyId}` (`company: {id}` accepted too).
impl FromWire for Store {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WireStore = decode(row)?;
        Ok(Store {
            id: id(w.id, StoreId::parse, "id")?,
            name: bounded(w.name.unwrap_or_default(), MAX_NAME, "name", notes),
            company_id: opt_id(
                w.company_id.or(w.company),
                CompanyId::parse,
                "companyId",
                notes,
            ),
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePos {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default)]
    price_list: Option<WireRef>,
    #[serde(default)]
    order_management: Value,
}

/// 4 [assumed]: `{id, name, priceList (id or null), orderManagement (bool)}`. A missing or
/// unreadable `orderManagement` reads as `false` (the module is paid, and absent by default).
impl FromWire for Pos {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WirePos = decode(row)?;
        Ok(Pos {
            id: id(w.id, PosId::parse, "id")?,
            name: bounded(w.name.unwrap_or_default(), MAX_NAME, "name", notes),
            price_list: opt_id(w.price_list, PriceListId::parse, "priceList", notes),
            order_management: lenient_bool(&w.order_management).unwrap_or(false),
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFamily {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default)]
    active: Value,
}

/// 9 [observed]: `{id, name, position}`; an item's `family` is `{id, name, active}`.
impl FromWire for Family {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WireFamily = decode(row)?;
        Ok(Family {
            id: id(w.id, FamilyId::parse, "id")?,
            name: bounded(w.name.unwrap_or_default(), MAX_NAME, "name", notes),
            active: lenient_bool(&w.active).unwrap_or(true),
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePriceList {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default)]
    owner_store_id: Option<WireRef>,
}

/// 10 [observed]: `{id, name, ownerStoreId}`.
impl FromWire for PriceList {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WirePriceList = decode(row)?;
        Ok(PriceList {
            id: id(w.id, PriceListId::parse, "id")?,
            name: bounded(w.name.unwrap_or_default(), MAX_NAME, "name", notes),
            owner_store_id: opt_id(w.owner_store_id, StoreId::parse, "ownerStoreId", notes),
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// 5-8. Items
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireItem {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    reference: Option<String>,
    #[serde(default, deserialize_with = "texts")]
    barcodes: Vec<String>,
    #[serde(default)]
    default_price: Value,
    #[serde(default, rename = "type", deserialize_with = "text")]
    kind: Option<String>,
    #[serde(default)]
    family: Option<WireFamilyRef>,
    #[serde(default, deserialize_with = "text")]
    description: Option<String>,
    #[serde(default, deserialize_with = "text")]
    short_description: Option<String>,
    #[serde(default, deserialize_with = "texts")]
    images: Vec<String>,
    #[serde(default)]
    parent_item: Option<WireRef>,
    #[serde(default, deserialize_with = "list")]
    declinations: Vec<WireRef>,
    #[serde(default, deserialize_with = "list")]
    components: Vec<WireComponent>,
    #[serde(default, deserialize_with = "list")]
    attributes: Vec<WireAttribute>,
    #[serde(default)]
    unit: Option<WireUnit>,
}

/// An item's family: `{id, name, active}` [observed], or only its id.
#[derive(Deserialize)]
#[serde(untagged)]
enum WireFamilyRef {
    Full(WireFamily),
    Id(String),
}

/// A pack component [assumed]: `{"item": <id>, "quantity": 2}`.
#[derive(Deserialize)]
struct WireComponent {
    item: Option<WireRef>,
    #[serde(default)]
    quantity: Value,
}

/// A declination attribute [assumed]: `{"name":"Taille","value":"M"}`.
#[derive(Deserialize)]
struct WireAttribute {
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    value: Option<String>,
}

/// A unit [assumed]: `{"kind":"WEIGHT","symbol":"kg","decimals":3}`, or only its symbol.
#[derive(Deserialize)]
#[serde(untagged)]
enum WireUnit {
    Full {
        #[serde(default, deserialize_with = "text")]
        kind: Option<String>,
        #[serde(default, deserialize_with = "text")]
        symbol: Option<String>,
        #[serde(default)]
        decimals: Value,
    },
    Symbol(String),
}

/// `type` [SIMPLE and VARIATION observed, PACK assumed].
fn item_kind(raw: Option<String>, notes: &mut Notes) -> ItemKind {
    let Some(raw) = non_empty(raw) else {
        notes.add(ProblemKind::Malformed, "type is missing; read as SIMPLE");
        return ItemKind::Simple;
    };
    match raw.to_ascii_uppercase().as_str() {
        "SIMPLE" => ItemKind::Simple,
        "VARIATION" | "DECLINATION" => ItemKind::Variation,
        "PACK" => ItemKind::Pack,
        _ => {
            let mut name = raw;
            cut(&mut name, MAX_CODE);
            notes.add(
                ProblemKind::UnsupportedType,
                format!("type {name:?} is not supported; the item is kept but not synced"),
            );
            ItemKind::Unsupported(name)
        }
    }
}

fn unit(raw: WireUnit, notes: &mut Notes) -> Option<Unit> {
    let (kind, symbol, decimals) = match raw {
        WireUnit::Full {
            kind,
            symbol,
            decimals,
        } => (kind, symbol, decimals),
        WireUnit::Symbol(symbol) => (None, Some(symbol), Value::Null),
    };
    let kind = match kind.as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some("WEIGHT") => UnitKind::Weight,
        Some("PIECE") | Some("UNIT") => return None,
        None => match symbol.as_deref() {
            Some("kg" | "g") => UnitKind::Weight,
            None => return None,
            _ => UnitKind::Measure,
        },
        _ => UnitKind::Measure,
    };
    let decimals = match decimals.as_u64() {
        Some(d) => d.min(3) as u8,
        None if decimals.is_null() => 3,
        None => {
            notes.add(
                ProblemKind::Malformed,
                "unit.decimals unreadable; 3 assumed",
            );
            3
        }
    };
    Some(Unit {
        kind,
        symbol: bounded(symbol.unwrap_or_default(), 16, "unit.symbol", notes),
        decimals,
    })
}

/// 5, 6 [see the contract's "Item (read side)"]. Only a missing or bad `id`, or an unreadable
/// price, refuses the row; every other oddity keeps the item and is noted.
impl FromWire for Item {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WireItem = decode(row)?;
        let id = id(w.id, ItemId::parse, "id")?;
        let default_price = money(&w.default_price, "defaultPrice")?;
        let name = match w.name {
            Some(name) => name,
            None => {
                notes.add(ProblemKind::Malformed, "name is missing");
                String::new()
            }
        };
        let family = match w.family {
            None => None,
            Some(WireFamilyRef::Id(raw)) => match FamilyId::parse(&raw) {
                Ok(id) => Some(Family {
                    id,
                    name: String::new(),
                    active: true,
                }),
                Err(e) => {
                    notes.add(ProblemKind::Malformed, format!("family ignored: {e}"));
                    None
                }
            },
            Some(WireFamilyRef::Full(f)) => match FamilyId::parse(f.id.as_deref().unwrap_or("")) {
                Ok(id) => Some(Family {
                    id,
                    name: bounded(f.name.unwrap_or_default(), MAX_NAME, "family.name", notes),
                    active: lenient_bool(&f.active).unwrap_or(true),
                }),
                Err(e) => {
                    notes.add(ProblemKind::Malformed, format!("family ignored: {e}"));
                    None
                }
            },
        };
        let mut declinations = Vec::new();
        for raw in w.declinations.into_iter().take(MAX_LIST) {
            if let Some(d) = opt_id(Some(raw), ItemId::parse, "declination", notes) {
                declinations.push(d);
            }
        }
        let mut components = Vec::new();
        for c in w.components.into_iter().take(MAX_LIST) {
            let Some(item) = opt_id(c.item, ItemId::parse, "component", notes) else {
                notes.add(
                    ProblemKind::Malformed,
                    "a pack component has no item; ignored",
                );
                continue;
            };
            match quantity(&c.quantity, "component quantity") {
                Ok(q) => components.push(PackComponent {
                    item,
                    quantity: q.unwrap_or(Quantity::pieces(1)),
                }),
                Err(e) => notes.add(ProblemKind::Malformed, format!("{e}; component ignored")),
            }
        }
        let attributes = w
            .attributes
            .into_iter()
            .take(MAX_LIST)
            .map(|a| Attribute {
                name: bounded(
                    a.name.unwrap_or_default(),
                    MAX_CODE,
                    "attribute name",
                    notes,
                ),
                value: bounded(
                    a.value.unwrap_or_default(),
                    MAX_CODE,
                    "attribute value",
                    notes,
                ),
            })
            .collect();
        Ok(Item {
            id,
            name: bounded(name, MAX_NAME, "name", notes),
            reference: non_empty(w.reference).map(|r| bounded(r, MAX_CODE, "reference", notes)),
            barcodes: bounded_list(w.barcodes, MAX_CODE, "barcode", notes),
            default_price,
            kind: item_kind(w.kind, notes),
            family,
            description: bounded(
                w.description.unwrap_or_default(),
                MAX_TEXT,
                "description",
                notes,
            ),
            short_description: bounded(
                w.short_description.unwrap_or_default(),
                MAX_TEXT,
                "shortDescription",
                notes,
            ),
            images: bounded_list(w.images, MAX_URL, "image URL", notes),
            parent: opt_id(w.parent_item, ItemId::parse, "parentItem", notes),
            declinations,
            components,
            attributes,
            unit: w.unit.and_then(|u| unit(u, notes)),
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

/// 7 [observed]: a SIMPLE item; `name` and `price` required.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireNewItem<'a> {
    pub name: &'a str,
    pub price: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_id: Option<&'a str>,
}

/// 8 [observed]: name, description and reference only.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireItemUpdate<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'a str>,
}

// ---------------------------------------------------------------------------------------------
// 11, 12. Prices and stock
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePrice {
    #[serde(default)]
    price_list: Option<WireRef>,
    #[serde(default)]
    item: Option<WireRef>,
    #[serde(default)]
    price: Value,
}

/// 11 [observed]: `{priceList, item, price}`. A row without `priceList` belongs to the list asked
/// for; the caller fills it in (see `Client::prices`).
pub(crate) struct PriceRow {
    pub price_list: Option<PriceListId>,
    pub item: ItemId,
    pub price: Money,
}

impl PriceRow {
    pub(crate) fn into_price(self, asked: &PriceListId) -> Price {
        Price {
            price_list: self.price_list.unwrap_or_else(|| asked.clone()),
            item: self.item,
            price: self.price,
        }
    }
}

impl FromWire for PriceRow {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WirePrice = decode(row)?;
        Ok(PriceRow {
            price_list: opt_id(w.price_list, PriceListId::parse, "priceList", notes),
            item: id(w.item.and_then(WireRef::into_id), ItemId::parse, "item")?,
            price: money(&w.price, "price")?.ok_or("price is missing")?,
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.item.as_str())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStock {
    #[serde(default)]
    item: Option<WireRef>,
    #[serde(default)]
    stock: Value,
    #[serde(default)]
    reserved_for_customers: Value,
    #[serde(default)]
    reserved_for_suppliers: Value,
}

/// 12 [observed]: `{item, stock, reservedForCustomers, reservedForSuppliers}`; stock may be
/// negative or decimal. A row without a readable stock is refused (never read as zero).
impl FromWire for StockRow {
    fn from_wire(row: &Value, _notes: &mut Notes) -> Result<Self, String> {
        let w: WireStock = decode(row)?;
        Ok(StockRow {
            item: id(w.item.and_then(WireRef::into_id), ItemId::parse, "item")?,
            stock: quantity(&w.stock, "stock")?.ok_or("stock is missing")?,
            reserved_for_customers: quantity(&w.reserved_for_customers, "reservedForCustomers")?
                .unwrap_or(Quantity::ZERO),
            reserved_for_suppliers: quantity(&w.reserved_for_suppliers, "reservedForSuppliers")?
                .unwrap_or(Quantity::ZERO),
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.item.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// 13. Sales [outer observed, lines assumed]
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSale {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    number: Option<String>,
    #[serde(default)]
    timestamp: Value,
    #[serde(default, deserialize_with = "text")]
    status: Option<String>,
    #[serde(default)]
    total: Value,
    #[serde(default, deserialize_with = "list")]
    lines: Vec<WireSaleLine>,
    #[serde(default, deserialize_with = "list")]
    payments: Vec<WirePayment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSaleLine {
    #[serde(default)]
    item: Option<WireRef>,
    #[serde(default)]
    quantity: Value,
    #[serde(default)]
    unit_price: Value,
    #[serde(default)]
    total: Value,
    #[serde(default, deserialize_with = "text")]
    label: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct WirePayment {
    #[serde(default, rename = "type", deserialize_with = "text")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default)]
    amount: Value,
}

/// 13: `{id, number, timestamp (ms), status, total, lines: [{item, quantity, unitPrice, total,
/// label}], payments: [{type, name, amount}]}`.
impl FromWire for Sale {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WireSale = decode(row)?;
        let id = non_empty(w.id).ok_or("id is missing")?;
        let mut lines = Vec::new();
        for line in w.lines {
            lines.push(SaleLine {
                item: opt_id(line.item, ItemId::parse, "line item", notes),
                quantity: quantity(&line.quantity, "line quantity")?
                    .ok_or("line quantity is missing")?,
                unit_price: money(&line.unit_price, "line unitPrice")?,
                total: money(&line.total, "line total")?,
                label: bounded(
                    line.label.unwrap_or_default(),
                    MAX_CODE,
                    "line label",
                    notes,
                ),
            });
        }
        let mut payments = Vec::new();
        for p in w.payments {
            payments.push(Payment {
                kind: p.kind.unwrap_or_default(),
                name: bounded(p.name.unwrap_or_default(), MAX_CODE, "payment name", notes),
                amount: money(&p.amount, "payment amount")?.unwrap_or(Money::ZERO),
            });
        }
        Ok(Sale {
            id: bounded(id, 128, "id", notes),
            number: non_empty(w.number),
            timestamp_ms: millis(&w.timestamp).ok_or("timestamp is missing or unreadable")?,
            status: w.status.unwrap_or_default(),
            total: money(&w.total, "total")?,
            lines,
            payments,
        })
    }
    fn key(&self) -> Option<&str> {
        Some(&self.id)
    }
}

// ---------------------------------------------------------------------------------------------
// 14, 15. Customers [assumed]
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCustomer {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    first_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    last_name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    email: Option<String>,
    #[serde(default, deserialize_with = "text")]
    phone: Option<String>,
}

/// 14: `{id, firstName, lastName, email, phone}`.
impl FromWire for Customer {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WireCustomer = decode(row)?;
        Ok(Customer {
            id: id(w.id, CustomerId::parse, "id")?,
            first_name: bounded(
                w.first_name.unwrap_or_default(),
                MAX_NAME,
                "firstName",
                notes,
            ),
            last_name: bounded(w.last_name.unwrap_or_default(), MAX_NAME, "lastName", notes),
            email: non_empty(w.email),
            phone: non_empty(w.phone),
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

/// 15: the same shape, without `id`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireNewCustomer<'a> {
    first_name: &'a str,
    last_name: &'a str,
    email: Option<&'a str>,
    phone: Option<&'a str>,
}

impl<'a> From<&'a NewCustomer> for WireNewCustomer<'a> {
    fn from(c: &'a NewCustomer) -> Self {
        WireNewCustomer {
            first_name: &c.first_name,
            last_name: &c.last_name,
            email: c.email.as_deref(),
            phone: c.phone.as_deref(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 16-19. Orders [route observed, bodies assumed]
// ---------------------------------------------------------------------------------------------

/// 16: the push body (see the contract's "Order push").
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireOrderPush<'a> {
    external_reference: &'a str,
    pos: &'a str,
    customer: Option<&'a str>,
    customer_details: WireCustomerDetails<'a>,
    lines: Vec<WireOrderLine<'a>>,
    payments: Vec<WirePayment>,
    note: Option<&'a str>,
    created_at: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireCustomerDetails<'a> {
    first_name: &'a str,
    last_name: &'a str,
    email: Option<&'a str>,
    phone: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireOrderLine<'a> {
    item: Option<&'a str>,
    quantity: Value,
    unit_price: Value,
    discount: Value,
    label: &'a str,
}

impl<'a> From<&'a OrderPush> for WireOrderPush<'a> {
    fn from(o: &'a OrderPush) -> Self {
        WireOrderPush {
            external_reference: &o.external_reference,
            pos: o.pos.as_str(),
            customer: o.customer.as_ref().map(|c| c.as_str()),
            customer_details: WireCustomerDetails {
                first_name: &o.customer_details.first_name,
                last_name: &o.customer_details.last_name,
                email: o.customer_details.email.as_deref(),
                phone: o.customer_details.phone.as_deref(),
            },
            lines: o
                .lines
                .iter()
                .map(|l| WireOrderLine {
                    item: l.item.as_ref().map(|i| i.as_str()),
                    quantity: l.quantity.to_json_number(),
                    unit_price: l.unit_price.to_json_number(),
                    discount: l.discount.to_json_number(),
                    label: &l.label,
                })
                .collect(),
            payments: o
                .payments
                .iter()
                .map(|p| WirePayment {
                    kind: Some(p.kind.clone()),
                    name: Some(p.name.clone()),
                    amount: p.amount.to_json_number(),
                })
                .collect(),
            note: o.note.as_deref(),
            created_at: o.created_at_ms,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireOrder {
    #[serde(default, deserialize_with = "text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    external_reference: Option<String>,
    #[serde(default, deserialize_with = "text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    fiscal_status: Option<String>,
    #[serde(default)]
    total: Value,
    #[serde(default, deserialize_with = "list")]
    statuses: Vec<Value>,
}

/// The one reading of a POS order status [assumed values]: `not_acked`, `accepted` (`acked`),
/// `finalized` (`finalised`, `done`), `cancelled` (`canceled`); case and spaces ignored. Any
/// other value is kept as `Other`, which never counts as cancelled.
pub(crate) fn pos_order_status(raw: &str) -> PosOrderStatus {
    let folded = raw.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    match folded.as_str() {
        "not_acked" | "notacked" => PosOrderStatus::NotAcked,
        "accepted" | "acked" => PosOrderStatus::Accepted,
        "finalized" | "finalised" | "done" => PosOrderStatus::Finalized,
        "cancelled" | "canceled" => PosOrderStatus::Cancelled,
        _ => PosOrderStatus::Other(folded),
    }
}

/// 16 (201), 17, 18: `{id, externalReference, status, fiscalStatus, total, statuses?}`. Without a
/// `status`, the last entry of `statuses` (`{"status": ...}`) is used. An unreadable `total` is
/// noted and left out: it must not hide the order (a cancellation needs its id and status).
impl FromWire for PosOrder {
    fn from_wire(row: &Value, notes: &mut Notes) -> Result<Self, String> {
        let w: WireOrder = decode(row)?;
        let status = non_empty(w.status)
            .or_else(|| {
                w.statuses
                    .last()
                    .and_then(|s| s.get("status").or(Some(s)))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "unknown".into());
        let total = money(&w.total, "total").unwrap_or_else(|reason| {
            notes.add(ProblemKind::Malformed, format!("{reason}; left out"));
            None
        });
        Ok(PosOrder {
            id: id(w.id, PosOrderId::parse, "id")?,
            external_reference: non_empty(w.external_reference),
            status: pos_order_status(&status),
            fiscal_status: non_empty(w.fiscal_status),
            total,
        })
    }
    fn key(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(v: Value) -> (Result<Item, String>, Notes) {
        let mut notes = Notes::default();
        (Item::from_wire(&v, &mut notes), notes)
    }

    #[test]
    fn one_reading_of_the_pos_order_status() {
        use PosOrderStatus as S;
        for (raw, status) in [
            ("cancelled", S::Cancelled),
            ("canceled", S::Cancelled),
            (" CANCELLED ", S::Cancelled),
            ("not_acked", S::NotAcked),
            ("accepted", S::Accepted),
            ("finalized", S::Finalized),
            ("cancel_requested", S::Other("cancel_requested".into())),
            ("uncancelled", S::Other("uncancelled".into())),
        ] {
            assert_eq!(pos_order_status(raw), status, "{raw}");
        }
        assert!(!pos_order_status("cancellation_refused").is_cancelled());
    }

    #[test]
    fn an_order_with_an_unreadable_total_is_still_read() {
        let mut notes = Notes::default();
        let order = PosOrder::from_wire(
            &json!({"id": "o1", "externalReference": "WEB-1", "status": "canceled",
                    "total": "douze"}),
            &mut notes,
        )
        .unwrap();
        assert!(order.status.is_cancelled());
        assert_eq!(order.total, None);
        assert_eq!(notes.0.len(), 1);
    }

    #[test]
    fn reads_the_documented_item() {
        let (item, notes) = item(json!({
            "id": "i-1", "companyId": "c-1", "name": "Assiette plate", "reference": " ADM-PLT ",
            "barcodes": ["3760000000001", " "], "defaultPrice": 24.9, "type": "SIMPLE",
            "family": {"id": "f-1", "name": "Vaisselle", "active": true},
            "description": "", "shortDescription": "", "images": ["https://x/a.jpg"],
            "parentItem": null, "declinations": [], "components": [], "unit": null,
            "somethingNew": {"a": 1}
        }));
        let item = item.unwrap();
        assert!(notes.0.is_empty());
        assert_eq!(item.reference.as_deref(), Some("ADM-PLT"));
        assert_eq!(item.barcodes, vec!["3760000000001"]);
        assert_eq!(item.default_price, Some(Money::from_cents(2490)));
        assert_eq!(item.family.unwrap().name, "Vaisselle");
    }

    #[test]
    fn null_lists_read_as_empty_and_unknown_types_are_kept() {
        let (item, notes) = item(json!({
            "id": "i-2", "name": "Carte cadeau", "type": "GIFT_CARD", "barcodes": null,
            "images": null, "declinations": null, "components": null, "attributes": null
        }));
        let item = item.unwrap();
        assert_eq!(item.kind, ItemKind::Unsupported("GIFT_CARD".into()));
        assert_eq!(notes.0[0].0, ProblemKind::UnsupportedType);
    }

    #[test]
    fn a_wrong_type_or_a_missing_id_refuses_the_row() {
        assert!(
            item(json!({"id": 42.5, "name": "x", "defaultPrice": "douze"}))
                .0
                .is_err()
        );
        assert!(item(json!({"name": "no id"})).0.is_err());
        assert!(item(json!({"id": "i", "barcodes": {"a": 1}})).0.is_err());
    }

    #[test]
    fn huge_texts_are_cut_on_a_character_boundary() {
        let (item, notes) = item(json!({"id": "i", "name": "é".repeat(3000), "type": "SIMPLE"}));
        let item = item.unwrap();
        assert!(item.name.len() <= MAX_NAME);
        assert!(item.name.chars().all(|c| c == 'é'));
        assert_eq!(notes.0[0].0, ProblemKind::Truncated);
    }

    #[test]
    fn resources_are_read_as_strings_or_objects() {
        let strings = auth_bundle(&json!({"bundle": {
            "resources": ["company.c1", "store.s1", "pos.p1", "printer.x"],
            "permissions": ["items.read"]}}))
        .unwrap();
        assert_eq!(strings.companies[0].as_str(), "c1");
        assert_eq!(strings.other_resources, vec!["printer.x"]);
        let objects = auth_bundle(&json!({"bundle": {
            "resources": [{"company": "c1", "store": ["s1", "s2"]}, {"type": "pos", "id": "p1"}]}}))
        .unwrap();
        assert_eq!(objects.stores.len(), 2);
        assert_eq!(objects.pos[0].as_str(), "p1");
    }

    #[test]
    fn queries_are_percent_encoded() {
        let q = encode_query(&[("email", "a+b@x.fr".into()), ("phone", "+33 6".into())]);
        assert_eq!(q, "?email=a%2Bb%40x.fr&phone=%2B33%206");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_refused() {
        let (value, lossy) = json(b"{\"name\":\"Caf\xe9\"}").unwrap();
        assert!(lossy);
        assert_eq!(value["name"], "Caf\u{FFFD}");
    }
}
