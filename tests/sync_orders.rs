//! Orders to the POS: the payload adds up to what the customer paid, to the cent, or it is not
//! sent; and the snapshot PHP sends reads straight into it.

use proptest::prelude::*;
use shopcaisse_sync::model::{
    CustomerDetails, Item, ItemId, Money, OrderPush, PosId, Quantity, Unit, UnitKind,
};
use shopcaisse_sync::sync::{
    build_push, decide, Catalog, ChargeSnapshot, Link, Links, OrderAction, OrderLineSnapshot,
    OrderSettings, OrderSnapshot, OrderStanding, PushPlan, StatusMap,
};

fn item(raw: &str, weighed: bool) -> Item {
    Item {
        default_price: Some(Money::from_cents(100)),
        unit: weighed.then(|| Unit {
            kind: UnitKind::Weight,
            symbol: "kg".into(),
            decimals: 3,
        }),
        ..Item::new(ItemId::parse(raw).unwrap(), raw.to_owned())
    }
}

fn shop() -> (Links, Catalog) {
    let links = Links::new([
        Link {
            item: ItemId::parse("plate").unwrap(),
            wc_id: 10,
        },
        Link {
            item: ItemId::parse("comte").unwrap(),
            wc_id: 11,
        },
    ])
    .unwrap();
    (
        links,
        Catalog::new(vec![item("plate", false), item("comte", true)]),
    )
}

fn push_of(order: &OrderSnapshot) -> PushPlan {
    let (links, catalog) = shop();
    build_push(
        order,
        &OrderSettings::default(),
        &PosId::parse("pos-1").unwrap(),
        None,
        &links,
        &catalog,
    )
}

/// What the POS will compute: Σ unit price × quantity − discount.
fn pos_total(push: &OrderPush) -> Money {
    push.lines
        .iter()
        .map(|l| l.unit_price.times(l.quantity) - l.discount)
        .sum()
}

#[test]
fn an_order_as_php_sends_it_becomes_the_pos_payload() {
    let json = r#"{
        "wc_order_id": 1042, "number": "1042", "status": "processing",
        "created_at_ms": 1785578400000, "currency": "EUR",
        "customer": {"first_name": "Jeanne", "last_name": "Martin",
                     "email": "jeanne@example.fr", "phone": "06 00 00 00 00"},
        "lines": [
            {"wc_product_id": 10, "name": "Assiette plate", "quantity": 2,
             "unit_price_ttc": 2490, "total_ttc": 4980},
            {"wc_product_id": 11, "name": "Comté", "quantity": "0.355",
             "unit_price_ttc": 1299, "total_ttc": 461}
        ],
        "shipping": [{"name": "Colissimo", "total_ttc": 490}],
        "fees": [{"name": "Emballage cadeau", "total_ttc": 200}],
        "payment_method_title": "Carte bancaire (en ligne)",
        "total_ttc": 6131,
        "note": "Retrait en magasin"
    }"#;
    let order: OrderSnapshot = serde_json::from_str(json).unwrap();
    let PushPlan::Ready { push, adjustments } = push_of(&order) else {
        panic!("the order should be ready");
    };
    assert!(adjustments.is_empty());
    assert_eq!(push.external_reference, "WEB-1042");
    assert_eq!(push.lines.len(), 4);
    assert_eq!(push.lines[1].quantity, Quantity::parse("0.355").unwrap());
    assert_eq!(push.lines[2].label, "Colissimo");
    assert_eq!(push.lines[3].item, None);
    assert_eq!(pos_total(&push), Money::from_cents(6131));
    assert_eq!(push.payments.len(), 1);
    assert_eq!(push.payments[0].amount, Money::from_cents(6131));
    let out = serde_json::to_value(&push).unwrap();
    assert_eq!(out["lines"][1]["quantity"], "0.355");
    assert_eq!(out["payments"][0]["amount"], 6131);
}

#[test]
fn an_order_in_dollars_is_blocked_and_says_why() {
    let order = OrderSnapshot {
        wc_order_id: 7,
        number: "7".into(),
        status: "processing".into(),
        created_at_ms: 0,
        currency: "USD".into(),
        customer: CustomerDetails::default(),
        lines: vec![OrderLineSnapshot {
            wc_product_id: 10,
            variation_id: None,
            name: "Assiette".into(),
            quantity: Quantity::pieces(1),
            unit_price_ttc: Some(Money::from_cents(2490)),
            total_ttc: None,
            discount_ttc: Money::ZERO,
        }],
        shipping: Vec::new(),
        fees: Vec::new(),
        payment_method_title: String::new(),
        total_ttc: Money::from_cents(2490),
        note: None,
    };
    let json = serde_json::to_value(push_of(&order)).unwrap();
    assert_eq!(json["outcome"], "blocked");
    assert_eq!(json["reasons"][0]["reason"], "not_eur");
    assert_eq!(json["reasons"][0]["currency"], "USD");
}

