//! Matching, as the merchant sees it: what links, what is reported, what never happens.

use proptest::prelude::*;
use shopcaisse_sync::model::keys::{
    barcode_key, email_key, name_key, name_tokens, phone_key, reference_key,
};
use shopcaisse_sync::model::{Item, ItemId, ItemKind, Money};
use shopcaisse_sync::sync::orders::status_key;
use shopcaisse_sync::sync::{
    match_items, Catalog, Link, Links, MatchMethod, MatchPlan, MatchedBy, ShopIndex, ShopKind,
    ShopProduct,
};
use std::collections::{HashMap, HashSet};

fn item(id: &str, reference: &str, barcode: &str) -> Item {
    Item {
        reference: (!reference.is_empty()).then(|| reference.to_owned()),
        barcodes: if barcode.is_empty() {
            Vec::new()
        } else {
            vec![barcode.to_owned()]
        },
        default_price: Some(Money::from_cents(1000)),
        ..Item::new(ItemId::parse(id).unwrap(), format!("Article {id}"))
    }
}

fn product(id: i64, sku: &str, barcode: &str) -> ShopProduct {
    ShopProduct {
        id,
        parent_id: None,
        kind: ShopKind::Simple,
        sku: Some(sku.to_owned()),
        barcode: Some(barcode.to_owned()),
        name: format!("Produit {id}"),
        attributes: Vec::new(),
        on_sale: true,
        published: true,
    }
}

fn plan(
    items: Vec<Item>,
    products: Vec<ShopProduct>,
    links: Vec<Link>,
    method: MatchMethod,
) -> MatchPlan {
    match_items(
        &Catalog::new(items),
        &ShopIndex::new(products).unwrap(),
        &Links::new(links).unwrap(),
        method,
    )
}

#[test]
fn an_item_and_a_product_with_the_same_reference_are_linked() {
    let plan = plan(
        vec![item("plate", "ADM-PLT", "")],
        vec![product(10, "adm-plt", "")],
        Vec::new(),
        MatchMethod::Reference,
    );
    assert_eq!(plan.links.len(), 1);
    assert_eq!(plan.links[0].wc_id, 10);
    assert_eq!(plan.links[0].by, MatchedBy::Reference);
}

#[test]
fn a_barcode_written_with_spaces_and_leading_zeros_still_matches() {
    let plan = plan(
        vec![item("plate", "", "376 0000 000001")],
        vec![product(10, "", "03760000000001")],
        Vec::new(),
        MatchMethod::Barcode,
    );
    assert_eq!(plan.links[0].by, MatchedBy::Barcode);
}

#[test]
fn two_products_with_one_reference_are_a_conflict_for_a_person_to_settle() {
    let plan = plan(
        vec![item("plate", "ADM-PLT", "")],
        vec![product(10, "ADM-PLT", ""), product(11, "adm-plt", "")],
        Vec::new(),
        MatchMethod::Reference,
    );
    assert!(plan.links.is_empty());
    assert_eq!(plan.conflicts[0].key, "ADM-PLT");
    assert_eq!(plan.conflicts[0].products, [10, 11]);
}

#[test]
fn empty_references_never_match_each_other() {
    let plan = plan(
        vec![item("a", " ", ""), item("b", "", "")],
        vec![product(10, "", ""), product(11, "  ", "")],
        Vec::new(),
        MatchMethod::Forced,
    );
    assert!(plan.links.is_empty());
    assert!(plan.conflicts.is_empty());
    assert_eq!(plan.create.len(), 2);
}

#[test]
fn the_plan_reads_as_a_php_array() {
    let plan = plan(
        vec![item("plate", "ADM-PLT", "")],
        vec![product(10, "ADM-PLT", "")],
        Vec::new(),
        MatchMethod::Reference,
    );
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(
        json["links"][0],
        serde_json::json!({"item": "plate", "wc_id": 10, "by": "reference"})
    );
    assert_eq!(json["counts"]["links"], 1);
}

