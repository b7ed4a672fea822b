//! Links: one-to-one, reversible, and logged.

#[path = "state_support.rs"]
mod support;

use shopcaisse_sync::state::{CatalogQuery, LinkMethod, LogQuery, State};
use shopcaisse_sync::ErrorKind;
use support::{id, item};

#[test]
fn a_link_is_found_from_either_side() {
    let state = State::open_in_memory().unwrap();
    let link = state
        .links()
        .link(&id("a"), 10, LinkMethod::Barcode, 1_000)
        .unwrap();
    assert_eq!(link.linked_at_ms, 1_000);
    assert_eq!(state.links().by_item(&id("a")).unwrap(), Some(link.clone()));
    assert_eq!(state.links().by_wc(10).unwrap(), Some(link));
    assert_eq!(state.links().count().unwrap(), 1);
}

#[test]
fn linking_the_same_pair_again_changes_nothing() {
    let state = State::open_in_memory().unwrap();
    state
        .links()
        .link(&id("a"), 10, LinkMethod::Reference, 1)
        .unwrap();
    let again = state
        .links()
        .link(&id("a"), 10, LinkMethod::Manual, 2)
        .unwrap();
    assert_eq!(
        (again.method, again.linked_at_ms),
        (LinkMethod::Reference, 1)
    );
    let logged = state
        .logs()
        .query(&LogQuery {
            operation: Some("link".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(logged.total, 1);
}

#[test]
fn an_item_cannot_be_linked_to_two_products() {
    let state = State::open_in_memory().unwrap();
    state
        .links()
        .link(&id("a"), 10, LinkMethod::Manual, 1)
        .unwrap();
    let e = state
        .links()
        .link(&id("a"), 11, LinkMethod::Manual, 2)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.message().contains("10"), "{e}");
}

#[test]
fn a_product_cannot_be_linked_to_two_items() {
    let state = State::open_in_memory().unwrap();
    state
        .links()
        .link(&id("a"), 10, LinkMethod::Manual, 1)
        .unwrap();
    let e = state
        .links()
        .link(&id("b"), 10, LinkMethod::Manual, 2)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(state.links().by_item(&id("b")).unwrap().is_none());
}

#[test]
fn an_invalid_product_id_is_refused() {
    let state = State::open_in_memory().unwrap();
    let e = state
        .links()
        .link(&id("a"), 0, LinkMethod::Manual, 1)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn unlinking_keeps_the_link_in_history_and_restoring_brings_it_back() {
    let state = State::open_in_memory().unwrap();
    let links = state.links();
    links.link(&id("a"), 10, LinkMethod::Reference, 1).unwrap();
    let undone = links.unlink(&id("a"), 5).unwrap().unwrap();
    assert_eq!(undone.wc_id, 10);
    assert!(links.by_wc(10).unwrap().is_none());
    let history = links.history_of_item(&id("a")).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (
            history[0].wc_id,
            history[0].linked_at_ms,
            history[0].unlinked_at_ms
        ),
        (10, 1, 5)
    );
    assert_eq!(links.history_of_wc(10).unwrap(), history);
    assert_eq!(links.recent_history(10).unwrap(), history);
    let restored = links.restore(history[0].id, 9).unwrap();
    assert_eq!(
        (restored.wc_id, restored.method),
        (10, LinkMethod::Reference)
    );
    assert!(links.unlink(&id("nobody"), 10).unwrap().is_none());
}

#[test]
fn restoring_a_link_whose_product_was_linked_elsewhere_is_a_conflict() {
    let state = State::open_in_memory().unwrap();
    let links = state.links();
    links.link(&id("a"), 10, LinkMethod::Manual, 1).unwrap();
    links.unlink_wc(10, 2).unwrap().unwrap();
    links.link(&id("b"), 10, LinkMethod::Manual, 3).unwrap();
    let history_id = links.history_of_item(&id("a")).unwrap()[0].id;
    assert_eq!(
        links.restore(history_id, 4).unwrap_err().kind(),
        ErrorKind::Conflict
    );
    assert_eq!(
        links.restore(999, 4).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn every_link_change_writes_a_log_row_about_the_item() {
    let state = State::open_in_memory().unwrap();
    state
        .links()
        .link(&id("a"), 10, LinkMethod::Imported, 1)
        .unwrap();
    state.links().unlink(&id("a"), 2).unwrap();
    let rows = state
        .logs()
        .query(&LogQuery {
            object_type: Some("item".into()),
            object_id: Some("a".into()),
            ..Default::default()
        })
        .unwrap()
        .rows;
    let ops: Vec<_> = rows.iter().map(|r| r.operation.as_str()).collect();
    assert_eq!(ops, ["unlink", "link"]);
    assert_eq!(rows[1].details.as_ref().unwrap()["wc_id"], 10);
}

#[test]
fn the_catalog_linked_filter_follows_links_and_unlinks() {
    let state = State::open_in_memory().unwrap();
    state
        .links()
        .link(&id("b"), 20, LinkMethod::Manual, 0)
        .unwrap();
    state
        .catalog()
        .replace_catalog(&[item("a", "A"), item("b", "B")], &[])
        .unwrap();
    let linked = || {
        state
            .catalog()
            .search(&CatalogQuery {
                linked: Some(true),
                ..Default::default()
            })
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.id.to_string())
            .collect::<Vec<_>>()
    };
    // A link made before the catalog was loaded counts.
    assert_eq!(linked(), ["b"]);
    state
        .links()
        .link(&id("a"), 10, LinkMethod::Manual, 1)
        .unwrap();
    assert_eq!(linked(), ["a", "b"]);
    state.links().unlink(&id("b"), 2).unwrap();
    assert_eq!(linked(), ["a"]);
}

#[test]
fn links_survive_a_catalog_refresh_that_drops_their_item() {
    let state = State::open_in_memory().unwrap();
    state
        .catalog()
        .replace_catalog(&[item("a", "A")], &[])
        .unwrap();
    state
        .links()
        .link(&id("a"), 10, LinkMethod::Manual, 1)
        .unwrap();
    state.catalog().replace_catalog(&[], &[]).unwrap();
    assert!(state.links().by_item(&id("a")).unwrap().is_some());
    assert_eq!(state.links().list().unwrap().len(), 1);
}

#[test]
fn linking_in_bulk_skips_conflicts_without_failing_the_others() {
    let state = State::open_in_memory().unwrap();
    state
        .links()
        .link(&id("a"), 10, LinkMethod::Manual, 0)
        .unwrap();
    state
        .links()
        .link(&id("x"), 30, LinkMethod::Manual, 0)
        .unwrap();
    let batch = state
        .links()
        .link_many(
            &[(id("a"), 10), (id("b"), 20), (id("c"), 30), (id("d"), 40)],
            LinkMethod::Reference,
            5,
        )
        .unwrap();
    let linked: Vec<_> = batch.linked.iter().map(|l| l.wc_id).collect();
    assert_eq!(linked, [20, 40]);
    assert_eq!(batch.unchanged, 1);
    assert_eq!(batch.conflicts.len(), 1);
    assert_eq!(batch.conflicts[0].item_id, id("c"));
    assert_eq!(state.links().count().unwrap(), 4);
}
