//! Fuzzing: generated and mutated inputs, no panic allowed.
//!
//! - Every API body the client decodes: a loopback server records the sandbox's real answers to
//!   one call of each public client method, then answers the same calls, over and over, with
//!   mutations of those answers (fields dropped, retyped, at the edges of their type; bytes
//!   flipped, spliced, cut; nesting past the parser's limit; error statuses with odd bodies and
//!   `Retry-After` values).
//! - Every engine method's arguments: a valid template per method, mutated the same way, plus
//!   values generated from nothing, through `Engine::call_guarded` (the path both PHP backends
//!   take) on an engine whose API answers are fuzzed too.
//!
//! `make test` runs a smoke of a few thousand inputs; `make fuzz` runs 10⁶ per family
//! (`SCS_FUZZ_INPUTS`). A failure prints its seed: `SCS_FUZZ_SEED=<seed>` replays the run.

#![cfg(feature = "sandbox")]

mod api_support;
mod engine_support;
mod fuzz_support;

use fuzz_support::*;
use serde_json::{json, Value};
use shopcaisse_sync::api::{Client, ClientConfig, ItemUpdate, NewItem};
use shopcaisse_sync::model::{
    AppToken, CompanyId, ItemId, Money, NewCustomer, OrderPush, PosId, PosOrderId, PriceListId,
    StoreId,
};
use shopcaisse_sync::sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

/// Inputs per family in the smoke run `make test` does.
const SMOKE: u64 = 1_000;

static PANICS: AtomicU64 = AtomicU64::new(0);

/// Counts panics wherever they happen (the engine catches its own and answers an error: the
/// count is what tells).
fn count_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

/// The sandbox, and a recording server in front of it.
fn recorded() -> (SandboxHandle, FuzzServer, String) {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("the sandbox starts");
    let root = sandbox.root_url();
    let suffix = sandbox
        .base_url()
        .strip_prefix(&root)
        .expect("the base URL is under the root")
        .to_owned();
    let server = FuzzServer::recording(&root);
    (sandbox, server, suffix)
}

fn client(base_url: String, token: &str) -> Client {
    let mut config = ClientConfig::new(base_url, AppToken::new(token).unwrap());
    config.connect_timeout = Duration::from_secs(5);
    config.total_timeout = Duration::from_secs(10);
    config.max_attempts = 2;
    config.retry_budget = Duration::from_secs(5);
    config.base_backoff = Duration::from_millis(1);
    config.max_backoff = Duration::from_millis(2);
    config.sleeper = Some(Arc::new(|_| {}));
    Client::new(config).unwrap()
}

/// One call of every public client method that reads an API body.
struct Script {
    company: CompanyId,
    store: StoreId,
    list: PriceListId,
    item: ItemId,
    order: OrderPush,
    pos_order: PosOrderId,
}