#[test]
fn a_hundred_thousand_items_match_without_quadratic_work() {
    let n = 20_000;
    let items: Vec<Item> = (0..n)
        .map(|i| item(&format!("i{i}"), &format!("REF-{i}"), ""))
        .collect();
    let products: Vec<ShopProduct> = (0..n)
        .map(|i| product(i as i64 + 1, &format!("ref-{i}"), ""))
        .collect();
    let started = std::time::Instant::now();
    let plan = plan(items, products, Vec::new(), MatchMethod::Reference);
    assert_eq!(plan.links.len(), n);
    // Generous: a debug build on a busy machine. The release benchmark is the real figure.
    assert!(started.elapsed().as_secs() < 10);
}

/// References drawn from a small set, with case and spacing variants, so keys collide often.
fn messy_reference() -> impl Strategy<Value = String> {
    (0..6usize, any::<bool>(), any::<bool>()).prop_map(|(n, lower, spaced)| {
        if n == 0 {
            return String::new();
        }
        let mut text = format!("REF-{n}");
        if lower {
            text = text.to_lowercase();
        }
        if spaced {
            text = format!(" {text} ");
        }
        text
    })
}

fn messy_barcode() -> impl Strategy<Value = String> {
    (0..6usize, 0..3usize).prop_map(|(n, zeros)| {
        if n == 0 {
            String::new()
        } else {
            format!("{}37600000000{n}", "0".repeat(zeros))
        }
    })
}

/// Items and products as (reference, barcode), raw links (item, product), and a method.
type Scenario = (
    Vec<(String, String)>,
    Vec<(String, String)>,
    Vec<(usize, usize)>,
    MatchMethod,
);

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec((messy_reference(), messy_barcode()), 0..25),
        prop::collection::vec((messy_reference(), messy_barcode()), 0..25),
        prop::collection::vec((0..25usize, 0..25usize), 0..5),
        prop_oneof![
            Just(MatchMethod::Reference),
            Just(MatchMethod::Barcode),
            Just(MatchMethod::Forced),
            Just(MatchMethod::ManualOnly),
        ],
    )
}

fn build(
    items: &[(String, String)],
    products: &[(String, String)],
    raw_links: &[(usize, usize)],
) -> (Catalog, ShopIndex, Links) {
    let catalog = Catalog::new(
        items
            .iter()
            .enumerate()
            .map(|(i, (r, b))| item(&format!("i{i}"), r, b))
            .collect(),
    );
    let index = ShopIndex::new(
        products
            .iter()
            .enumerate()
            .map(|(p, (r, b))| product(p as i64 + 1, r, b))
            .collect(),
    )
    .unwrap();
    // One-to-one links among existing ids.
    let mut used_items = HashSet::new();
    let mut used_products = HashSet::new();
    let links = raw_links
        .iter()
        .filter(|(i, p)| *i < items.len() && *p < products.len())
        .filter(|(i, p)| used_items.insert(*i) && used_products.insert(*p))
        .map(|(i, p)| Link {
            item: ItemId::parse(&format!("i{i}")).unwrap(),
            wc_id: *p as i64 + 1,
        });
    (catalog, index, Links::new(links).unwrap())
}

