//! The catalog cache and the "Produits Shopcaisse" search.

#[path = "state_support.rs"]
mod support;

use shopcaisse_sync::model::{ItemKind, Money, Price, PriceListId, Quantity, StockRow};
use shopcaisse_sync::state::{CatalogKind, CatalogQuery, LinkMethod, State};
use support::{id, item, weighed, with_barcode, with_reference};

fn sample_catalog() -> Vec<shopcaisse_sync::model::Item> {
    let mut tshirt = with_reference(item("tshirt", "T-shirt logo"), "TS-LOGO");
    tshirt.declinations = vec![id("tshirt-m"), id("tshirt-l")];
    let mut size_m = with_reference(item("tshirt-m", "T-shirt logo M"), "TS-LOGO-M");
    size_m.kind = ItemKind::Variation;
    size_m.parent = Some(id("tshirt"));
    let mut size_l = with_barcode(item("tshirt-l", "T-shirt logo L"), "3760000000018");
    size_l.kind = ItemKind::Variation;
    size_l.parent = Some(id("tshirt"));
    let mut pack = item("pack", "Pack apéro");
    pack.kind = ItemKind::Pack;
    let mut gift = item("gift", "Carte cadeau");
    gift.kind = ItemKind::Unsupported("GIFT_CARD".into());
    vec![
        with_barcode(
            with_reference(item("tea", "Thé glacé pêche"), "TG-001"),
            "036000291452",
        ),
        with_barcode(
            with_barcode(
                with_reference(item("plate", "Assiette plate"), "ADM PLT"),
                "3760000000001",
            ),
            "3760000000025",
        ),
        weighed(item("coffee", "Café moulu vrac")),
        tshirt,
        size_m,
        size_l,
        pack,
        gift,
    ]
}

fn loaded() -> State {
    let state = State::open_in_memory().unwrap();
    state
        .catalog()
        .replace_catalog(&sample_catalog(), &[])
        .unwrap();
    state
}

fn search_ids(state: &State, query: CatalogQuery) -> Vec<String> {
    let page = state
        .catalog()
        .search(&CatalogQuery {
            page: 1,
            per_page: 100,
            ..query
        })
        .unwrap();
    assert_eq!(page.total as usize, page.rows.len());
    page.rows.into_iter().map(|r| r.id.to_string()).collect()
}

fn text(t: &str) -> CatalogQuery {
    CatalogQuery {
        text: Some(t.into()),
        ..Default::default()
    }
}

#[test]
fn names_match_whatever_the_case_and_accents() {
    let state = loaded();
    assert_eq!(search_ids(&state, text("THE GLACE")), ["tea"]);
    assert_eq!(search_ids(&state, text("glacé")), ["tea"]);
    assert_eq!(search_ids(&state, text("  pêche ")), ["tea"]);
    assert_eq!(search_ids(&state, text("APERO")), ["pack"]);
    assert!(search_ids(&state, text("nothing like it")).is_empty());
}

#[test]
fn references_match_on_a_substring_ignoring_spaces_and_case() {
    let state = loaded();
    assert_eq!(search_ids(&state, text("adm plt")), ["plate"]);
    assert_eq!(search_ids(&state, text("dmp")), ["plate"]);
    assert_eq!(search_ids(&state, text("tg-001")), ["tea"]);
}

#[test]
fn barcodes_match_in_any_of_their_upc_and_ean_forms() {
    let state = loaded();
    assert_eq!(search_ids(&state, text("036000291452")), ["tea"]);
    assert_eq!(search_ids(&state, text("0036000291452")), ["tea"]);
    assert_eq!(search_ids(&state, text("3760000000025")), ["plate"]);
    assert_eq!(search_ids(&state, text("3760000000018")), ["tshirt-l"]);
    let row = state.catalog().row(&id("plate")).unwrap().unwrap();
    assert_eq!(row.barcodes.len(), 2);
}

