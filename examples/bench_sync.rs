//! Sync planning at shop scale: matching 100 000 Shopcaisse items against 100 000 WooCommerce
//! products, and the stock diff of 100 000 linked items with 1 % changed.
//!
//! `cargo run --release --no-default-features --example bench_sync`
//!
//! Targets: matching under 1 s, stock diff under 200 ms, peak memory under 150 MB.

use shopcaisse_sync::model::{
    Attribute, Item, ItemId, ItemKind, Money, PackComponent, Quantity, StockRow, Unit, UnitKind,
};
use shopcaisse_sync::sync::{
    match_items, plan_stock, suggest, Catalog, Link, Links, MatchMethod, ShopIndex, ShopKind,
    ShopProduct, StockSettings,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const SIMPLES: usize = 84_000;
const PARENTS: usize = 2_000;
const SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];
const PACKS: usize = 1_000;
const WEIGHED: usize = 3_000;

fn id(raw: String) -> ItemId {
    ItemId::parse(&raw).unwrap()
}

fn uuid(kind: &str, n: usize) -> String {
    format!("{kind:0>8}-0000-4000-8000-{n:012}")
}

fn blank_item(raw: String, name: String, reference: Option<String>) -> Item {
    Item {
        reference,
        default_price: Some(Money::from_cents(1990)),
        ..Item::new(id(raw), name)
    }
}

fn product(id: i64, kind: ShopKind, sku: Option<String>, name: String) -> ShopProduct {
    ShopProduct {
        id,
        parent_id: None,
        kind,
        sku,
        barcode: None,
        name,
        attributes: Vec::new(),
        on_sale: true,
        published: true,
    }
}

/// A catalog and a shop that mostly agree: most items have a product with the same reference
/// (written differently), some match by barcode only, some have no counterpart, a few share
/// their reference with another product (conflicts).
fn shop_scale() -> (Vec<Item>, Vec<ShopProduct>) {
    let mut items = Vec::with_capacity(100_000);
    let mut products = Vec::with_capacity(100_000);
    let mut next_wc = 1i64;
    let mut wc = || {
        next_wc += 1;
        next_wc
    };
    for n in 0..SIMPLES {
        let reference = (n % 50 != 0).then(|| format!("REF-{n:06}"));
        let mut item = blank_item(
            uuid("s", n),
            format!("Assiette modèle {n} bleue"),
            reference,
        );
        item.barcodes = vec![format!("376{n:010}")];
        items.push(item);
        match n % 20 {
            // No counterpart in the shop.
            0 => {}
            // Matches by barcode only (SKU differs).
            1 => {
                let mut p = product(
                    wc(),
                    ShopKind::Simple,
                    Some(format!("W{n}")),
                    format!("Assiette {n}"),
                );
                p.barcode = Some(format!("0376{n:010}"));
                products.push(p);
            }
            // Two products with the same reference: a conflict.
            2 if n % 1000 == 2 => {
                for _ in 0..2 {
                    products.push(product(
                        wc(),
                        ShopKind::Simple,
                        Some(format!("ref-{n:06}")),
                        String::new(),
                    ));
                }
            }
            _ => products.push(product(
                wc(),
                ShopKind::Simple,
                Some(format!(" ref-{n:06}")),
                format!("Assiette modèle {n} bleue"),
            )),
        }
    }
    for n in 0..PARENTS {
        let parent_id = uuid("p", n);
        let mut parent = blank_item(parent_id.clone(), format!("Tee-shirt {n}"), None);
        let variable = wc();
        products.push(product(
            variable,
            ShopKind::Variable,
            None,
            format!("Tee-shirt {n}"),
        ));
        for (s, size) in SIZES.iter().enumerate() {
            let child = uuid("d", n * 10 + s);
            parent.declinations.push(id(child.clone()));
            let mut declination = blank_item(child, format!("Tee-shirt {n} {size}"), None);
            declination.kind = ItemKind::Variation;
            declination.parent = Some(id(parent_id.clone()));
            // Half the declinations carry a reference the variation shares; the rest match by
            // their size within the parent.
            if s % 2 == 0 {
                declination.reference = Some(format!("TEE-{n}-{size}"));
            }
            declination.attributes = vec![Attribute {
                name: "Taille".into(),
                value: (*size).into(),
            }];
            items.push(declination);
            let mut variation = product(
                wc(),
                ShopKind::Variation,
                (s % 2 == 0).then(|| format!("tee-{n}-{size}")),
                format!("Tee-shirt {n} - {size}"),
            );
            variation.parent_id = Some(variable);
            variation.attributes = vec![Attribute {
                name: "taille".into(),
                value: size.to_lowercase(),
            }];
            products.push(variation);
        }
        items.push(parent);
    }
    for n in 0..PACKS {
        let mut pack = blank_item(uuid("k", n), format!("Lot {n}"), Some(format!("LOT-{n}")));
        pack.kind = ItemKind::Pack;
        pack.components = vec![
            PackComponent {
                item: id(uuid("s", n * 3 + 5)),
                quantity: Quantity::pieces(2),
            },
            PackComponent {
                item: id(uuid("s", n * 3 + 7)),
                quantity: Quantity::pieces(1),
            },
        ];
        items.push(pack);
        products.push(product(
            wc(),
            ShopKind::Simple,
            Some(format!("LOT-{n}")),
            format!("Lot {n}"),
        ));
    }
    for n in 0..WEIGHED {
        let mut weighed = blank_item(
            uuid("w", n),
            format!("Fromage {n}"),
            Some(format!("FRM-{n}")),
        );
        weighed.unit = Some(Unit {
            kind: UnitKind::Weight,
            symbol: "kg".into(),
            decimals: 3,
        });
        items.push(weighed);
        products.push(product(
            wc(),
            ShopKind::Simple,
            Some(format!("FRM-{n}")),
            format!("Fromage {n}"),
        ));
    }
    // Products the POS does not know.
    while products.len() < 100_000 {
        let n = products.len();
        products.push(product(
            wc(),
            ShopKind::Simple,
            Some(format!("WEB-ONLY-{n}")),
            format!("Web {n}"),
        ));
    }
    (items, products)
}

fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Starts a new peak: the kernel resets VmHWM to the current RSS (Linux `clear_refs`, value 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .unwrap_or("")
        .to_owned()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn once<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let out = f();
    (started.elapsed(), out)
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let out = f();
        best = best.min(started.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or("unavailable".into(), |kb| {
        format!("{:.1} MB", kb as f64 / 1024.0)
    })
}

fn main() {
    // Phase 1, the product run: snapshots in, matching plan out.
    let (items, products) = shop_scale();
    println!(
        "catalog: {} items, shop: {} products and variations",
        items.len(),
        products.len()
    );
    println!("  memory holding the inputs:  {}", memory());
    let (build_catalog, catalog) = once(|| Catalog::new(items));
    let (build_index, index) = once(|| ShopIndex::new(products).unwrap());
    let no_links = Links::default();
    let (matching, plan) = best_of(3, || {
        match_items(&catalog, &index, &no_links, MatchMethod::Forced)
    });
    println!("index the catalog:            {}", ms(build_catalog));
    println!("index the shop:               {}", ms(build_index));
    println!("match (forced, no links yet): {}", ms(matching));
    println!(
        "  → {} links, {} to create, {} conflicts, {} unmatched",
        plan.counts.links,
        plan.counts.to_create,
        plan.conflicts.len(),
        plan.counts.unmatched
    );
    println!(
        "snapshots to plan, in all:    {}",
        ms(build_catalog + build_index + matching)
    );
    let matching_peak = peak_memory_kb();
    println!("peak memory, product run:     {}", mb(matching_peak));

    let first = &catalog.items()[3];
    let (cold, _) = once(|| suggest(first, &catalog, &index, &no_links, 10));
    let (warm, found) = best_of(5, || suggest(first, &catalog, &index, &no_links, 10));
    println!(
        "suggest for one item:         {} (first call builds the word index), {} after ({} found)",
        ms(cold),
        ms(warm),
        found.len()
    );

    // Phase 2, the stock run: the catalog, the links (the plan above applied) and the stock
    // answer; it never needs the shop index.
    let links = Links::new(
        plan.links
            .iter()
            .map(|l| Link {
                item: l.item.clone(),
                wc_id: l.wc_id,
            })
            .chain(plan.create.iter().enumerate().map(|(n, c)| Link {
                item: c.item.clone(),
                wc_id: 1_000_000 + n as i64,
            })),
    )
    .unwrap();
    drop(plan);
    drop(index);
    let rows: Vec<StockRow> = catalog
        .items()
        .iter()
        .enumerate()
        .filter(|(_, i)| i.kind != ItemKind::Pack)
        .map(|(n, i)| StockRow {
            item: i.id.clone(),
            stock: Quantity::from_thousandths(
                ((n % 40) as i64 + 1) * if i.unit.is_some() { 1_250 } else { 1_000 },
            ),
            reserved_for_customers: Quantity::ZERO,
            reserved_for_suppliers: Quantity::ZERO,
        })
        .collect();
    let settings = StockSettings::default();
    let baseline = plan_stock(&catalog, &links, &rows, &HashMap::new(), &settings);
    let mut applied: HashMap<i64, Quantity> = baseline
        .writes
        .iter()
        .map(|w| (w.wc_id, w.quantity))
        .collect();
    drop(baseline);
    let mut changed = 0;
    for (n, quantity) in applied.values_mut().enumerate() {
        if n % 100 == 0 {
            *quantity = quantity.saturating_add(Quantity::pieces(1));
            changed += 1;
        }
    }
    reset_peak();
    let (diff, stock) = best_of(5, || {
        plan_stock(&catalog, &links, &rows, &applied, &settings)
    });
    println!(
        "stock diff, {} linked, {} rows, {} changed: {}",
        links.len(),
        rows.len(),
        changed,
        ms(diff)
    );
    println!(
        "  → {} writes, {} unchanged, held: {:?}",
        stock.writes.len(),
        stock.unchanged,
        stock.held
    );
    println!("peak memory, stock run:       {}", mb(peak_memory_kb()));
}