proptest! {
    #[test]
    fn normalisation_is_idempotent(raw in "\\PC{0,24}") {
        for key in [reference_key, barcode_key, name_key, phone_key, email_key] {
            if let Some(once) = key(&raw) {
                prop_assert_eq!(key(&once), Some(once.clone()), "{:?}", raw);
            }
        }
        let status = status_key(&raw);
        prop_assert_eq!(status_key(&status), status);
        let tokens = name_tokens(&raw);
        prop_assert_eq!(name_tokens(&tokens.join(" ")), tokens);
    }

    #[test]
    fn phone_normalisation_is_idempotent_on_phone_like_text(raw in "[+]?[0-9 .()-]{0,20}") {
        if let Some(once) = phone_key(&raw) {
            prop_assert_eq!(phone_key(&once), Some(once.clone()));
        }
    }

    #[test]
    fn matching_never_links_one_product_twice_nor_a_linked_one(
        (items, products, raw_links, method) in scenario()
    ) {
        let (catalog, index, links) = build(&items, &products, &raw_links);
        let plan = match_items(&catalog, &index, &links, method);
        let mut seen = HashSet::new();
        for link in &plan.links {
            prop_assert!(seen.insert(link.wc_id), "product {} linked twice", link.wc_id);
            prop_assert!(links.item_of(link.wc_id).is_none());
            prop_assert!(links.wc_of(&link.item).is_none());
        }
        let mut items_seen = HashSet::new();
        for link in &plan.links {
            prop_assert!(items_seen.insert(link.item.clone()));
        }
        if method == MatchMethod::ManualOnly {
            prop_assert!(plan.links.is_empty());
        }
    }

    #[test]
    fn a_key_shared_by_two_products_or_two_items_never_links(
        (items, products, raw_links, method) in scenario()
    ) {
        let (catalog, index, links) = build(&items, &products, &raw_links);
        let plan = match_items(&catalog, &index, &links, method);
        let mut product_refs: HashMap<String, usize> = HashMap::new();
        let mut product_codes: HashMap<String, usize> = HashMap::new();
        for (r, b) in &products {
            if let Some(k) = reference_key(r) { *product_refs.entry(k).or_default() += 1; }
            if let Some(k) = barcode_key(b) { *product_codes.entry(k).or_default() += 1; }
        }
        let mut item_refs: HashMap<String, usize> = HashMap::new();
        let mut item_codes: HashMap<String, usize> = HashMap::new();
        for (r, b) in &items {
            if let Some(k) = reference_key(r) { *item_refs.entry(k).or_default() += 1; }
            if let Some(k) = barcode_key(b) { *item_codes.entry(k).or_default() += 1; }
        }
        for link in &plan.links {
            let (sku, code) = &products[(link.wc_id - 1) as usize];
            let (count_products, count_items, key) = match link.by {
                MatchedBy::Reference => {
                    let key = reference_key(sku).expect("linked by a key");
                    (product_refs[&key], item_refs[&key], key)
                }
                MatchedBy::Barcode => {
                    let key = barcode_key(code).expect("linked by a key");
                    (product_codes[&key], item_codes[&key], key)
                }
                other => unreachable!("no declinations here: {other:?}"),
            };
            prop_assert_eq!(count_products, 1, "key {} shared by products", key);
            prop_assert_eq!(count_items, 1, "key {} shared by items", key);
        }
    }
}

#[test]
fn names_whose_lowercase_grows_still_normalise_once_and_for_all() {
    // 'İ' lowercases to 'i' and a combining dot, which is not a letter on its own.
    for raw in ["İstanbul", "Σ ΟΔΟΣ", "ǅemal"] {
        let once = name_key(raw).unwrap();
        assert_eq!(name_key(&once), Some(once.clone()), "{raw}");
        let tokens = name_tokens(raw);
        assert_eq!(name_tokens(&tokens.join(" ")), tokens, "{raw}");
    }
}

/// Parents with declinations (reference, size) against variable products with variations
/// (sku, size), some parents already linked.
type Declined = (
    Vec<Vec<(usize, usize)>>,
    Vec<Vec<(usize, usize)>>,
    Vec<(usize, usize)>,
);

fn declined() -> impl Strategy<Value = Declined> {
    let children = prop::collection::vec((0..8usize, 0..4usize), 0..5);
    (
        prop::collection::vec(children.clone(), 0..5),
        prop::collection::vec(children, 0..5),
        prop::collection::vec((0..5usize, 0..5usize), 0..3),
    )
}