#[test]
fn the_linked_filter_joins_with_links() {
    let state = loaded();
    state
        .links()
        .link(&id("tea"), 11, LinkMethod::Reference, 0)
        .unwrap();
    state
        .links()
        .link(&id("pack"), 12, LinkMethod::Manual, 0)
        .unwrap();
    let linked = search_ids(
        &state,
        CatalogQuery {
            linked: Some(true),
            ..Default::default()
        },
    );
    assert_eq!(linked, ["pack", "tea"]);
    let unlinked = search_ids(
        &state,
        CatalogQuery {
            linked: Some(false),
            ..Default::default()
        },
    );
    assert_eq!(unlinked.len(), 6);
    let row = state.catalog().row(&id("tea")).unwrap().unwrap();
    assert!(row.linked);
    assert_eq!(row.wc_id, Some(11));
    assert_eq!(row.link_method, Some(LinkMethod::Reference));
    assert!(!state.catalog().row(&id("plate")).unwrap().unwrap().linked);
}

#[test]
fn the_kind_filter_tells_simple_declined_packs_weighed_and_unknown_items() {
    let state = loaded();
    let of_kind = |kind| {
        search_ids(
            &state,
            CatalogQuery {
                kind: Some(kind),
                ..Default::default()
            },
        )
    };
    assert_eq!(of_kind(CatalogKind::Simple), ["plate", "tea"]);
    assert_eq!(of_kind(CatalogKind::WithDeclinations), ["tshirt"]);
    assert_eq!(of_kind(CatalogKind::Variation), ["tshirt-l", "tshirt-m"]);
    assert_eq!(of_kind(CatalogKind::Pack), ["pack"]);
    assert_eq!(of_kind(CatalogKind::Weighed), ["coffee"]);
    assert_eq!(of_kind(CatalogKind::Unsupported), ["gift"]);
    let gift = state.catalog().row(&id("gift")).unwrap().unwrap();
    assert_eq!(gift.kind, ItemKind::Unsupported("GIFT_CARD".into()));
}

#[test]
fn declinations_are_listed_under_their_parent_or_left_out() {
    let state = loaded();
    let top = search_ids(
        &state,
        CatalogQuery {
            top_level_only: true,
            ..Default::default()
        },
    );
    assert_eq!(top.len(), 6);
    let under = search_ids(
        &state,
        CatalogQuery {
            parent: Some(id("tshirt")),
            ..Default::default()
        },
    );
    assert_eq!(under, ["tshirt-l", "tshirt-m"]);
}

#[test]
fn declinations_wait_for_a_variation_only_under_a_linked_parent() {
    let state = loaded();
    let waiting = || {
        state
            .catalog()
            .unlinked_declinations_of_linked_parents()
            .unwrap()
    };
    // The parent is not linked: its declinations are not offered yet.
    assert_eq!(waiting(), 0);
    let links = state.links();
    links
        .link(&id("tshirt"), 20, LinkMethod::Imported, 0)
        .unwrap();
    assert_eq!(waiting(), 2);
    links
        .link(&id("tshirt-m"), 21, LinkMethod::Imported, 0)
        .unwrap();
    assert_eq!(waiting(), 1);
    // Other links change nothing.
    links
        .link(&id("tea"), 11, LinkMethod::Reference, 0)
        .unwrap();
    assert_eq!(waiting(), 1);
    links
        .link(&id("tshirt-l"), 22, LinkMethod::Manual, 0)
        .unwrap();
    assert_eq!(waiting(), 0);
}

