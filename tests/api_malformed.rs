//! Malformed and surprising bodies (behaviour 6): one bad row never sinks a page; every oddity
//! is reported with its page, row and id.

#![cfg(feature = "sandbox")]

mod api_support;

use api_support::{start, start_with, Env};
use shopcaisse_sync::api::{Listing, ProblemKind};
use shopcaisse_sync::model::{Item, ItemKind};
use shopcaisse_sync::sandbox::{Catalog, Malformation};

fn listing_with(env: &Env, malformation: Malformation) -> Listing<Item> {
    env.sandbox.set_faults(|f| f.malformed = vec![malformation]);
    env.client.items(&env.company).unwrap()
}

fn catalog_size(env: &Env) -> usize {
    env.sandbox.item_ids().len()
}

#[test]
fn rows_with_wrong_types_are_skipped_and_reported_while_the_page_survives() {
    let env = start();
    let listing = listing_with(&env, Malformation::WrongTypes);
    assert_eq!(listing.items().len(), catalog_size(&env));
    let skipped: Vec<_> = listing.problems_of(ProblemKind::Malformed).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    let ids: Vec<_> = skipped.iter().map(|p| p.id.as_deref()).collect();
    assert_eq!(ids, vec![None, Some("bad-price-1"), Some("bad-barcodes-1")]);
    assert!(skipped.iter().all(|p| p.page == Some(0) && p.row.is_some()));
    assert!(skipped[1].detail.contains("defaultPrice"));
}

#[test]
fn a_row_without_id_is_skipped_and_a_row_without_name_is_kept_and_reported() {
    let env = start();
    let listing = listing_with(&env, Malformation::MissingFields);
    assert_eq!(listing.items().len(), catalog_size(&env) + 1);
    let nameless = listing
        .items()
        .iter()
        .find(|i| i.id.as_str() == "no-name-1")
        .unwrap();
    assert_eq!(nameless.name, "");
    let problems: Vec<_> = listing.problems_of(ProblemKind::Malformed).collect();
    assert_eq!(problems.len(), 2);
    assert!(problems[0].detail.contains("id is missing"));
    assert_eq!(problems[1].id.as_deref(), Some("no-name-1"));
}

#[test]
fn null_where_a_list_belongs_reads_as_an_empty_list() {
    let env = start();
    let listing = listing_with(&env, Malformation::NullArrays);
    assert_eq!(listing.items().len(), catalog_size(&env));
    assert!(listing.problems().is_empty(), "{:?}", listing.problems());
    assert!(listing
        .items()
        .iter()
        .all(|i| i.barcodes.is_empty() && i.images.is_empty()));
}

#[test]
fn unknown_fields_are_ignored() {
    let env = start();
    let listing = listing_with(&env, Malformation::UnknownFields);
    assert_eq!(listing.items().len(), catalog_size(&env));
    assert!(listing.problems().is_empty());
}

#[test]
fn an_unknown_item_type_is_kept_as_unsupported_and_reported() {
    let env = start();
    let listing = listing_with(&env, Malformation::UnknownType);
    assert_eq!(listing.items().len(), catalog_size(&env) + 1);
    let gift = listing
        .items()
        .iter()
        .find(|i| i.id.as_str() == "gift-card-1")
        .unwrap();
    assert_eq!(gift.kind, ItemKind::Unsupported("GIFT_CARD".into()));
    let reported: Vec<_> = listing.problems_of(ProblemKind::UnsupportedType).collect();
    assert_eq!(reported.len(), 1);
    assert_eq!(reported[0].id.as_deref(), Some("gift-card-1"));
}

#[test]
fn huge_strings_are_cut_to_bounds_and_reported() {
    let env = start();
    let listing = listing_with(&env, Malformation::HugeStrings);
    let huge = listing
        .items()
        .iter()
        .find(|i| i.id.as_str() == "huge-1")
        .unwrap();
    assert_eq!(huge.name.len(), 1024);
    assert!(huge.description.len() <= 64 * 1024 && huge.description.len() > 60_000);
    assert!(std::str::from_utf8(huge.description.as_bytes()).is_ok());
    assert_eq!(listing.problems_of(ProblemKind::Truncated).count(), 2);
}

#[test]
fn a_non_utf8_byte_is_replaced_and_the_rest_of_the_page_kept() {
    let env = start();
    let listing = listing_with(&env, Malformation::NonUtf8);
    assert_eq!(listing.items().len(), catalog_size(&env) + 1);
    let latin = listing
        .items()
        .iter()
        .find(|i| i.id.as_str() == "latin1-1")
        .unwrap();
    assert_eq!(latin.name, "Caf\u{FFFD} moulu");
    // Accents elsewhere on the page survive.
    assert!(listing.items().iter().any(|i| i.name == "Assiette creuse"));
    assert!(listing
        .items()
        .iter()
        .any(|i| i.name == "Café en grains — Éthiopie"));
    assert_eq!(listing.problems_of(ProblemKind::InvalidUtf8).count(), 1);
}

#[test]
fn ids_repeated_across_pages_are_kept_once_and_reported() {
    let env = start_with(Catalog::Generated {
        items: 120,
        seed: 9,
    });
    let client = env.client_with(|c| c.page_size = 25);
    env.sandbox
        .set_faults(|f| f.malformed = vec![Malformation::DuplicateIds]);
    let listing = client.items(&env.company).unwrap();
    assert_eq!(listing.items().len(), 120);
    assert_eq!(listing.problems_of(ProblemKind::Duplicate).count(), 4);
}

#[test]
fn every_malformation_at_once_still_yields_the_whole_catalog() {
    let env = start();
    env.sandbox.set_faults(|f| {
        f.malformed = vec![
            Malformation::WrongTypes,
            Malformation::MissingFields,
            Malformation::NullArrays,
            Malformation::UnknownFields,
            Malformation::UnknownType,
            Malformation::HugeStrings,
            Malformation::NonUtf8,
            Malformation::DuplicateIds,
        ]
    });
    let client = env.client_with(|c| c.page_size = 6);
    let listing = client.items(&env.company).unwrap();
    // The catalog, plus the kept oddities: no-name-1, gift-card-1, huge-1, latin1-1.
    assert_eq!(listing.items().len(), catalog_size(&env) + 4);
}

#[test]
fn a_body_that_is_not_json_is_an_unexpected_payload() {
    let env = start();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().take(1) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = "<html>502 Bad Gateway</html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let client = env.client_with(|c| c.base_url = format!("http://127.0.0.1:{port}/v1"));
    let error = client.companies().unwrap_err();
    assert_eq!(error.kind(), shopcaisse_sync::ErrorKind::UnexpectedPayload);
}
