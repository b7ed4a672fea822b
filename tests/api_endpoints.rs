//! One test per endpoint of the contract (1 to 19), over real HTTP against the sandbox.

#![cfg(feature = "sandbox")]

mod api_support;

use api_support::{demo_item, start, web_order};
use shopcaisse_sync::api::{ItemUpdate, NewItem, PushHow};
use shopcaisse_sync::model::{
    ItemId, ItemKind, Money, NewCustomer, PosOrderId, PriceListId, Quantity, UnitKind,
};
use shopcaisse_sync::ErrorKind;

#[test]
fn authentication_lists_the_company_store_and_pos_the_token_reaches() {
    let env = start();
    let bundle = env.client.authentication().unwrap();
    assert_eq!(bundle.companies, vec![env.company.clone()]);
    assert_eq!(bundle.stores, vec![env.store.clone()]);
    assert!(bundle.pos.contains(&env.pos));
    assert!(bundle.pos.contains(&env.pos_without_module));
    assert!(bundle.permissions.iter().any(|p| p == "orders.write"));
}

#[test]
fn authentication_also_reads_resources_sent_as_objects() {
    let env = start();
    env.sandbox
        .set_faults(|f| f.auth_resources_as_objects = true);
    let bundle = env.client.authentication().unwrap();
    assert_eq!(bundle.companies, vec![env.company.clone()]);
    assert_eq!(bundle.pos.len(), 2);
}

#[test]
fn authentication_with_a_wrong_token_is_an_invalid_token() {
    let env = start();
    let client = env
        .client_with(|c| c.token = shopcaisse_sync::model::AppToken::new("not-the-token").unwrap());
    let error = client.authentication().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidToken);
    assert_eq!(error.http_status(), Some(401));
}

#[test]
fn companies_are_listed_with_their_names() {
    let env = start();
    let companies = env.client.companies().unwrap();
    assert_eq!(companies.items().len(), 1);
    assert_eq!(companies.items()[0].id, env.company);
    assert_eq!(companies.items()[0].name, "Atelier des Mûriers SARL");
}

#[test]
fn stores_carry_a_company_id_distinct_from_their_own() {
    let env = start();
    let stores = env.client.stores().unwrap();
    let store = &stores.items()[0];
    assert_eq!(store.id, env.store);
    assert_eq!(store.company_id.as_ref(), Some(&env.company));
    assert_ne!(store.id.as_str(), env.company.as_str());
}

#[test]
fn points_of_sale_say_whether_they_have_the_order_module() {
    let env = start();
    let pos = env.client.pos_of_store(&env.store).unwrap().into_parts().0;
    assert_eq!(pos.len(), 2);
    let with = pos.iter().find(|p| p.id == env.pos).unwrap();
    let without = pos.iter().find(|p| p.id == env.pos_without_module).unwrap();
    assert!(with.order_management && with.price_list.is_some());
    assert!(!without.order_management && without.price_list.is_none());
}

#[test]
fn the_catalog_is_read_whole_with_declinations_packs_and_weighed_items() {
    let env = start();
    let listing = env.client.items(&env.company).unwrap();
    assert_eq!(listing.items().len(), env.sandbox.item_ids().len());
    assert!(listing.problems().is_empty(), "{:?}", listing.problems());
    let by_name = |n: &str| listing.items().iter().find(|i| i.name == n).unwrap();

    let tshirt = by_name("T-shirt Mûrier");
    assert_eq!(tshirt.declinations.len(), 4);
    let medium = by_name("T-shirt Mûrier — M");
    assert_eq!(medium.kind, ItemKind::Variation);
    assert_eq!(medium.parent.as_ref(), Some(&tshirt.id));
    assert_eq!(medium.attributes[0].value, "M");

    let coffee = by_name("Café en grains — Éthiopie");
    let unit = coffee.unit.as_ref().unwrap();
    assert_eq!((unit.kind, unit.symbol.as_str()), (UnitKind::Weight, "kg"));
    assert_eq!(coffee.default_price, Some(Money::from_cents(3250)));

    let pack = by_name("Coffret petit-déjeuner");
    assert_eq!(pack.kind, ItemKind::Pack);
    assert_eq!(pack.components[1].quantity, Quantity::from_thousandths(250));

    // HTML in a name is kept as text; spaces around references and barcodes are trimmed.
    assert!(listing
        .items()
        .iter()
        .any(|i| i.name == "Bol <b>Nuage</b> & co"));
    let mug = by_name("Mug émaillé");
    assert_eq!(mug.reference.as_deref(), Some("00123"));
    assert_eq!(mug.barcodes, vec!["0003760000032"]);
    assert_eq!(by_name("Tasse à café").reference, None);
}

