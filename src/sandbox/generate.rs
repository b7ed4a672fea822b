//! A deterministic catalog generator: the same `(count, seed)` always gives the same items,
//! prices and stock, fast enough for 100 000 items.
//!
//! The mix follows a real shop: mostly simple items, parents with 2 to 5 declinations, packs of
//! earlier items, weighed items with decimal stock, and the usual mess: empty and duplicated
//! references and barcodes, HTML and accents in names, negative stock.

use super::world::{
    splitmix, uuid_like, FxAttribute, FxComponent, FxItem, FxPrice, FxStock, FxUnit, World,
};
use crate::model::{Money, Quantity};

const OBJECTS: &[&str] = &[
    "Assiette",
    "Bol",
    "Tasse",
    "Mug",
    "Carafe",
    "Saladier",
    "Plat",
    "Théière",
    "Verre",
    "Coupelle",
    "Pichet",
    "Sucrier",
    "Beurrier",
    "Plateau",
    "Torchon",
    "Tablier",
];
const QUALIFIERS: &[&str] = &[
    "plate",
    "creuse",
    "à dessert",
    "en grès",
    "émaillée",
    "bleu nuit",
    "terre cuite",
    "« Nuage »",
    "rayée",
    "de Provence",
    "à l'ancienne",
    "d'été",
    "ÉDITION LIMITÉE",
];
const GROCERIES: &[&str] = &[
    "Café en grains",
    "Lentilles vertes",
    "Riz de Camargue",
    "Farine T65",
    "Amandes",
    "Noisettes",
    "Thé vert",
    "Pois chiches",
    "Quinoa",
    "Sucre de canne",
];
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL"];

/// Deterministic draws.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = splitmix(self.0);
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len() as u64) as usize]
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

