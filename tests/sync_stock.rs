//! Stock from the POS to the shop: what is written, what is held back, and what can never be.

use proptest::prelude::*;
use shopcaisse_sync::model::{
    Item, ItemId, ItemKind, Money, PackComponent, Quantity, StockRow, Unit, UnitKind,
};
use shopcaisse_sync::sync::{
    available, plan_stock, Catalog, HoldReason, Link, Links, StockPlan, StockSettings,
};
use std::collections::HashMap;

fn id(raw: &str) -> ItemId {
    ItemId::parse(raw).unwrap()
}

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap()
}

fn item(raw: &str) -> Item {
    Item {
        default_price: Some(Money::from_cents(100)),
        ..Item::new(id(raw), raw.to_owned())
    }
}

fn weighed(raw: &str, decimals: u8) -> Item {
    Item {
        unit: Some(Unit {
            kind: UnitKind::Weight,
            symbol: "kg".into(),
            decimals,
        }),
        ..item(raw)
    }
}

fn pack(raw: &str, components: &[(&str, Quantity)]) -> Item {
    Item {
        kind: ItemKind::Pack,
        components: components
            .iter()
            .map(|(c, quantity)| PackComponent {
                item: id(c),
                quantity: *quantity,
            })
            .collect(),
        ..item(raw)
    }
}

fn row(raw: &str, stock: Quantity, reserved: Quantity) -> StockRow {
    StockRow {
        item: id(raw),
        stock,
        reserved_for_customers: reserved,
        reserved_for_suppliers: Quantity::ZERO,
    }
}

fn links(pairs: &[(&str, i64)]) -> Links {
    Links::new(pairs.iter().map(|(item, wc_id)| Link {
        item: id(item),
        wc_id: *wc_id,
    }))
    .unwrap()
}

fn apply(plan: &StockPlan, applied: &mut HashMap<i64, Quantity>) {
    for write in &plan.writes {
        applied.insert(write.wc_id, write.quantity);
    }
}

#[test]
fn a_sale_at_the_till_shows_on_the_website_at_the_next_run() {
    let catalog = Catalog::new(vec![item("plate")]);
    let linked = links(&[("plate", 10)]);
    let settings = StockSettings::default();
    let mut applied = HashMap::new();
    let first = plan_stock(
        &catalog,
        &linked,
        &[row("plate", q("5"), Quantity::ZERO)],
        &applied,
        &settings,
    );
    apply(&first, &mut applied);
    let after_sale = plan_stock(
        &catalog,
        &linked,
        &[row("plate", q("4"), Quantity::ZERO)],
        &applied,
        &settings,
    );
    assert_eq!(after_sale.writes.len(), 1);
    assert_eq!(after_sale.writes[0].quantity, q("4"));
    assert_eq!(after_sale.writes[0].previous, Some(q("5")));
}

#[test]
fn reserved_quantities_are_not_for_sale_and_negative_stock_shows_as_zero() {
    let catalog = Catalog::new(vec![item("a"), item("b")]);
    let plan = plan_stock(
        &catalog,
        &links(&[("a", 10), ("b", 11)]),
        &[row("a", q("5"), q("2")), row("b", q("-3"), Quantity::ZERO)],
        &HashMap::new(),
        &StockSettings::default(),
    );
    assert_eq!(plan.writes[0].quantity, q("3"));
    assert_eq!(plan.writes[1].quantity, Quantity::ZERO);
}

#[test]
fn cheese_sold_by_weight_keeps_its_grams() {
    let catalog = Catalog::new(vec![weighed("comte", 3)]);
    let plan = plan_stock(
        &catalog,
        &links(&[("comte", 10)]),
        &[row("comte", q("2.355"), q("0.1"))],
        &HashMap::new(),
        &StockSettings::default(),
    );
    let write = &plan.writes[0];
    assert_eq!(write.quantity, q("2.255"));
    assert!(write.weighed);
    assert_eq!(write.sellable_units, 2);
    let json = serde_json::to_value(write).unwrap();
    assert_eq!(json["quantity"], "2.255");
}

#[test]
fn an_empty_answer_never_empties_the_shop() {
    let catalog = Catalog::new(vec![item("a")]);
    let plan = plan_stock(
        &catalog,
        &links(&[("a", 10)]),
        &[],
        &HashMap::from([(10, q("7"))]),
        &StockSettings {
            zero_missing: true,
            ..StockSettings::default()
        },
    );
    assert!(plan.writes.is_empty());
    assert!(matches!(plan.held, Some(HoldReason::EmptyAnswer { .. })));
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["held"]["reason"], "empty_answer");
}

#[test]
fn a_hundred_thousand_linked_items_diff_in_one_pass() {
    let n = 20_000;
    let catalog = Catalog::new((0..n).map(|i| item(&format!("i{i}"))).collect());
    let linked = Links::new((0..n).map(|i| Link {
        item: id(&format!("i{i}")),
        wc_id: i as i64 + 1,
    }))
    .unwrap();
    let rows: Vec<StockRow> = (0..n)
        .map(|i| row(&format!("i{i}"), Quantity::pieces(5), Quantity::ZERO))
        .collect();
    let applied: HashMap<i64, Quantity> = (0..n)
        .map(|i| {
            (
                i as i64 + 1,
                Quantity::pieces(if i % 100 == 0 { 6 } else { 5 }),
            )
        })
        .collect();
    let plan = plan_stock(
        &catalog,
        &linked,
        &rows,
        &applied,
        &StockSettings::default(),
    );
    assert_eq!(plan.writes.len(), n / 100);
    assert_eq!(plan.unchanged, n - n / 100);
}