#[test]
fn the_catalog_can_be_streamed_page_by_page() {
    let env = start();
    let client = env.client_with(|c| c.page_size = 5);
    let mut pages = Vec::new();
    client
        .for_each_items_page(&env.company, |page| {
            pages.push((page.number, page.items.len()));
            Ok(())
        })
        .unwrap();
    let total: usize = pages.iter().map(|(_, n)| n).sum();
    assert_eq!(total, env.sandbox.item_ids().len());
    assert_eq!(pages.len(), total.div_ceil(5));
    assert_eq!(pages[0], (0, 5));
}

#[test]
fn one_item_is_fetched_by_id() {
    let env = start();
    let id = demo_item(&env, "Assiette plate");
    let item = env.client.item(&env.company, &id).unwrap();
    assert_eq!(item.name, "Assiette plate");
    assert_eq!(item.family.unwrap().name, "Vaisselle");
    assert_eq!(item.images.len(), 1);
}

#[test]
fn a_simple_item_is_created_with_its_price_reference_and_barcode() {
    let env = start();
    let created = env
        .client
        .create_item(
            &env.company,
            &NewItem {
                name: "Plateau en chêne".into(),
                price: Money::from_cents(3990),
                reference: Some("WEB-PLT-01".into()),
                barcode: Some("3760000009999".into()),
                description: Some("Créé depuis la boutique en ligne".into()),
                family: None,
            },
        )
        .unwrap();
    assert_eq!(created.kind, ItemKind::Simple);
    assert_eq!(created.default_price, Some(Money::from_cents(3990)));
    let held = env.sandbox.item(created.id.as_str()).unwrap();
    assert_eq!(held.reference, "WEB-PLT-01");
    assert_eq!(held.barcodes, vec!["3760000009999"]);
}

#[test]
fn an_item_without_a_name_is_refused_before_any_request() {
    let env = start();
    let error = env
        .client
        .create_item(&env.company, &NewItem::default())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert_eq!(env.requests("POST", "/items"), 0);
}

#[test]
fn an_item_name_description_and_reference_are_updated() {
    let env = start();
    let id = demo_item(&env, "Assiette creuse");
    let updated = env
        .client
        .update_item(
            &env.company,
            &id,
            &ItemUpdate {
                name: Some("Assiette creuse Ø 22".into()),
                description: None,
                reference: Some("ADM-CRS-22".into()),
            },
        )
        .unwrap();
    assert_eq!(updated.name, "Assiette creuse Ø 22");
    assert_eq!(updated.reference.as_deref(), Some("ADM-CRS-22"));
    assert_eq!(
        env.sandbox.item(id.as_str()).unwrap().name,
        "Assiette creuse Ø 22"
    );
}

#[test]
fn families_leave_out_the_technical_ones() {
    let env = start();
    let families = env.client.families(&env.company).unwrap().into_parts().0;
    let names: Vec<_> = families.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["Vaisselle", "Épicerie", "Textile", "Coffrets"]);
}

#[test]
fn price_lists_include_the_default_one() {
    let env = start();
    let lists = env.client.price_lists(&env.company).unwrap().into_parts().0;
    assert_eq!(lists.len(), 2);
    assert_eq!(lists.iter().filter(|l| l.is_default()).count(), 1);
    let other = lists.iter().find(|l| !l.is_default()).unwrap();
    assert_eq!(other.owner_store_id.as_ref(), Some(&env.store));
}

