//! Importing Shopcaisse items into the shop: what gets created, and what the preview promises.

use shopcaisse_sync::model::{Item, ItemId, Money, Quantity, StockRow};
use shopcaisse_sync::sync::{
    dry_run, plan_import, shop_levels, Catalog, ImportContext, Links, MatchMethod, PriceBook,
    ProductType, ShopIndex, ShopProduct, StockSettings,
};

/// Items as the client parses them from the API, written as JSON to read like the API.
fn catalog() -> Catalog {
    let json = r#"[
      {"id": "plate", "name": "Assiette plate", "reference": "ADM-PLT", "barcodes": ["3760000000001"],
       "default_price": 2490, "kind": {"kind": "simple"}, "family": null,
       "description": "<p>Grès</p>", "short_description": "Grès émaillé",
       "images": ["https://img.example/plate.jpg"], "parent": null, "declinations": [],
       "components": [], "attributes": [], "unit": null},
      {"id": "tee", "name": "Tee-shirt", "reference": null, "barcodes": [],
       "default_price": 1500, "kind": {"kind": "simple"}, "family": null,
       "description": "", "short_description": "", "images": [], "parent": null,
       "declinations": ["tee-m", "tee-l"], "components": [], "attributes": [], "unit": null},
      {"id": "tee-m", "name": "Tee-shirt M", "reference": "TEE-M", "barcodes": [],
       "default_price": 1500, "kind": {"kind": "variation"}, "family": null,
       "description": "", "short_description": "", "images": ["https://img.example/m.jpg"],
       "parent": "tee", "declinations": [], "components": [],
       "attributes": [{"name": "Taille", "value": "M"}], "unit": null},
      {"id": "tee-l", "name": "Tee-shirt L", "reference": "TEE-L", "barcodes": [],
       "default_price": 1700, "kind": {"kind": "variation"}, "family": null,
       "description": "", "short_description": "", "images": [],
       "parent": "tee", "declinations": [], "components": [],
       "attributes": [{"name": "Taille", "value": "L"}], "unit": null},
      {"id": "duo", "name": "Duo d'assiettes", "reference": "DUO", "barcodes": [],
       "default_price": 4500, "kind": {"kind": "pack"}, "family": null,
       "description": "", "short_description": "", "images": [], "parent": null,
       "declinations": [], "components": [{"item": "plate", "quantity": 2}],
       "attributes": [], "unit": null},
      {"id": "comte", "name": "Comté 18 mois", "reference": "CMT", "barcodes": [],
       "default_price": 2990, "kind": {"kind": "simple"}, "family": null,
       "description": "", "short_description": "", "images": [], "parent": null,
       "declinations": [], "components": [], "attributes": [],
       "unit": {"kind": "weight", "symbol": "kg", "decimals": 3}},
      {"id": "gift", "name": "Carte cadeau", "reference": "GIFT", "barcodes": [],
       "default_price": 5000, "kind": {"kind": "unsupported", "name": "GIFT_CARD"}, "family": null,
       "description": "", "short_description": "", "images": [], "parent": null,
       "declinations": [], "components": [], "attributes": [], "unit": null}
    ]"#;
    let items: Vec<Item> = serde_json::from_str(json).unwrap();
    Catalog::new(items)
}

fn id(raw: &str) -> ItemId {
    ItemId::parse(raw).unwrap()
}

#[test]
fn the_first_import_carries_everything_the_shop_needs_to_sell() {
    let catalog = catalog();
    let prices = PriceBook::default();
    let rows = vec![StockRow {
        item: id("plate"),
        stock: Quantity::pieces(7),
        reserved_for_customers: Quantity::ZERO,
        reserved_for_suppliers: Quantity::ZERO,
    }];
    let levels = shop_levels(&catalog, &rows, &StockSettings::default());
    let ctx = ImportContext {
        catalog: &catalog,
        prices: &prices,
        levels: Some(&levels),
    };
    let plate = plan_import(catalog.get(&id("plate")).unwrap(), &ctx).unwrap();
    assert_eq!(plate.name, "Assiette plate");
    assert_eq!(plate.sku.as_deref(), Some("ADM-PLT"));
    assert_eq!(plate.barcode.as_deref(), Some("3760000000001"));
    assert_eq!(plate.regular_price, Some(Money::from_cents(2490)));
    assert_eq!(plate.short_description, "Grès émaillé");
    assert_eq!(plate.stock, Some(Quantity::pieces(7)));

    let duo = plan_import(catalog.get(&id("duo")).unwrap(), &ctx).unwrap();
    assert!(duo.pack.is_some());
    assert_eq!(duo.stock, Some(Quantity::pieces(3)));

    let tee = plan_import(catalog.get(&id("tee")).unwrap(), &ctx).unwrap();
    assert_eq!(tee.product_type, ProductType::Variable);
    assert_eq!(tee.attributes[0].values, ["M", "L"]);
    assert_eq!(tee.variations[1].regular_price, Money::from_cents(1700));
    assert_eq!(
        tee.variations[0].image.as_deref(),
        Some("https://img.example/m.jpg")
    );

    let comte = plan_import(catalog.get(&id("comte")).unwrap(), &ctx).unwrap();
    let weighed = comte.weighed.unwrap();
    assert_eq!(weighed.unit.symbol, "kg");
    assert_eq!(weighed.price_per_unit, Money::from_cents(2990));
    assert_eq!(weighed.quantity_step, Quantity::parse("0.001").unwrap());
}

#[test]
fn the_preview_of_a_bulk_import_names_every_product_and_every_refusal() {
    let catalog = catalog();
    let prices = PriceBook::default();
    let products: Vec<ShopProduct> = serde_json::from_str(
        r#"[{"id": 50, "kind": "simple", "sku": "adm-plt", "name": "Assiette", "on_sale": true}]"#,
    )
    .unwrap();
    let index = ShopIndex::new(products).unwrap();
    let preview = dry_run(
        &ImportContext {
            catalog: &catalog,
            prices: &prices,
            levels: None,
        },
        None,
        &index,
        &Links::default(),
        MatchMethod::Forced,
    );
    let json = serde_json::to_value(&preview).unwrap();
    assert_eq!(json["link"][0]["item"], "plate");
    assert_eq!(json["link"][0]["wc_id"], 50);
    let created: Vec<&str> = preview.create.iter().map(|p| p.item.as_str()).collect();
    assert_eq!(created, ["tee", "duo", "comte"]);
    assert_eq!(json["skipped"][0]["item"], "gift");
    assert_eq!(json["skipped"][0]["reason"], "unsupported");
    assert_eq!(json["skipped"][0]["kind"], "GIFT_CARD");
    assert_eq!(json["counts"]["products_to_create"], 3);
    assert_eq!(json["counts"]["variations_to_create"], 2);
}