#[test]
fn pages_are_sorted_by_name_and_the_total_counts_every_match() {
    let state = State::open_in_memory().unwrap();
    let items: Vec<_> = (0..25)
        .map(|n| item(&format!("i{n}"), &format!("Item {n:02}")))
        .collect();
    state.catalog().replace_catalog(&items, &[]).unwrap();
    let page = state
        .catalog()
        .search(&CatalogQuery {
            text: Some("item".into()),
            page: 3,
            per_page: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 25);
    let names: Vec<_> = page.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["Item 20", "Item 21", "Item 22", "Item 23", "Item 24"]
    );
    let beyond = state
        .catalog()
        .search(&CatalogQuery {
            page: 9,
            per_page: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((beyond.total, beyond.rows.len()), (25, 0));
}

#[test]
fn the_price_comes_from_the_chosen_list_else_the_default_price() {
    let state = State::open_in_memory().unwrap();
    let list = PriceListId::parse("web").unwrap();
    let prices = [Price {
        price_list: list,
        item: id("a"),
        price: Money::from_cents(1290),
    }];
    let mut no_price = item("c", "C");
    no_price.default_price = None;
    state
        .catalog()
        .replace_catalog(&[item("a", "A"), item("b", "B"), no_price], &prices)
        .unwrap();
    let price = |raw| state.catalog().row(&id(raw)).unwrap().unwrap().price;
    assert_eq!(price("a"), Some(Money::from_cents(1290)));
    assert_eq!(price("b"), Some(Money::from_cents(1000)));
    assert_eq!(price("c"), None);
}

#[test]
fn a_refresh_replaces_the_whole_catalog_and_keeps_the_last_copy_of_a_duplicate() {
    let state = loaded();
    let items = [
        item("x", "First copy"),
        item("y", "Other"),
        item("x", "Second copy"),
    ];
    assert_eq!(state.catalog().replace_catalog(&items, &[]).unwrap(), 2);
    assert_eq!(state.catalog().count().unwrap(), 2);
    assert!(state.catalog().get_item(&id("tea")).unwrap().is_none());
    assert_eq!(
        state.catalog().get_item(&id("x")).unwrap().unwrap().name,
        "Second copy"
    );
    assert!(search_ids(&state, text("036000291452")).is_empty());
}

#[test]
fn the_full_item_round_trips() {
    let state = loaded();
    let original = sample_catalog();
    assert_eq!(
        state.catalog().get_item(&id("plate")).unwrap().as_ref(),
        original.iter().find(|i| i.id == id("plate"))
    );
    let mut by_name = original.clone();
    by_name.sort_by_key(|i| i.name.to_lowercase().replace('é', "e"));
    assert_eq!(state.catalog().all_items().unwrap(), by_name);
}

#[test]
fn lookups_by_key_find_matching_items() {
    let state = loaded();
    let catalog = state.catalog();
    assert_eq!(
        catalog.find_by_reference_key("ADMPLT").unwrap(),
        [id("plate")]
    );
    assert_eq!(
        catalog.find_by_barcode_key("36000291452").unwrap(),
        [id("tea")]
    );
    assert_eq!(
        catalog.find_by_name_key("assiette plate").unwrap(),
        [id("plate")]
    );
}

#[test]
fn stock_rows_are_replaced_in_bulk_and_shown_with_their_item() {
    let state = loaded();
    let row = |raw: &str, stock: &str, reserved: &str| StockRow {
        item: id(raw),
        stock: Quantity::parse(stock).unwrap(),
        reserved_for_customers: Quantity::parse(reserved).unwrap(),
        reserved_for_suppliers: Quantity::ZERO,
    };
    state
        .catalog()
        .replace_stocks(&[row("tea", "12", "2"), row("coffee", "3.250", "0")])
        .unwrap();
    let coffee = state.catalog().row(&id("coffee")).unwrap().unwrap();
    assert_eq!(
        coffee.stock.unwrap().stock,
        Quantity::parse("3.25").unwrap()
    );
    let tea = state.catalog().stock(&id("tea")).unwrap().unwrap();
    assert_eq!(tea.reserved_for_customers, Quantity::pieces(2));
    state
        .catalog()
        .replace_stocks(&[row("tea", "5", "0")])
        .unwrap();
    assert!(state.catalog().stock(&id("coffee")).unwrap().is_none());
    assert_eq!(state.catalog().all_stocks().unwrap().len(), 1);
}

#[test]
fn a_search_row_serialises_to_plain_json_for_php() {
    let state = loaded();
    let page = state.catalog().search(&text("assiette")).unwrap();
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["rows"][0]["id"], "plate");
    assert_eq!(json["rows"][0]["price"], 1000);
    assert_eq!(json["rows"][0]["linked"], false);
    let query: CatalogQuery =
        serde_json::from_str(r#"{"text":"x","kind":"with_declinations"}"#).unwrap();
    assert_eq!(query.kind, Some(CatalogKind::WithDeclinations));
}
