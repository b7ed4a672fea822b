//! The product side: which Shopcaisse item is which WooCommerce product, what an import creates,
//! and what follows Shopcaisse afterwards.
//!
//! PHP sends its product snapshot (every product and variation, as [`ShopProduct`]s) with each
//! call; the catalog, the prices and the stock come from the cache `refreshCatalog` filled, the
//! links from the state. Plans are only plans: `planMatching`, `previewImport`, `planImport` and
//! `planProductUpdates` record nothing. `applyMatching` records the links matching proposes, and
//! `reportImported` the links of the products PHP created from an import plan.

use super::context::{now_ms, parse_args, to_json};
use super::Engine;
use crate::model::{ItemId, PriceListId};
use crate::state::{LinkConflict, LinkMethod, LinkRecord, LogLevel, NewLog};
use crate::sync::{
    dry_run, match_items, plan_image_updates, shop_levels, suggest, Catalog, ImportContext,
    ImportPreview, Links, MatchPlan, MatchedBy, PriceBook, ShopIndex, ShopProduct,
};
use crate::{Error, Result};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Most suggestions one item gets.
const MAX_SUGGESTIONS: usize = 50;

/// Most items one `suggestProducts` call serves: a page of the "Produits Shopcaisse" tab.
const MAX_SUGGESTED_ITEMS: usize = 500;

/// Most conflicts or refusals copied into one log row's details (all are in the answer).
const LOGGED: usize = 50;

/// How a link the matcher proposed is recorded.
fn link_method(by: MatchedBy) -> LinkMethod {
    match by {
        MatchedBy::Reference => LinkMethod::Reference,
        MatchedBy::Barcode => LinkMethod::Barcode,
        // A parent linked because its declinations matched the product's variations: the
        // state has no method of its own for it, and attribute values are what settled it.
        MatchedBy::Attributes | MatchedBy::Declinations => LinkMethod::Attributes,
    }
}

/// One product PHP created from an import plan, with the variations it created under it.
#[derive(Debug, Deserialize)]
struct Created {
    item_id: ItemId,
    wc_id: i64,
    #[serde(default)]
    variations: Vec<CreatedVariation>,
}

#[derive(Debug, Deserialize)]
struct CreatedVariation {
    item_id: ItemId,
    wc_id: i64,
}

/// What matching and imports read: the cached catalog, PHP's products and the current links.
struct Snapshot {
    catalog: Catalog,
    index: ShopIndex,
    links: Links,
}

/// Whether the caller asked for the counts only (`summary_only`, default false).
fn summary_only(args: &Value) -> bool {
    args.get("summary_only")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The `products` argument, read in place: a shop's snapshot is large, and `parse_args` would
/// copy it whole first. Missing, null or `[]` is an empty shop.
fn products_arg(method: &str, args: &Value) -> Result<Vec<ShopProduct>> {
    match args.get("products") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(products) => Vec::<ShopProduct>::deserialize(products)
            .map_err(|e| Error::invalid_input(format!("invalid products for {method}: {e}"))),
    }
}

/// The `item_ids` argument: `None` (every top-level item) when missing, null or empty.
fn selection_arg(method: &str, args: &Value) -> Result<Option<Vec<ItemId>>> {
    match args.get("item_ids") {
        None | Some(Value::Null) => Ok(None),
        Some(ids) => {
            let ids = Vec::<ItemId>::deserialize(ids)
                .map_err(|e| Error::invalid_input(format!("invalid item_ids for {method}: {e}")))?;
            Ok((!ids.is_empty()).then_some(ids))
        }
    }
}

impl Engine {
    /// The snapshot a plan is made from.
    fn snapshot(&self, method: &str, args: &Value) -> Result<Snapshot> {
        let index = ShopIndex::new(products_arg(method, args)?)?;
        let catalog = Catalog::new(self.state()?.catalog().all_items()?);
        let links = self.all_links()?;
        Ok(Snapshot {
            catalog,
            index,
            links,
        })
    }

    /// The cached prices: the chosen list's, else each item's default price.
    fn price_book(&self) -> Result<PriceBook> {
        let list = match &self.settings.price_list {
            Some(list) => list.clone(),
            None => PriceListId::parse("cache")
                .map_err(|e| Error::internal(format!("a price list id: {e}")))?,
        };
        let prices = self.cached_prices(&list)?;
        Ok(PriceBook::new(Some(&list), prices))
    }