const SIZES: [&str; 4] = ["S", "M", "L", "XL"];

fn declined_shop(
    parents: &[Vec<(usize, usize)>],
    variables: &[Vec<(usize, usize)>],
    raw_links: &[(usize, usize)],
) -> (Catalog, ShopIndex, Links) {
    let reference = |n: usize| {
        if n == 0 {
            String::new()
        } else {
            format!("D-{n}")
        }
    };
    let mut items = Vec::new();
    for (p, children) in parents.iter().enumerate() {
        let mut parent = item(&format!("p{p}"), "", "");
        for (c, (r, size)) in children.iter().enumerate() {
            let child = format!("p{p}-{c}");
            parent.declinations.push(ItemId::parse(&child).unwrap());
            let mut declination = item(&child, &reference(*r), "");
            declination.kind = ItemKind::Variation;
            declination.parent = Some(parent.id.clone());
            declination.attributes = vec![shopcaisse_sync::model::Attribute {
                name: "Taille".into(),
                value: SIZES[*size].into(),
            }];
            items.push(declination);
        }
        items.push(parent);
    }
    let mut products = Vec::new();
    for (v, children) in variables.iter().enumerate() {
        let wc = 100 * (v as i64 + 1);
        products.push(ShopProduct {
            kind: ShopKind::Variable,
            ..product(wc, "", "")
        });
        for (c, (r, size)) in children.iter().enumerate() {
            products.push(ShopProduct {
                kind: ShopKind::Variation,
                parent_id: Some(wc),
                attributes: vec![shopcaisse_sync::model::Attribute {
                    name: "taille".into(),
                    value: SIZES[*size].to_lowercase(),
                }],
                ..product(wc + c as i64 + 1, &reference(*r), "")
            });
        }
    }
    let mut used_items = HashSet::new();
    let mut used_products = HashSet::new();
    let links: Vec<Link> = raw_links
        .iter()
        .filter(|(p, v)| *p < parents.len() && *v < variables.len())
        .filter(|(p, v)| used_items.insert(*p) && used_products.insert(*v))
        .map(|(p, v)| Link {
            item: ItemId::parse(&format!("p{p}")).unwrap(),
            wc_id: 100 * (*v as i64 + 1),
        })
        .collect();
    (
        Catalog::new(items),
        ShopIndex::new(products).unwrap(),
        Links::new(links).unwrap(),
    )
}

proptest! {
    #[test]
    fn a_declination_only_ever_links_to_a_variation_of_its_parents_product(
        (parents, variables, raw_links) in declined(),
        forced in any::<bool>(),
    ) {
        let (catalog, index, links) = declined_shop(&parents, &variables, &raw_links);
        let method = if forced { MatchMethod::Forced } else { MatchMethod::Reference };
        let plan = match_items(&catalog, &index, &links, method);
        let proposed: HashMap<&ItemId, i64> =
            plan.links.iter().map(|l| (&l.item, l.wc_id)).collect();
        let mut seen = HashSet::new();
        for link in &plan.links {
            prop_assert!(seen.insert(link.wc_id), "product {} linked twice", link.wc_id);
            prop_assert!(links.item_of(link.wc_id).is_none());
            let item = catalog.get(&link.item).unwrap();
            let product = index.get(link.wc_id).unwrap();
            match &item.parent {
                Some(parent) => {
                    prop_assert_eq!(product.kind, ShopKind::Variation);
                    let parent_wc = links.wc_of(parent).or_else(|| proposed.get(parent).copied());
                    prop_assert_eq!(product.parent_id, parent_wc);
                }
                None => prop_assert_eq!(product.kind, ShopKind::Variable),
            }
        }
        for creation in &plan.create {
            if let Some(parent_wc) = creation.parent_wc_id {
                prop_assert_eq!(index.get(parent_wc).map(|p| p.kind), Some(ShopKind::Variable));
            }
        }
    }
}