#[test]
fn prices_of_a_list_are_read_exactly_in_cents_across_pages() {
    let env = start();
    let client = env.client_with(|c| c.page_size = 4);
    let list = PriceListId::parse(&env.sandbox.ids().default_price_list.unwrap()).unwrap();
    let prices = client.prices(&env.company, &list).unwrap();
    assert_eq!(prices.items().len(), env.sandbox.item_ids().len());
    let plate = demo_item(&env, "Assiette plate");
    let price = prices.items().iter().find(|p| p.item == plate).unwrap();
    assert_eq!(price.price, Money::from_cents(2490));
    assert_eq!(price.price_list, list);
}

#[test]
fn stock_rows_keep_negative_and_decimal_levels() {
    let env = start();
    let client = env.client_with(|c| c.page_size = 3);
    let stocks = client.stocks(&env.store).unwrap();
    assert!(stocks.problems().is_empty());
    let level = |name: &str| {
        let id = demo_item(&env, name);
        stocks.items().iter().find(|s| s.item == id).unwrap().stock
    };
    assert_eq!(level("Bol <b>Nuage</b> & co"), Quantity::pieces(-2));
    assert_eq!(
        level("Café en grains — Éthiopie"),
        Quantity::from_thousandths(12_345)
    );
    assert_eq!(
        level("Huile d'olive en vrac"),
        Quantity::from_thousandths(-750)
    );
    assert!(env.requests("GET", "type=DEFAULT") >= 2);
}

#[test]
fn sales_between_two_instants_carry_lines_and_payments() {
    let env = start();
    let miel = demo_item(&env, "Miel de lavande 250 g");
    let (status, _) = env.sandbox.control(
        "POST",
        "sales",
        serde_json::json!({"lines": [{"item": miel.as_str(), "quantity": 2}],
                           "timestamp": 1_785_600_000_000i64}),
    );
    assert_eq!(status, 200);
    assert_eq!(env.sandbox.stock(miel.as_str()), Some(Quantity::pieces(16)));

    let sales = env
        .client
        .sales(&env.store, 1_785_000_000_000, 1_786_000_000_000)
        .unwrap()
        .into_parts()
        .0;
    assert_eq!(sales.len(), 2);
    let till = sales
        .iter()
        .find(|s| s.timestamp_ms == 1_785_600_000_000)
        .unwrap();
    assert_eq!(till.lines[0].item.as_ref(), Some(&miel));
    assert_eq!(till.lines[0].quantity, Quantity::pieces(2));
    assert_eq!(till.total, Some(Money::from_cents(1780)));
    assert_eq!(till.payments[0].amount, Money::from_cents(1780));

    let demo = sales
        .iter()
        .find(|s| s.timestamp_ms == 1_785_500_000_000)
        .unwrap();
    assert_eq!(demo.lines[1].quantity, Quantity::from_thousandths(500));
    let none = env.client.sales(&env.store, 0, 1_000).unwrap();
    assert!(none.items().is_empty());
}

#[test]
fn customers_are_found_by_email_or_by_phone_with_its_plus_sign() {
    let env = start();
    let by_email = env
        .client
        .find_customers(&env.store, Some("JEANNE@example.fr"), None)
        .unwrap();
    assert_eq!(by_email.items().len(), 1);
    assert_eq!(by_email.items()[0].last_name, "Martin");
    let by_phone = env
        .client
        .find_customers(&env.store, None, Some("+33600000000"))
        .unwrap();
    assert_eq!(by_phone.items().len(), 1);
    let nobody = env
        .client
        .find_customers(&env.store, Some("personne@example.fr"), None)
        .unwrap();
    assert!(nobody.items().is_empty());
    let error = env
        .client
        .find_customers(&env.store, None, Some(" "))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}