type Step = (&'static str, fn(&Client, &Script));

const STEPS: &[Step] = &[
    ("authentication", |c, _| drop(c.authentication())),
    ("companies", |c, _| {
        drop(c.companies().map(|l| l.into_parts()))
    }),
    ("stores", |c, _| drop(c.stores().map(|l| l.into_parts()))),
    ("pos_of_store", |c, s| {
        drop(c.pos_of_store(&s.store).map(|l| l.into_parts()))
    }),
    ("items", |c, s| {
        drop(c.items(&s.company).map(|l| l.into_parts()))
    }),
    ("item", |c, s| drop(c.item(&s.company, &s.item))),
    ("families", |c, s| {
        drop(c.families(&s.company).map(|l| l.into_parts()))
    }),
    ("price_lists", |c, s| {
        drop(c.price_lists(&s.company).map(|l| l.into_parts()))
    }),
    ("prices", |c, s| {
        drop(c.prices(&s.company, &s.list).map(|l| l.into_parts()))
    }),
    ("stocks", |c, s| {
        drop(c.stocks(&s.store).map(|l| l.into_parts()))
    }),
    ("sales", |c, s| {
        drop(
            c.sales(&s.store, 0, 4_102_444_800_000)
                .map(|l| l.into_parts()),
        )
    }),
    ("find_customers", |c, s| {
        drop(
            c.find_customers(&s.store, Some("jeanne@example.fr"), Some("+33600000000"))
                .map(|l| l.into_parts()),
        )
    }),
    ("create_customer", |c, s| {
        drop(c.create_customer(
            &s.store,
            &NewCustomer {
                first_name: "Élodie".into(),
                last_name: "Durand".into(),
                email: Some("elodie@example.fr".into()),
                phone: None,
            },
        ))
    }),
    ("create_item", |c, s| {
        drop(c.create_item(
            &s.company,
            &NewItem {
                name: "Plateau en chêne".into(),
                price: Money::from_cents(3990),
                reference: Some("WEB-PLT-01".into()),
                barcode: Some("3760000009999".into()),
                description: None,
                family: None,
            },
        ))
    }),
    ("update_item", |c, s| {
        drop(c.update_item(
            &s.company,
            &s.item,
            &ItemUpdate {
                name: Some("Assiette".into()),
                description: None,
                reference: Some("ADM-PLT".into()),
            },
        ))
    }),
    ("push_order", |c, s| drop(c.push_order(&s.store, &s.order))),
    ("find_orders_by_reference", |c, s| {
        drop(
            c.find_orders_by_reference(&s.store, &s.order.external_reference)
                .map(|l| l.into_parts()),
        )
    }),
    ("order", |c, s| drop(c.order(&s.store, &s.pos_order))),
    ("cancel_order", |c, s| {
        drop(c.cancel_order(&s.store, &s.pos_order))
    }),
];

#[test]
fn no_api_body_makes_the_client_panic() {
    count_panics();
    let inputs = budget(SMOKE);
    let seed = seed();
    let (sandbox, server, suffix) = recorded();
    let ids = sandbox.ids();
    let client = client(format!("{}{suffix}", server.origin()), &sandbox.token());
    let mut script = Script {
        company: CompanyId::parse(&ids.company).unwrap(),
        store: StoreId::parse(&ids.store).unwrap(),
        list: PriceListId::parse(ids.default_price_list.as_deref().unwrap()).unwrap(),
        item: ItemId::parse(&sandbox.item_ids()[0]).unwrap(),
        order: api_support::order_in(&sandbox, "WEB-FUZZ-1", &PosId::parse(&ids.pos).unwrap()),
        pos_order: PosOrderId::parse("0").unwrap(),
    };
    // Recording: the real answers, a created order included, so its GET and DELETE are real.
    script.pos_order = client
        .push_order(&script.store, &script.order)
        .expect("the sandbox takes the order")
        .order
        .id;
    for (name, step) in STEPS {
        step(&client, &script);
        assert_eq!(PANICS.load(Ordering::SeqCst), 0, "{name} on a real answer");
    }
    let recorded = server.recorded();
    assert!(recorded.len() >= 15, "{recorded:?}");

    server.start_fuzzing(seed);
    let started = Instant::now();
    let mut rounds = 0u64;
    while server.served() < inputs {
        for (name, step) in STEPS {
            server.clear_trail();
            let outcome = catch_unwind(AssertUnwindSafe(|| step(&client, &script)));
            if outcome.is_err() || PANICS.load(Ordering::SeqCst) > 0 {
                panic!(
                    "the client panicked in {name} (SCS_FUZZ_SEED={seed}) on these answers: {:#?}",
                    server
                        .trail()
                        .iter()
                        .map(|s| (
                            &s.request,
                            s.status,
                            &s.retry_after,
                            String::from_utf8_lossy(&s.body[..s.body.len().min(2_000)])
                        ))
                        .collect::<Vec<_>>()
                );
            }
        }
        rounds += 1;
    }
    println!(
        "fuzz api bodies: {} answers over {} endpoints, {rounds} rounds of {} client calls, \
         {:.1} s, seed {seed}, no panic",
        server.served(),
        recorded.len(),
        STEPS.len(),
        started.elapsed().as_secs_f64()
    );
}

/// A valid call of every engine method, the seeds of the argument fuzzing.
fn templates(item: &str, store_order: &Value) -> Vec<(&'static str, Value)> {
    let product = json!({"id": 501, "parent_id": null, "kind": "simple", "sku": "ADM-PLT",
        "barcode": "3760000000011", "name": "Assiette plate",
        "attributes": [{"name": "Taille", "value": "M"}], "on_sale": true, "published": true});
    vec![
        ("version", json!({})),
        ("diagnostics", json!({})),
        ("testConnection", json!({})),
        ("refreshCatalog", json!({"force": false})),
        (
            "searchCatalog",
            json!({"query": {"text": "assiette", "linked": false, "kind": "simple",
                "parent": item, "top_level_only": true, "page": 1, "per_page": 20}}),
        ),
        ("catalogItem", json!({"item_id": item})),
        ("link", json!({"item_id": item, "wc_id": 501})),
        ("unlink", json!({"item_id": item})),
        ("unlink", json!({"wc_id": 501})),
        ("restoreLink", json!({"history_id": 1})),
        ("listLinks", json!({"history": 10})),
        ("planMatching", json!({"products": [product]})),
        ("applyMatching", json!({"products": [product]})),
        (
            "suggestProducts",
            json!({"item_ids": [item], "products": [product], "limit": 5}),
        ),
        (
            "previewImport",
            json!({"products": [product], "item_ids": [item]}),
        ),
        (
            "planImport",
            json!({"products": [product], "item_ids": null}),
        ),
        (
            "reportImported",
            json!({"created": [{"item_id": item, "wc_id": 601,
                "variations": [{"item_id": item, "wc_id": 602}]}]}),
        ),
        (
            "planProductUpdates",
            json!({"applied_images": [{"wc_id": 601, "images": ["https://example.org/a.jpg"]}]}),
        ),
        ("planStock", json!({"force": false})),
        (
            "reportStockApplied",
            json!({"writes": [{"wc_id": 601, "quantity": "3.750"}]}),
        ),
        ("heldStockRuns", json!({})),
        ("dismissHeldStockRun", json!({"id": 1})),
        ("orderChanged", json!({ "order": store_order })),
        ("pushOrders", json!({"limit": 3})),
        ("pushOrderNow", json!({ "order": store_order })),
        ("orderStates", json!({"wc_order_ids": [9001, 9002]})),
        (
            "listOutbox",
            json!({"filter": {"state": "failed", "text": "900", "page": 1, "per_page": 10}}),
        ),
        (
            "queryLogs",
            json!({"query": {"min_level": "warning", "operation": "catalog_refresh",
                "object_type": "order", "object_id": "9001", "run_id": "x", "text": "refresh",
                "since_ms": 0, "until_ms": 4_102_444_800_000i64, "page": 1, "per_page": 10}}),
        ),
        ("exportLogs", json!({"query": {"min_level": "info"}})),
        ("purgeLogs", json!({})),
        ("startJob", json!({"job": "stock", "lease_ms": 60_000})),
        (
            "finishJob",
            json!({"job": "stock", "run_id": "stock-1", "outcome": "ok",
                "summary": {"writes": 3}, "cursor": null}),
        ),
        ("jobHealth", json!({})),
        ("dashboard", json!({"days": 30, "utc_offset_minutes": 60})),
        ("triggerPanicForTest", json!({"message": "x"})),
        ("roundTripForTest", json!({"value": [1, "a", null]})),
    ]
}

fn web_order(id: i64, item_wc: i64) -> Value {
    json!({
        "wc_order_id": id,
        "number": id.to_string(),
        "status": "processing",
        "created_at_ms": 1_785_578_400_000i64,
        "currency": "EUR",
        "customer": {"first_name": "Paul", "last_name": "Martin",
                     "email": "paul@example.org", "phone": "06 00 00 00 00"},
        "lines": [{"wc_product_id": item_wc, "name": "Assiette plate", "quantity": "2",
                   "unit_price_ttc": 2490, "total_ttc": 4980}],
        "shipping": [{"name": "Colissimo", "total_ttc": 590}],
        "fees": [],
        "payment_method_title": "Carte bancaire",
        "total_ttc": 5570,
    })
}

#[test]
fn no_argument_makes_the_engine_panic() {
    count_panics();
    let inputs = budget(SMOKE);
    let seed = seed();
    let mut rng = Rng::new(seed);
    let env = engine_support::Env::start();
    let sandbox = &env.sandbox;
    let root = sandbox.root_url();
    let suffix = sandbox.base_url().replacen(&root, "", 1);
    let server = FuzzServer::recording(&root);
    // One attempt, short waits, and the test hooks off: the panic hook is not for fuzzing.
    let mut engine = env.engine_with(json!({
        "base_url": format!("{}{suffix}", server.origin()),
        "max_attempts": 1,
        "retry_budget_ms": 2000,
        "test_hooks": null,
    }));
    let item = sandbox.item_ids()[0].clone();
    let templates = templates(&item, &web_order(9001, 501));
    // Recording: every template once against the real sandbox, so the engine holds a catalog,
    // a link and an order, and the fuzzed answers start from real ones.
    for (method, args) in &templates {
        let _ = engine.call_guarded(method, args);
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a template panicked");
    let cached = engine
        .call_guarded("searchCatalog", &json!({}))
        .expect("the catalog is searched");
    assert!(cached["total"].as_u64() > Some(0), "{cached}");

    server.start_fuzzing(seed ^ 1);
    let started = Instant::now();
    let mut refused = 0u64;
    for n in 0..inputs {
        let (method, template) = &templates[rng.below(templates.len())];
        let args = match rng.below(10) {
            0 => any_value(&mut rng, 3),
            1 => {
                let mut args = json!({});
                args[rng.pick(&["order", "query", "products", "item_id", "limit"])] =
                    any_value(&mut rng, 3);
                args
            }
            _ => {
                let mut args = template.clone();
                mutate_value(&mut args, &mut rng);
                args
            }
        };
        let outcome = engine.call_guarded(method, &args);
        if outcome.is_err() {
            refused += 1;
        }
        assert_eq!(
            PANICS.load(Ordering::SeqCst),
            0,
            "input {n}: {method} panicked (SCS_FUZZ_SEED={seed}) on {}",
            truncated(&args)
        );
    }
    println!(
        "fuzz engine arguments: {inputs} calls over {} methods ({refused} refused), {} API \
         answers, {:.1} s, seed {seed}, no panic",
        templates.len(),
        server.served(),
        started.elapsed().as_secs_f64()
    );
}

fn truncated(value: &Value) -> String {
    let text = value.to_string();
    text.chars().take(4_000).collect()
}