/// An EAN-13 with a valid check digit.
fn ean13(body: u64) -> String {
    let digits = format!("376{:09}", body % 1_000_000_000);
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

/// Replaces the catalog of `world` with `count` generated items (declinations included in the
/// count), their prices in every price list of the first company, and stock in the first store.
pub(crate) fn generate(world: &mut World, count: usize, seed: u64) {
    let mut draw = Draw(seed ^ 0x00C0_FFEE);
    let company = world.first_company();
    let store = world.first_store();
    let families: Vec<String> = world
        .fixture_org
        .families
        .iter()
        .filter(|f| !matches!(f.name.as_str(), "System family" | "Pas de famille"))
        .map(|f| f.id.clone())
        .collect();
    let lists: Vec<String> = world
        .fixture_org
        .price_lists
        .iter()
        .map(|l| l.id.clone())
        .collect();
    let mut items: Vec<FxItem> = Vec::with_capacity(count);
    let mut simple_ids: Vec<usize> = Vec::new();
    let mut n = 0u64;
    let next_id = |n: &mut u64| {
        *n += 1;
        uuid_like(seed, *n)
    };
    let base = |id: String, name: String, kind: &str, draw: &mut Draw, i: usize| -> FxItem {
        let reference = if draw.percent(3) {
            String::new()
        } else if draw.percent(1) && i > 0 {
            format!("GEN-{:06}", i - 1)
        } else {
            format!("GEN-{i:06}")
        };
        let barcodes = if draw.percent(5) {
            Vec::new()
        } else if draw.percent(1) && i > 0 {
            vec![ean13(i as u64 - 1)]
        } else {
            vec![ean13(i as u64)]
        };
        FxItem {
            id,
            company_id: company.clone(),
            name,
            reference,
            barcodes,
            default_price: Some(Money::from_cents(50 + draw.below(9_950) as i64)),
            kind: kind.into(),
            family: (!families.is_empty())
                .then(|| families[draw.below(families.len() as u64) as usize].clone()),
            description: if draw.percent(30) {
                format!("<p>Article n° {i} — fabriqué en France.</p>")
            } else {
                String::new()
            },
            short_description: String::new(),
            images: if draw.percent(20) {
                vec![format!("https://demo.shopcaisse.invalid/img/{i}.jpg")]
            } else {
                Vec::new()
            },
            parent_item: None,
            declinations: Vec::new(),
            components: Vec::new(),
            attributes: Vec::new(),
            unit: None,
        }
    };
    while items.len() < count {
        let i = items.len();
        let roll = draw.below(100);
        let left = count - items.len();
        if roll < 8 && left >= 3 {
            // A parent with 2 to 5 declinations.
            let sizes = (2 + draw.below(4) as usize).min(left - 1);
            let name = format!("T-shirt {} n° {i}", draw.pick(QUALIFIERS));
            let mut parent = base(next_id(&mut n), name.clone(), "SIMPLE", &mut draw, i);
            let parent_index = items.len();
            items.push(parent.clone());
            for size in SIZES.iter().take(sizes) {
                let j = items.len();
                let mut child = base(
                    next_id(&mut n),
                    format!("{name} — {size}"),
                    "VARIATION",
                    &mut draw,
                    j,
                );
                child.parent_item = Some(parent.id.clone());
                child.attributes = vec![FxAttribute {
                    name: "Taille".into(),
                    value: (*size).into(),
                }];
                child.family = parent.family.clone();
                parent.declinations.push(child.id.clone());
                items.push(child);
            }
            items[parent_index] = parent;
        } else if roll < 12 && simple_ids.len() >= 2 {
            let mut pack = base(
                next_id(&mut n),
                format!("Coffret découverte n° {i}"),
                "PACK",
                &mut draw,
                i,
            );
            for _ in 0..2 {
                let component = simple_ids[draw.below(simple_ids.len() as u64) as usize];
                pack.components.push(FxComponent {
                    item: items[component].id.clone(),
                    quantity: Quantity::pieces(1 + draw.below(3) as i64),
                });
            }
            items.push(pack);
        } else if roll < 22 {
            let mut weighed = base(
                next_id(&mut n),
                format!("{} (vrac) n° {i}", draw.pick(GROCERIES)),
                "SIMPLE",
                &mut draw,
                i,
            );
            weighed.unit = Some(FxUnit {
                kind: "WEIGHT".into(),
                symbol: "kg".into(),
                decimals: 3,
            });
            items.push(weighed);
        } else {
            let name = if roll < 24 {
                format!(
                    "{} <em>{}</em> & co n° {i}",
                    draw.pick(OBJECTS),
                    draw.pick(QUALIFIERS)
                )
            } else {
                format!("{} {} n° {i}", draw.pick(OBJECTS), draw.pick(QUALIFIERS))
            };
            simple_ids.push(items.len());
            items.push(base(next_id(&mut n), name, "SIMPLE", &mut draw, i));
        }
    }
    let mut prices = Vec::with_capacity(count + count / 10);
    let mut stocks = Vec::with_capacity(count);
    for item in &items {
        let price = item.default_price.unwrap_or(Money::ZERO);
        for (k, list) in lists.iter().enumerate() {
            if k == 0 || draw.percent(10) {
                prices.push(FxPrice {
                    price_list: list.clone(),
                    item: item.id.clone(),
                    price: if k == 0 {
                        price
                    } else {
                        Money::from_cents(price.cents() * 9 / 10)
                    },
                });
            }
        }
        if !item.declinations.is_empty() || item.kind == "PACK" {
            continue;
        }
        let stock = if item.unit.is_some() {
            Quantity::from_thousandths(draw.below(25_000) as i64 - 2_000)
        } else {
            Quantity::pieces(draw.below(60) as i64 - 5)
        };
        stocks.push(FxStock {
            store: store.clone(),
            item: item.id.clone(),
            stock,
            reserved_for_customers: Quantity::ZERO,
            reserved_for_suppliers: Quantity::ZERO,
        });
    }
    world.replace_catalog(items, prices, stocks);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::world::Fixture;

    #[test]
    fn the_same_seed_gives_the_same_catalog() {
        let mut a = World::from_fixture(Fixture::demo());
        let mut b = World::from_fixture(Fixture::demo());
        generate(&mut a, 500, 7);
        generate(&mut b, 500, 7);
        assert_eq!(a.items, b.items);
        assert_eq!(a.items.len(), 500);
        assert!(a.items.iter().any(|i| i.kind == "VARIATION"));
        assert!(a.items.iter().any(|i| i.kind == "PACK"));
        assert!(a.items.iter().any(|i| i.unit.is_some()));
        assert!(a.items.iter().any(|i| i.reference.is_empty()));
    }

    #[test]
    fn barcodes_carry_a_valid_check_digit() {
        assert_eq!(ean13(0).len(), 13);
        assert_eq!(ean13(1), "3760000000017");
    }
}
