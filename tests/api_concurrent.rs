//! Listings read several pages at once: the same result as one page after the other, a
//! server that says "too many" slows the walk down, a failed page fails it.

#![cfg(feature = "sandbox")]

mod api_support;

use api_support::start_with;
use shopcaisse_sync::api::{Client, Listing, Page};
use shopcaisse_sync::model::Item;
use shopcaisse_sync::sandbox::{
    Catalog, FaultAction, FaultRule, Latency, Malformation, PageFault, PageShape,
};
use shopcaisse_sync::ErrorKind;
use std::time::{Duration, Instant};

fn generated(items: usize) -> api_support::Env {
    start_with(Catalog::Generated { items, seed: 7 })
}

fn ids(listing: &Listing<Item>) -> Vec<String> {
    listing
        .items()
        .iter()
        .map(|i| i.id.as_str().to_owned())
        .collect()
}

fn sequential(env: &api_support::Env) -> Client {
    env.client_with(|c| c.concurrent_reads = 1)
}

#[test]
fn several_pages_at_once_read_what_one_page_after_the_other_reads() {
    let env = generated(730);
    env.sandbox.set_faults(|f| {
        f.clamp_page_size = Some(25);
        f.malformed = vec![Malformation::DuplicateIds, Malformation::WrongTypes];
    });
    let one = sequential(&env).items(&env.company).unwrap();
    let requests_one = env.requests("GET", "/items");
    env.sandbox.clear_log();
    let six = env.client_with(|c| c.concurrent_reads = 6);
    let many = six.items(&env.company).unwrap();
    assert_eq!(ids(&one), ids(&many), "same rows, same order");
    assert_eq!(
        one.problems(),
        many.problems(),
        "same problems, repeats included"
    );
    assert_eq!(one.items().len(), 730);
    assert!(
        one.problems()
            .iter()
            .any(|p| p.detail.contains("already listed")),
        "the repeats were seen and dropped"
    );
    // Pages past the last one may have been asked while it was in flight, never more than
    // the window.
    let requests_many = env.requests("GET", "/items");
    assert!(
        (requests_one..requests_one + 6).contains(&requests_many),
        "{requests_one} one after the other, {requests_many} at once"
    );
    // Page 0 went alone, asked at the configured size; every later page at the size page 0
    // came with.
    let log = env.sandbox.log();
    assert!(
        log[0].target.contains("page=0&pageSize=100"),
        "{:?}",
        log[0]
    );
    assert!(log[1..].iter().all(|e| !e.target.contains("pageSize=100")));
}

#[test]
fn the_streamed_pages_arrive_in_order_with_repeats_removed() {
    let env = generated(430);
    env.sandbox.set_faults(|f| {
        f.malformed = vec![Malformation::DuplicateIds];
        f.latency = Some(Latency {
            fixed_ms: 5,
            jitter_ms: 20,
        });
    });
    let client = env.client_with(|c| c.page_size = 50);
    let mut numbers = Vec::new();
    let mut streamed = Vec::new();
    client
        .for_each_items_page(&env.company, |page: Page<Item>| {
            numbers.push(page.number);
            streamed.extend(page.items.into_iter().map(|i| i.id.as_str().to_owned()));
            Ok(())
        })
        .unwrap();
    assert_eq!(numbers, (0..9).collect::<Vec<u32>>());
    let whole = sequential(&env).items(&env.company).unwrap();
    assert_eq!(streamed, ids(&whole));
}

#[test]
fn a_server_limiting_requests_at_once_slows_the_walk_down_without_failing_it() {
    let env = generated(1200);
    env.sandbox.set_faults(|f| {
        f.max_concurrent = Some(2);
        f.latency = Some(Latency {
            fixed_ms: 30,
            jitter_ms: 0,
        });
    });
    let listing = env
        .client_with(|c| c.concurrent_reads = 6)
        .items(&env.company)
        .unwrap();
    assert_eq!(listing.items().len(), 1200);
    let refused = env
        .sandbox
        .log()
        .iter()
        .filter(|e| e.fault.as_deref() == Some("concurrency limit"))
        .count();
    assert!(refused >= 1, "more than two pages were in flight at once");
    assert!(
        refused <= 8,
        "after a 429 the walk holds back: {refused} refused"
    );
    env.sandbox.clear_log();
    let _ = sequential(&env).items(&env.company).unwrap();
    assert!(env.sandbox.log().iter().all(|e| e.status == 200));
}

#[test]
fn a_retry_after_on_one_page_holds_every_page_of_the_listing() {
    let env = generated(600);
    env.sandbox.add_rule(
        FaultRule::next(
            1,
            FaultAction::Status {
                status: 429,
                retry_after: Some(1),
            },
        )
        .on_path("/items"),
    );
    let started = Instant::now();
    let listing = env.client.items(&env.company).unwrap();
    assert_eq!(listing.items().len(), 600);
    // The test sleeper spends at most 20 ms of each wait; the second it was asked is spent
    // by the walk itself, before any further request.
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(env.sandbox.log()[0].status, 429);
}

#[test]
fn a_failed_page_fails_the_walk_and_hands_over_nothing_after_it() {
    let env = generated(900);
    env.sandbox.set_faults(|f| {
        f.pages = vec![PageFault {
            path: "/items".into(),
            page: Some(4),
            shape: PageShape::NoNextPage,
        }]
    });
    let client = env.client_with(|c| c.concurrent_reads = 6);
    let mut handed = Vec::new();
    let error = client
        .for_each_items_page(&env.company, |page| {
            handed.push(page.number);
            Ok(())
        })
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedPayload);
    assert!(error.message().contains("page 4"), "{error}");
    assert_eq!(handed, vec![0, 1, 2, 3]);
    assert!(client.items(&env.company).is_err());
}

#[test]
fn a_page_that_keeps_failing_fails_the_walk_with_its_error() {
    let env = generated(900);
    env.sandbox.add_rule(
        FaultRule::next(
            1,
            FaultAction::Status {
                status: 500,
                retry_after: None,
            },
        )
        .on_path("/items")
        .always(),
    );
    let error = env.client.items(&env.company).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Server);
}