    /// What importing the selection would do, from the cache and PHP's products.
    fn import_preview(&self, method: &str, args: &Value) -> Result<ImportPreview> {
        let selection = selection_arg(method, args)?;
        let snapshot = self.snapshot(method, args)?;
        let prices = self.price_book()?;
        let rows = self.state()?.catalog().all_stocks()?;
        let levels =
            (!rows.is_empty()).then(|| shop_levels(&snapshot.catalog, &rows, &self.settings.stock));
        let ctx = ImportContext {
            catalog: &snapshot.catalog,
            prices: &prices,
            levels: levels.as_ref(),
        };
        Ok(dry_run(
            &ctx,
            selection.as_deref(),
            &snapshot.index,
            &snapshot.links,
            self.settings.matching_method,
        ))
    }

    /// Matches the cached catalog to PHP's products by the chosen method. Nothing is recorded.
    pub(super) fn plan_matching(&self, args: &Value) -> Result<Value> {
        to_json(&self.match_plan("planMatching", args)?)
    }

    fn match_plan(&self, method: &str, args: &Value) -> Result<MatchPlan> {
        let Snapshot {
            catalog,
            index,
            links,
        } = self.snapshot(method, args)?;
        Ok(match_items(
            &catalog,
            &index,
            &links,
            self.settings.matching_method,
        ))
    }

    /// Matches, then records every link the plan proposes. A link the state refuses (the item
    /// or the product was linked meanwhile) is reported, not an error; conflicts link nothing.
    pub(super) fn apply_matching(&self, args: &Value) -> Result<Value> {
        let run = self.run_id("matching");
        let plan = self.match_plan("applyMatching", args)?;
        let links = self.state()?.links();
        let now = now_ms();
        let mut recorded: Vec<LinkRecord> = Vec::with_capacity(plan.links.len());
        let mut refused: Vec<LinkConflict> = Vec::new();
        // One transaction per link method (at most three): a run of 100 000 links is one write,
        // not 100 000, and a pair taken meanwhile is refused without failing the others.
        for method in [
            LinkMethod::Reference,
            LinkMethod::Barcode,
            LinkMethod::Attributes,
        ] {
            let pairs: Vec<(ItemId, i64)> = plan
                .links
                .iter()
                .filter(|l| link_method(l.by) == method)
                .map(|l| (l.item.clone(), l.wc_id))
                .collect();
            if pairs.is_empty() {
                continue;
            }
            let batch = links
                .link_many(&pairs, method, now)
                .map_err(|e| e.context("recording the matched links"))?;
            recorded.extend(batch.linked);
            refused.extend(batch.conflicts);
        }
        self.log(
            NewLog::new(
                now,
                LogLevel::Info,
                "matching",
                format!(
                    "matching applied ({}): {} links recorded, {} refused, {} conflicts, {} unmatched",
                    json!(plan.method).as_str().unwrap_or_default(),
                    recorded.len(),
                    refused.len(),
                    plan.conflicts.len(),
                    plan.unmatched_items.len()
                ),
            )
            .run(run.clone())
            .details(json!({ "counts": plan.counts })),
        );
        if !plan.conflicts.is_empty() || !refused.is_empty() {
            self.log(
                NewLog::new(
                    now,
                    LogLevel::Warning,
                    "matching",
                    format!(
                        "{} conflicts and {} refused links need a person",
                        plan.conflicts.len(),
                        refused.len()
                    ),
                )
                .run(run.clone())
                .details(json!({
                    "conflicts": plan.conflicts.iter().take(LOGGED).collect::<Vec<_>>(),
                    "refused": refused.iter().take(LOGGED).collect::<Vec<_>>(),
                })),
            );
        }
        let summary = json!({
            "recorded": recorded.len(),
            "refused": refused.len(),
            "conflicts": plan.conflicts.len(),
            "unmatched_items": plan.unmatched_items.len(),
            "counts": plan.counts,
        });
        if summary_only(args) {
            // A cron call at 100 000 products wants the counts, not 100 000 links as PHP
            // arrays next to the snapshot it just sent (about 70 MB of PHP memory).
            return Ok(json!({ "run_id": run, "summary": summary }));
        }
        Ok(json!({
            "run_id": run,
            "summary": summary,
            "plan": to_json(&plan)?,
            "recorded": to_json(&recorded)?,
            "refused": to_json(&refused)?,
        }))
    }

