//! Measures the state file at catalog scale: a 100 000-item replace, a stock replace, opening
//! the file as a PHP request does, and the admin tab's searches.
//!
//! `cargo run --release --no-default-features --example bench_state`

use shopcaisse_sync::model::{Item, ItemId, ItemKind, Money, Quantity, StockRow};
use shopcaisse_sync::state::{CatalogKind, CatalogQuery, LinkMethod, State};
use std::time::{Duration, Instant};

const ITEMS: usize = 100_000;
const RUNS: usize = 25;

const WORDS: &[&str] = &[
    "thé",
    "café",
    "chocolat",
    "assiette",
    "bol",
    "tasse",
    "crème",
    "pêche",
    "miel",
    "confiture",
    "savon",
    "bougie",
    "carnet",
    "stylo",
    "écharpe",
    "bonnet",
    "sac",
    "gâteau",
    "biscuit",
    "sirop",
    "vinaigre",
    "huile",
    "épice",
    "poivre",
    "sel",
    "farine",
    "sucre",
    "lait",
    "beurre",
    "fromage",
];
const ADJECTIVES: &[&str] = &[
    "bio",
    "vrac",
    "glacé",
    "artisanal",
    "grand",
    "petit",
    "rouge",
    "vert",
    "noir",
    "blanc",
    "doux",
    "fort",
    "léger",
    "fumé",
    "salé",
];

fn item(n: usize) -> Item {
    let word = WORDS[n % WORDS.len()];
    let adjective = ADJECTIVES[(n / WORDS.len()) % ADJECTIVES.len()];
    let kind = match n % 50 {
        0 => ItemKind::Pack,
        1 => ItemKind::Variation,
        _ => ItemKind::Simple,
    };
    Item {
        reference: Some(format!("REF-{n:06}")),
        barcodes: vec![format!("376{n:010}")],
        default_price: Some(Money::from_cents(100 + (n as i64 % 5000))),
        kind,
        description: "Une description de quelques lignes, comme en ont les fiches produits. "
            .repeat(3),
        short_description: "Courte description.".into(),
        images: vec![format!("https://example.test/images/{n}.jpg")],
        ..Item::new(
            ItemId::parse(&format!("0b6e{n:08x}-7a51-4c1e-9d2f-{:012x}", n * 7919)).unwrap(),
            format!("{} {adjective} n°{n}", capitalise(word)),
        )
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = std::env::temp_dir().join(format!("scs-bench-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let items: Vec<Item> = (0..ITEMS).map(item).collect();
    let stocks: Vec<StockRow> = items
        .iter()
        .enumerate()
        .map(|(n, i)| StockRow {
            item: i.id.clone(),
            stock: Quantity::pieces((n % 40) as i64 - 3),
            reserved_for_customers: Quantity::pieces((n % 3) as i64),
            reserved_for_suppliers: Quantity::ZERO,
        })
        .collect();

    let state = State::open(&dir).unwrap();
    let (_, fill) = timed(|| state.catalog().replace_catalog(&items, &[]).unwrap());
    let (_, refill) = timed(|| state.catalog().replace_catalog(&items, &[]).unwrap());
    let (_, stock) = timed(|| state.catalog().replace_stocks(&stocks).unwrap());
    let pairs: Vec<(ItemId, i64)> = items
        .iter()
        .enumerate()
        .step_by(3)
        .take(30_000)
        .map(|(n, i)| (i.id.clone(), n as i64 + 1))
        .collect();
    let (_, link_many) = timed(|| {
        state
            .links()
            .link_many(&pairs[1_000..], LinkMethod::Reference, 0)
            .unwrap()
    });
    let (_, link) = timed(|| {
        for (id, wc_id) in &pairs[..1_000] {
            state
                .links()
                .link(id, *wc_id, LinkMethod::Manual, 0)
                .unwrap();
        }
    });
    println!("items: {ITEMS}");
    println!("replace_catalog, empty cache:   {:>8.0} ms", ms(fill));
    println!("replace_catalog, full cache:    {:>8.0} ms", ms(refill));
    println!("replace_stocks:                 {:>8.0} ms", ms(stock));
    println!("link_many x29000 (one tx):      {:>8.0} ms", ms(link_many));
    println!(
        "link x1000 (one tx each):       {:>8.0} ms ({:.2} ms each)",
        ms(link),
        ms(link) / 1_000.0
    );
    let size = std::fs::metadata(state.path().unwrap()).unwrap().len();
    println!("file size: {:.1} MB", size as f64 / 1e6);
    drop(state);

    let (_, open) = timed(|| State::open(&dir).unwrap());
    println!("State::open of a migrated file: {:>8.2} ms", ms(open));

    let queries: Vec<(&str, CatalogQuery)> = vec![
        ("no filter, page 1", CatalogQuery::default()),
        (
            "no filter, page 2000",
            CatalogQuery {
                page: 2000,
                per_page: 50,
                ..Default::default()
            },
        ),
        ("name, common word 'chocolat'", text("chocolat")),
        ("name, accents folded 'CREME FUME'", text("CREME FUME")),
        ("name, rare 'n°99999'", text("n°99999")),
        ("name, two letters 'ch' (scan)", text("ch")),
        ("reference substring 'REF-0421'", text("REF-0421")),
        ("barcode, exact EAN-13", text("3760000012345")),
        (
            "linked only",
            CatalogQuery {
                linked: Some(true),
                ..Default::default()
            },
        ),
        (
            "unlinked, page 1000",
            CatalogQuery {
                linked: Some(false),
                page: 1000,
                per_page: 50,
                ..Default::default()
            },
        ),
        (
            "unlinked packs",
            CatalogQuery {
                linked: Some(false),
                kind: Some(CatalogKind::Pack),
                ..Default::default()
            },
        ),
        (
            "linked + name 'thé'",
            CatalogQuery {
                linked: Some(true),
                text: Some("thé".into()),
                ..Default::default()
            },
        ),
    ];
    println!("\nsearch (per_page 50 unless said; {RUNS} runs, fresh connection):");
    println!(
        "{:<36} {:>8} {:>9} {:>9}",
        "query", "total", "median", "max"
    );
    for (label, query) in queries {
        let query = CatalogQuery {
            page: query.page.max(1),
            per_page: if query.per_page == 0 {
                50
            } else {
                query.per_page
            },
            ..query
        };
        let state = State::open(&dir).unwrap();
        let mut times = Vec::with_capacity(RUNS);
        let mut total = 0;
        for _ in 0..RUNS {
            let (page, t) = timed(|| state.catalog().search(&query).unwrap());
            total = page.total;
            times.push(t);
        }
        times.sort();
        println!(
            "{label:<36} {total:>8} {:>6.2} ms {:>6.2} ms",
            ms(times[RUNS / 2]),
            ms(times[RUNS - 1])
        );
    }
    if std::env::args().any(|a| a == "--keep") {
        println!("\nkept {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn text(t: &str) -> CatalogQuery {
    CatalogQuery {
        text: Some(t.into()),
        ..Default::default()
    }
}
