//! The engine's product methods at shop scale, as PHP calls them: 100 000 cached Shopcaisse
//! items against a snapshot of 100 000 WooCommerce products sent as JSON.
//!
//! `cargo run --release --no-default-features --example bench_products`
//!
//! Target: `planMatching` well under 1 s, reading every item from the state file included.
//! Figures are in "Engine: product methods" in `docs/benchmarks.md`.

use serde_json::{json, Value};
use shopcaisse_sync::engine::{Backend, Engine};
use shopcaisse_sync::model::{Attribute, Item, ItemId, ItemKind, Money};
use shopcaisse_sync::state::State;
use std::time::{Duration, Instant};

const SIMPLES: usize = 90_000;
const PARENTS: usize = 2_000;
const SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];

fn uuid(kind: &str, n: usize) -> ItemId {
    ItemId::parse(&format!("{kind:0>8}-0000-4000-8000-{n:012}")).unwrap()
}

fn item(id: ItemId, name: String, reference: Option<String>) -> Item {
    Item {
        reference,
        default_price: Some(Money::from_cents(1990)),
        description: "Une description de quelques mots, comme en ont la plupart des articles."
            .into(),
        images: vec!["https://img.invalid/a.jpg".into()],
        ..Item::new(id, name)
    }
}

/// Items and products that mostly agree: same reference written differently, 1 in 20 by
/// barcode only, 1 in 20 without a counterpart, T-shirts whose sizes match by reference or by
/// attribute, and web-only products up to 100 000.
fn shop_scale() -> (Vec<Item>, Vec<Value>) {
    let mut items = Vec::with_capacity(SIMPLES + PARENTS * 6);
    let mut products = Vec::with_capacity(100_000);
    let mut wc = 1i64;
    for n in 0..SIMPLES {
        let mut simple = item(
            uuid("s", n),
            format!("Assiette modèle {n} bleue"),
            Some(format!("REF-{n:06}")),
        );
        simple.barcodes = vec![format!("376{n:010}")];
        items.push(simple);
        wc += 1;
        match n % 20 {
            0 => {}
            1 => products.push(json!({ "id": wc, "kind": "simple", "sku": format!("W{n}"),
                "barcode": format!("0376{n:010}"), "name": format!("Assiette {n}"),
                "on_sale": true, "published": true })),
            _ => products.push(
                json!({ "id": wc, "kind": "simple", "sku": format!(" ref-{n:06}"),
                "name": format!("Assiette modèle {n} bleue"), "on_sale": true, "published": true }),
            ),
        }
    }
    for n in 0..PARENTS {
        let parent_id = uuid("p", n);
        let mut parent = item(parent_id.clone(), format!("Tee-shirt {n}"), None);
        wc += 1;
        let variable = wc;
        products
            .push(json!({ "id": variable, "kind": "variable", "name": format!("Tee-shirt {n}") }));
        for (s, size) in SIZES.iter().enumerate() {
            let child = uuid("d", n * 10 + s);
            parent.declinations.push(child.clone());
            let mut declination = item(child, format!("Tee-shirt {n} {size}"), None);
            declination.kind = ItemKind::Variation;
            declination.parent = Some(parent_id.clone());
            if s % 2 == 0 {
                declination.reference = Some(format!("TEE-{n}-{size}"));
            }
            declination.attributes = vec![Attribute {
                name: "Taille".into(),
                value: (*size).into(),
            }];
            items.push(declination);
            wc += 1;
            products.push(
                json!({ "id": wc, "kind": "variation", "parent_id": variable,
                "sku": (s % 2 == 0).then(|| format!("tee-{n}-{size}")),
                "name": format!("Tee-shirt {n} - {size}"),
                "attributes": [{ "name": "taille", "value": size.to_lowercase() }],
                "on_sale": true, "published": true }),
            );
        }
        items.push(parent);
    }
    while products.len() < 100_000 {
        wc += 1;
        products.push(
            json!({ "id": wc, "kind": "simple", "sku": format!("WEB-ONLY-{wc}"),
            "name": format!("Web {wc}"), "on_sale": true, "published": true }),
        );
    }
    (items, products)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let out = f();
    (started.elapsed(), out)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("scs-bench-products-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (items, products) = shop_scale();
    println!(
        "{} items ({} simple, {} T-shirts with {} sizes), {} products",
        items.len(),
        SIMPLES,
        PARENTS,
        SIZES.len(),
        products.len()
    );
    let (took, stored) = timed(|| {
        State::open(&dir)
            .unwrap()
            .catalog()
            .replace_catalog(&items, &[])
            .unwrap()
    });
    println!("cache {stored} items: {}", ms(took));
    drop(items);

    let args = json!({ "products": products });
    let engine = |method: &str| {
        Engine::new(&json!({ "matching_method": method }), &dir, Backend::Native).unwrap()
    };
    for method in ["reference", "forced"] {
        let mut runs = Vec::new();
        let mut plan = Value::Null;
        for _ in 0..3 {
            // A new engine each time: a PHP request opens the state file afresh.
            let mut e = engine(method);
            let (took, answer) = timed(|| e.call("planMatching", &args).unwrap());
            runs.push(took);
            plan = answer;
        }
        runs.sort();
        println!(
            "planMatching ({method}): {} / {} / {} (min / median / max of 3); {} links, {} to create, {} conflicts",
            ms(runs[0]),
            ms(runs[1]),
            ms(runs[2]),
            plan["counts"]["links"],
            plan["counts"]["to_create"],
            plan["conflicts"].as_array().map_or(0, Vec::len),
        );
    }

    let mut e = engine("reference");
    let (took, preview) = timed(|| e.call("previewImport", &args).unwrap());
    println!(
        "previewImport, every item: {}; {} to create, {} links",
        ms(took),
        preview["counts"]["products_to_create"],
        preview["counts"]["links"]
    );
    let one = json!({ "item_ids": [uuid("s", 40).as_str()], "products": products, "limit": 10 });
    let (took, _) = timed(|| e.call("suggestProducts", &one).unwrap());
    println!("suggestProducts, one item: {}", ms(took));
    let page: Vec<String> = (40..90).map(|i| uuid("s", i).to_string()).collect();
    let fifty = json!({ "item_ids": page, "products": products, "limit": 10 });
    let (took, _) = timed(|| e.call("suggestProducts", &fifty).unwrap());
    println!("suggestProducts, a page of 50 items: {}", ms(took));
    let (took, applied) = timed(|| e.call("applyMatching", &args).unwrap());
    println!(
        "applyMatching: {}; {} links recorded",
        ms(took),
        applied["recorded"].as_array().map_or(0, Vec::len)
    );
    let mut fresh = engine("reference");
    let (took, plan) = timed(|| fresh.call("planMatching", &args).unwrap());
    println!(
        "planMatching after: {}; {} already linked",
        ms(took),
        plan["counts"]["already_linked"]
    );
    let (took, updates) = timed(|| {
        fresh
            .call("planProductUpdates", &json!({ "applied_images": null }))
            .unwrap()
    });
    println!(
        "planProductUpdates: {}; {} updates",
        ms(took),
        updates["count"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