    /// Products to propose for one item in the "Matching" column, best first, each with its
    /// name and SKU as PHP sent them.
    pub(super) fn suggest_products(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            item_ids: Vec<ItemId>,
            #[serde(default)]
            limit: Option<usize>,
        }
        let Args { item_ids, limit } = parse_args("suggestProducts", &without_products(args))?;
        if item_ids.len() > MAX_SUGGESTED_ITEMS {
            return Err(Error::invalid_input(format!(
                "suggestions for at most {MAX_SUGGESTED_ITEMS} items at once (a page of the tab)"
            )));
        }
        let limit = limit.unwrap_or(10).clamp(1, MAX_SUGGESTIONS);
        let cache = self.state()?.catalog();
        // Built once for the whole page: the shop index (and its word index, on the first
        // suggestion) is most of a suggestion's cost.
        let index = ShopIndex::new(products_arg("suggestProducts", args)?)?;
        let links = self.all_links()?;
        let mut suggestions = serde_json::Map::new();
        let mut missing = Vec::new();
        for item_id in item_ids {
            let Some(item) = cache.get_item(&item_id)? else {
                missing.push(item_id);
                continue;
            };
            // The item's role needs only the item and its parent, not the whole catalog.
            let mut around = vec![item.clone()];
            if let Some(parent) = &item.parent {
                around.extend(cache.get_item(parent)?);
            }
            let catalog = Catalog::new(around);
            let found: Vec<Value> = suggest(&item, &catalog, &index, &links, limit)
                .into_iter()
                .map(|s| {
                    let product = index.get(s.wc_id);
                    json!({
                        "wc_id": s.wc_id,
                        "why": s.why,
                        "score": s.score,
                        "name": product.map(|p| p.name.as_str()),
                        "sku": product.and_then(|p| p.sku.as_deref()),
                        "parent_id": product.and_then(|p| p.parent_id),
                    })
                })
                .collect();
            suggestions.insert(item_id.to_string(), Value::Array(found));
        }
        Ok(json!({ "suggestions": suggestions, "missing": missing }))
    }

    /// The bulk import's dry run for the selected items (all top-level items when none are):
    /// what would be created, linked, added to a linked product, and what is left out and why.
    pub(super) fn preview_import(&self, args: &Value) -> Result<Value> {
        to_json(&self.import_preview("previewImport", args)?)
    }

    /// The products PHP creates for the selected items: `create` (whole products), and
    /// `add_variations` (declinations new under an already linked product). Items matched to an
    /// existing product are not created: they are in `matched` (`applyMatching` records them).
    pub(super) fn plan_import(&self, args: &Value) -> Result<Value> {
        let run = self.run_id("import");
        let preview = self.import_preview("planImport", args)?;
        self.log(
            NewLog::new(
                now_ms(),
                LogLevel::Info,
                "import",
                format!(
                    "import planned: {} products and {} variations to create, {} skipped",
                    preview.counts.products_to_create,
                    preview.counts.variations_to_create,
                    preview.counts.skipped
                ),
            )
            .run(run.clone())
            .details(json!({ "counts": preview.counts })),
        );
        Ok(json!({
            "run_id": run,
            "create": to_json(&preview.create)?,
            "add_variations": to_json(&preview.add_variations)?,
            "matched": to_json(&preview.link)?,
            "skipped": to_json(&preview.skipped)?,
            "counts": to_json(&preview.counts)?,
        }))
    }

    /// Records the links of the products PHP created from an import plan, in one transaction.
    /// Reporting the same products again changes nothing (they are counted `unchanged`); a pair
    /// the state refuses, or an item no longer in the catalog, comes back in `refused`.
    pub(super) fn report_imported(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            created: Vec<Created>,
        }
        let Args { created } = parse_args("reportImported", args)?;
        let pairs: Vec<(ItemId, i64)> = created
            .into_iter()
            .flat_map(|c| {
                std::iter::once((c.item_id, c.wc_id))
                    .chain(c.variations.into_iter().map(|v| (v.item_id, v.wc_id)))
            })
            .collect();
        if let Some((item, wc_id)) = pairs.iter().find(|(_, wc_id)| *wc_id <= 0) {
            return Err(Error::invalid_input(format!(
                "{wc_id} (reported for item {item}) is not a WooCommerce product id"
            )));
        }
        let run = self.run_id("import");
        let state = self.state()?;
        let now = now_ms();
        let mut refused = Vec::new();
        let mut known = Vec::with_capacity(pairs.len());
        for (item, wc_id) in pairs {
            if state.catalog().row(&item)?.is_some() {
                known.push((item, wc_id));
            } else {
                refused.push(LinkConflict {
                    item_id: item,
                    wc_id,
                    message: "the item is not in the catalog cache".into(),
                });
            }
        }
        let batch = state
            .links()
            .link_many(&known, LinkMethod::Imported, now)
            .map_err(|e| e.context("recording the imported products"))?;
        refused.extend(batch.conflicts);
        let (recorded, unchanged) = (batch.linked, batch.unchanged);
        let level = if refused.is_empty() {
            LogLevel::Info
        } else {
            LogLevel::Warning
        };
        self.log(
            NewLog::new(
                now,
                level,
                "import",
                format!(
                    "import reported: {} links recorded, {} already there, {} refused",
                    recorded.len(),
                    unchanged,
                    refused.len()
                ),
            )
            .run(run.clone())
            .details(json!({ "refused": refused.iter().take(LOGGED).collect::<Vec<_>>() })),
        );
        Ok(json!({
            "run_id": run,
            "recorded": to_json(&recorded)?,
            "unchanged": unchanged,
            "refused": to_json(&refused)?,
        }))
    }

    /// Image updates for linked products whose Shopcaisse images differ from those PHP last
    /// applied. `applied_images` maps a WooCommerce id to its image URLs (an object keyed by id,
    /// or a list of `{wc_id, images}`); missing means nothing applied yet. Names, descriptions
    /// and prices are never updated; stock has its own run (`planStock`).
    pub(super) fn plan_product_updates(&self, args: &Value) -> Result<Value> {
        let applied = applied_images_arg(args)?;
        let catalog = Catalog::new(self.state()?.catalog().all_items()?);
        let links = self.all_links()?;
        let updates = plan_image_updates(&catalog, &links, &applied);
        Ok(json!({ "count": updates.len(), "updates": to_json(&updates)? }))
    }
}