/// A shop of `n` simple items (some weighed), and packs of them.
/// Simple items as (stock, reserved, weighed) in thousandths, packs as (component, quantity),
/// and what was last applied per link.
type Shop = (
    Vec<(i64, i64, bool)>,
    Vec<Vec<(usize, i64)>>,
    Vec<Option<i64>>,
);

fn shop() -> impl Strategy<Value = Shop> {
    (1..12usize).prop_flat_map(|n| {
        (
            prop::collection::vec((-5_000i64..60_000, 0i64..8_000, any::<bool>()), n..=n),
            prop::collection::vec(prop::collection::vec((0..n, 1i64..4_000), 0..4), 0..4),
            prop::collection::vec(prop::option::of(0i64..60_000), n + 4..=n + 4),
        )
    })
}

fn build(
    simples: &[(i64, i64, bool)],
    packs: &[Vec<(usize, i64)>],
    previous: &[Option<i64>],
) -> (Catalog, Links, Vec<StockRow>, HashMap<i64, Quantity>) {
    let mut items = Vec::new();
    let mut rows = Vec::new();
    let mut pairs = Vec::new();
    for (i, (stock, reserved, is_weighed)) in simples.iter().enumerate() {
        let name = format!("s{i}");
        items.push(if *is_weighed {
            weighed(&name, 2)
        } else {
            item(&name)
        });
        rows.push(row(
            &name,
            Quantity::from_thousandths(*stock),
            Quantity::from_thousandths(*reserved),
        ));
        pairs.push((name, i as i64 + 1));
    }
    for (p, components) in packs.iter().enumerate() {
        let name = format!("p{p}");
        let components: Vec<(String, Quantity)> = components
            .iter()
            .map(|(c, t)| (format!("s{c}"), Quantity::from_thousandths(*t)))
            .collect();
        let borrowed: Vec<(&str, Quantity)> =
            components.iter().map(|(c, t)| (c.as_str(), *t)).collect();
        items.push(pack(&name, &borrowed));
        pairs.push((name, 1000 + p as i64));
    }
    let links = Links::new(pairs.iter().map(|(item, wc_id)| Link {
        item: id(item),
        wc_id: *wc_id,
    }))
    .unwrap();
    let applied = pairs
        .iter()
        .zip(previous)
        .filter_map(|((_, wc), prev)| prev.map(|t| (*wc, Quantity::from_thousandths(t))))
        .collect();
    (Catalog::new(items), links, rows, applied)
}

proptest! {
    #[test]
    fn stock_written_is_never_negative((simples, packs, previous) in shop(), subtract in any::<bool>()) {
        let (catalog, links, rows, applied) = build(&simples, &packs, &previous);
        let settings = StockSettings { subtract_reserved: subtract, force: true, ..StockSettings::default() };
        let plan = plan_stock(&catalog, &links, &rows, &applied, &settings);
        for write in &plan.writes {
            prop_assert!(write.quantity >= Quantity::ZERO);
            prop_assert!(write.sellable_units >= 0);
        }
        for r in &rows {
            prop_assert!(available(r, subtract) >= Quantity::ZERO);
        }
    }

    #[test]
    fn a_pack_never_promises_more_than_each_component_allows((simples, packs, previous) in shop()) {
        let (catalog, links, rows, applied) = build(&simples, &packs, &previous);
        let settings = StockSettings { force: true, ..StockSettings::default() };
        let plan = plan_stock(&catalog, &links, &rows, &applied, &settings);
        let levels: HashMap<&ItemId, Quantity> =
            rows.iter().map(|r| (&r.item, available(r, true))).collect();
        for write in plan.writes.iter().filter(|w| w.wc_id >= 1000) {
            let pack = catalog.get(&write.item).unwrap();
            for component in &pack.components {
                let have = levels[&component.item].thousandths() as i128;
                let need = write.quantity.whole_floor() as i128
                    * component.quantity.thousandths() as i128;
                prop_assert!(need <= have, "{} packs need {} of {}, {} there", write.quantity, need, component.item, have);
            }
        }
    }

    #[test]
    fn a_diff_holds_only_changes_and_applying_it_leaves_nothing_to_do((simples, packs, previous) in shop()) {
        let (catalog, links, rows, mut applied) = build(&simples, &packs, &previous);
        let settings = StockSettings { force: true, ..StockSettings::default() };
        let plan = plan_stock(&catalog, &links, &rows, &applied, &settings);
        for write in &plan.writes {
            prop_assert_ne!(write.previous, Some(write.quantity));
            prop_assert_eq!(write.previous, applied.get(&write.wc_id).copied());
        }
        prop_assert_eq!(plan.writes.len() + plan.unchanged, links.len());
        apply(&plan, &mut applied);
        let again = plan_stock(&catalog, &links, &rows, &applied, &settings);
        prop_assert!(again.writes.is_empty());
        prop_assert_eq!(again.unchanged, links.len());
    }

    #[test]
    fn a_held_plan_writes_nothing((simples, packs, previous) in shop()) {
        let (catalog, links, rows, applied) = build(&simples, &packs, &previous);
        let settings = StockSettings { min_drop_count: 1, max_drop_percent: 0, ..StockSettings::default() };
        let plan = plan_stock(&catalog, &links, &rows, &applied, &settings);
        if plan.held.is_some() {
            prop_assert!(plan.writes.is_empty());
        } else {
            prop_assert_eq!(plan.writes.len(), plan.would_write);
        }
    }
}