#[test]
fn a_customer_is_created_and_then_found() {
    let env = start();
    let created = env
        .client
        .create_customer(
            &env.store,
            &NewCustomer {
                first_name: "Élodie".into(),
                last_name: "Durand".into(),
                email: Some("elodie@example.fr".into()),
                phone: None,
            },
        )
        .unwrap();
    assert_eq!(created.first_name, "Élodie");
    let found = env
        .client
        .find_customers(&env.store, Some("elodie@example.fr"), None)
        .unwrap();
    assert_eq!(found.items()[0].id, created.id);
}

#[test]
fn an_order_is_pushed_with_exact_amounts_and_decimal_quantities() {
    let env = start();
    let order = web_order(&env, "WEB-1042", &env.pos);
    let outcome = env.client.push_order(&env.store, &order).unwrap();
    assert_eq!(outcome.how, PushHow::Created);
    assert_eq!(outcome.order.status.as_str(), "not_acked");
    assert_eq!(outcome.order.total, Some(Money::from_cents(6609)));
    let held = &env.sandbox.orders()[0];
    assert_eq!(held["externalReference"], "WEB-1042");
    assert_eq!(held["lines"][1]["quantity"].to_string(), "0.355");
    assert_eq!(held["lines"][1]["unitPrice"].to_string(), "32.5");
    assert_eq!(held["lines"][2]["item"], serde_json::Value::Null);
    assert_eq!(held["customerDetails"]["phone"], "+33600000000");
    assert_eq!(held["payments"][0]["amount"].to_string(), "66.09");
    assert_eq!(held["createdAt"], 1_785_578_400_000i64);
}

#[test]
fn orders_are_found_by_external_reference() {
    let env = start();
    env.client
        .push_order(&env.store, &web_order(&env, "WEB-1", &env.pos))
        .unwrap();
    env.client
        .push_order(&env.store, &web_order(&env, "WEB-2", &env.pos))
        .unwrap();
    let found = env
        .client
        .find_orders_by_reference(&env.store, "WEB-2")
        .unwrap();
    assert_eq!(found.items().len(), 1);
    assert_eq!(
        found.items()[0].external_reference.as_deref(),
        Some("WEB-2")
    );
    assert!(env
        .client
        .find_orders_by_reference(&env.store, "WEB-3")
        .unwrap()
        .items()
        .is_empty());
}

#[test]
fn one_order_is_read_with_its_status_as_the_pos_moves_it() {
    let env = start();
    let pushed = env
        .client
        .push_order(&env.store, &web_order(&env, "WEB-7", &env.pos))
        .unwrap();
    let id = pushed.order.id.clone();
    let (status, _) =
        env.sandbox
            .control("POST", &format!("orders/{id}/ack"), serde_json::json!({}));
    assert_eq!(status, 200);
    assert_eq!(
        env.client.order(&env.store, &id).unwrap().status.as_str(),
        "accepted"
    );

    let plate = demo_item(&env, "Assiette plate");
    env.sandbox.control(
        "POST",
        &format!("orders/{id}/finalise"),
        serde_json::json!({}),
    );
    let order = env.client.order(&env.store, &id).unwrap();
    assert_eq!(order.status.as_str(), "finalized");
    assert_eq!(order.fiscal_status.as_deref(), Some("done"));
    // Finalisation records a sale that lowers the POS stock (12 plates, 2 sold).
    assert_eq!(
        env.sandbox.stock(plate.as_str()),
        Some(Quantity::pieces(10))
    );

    let missing = PosOrderId::parse("no-such-order").unwrap();
    let error = env.client.order(&env.store, &missing).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

#[test]
fn an_order_is_cancelled() {
    let env = start();
    let pushed = env
        .client
        .push_order(&env.store, &web_order(&env, "WEB-9", &env.pos))
        .unwrap();
    env.client
        .cancel_order(&env.store, &pushed.order.id)
        .unwrap();
    let order = env.client.order(&env.store, &pushed.order.id).unwrap();
    assert_eq!(order.status.as_str(), "cancelled");
}

#[test]
fn an_unknown_item_is_not_found() {
    let env = start();
    let error = env
        .client
        .item(&env.company, &ItemId::parse("nope").unwrap())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.http_status(), Some(404));
}