/// The arguments without the (large) product list, for `parse_args`, which copies them.
fn without_products(args: &Value) -> Value {
    match args {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "products")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `applied_images`: `{wc_id: [url…]}`, or `[{wc_id, images}…]`, or nothing.
fn applied_images_arg(args: &Value) -> Result<HashMap<i64, Vec<String>>> {
    #[derive(Deserialize)]
    struct Applied {
        wc_id: i64,
        #[serde(default)]
        images: Vec<String>,
    }
    let bad = |e: serde_json::Error| {
        Error::invalid_input(format!(
            "invalid applied_images for planProductUpdates: {e}"
        ))
    };
    match args.get("applied_images") {
        None | Some(Value::Null) => Ok(HashMap::new()),
        Some(Value::Array(list)) => list
            .iter()
            .map(|entry| {
                Applied::deserialize(entry)
                    .map(|a| (a.wc_id, a.images))
                    .map_err(bad)
            })
            .collect(),
        Some(map) => HashMap::<i64, Vec<String>>::deserialize(map).map_err(bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Backend;
    use crate::model::{Money, Price, Quantity, StockRow};
    use crate::state::State;
    use crate::sync::catalog::fixtures::{declination, id, pack, parent, simple, weighed};
    use crate::ErrorKind;
    use std::path::PathBuf;

    /// A state directory of its own, removed when the test ends.
    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let dir = std::env::temp_dir().join(format!(
                "scs-products-{name}-{}-{}",
                std::process::id(),
                now_ms()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A catalog: two plain items, a T-shirt in two sizes, a pack and a weighed item.
    fn seeded(name: &str, settings: Value) -> (Dir, Engine) {
        let dir = Dir::new(name);
        let mut shirt = parent("b0", "TSH", &["b1", "b2"]);
        shirt.images = vec!["https://img.invalid/tsh.jpg".into()];
        let items = vec![
            simple("a1", "PLT", 2490),
            simple("a2", "CRS", 2250),
            shirt,
            declination("b1", "b0", "TSH-S", "S"),
            declination("b2", "b0", "TSH-M", "M"),
            pack("c1", &[("a1", 2)]),
            weighed("d1", 3),
        ];
        let state = State::open(&dir.0).unwrap();
        let list = PriceListId::parse("list").unwrap();
        let prices = vec![Price {
            price_list: list,
            item: id("a2"),
            price: Money::from_cents(1999),
        }];
        state.catalog().replace_catalog(&items, &prices).unwrap();
        state
            .catalog()
            .replace_stocks(&[StockRow {
                item: id("a1"),
                stock: Quantity::pieces(7),
                reserved_for_customers: Quantity::pieces(0),
                reserved_for_suppliers: Quantity::pieces(0),
            }])
            .unwrap();
        drop(state);
        let engine = Engine::new(&settings, &dir.0, Backend::Native).unwrap();
        (dir, engine)
    }

    fn product(id: i64, kind: &str, sku: &str) -> Value {
        json!({ "id": id, "kind": kind, "sku": sku, "name": format!("P{id}") })
    }

    #[test]
    fn planning_records_nothing_and_applying_records_each_link_with_its_method() {
        let (_dir, mut engine) = seeded("apply", json!({}));
        let products = json!([product(10, "simple", " plt"), product(11, "simple", "zzz")]);
        let plan = engine
            .call("planMatching", &json!({ "products": products }))
            .unwrap();
        assert_eq!(plan["links"][0]["wc_id"], 10);
        assert_eq!(plan["unlinked_on_sale"], json!([]));
        assert!(engine.state().unwrap().links().list().unwrap().is_empty());

        let applied = engine
            .call("applyMatching", &json!({ "products": products }))
            .unwrap();
        assert_eq!(applied["recorded"][0]["method"], "reference");
        assert_eq!(applied["refused"], json!([]));
        assert_eq!(applied["summary"]["recorded"], 1);
        let again = engine
            .call("planMatching", &json!({ "products": products }))
            .unwrap();
        assert_eq!(again["links"], json!([]));
        assert_eq!(again["counts"]["already_linked"], 1);
    }

    #[test]
    fn a_summary_only_answer_gives_the_counts_without_the_links() {
        let (_dir, mut engine) = seeded("summary", json!({}));
        let products = json!([product(10, "simple", "PLT"), product(11, "simple", "zzz")]);
        let applied = engine
            .call(
                "applyMatching",
                &json!({ "products": products, "summary_only": true }),
            )
            .unwrap();
        assert_eq!(applied["summary"]["recorded"], 1, "{applied}");
        assert_eq!(applied["summary"]["refused"], 0);
        assert!(applied.get("recorded").is_none() && applied.get("plan").is_none());
        assert_eq!(engine.state().unwrap().links().list().unwrap().len(), 1);
    }

    #[test]
    fn a_product_linked_by_hand_meanwhile_is_neither_proposed_nor_overwritten() {
        let (_dir, mut engine) = seeded("refused", json!({}));
        let products = json!([product(10, "simple", "PLT")]);
        let plan_first = engine
            .call("planMatching", &json!({ "products": products }))
            .unwrap();
        assert_eq!(plan_first["counts"]["links"], 1);
        // Another item takes product 10 between the plan and its application: the plan made
        // now no longer proposes it, and nothing is refused or overwritten.
        engine
            .call("link", &json!({ "item_id": "a2", "wc_id": 10 }))
            .unwrap();
        let applied = engine
            .call("applyMatching", &json!({ "products": products }))
            .unwrap();
        assert_eq!(applied["recorded"], json!([]));
        let links = engine.state().unwrap().links().list().unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].item_id, id("a2"));
    }

    #[test]
    fn declinations_and_their_parent_link_and_map_to_a_link_method() {
        let (_dir, mut engine) = seeded("declinations", json!({}));
        let products = json!([
            { "id": 20, "kind": "variable", "name": "T" },
            { "id": 21, "kind": "variation", "parent_id": 20, "sku": "tsh-s" },
            { "id": 22, "kind": "variation", "parent_id": 20,
              "attributes": [{ "name": "taille", "value": "m" }] },
        ]);
        let applied = engine
            .call("applyMatching", &json!({ "products": products }))
            .unwrap();
        let methods: HashMap<String, String> = applied["recorded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["wc_id"].to_string(),
                    l["method"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(methods.get("21").map(String::as_str), Some("reference"));
        assert_eq!(methods.get("20").map(String::as_str), Some("attributes"));
        assert_eq!(methods.len(), 3, "{applied}");
    }

    #[test]
    fn suggestions_need_only_the_item_and_name_the_product() {
        let (_dir, mut engine) = seeded("suggest", json!({}));
        let products = json!([product(10, "simple", "PLT"), product(20, "variable", "TSH")]);
        let answer = engine
            .call(
                "suggestProducts",
                &json!({ "item_ids": ["a1", "b1", "nope"], "products": products, "limit": 5 }),
            )
            .unwrap();
        let plate = &answer["suggestions"]["a1"];
        assert_eq!(plate[0]["wc_id"], 10);
        assert_eq!(plate[0]["why"], "same_reference");
        assert_eq!(plate[0]["sku"], "PLT");
        assert_eq!(plate.as_array().unwrap().len(), 1);
        assert_eq!(answer["suggestions"]["b1"], json!([]));
        assert_eq!(answer["missing"], json!(["nope"]));
        let too_many: Vec<String> = (0..=MAX_SUGGESTED_ITEMS).map(|i| format!("i{i}")).collect();
        let refused = engine
            .call(
                "suggestProducts",
                &json!({ "item_ids": too_many, "products": [] }),
            )
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn imports_take_the_cached_price_and_stock_and_reports_link_once() {
        let (_dir, mut engine) = seeded("import", json!({}));
        let plan = engine
            .call(
                "planImport",
                &json!({ "products": [], "item_ids": ["a1", "a2", "b0"] }),
            )
            .unwrap();
        let create = plan["create"].as_array().unwrap();
        assert_eq!(create.len(), 3, "{plan}");
        let by_item = |raw: &str| {
            create
                .iter()
                .find(|p| p["item"] == raw)
                .unwrap_or_else(|| panic!("{raw} in {plan}"))
        };
        assert_eq!(by_item("a1")["regular_price"], 2490);
        assert_eq!(by_item("a1")["stock"], "7");
        assert_eq!(by_item("a2")["regular_price"], 1999);
        assert_eq!(by_item("b0")["variations"].as_array().unwrap().len(), 2);

        let created = json!([
            { "item_id": "a1", "wc_id": 100 },
            { "item_id": "b0", "wc_id": 200, "variations": [
                { "item_id": "b1", "wc_id": 201 }, { "item_id": "b2", "wc_id": 202 } ] },
        ]);
        let first = engine
            .call("reportImported", &json!({ "created": created }))
            .unwrap();
        assert_eq!(first["recorded"].as_array().unwrap().len(), 4);
        assert_eq!(first["recorded"][0]["method"], "imported");
        let second = engine
            .call("reportImported", &json!({ "created": created }))
            .unwrap();
        assert_eq!(second["recorded"], json!([]));
        assert_eq!(second["unchanged"], 4);
        let clash = engine
            .call(
                "reportImported",
                &json!({ "created": [{ "item_id": "a2", "wc_id": 100 }, { "item_id": "x9", "wc_id": 7 }] }),
            )
            .unwrap();
        assert_eq!(clash["refused"].as_array().unwrap().len(), 2);
        let bad = engine
            .call(
                "reportImported",
                &json!({ "created": [{ "item_id": "a2", "wc_id": 0 }] }),
            )
            .unwrap_err();
        assert_eq!(bad.kind(), ErrorKind::InvalidInput);

        let after = engine
            .call(
                "previewImport",
                &json!({ "products": [], "item_ids": ["a1", "b0"] }),
            )
            .unwrap();
        assert_eq!(after["counts"]["products_to_create"], 0);
        assert_eq!(after["counts"]["already_linked"], 2);
    }

    #[test]
    fn image_updates_follow_what_was_applied_in_either_shape() {
        let (_dir, mut engine) = seeded("images", json!({}));
        engine
            .call("link", &json!({ "item_id": "b0", "wc_id": 200 }))
            .unwrap();
        let none_applied = engine
            .call("planProductUpdates", &json!({ "applied_images": [] }))
            .unwrap();
        assert_eq!(none_applied["count"], 1);
        assert_eq!(
            none_applied["updates"][0]["images"],
            json!(["https://img.invalid/tsh.jpg"])
        );
        for applied in [
            json!({ "200": ["https://img.invalid/tsh.jpg"] }),
            json!([{ "wc_id": 200, "images": ["https://img.invalid/tsh.jpg"] }]),
        ] {
            let answer = engine
                .call("planProductUpdates", &json!({ "applied_images": applied }))
                .unwrap();
            assert_eq!(answer["count"], 0, "{applied}");
        }
    }

    #[test]
    fn a_malformed_snapshot_is_invalid_input() {
        let (_dir, mut engine) = seeded("malformed", json!({}));
        let err = engine
            .call("planMatching", &json!({ "products": [{ "id": "x" }] }))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("planMatching"));
    }
}