#[test]
fn an_order_is_queued_once_paid_and_cancelled_once_refunded() {
    let map = StatusMap::default();
    assert_eq!(
        decide(&map, "wc-processing", OrderStanding::None),
        OrderAction::Enqueue
    );
    assert_eq!(
        decide(&map, "completed", OrderStanding::Queued),
        OrderAction::Nothing
    );
    assert_eq!(
        decide(&map, "refunded", OrderStanding::Pushed),
        OrderAction::Cancel
    );
}

/// A product line as WooCommerce computes it: unit price × quantity − discount, in cents.
fn line() -> impl Strategy<Value = OrderLineSnapshot> {
    (
        any::<bool>(),
        1i64..5_000,
        0i64..20_000,
        0u32..100,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(weighed, quantity, unit, discount_percent, give_unit, give_total)| {
                let quantity = if weighed {
                    Quantity::from_thousandths(quantity)
                } else {
                    Quantity::pieces(quantity % 7 + 1)
                };
                let unit = Money::from_cents(unit);
                let gross = unit.times(quantity);
                let discount = Money::from_cents(gross.cents() * i64::from(discount_percent) / 100);
                let total = gross - discount;
                OrderLineSnapshot {
                    wc_product_id: if weighed { 11 } else { 10 },
                    variation_id: None,
                    name: "Ligne".into(),
                    quantity,
                    unit_price_ttc: (give_unit || !give_total).then_some(unit),
                    total_ttc: give_total.then_some(total),
                    discount_ttc: discount,
                }
            },
        )
}

fn paid_for(line: &OrderLineSnapshot) -> Money {
    line.total_ttc
        .unwrap_or_else(|| line.unit_price_ttc.unwrap().times(line.quantity) - line.discount_ttc)
}

fn order_of(lines: Vec<OrderLineSnapshot>, shipping: i64, noise: i64) -> OrderSnapshot {
    let lines_total: Money = lines.iter().map(paid_for).sum();
    OrderSnapshot {
        wc_order_id: 1,
        number: "1".into(),
        status: "processing".into(),
        created_at_ms: 0,
        currency: "EUR".into(),
        customer: CustomerDetails::default(),
        shipping: vec![ChargeSnapshot {
            name: String::new(),
            total_ttc: Money::from_cents(shipping),
        }],
        fees: Vec::new(),
        payment_method_title: String::new(),
        total_ttc: lines_total + Money::from_cents(shipping + noise),
        note: None,
        lines,
    }
}

proptest! {
    #[test]
    fn a_ready_payload_adds_up_to_the_paid_total_in_cents(
        lines in prop::collection::vec(line(), 1..6),
        shipping in 0i64..2_000,
        noise in -3i64..=3,
    ) {
        let order = order_of(lines, shipping, noise);
        let lines_count = order.lines.len() as i64 + 1;
        match push_of(&order) {
            PushPlan::Ready { push, .. } => {
                prop_assert_eq!(pos_total(&push), order.total_ttc);
                prop_assert_eq!(push.payments[0].amount, order.total_ttc);
                for l in &push.lines {
                    prop_assert!(l.discount >= Money::ZERO);
                    prop_assert!(l.unit_price >= Money::ZERO);
                }
                prop_assert!(noise.abs() <= lines_count);
            }
            PushPlan::Blocked { reasons } => {
                // Only rounding beyond a cent per line may block a consistent order.
                prop_assert!(noise != 0, "{:?}", reasons);
            }
        }
    }

    #[test]
    fn money_never_goes_through_floats(cents in -10_000_000_000i64..10_000_000_000) {
        let money = Money::from_cents(cents);
        let text = money.to_string();
        prop_assert_eq!(Money::parse_euros(&text).unwrap(), money);
        let wire = money.to_json_number();
        prop_assert_eq!(Money::from_json(&wire).unwrap(), money);
        let json = serde_json::to_string(&money).unwrap();
        prop_assert_eq!(json, cents.to_string());
    }

    #[test]
    fn ten_cents_ten_times_is_exactly_one_euro(n in 1usize..1_000) {
        let total: Money = std::iter::repeat(Money::parse_euros("0.1").unwrap()).take(n).sum();
        prop_assert_eq!(total.cents(), 10 * n as i64);
    }
}
