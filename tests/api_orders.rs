//! Order push safety (behaviours 3, 4, 5): an order reaches the POS once, whatever is lost on the
//! way, and a 401 says which of token or order module is at fault.

#![cfg(feature = "sandbox")]

mod api_support;

use api_support::{start, web_order};
use shopcaisse_sync::api::PushHow;
use shopcaisse_sync::sandbox::{DuplicatePolicy, FaultAction, FaultRule};
use shopcaisse_sync::ErrorKind;
use std::time::Duration;

#[test]
fn every_push_looks_the_reference_up_before_posting() {
    let env = start();
    env.client
        .push_order(&env.store, &web_order(&env, "WEB-100", &env.pos))
        .unwrap();
    let log = env.sandbox.log();
    assert_eq!(log.len(), 2);
    assert!(log[0].method == "GET" && log[0].target.contains("externalReference=WEB-100"));
    assert_eq!((log[1].method.as_str(), log[1].status), ("POST", 201));
}

#[test]
fn a_response_lost_by_a_reset_after_commit_leaves_one_order_adopted() {
    let env = start();
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::ResetAfter)
            .on_method("POST")
            .on_path("/orders"),
    );
    let outcome = env
        .client
        .push_order(&env.store, &web_order(&env, "WEB-200", &env.pos))
        .unwrap();
    assert_eq!(outcome.how, PushHow::Adopted);
    assert_eq!(env.sandbox.orders_with_reference("WEB-200"), 1);
    assert_eq!(env.requests("POST", "/orders"), 1);
}

#[test]
fn a_response_lost_by_a_timeout_after_commit_leaves_one_order_adopted() {
    let env = start();
    let client = env.client_with(|c| c.total_timeout = Duration::from_secs(1));
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::DelayAfter { ms: 4_000 })
            .on_method("POST")
            .on_path("/orders"),
    );
    let outcome = client
        .push_order(&env.store, &web_order(&env, "WEB-201", &env.pos))
        .unwrap();
    assert_eq!(outcome.how, PushHow::Adopted);
    assert_eq!(env.sandbox.orders_with_reference("WEB-201"), 1);
}

#[test]
fn a_5xx_after_commit_is_not_retried_blindly() {
    let env = start();
    env.sandbox.add_rule(
        FaultRule::next(3, FaultAction::StatusAfter { status: 502 })
            .on_method("POST")
            .on_path("/orders"),
    );
    let outcome = env
        .client
        .push_order(&env.store, &web_order(&env, "WEB-202", &env.pos))
        .unwrap();
    assert_eq!(outcome.how, PushHow::Adopted);
    assert_eq!(env.requests("POST", "/orders"), 1);
    assert_eq!(env.sandbox.orders_with_reference("WEB-202"), 1);
}

#[test]
fn a_5xx_on_post_is_looked_up_but_never_posted_again_within_the_call() {
    // A 503 may come from a gateway whose backend committed the order, now or later: the
    // client cannot tell, so it looks the reference up and leaves the decision to post again
    // to its caller's grace window.
    let env = start();
    env.sandbox.add_rule(
        FaultRule::next(
            1,
            FaultAction::Status {
                status: 503,
                retry_after: None,
            },
        )
        .on_method("POST")
        .on_path("/orders"),
    );
    let error = env
        .client
        .push_order(&env.store, &web_order(&env, "WEB-203", &env.pos))
        .unwrap_err();
    assert!(error.outcome_unknown(), "{error}");
    assert_eq!(env.sandbox.orders_with_reference("WEB-203"), 0);
    let sequence: Vec<(String, u16)> = env
        .sandbox
        .log()
        .iter()
        .map(|e| (e.method.clone(), e.status))
        .collect();
    assert_eq!(
        sequence[..2],
        [("GET".to_owned(), 200), ("POST".to_owned(), 503)]
    );
    assert!(sequence.len() > 2, "looked up after the 503: {sequence:?}");
    assert!(
        sequence[2..].iter().all(|(m, s)| m == "GET" && *s == 200),
        "only look-ups after the 503: {sequence:?}"
    );
}

#[test]
fn when_the_lookup_itself_fails_nothing_is_posted_again() {
    let env = start();
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::ResetAfter)
            .on_method("POST")
            .on_path("/orders"),
    );
    // Real waits (250 ms and more) leave ample time to break the lookups once the POST is in.
    let client = env.client_with(|c| {
        c.sleeper = None;
        c.base_backoff = Duration::from_millis(500);
        c.max_backoff = Duration::from_millis(500);
        c.max_attempts = 2;
    });
    let error = std::thread::scope(|s| {
        let pushing =
            s.spawn(|| client.push_order(&env.store, &web_order(&env, "WEB-204", &env.pos)));
        while !env.sandbox.faults().rules.is_empty() {
            std::thread::sleep(Duration::from_millis(1));
        }
        env.sandbox.add_rule(
            FaultRule::next(
                1,
                FaultAction::Status {
                    status: 503,
                    retry_after: None,
                },
            )
            .on_method("GET")
            .on_path("/orders")
            .always(),
        );
        pushing.join().unwrap().unwrap_err()
    });
    assert!(error.kind().is_transient(), "{error:?}");
    assert_eq!(env.requests("POST", "/orders"), 1);
    assert_eq!(env.sandbox.orders_with_reference("WEB-204"), 1);
    // The next run adopts it.
    env.sandbox.clear_faults();
    let outcome = env
        .client
        .push_order(&env.store, &web_order(&env, "WEB-204", &env.pos))
        .unwrap();
    assert_eq!(outcome.how, PushHow::Adopted);
    assert_eq!(env.sandbox.orders_with_reference("WEB-204"), 1);
}

#[test]
fn pushing_twice_with_duplicates_accepted_still_makes_one_order() {
    let env = start();
    env.sandbox
        .set_faults(|f| f.duplicate_reference = DuplicatePolicy::Accept);
    let order = web_order(&env, "WEB-300", &env.pos);
    let first = env.client.push_order(&env.store, &order).unwrap();
    let second = env.client.push_order(&env.store, &order).unwrap();
    assert_eq!(first.how, PushHow::Created);
    assert_eq!(second.how, PushHow::Adopted);
    assert_eq!(second.order.id, first.order.id);
    assert_eq!(env.sandbox.orders_with_reference("WEB-300"), 1);
}

#[test]
fn duplicates_made_by_someone_else_are_reported_and_the_first_live_one_adopted() {
    let env = start();
    let other = env.client_with(|_| {});
    let order = web_order(&env, "WEB-301", &env.pos);
    let first = other.push_order(&env.store, &order).unwrap();
    env.client
        .cancel_order(&env.store, &first.order.id)
        .unwrap();
    // Someone else pushes the same reference again without looking it up.
    assert_eq!(raw_post(&env, &order), 201);
    let outcome = env.client.push_order(&env.store, &order).unwrap();
    assert_eq!(outcome.how, PushHow::Adopted);
    assert_ne!(
        outcome.order.id, first.order.id,
        "the live one, not the cancelled one"
    );
    assert_eq!(outcome.others.len(), 1);
    assert_eq!(env.sandbox.orders_with_reference("WEB-301"), 2);
}

/// POSTs the order straight to the sandbox, bypassing the client's lookup.
fn raw_post(env: &api_support::Env, order: &shopcaisse_sync::model::OrderPush) -> u16 {
    use std::io::{Read, Write};
    let body = serde_json::json!({
        "externalReference": order.external_reference,
        "pos": order.pos.as_str(),
        "lines": [{"item": null, "quantity": 1, "unitPrice": 1, "label": "x"}],
    })
    .to_string();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", env.sandbox.port())).unwrap();
    write!(
        stream,
        "POST /v1/stores/{}/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        env.store,
        env.sandbox.token(),
        body.len(),
        body
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer[9..12].parse().unwrap()
}

#[test]
fn a_409_on_push_adopts_the_order_that_holds_the_reference() {
    let env = start();
    env.sandbox
        .set_faults(|f| f.duplicate_reference = DuplicatePolicy::Refuse);
    // Our POST is held back by the sandbox long enough for another pusher to get in first.
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::Delay { ms: 2_000 })
            .on_method("POST")
            .on_path("/orders"),
    );
    let order = web_order(&env, "WEB-302", &env.pos);
    let other = env.client_with(|_| {});
    let outcome = std::thread::scope(|s| {
        let ours = s.spawn(|| env.client.push_order(&env.store, &order));
        while !env.sandbox.faults().rules.is_empty() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let theirs = other.push_order(&env.store, &order).unwrap();
        assert_eq!(theirs.how, PushHow::Created);
        ours.join().unwrap().unwrap()
    });
    assert_eq!(outcome.how, PushHow::Adopted);
    assert_eq!(env.sandbox.orders_with_reference("WEB-302"), 1);
    assert!(env.sandbox.log().iter().any(|e| e.status == 409));
}

#[test]
fn a_409_with_no_order_to_adopt_is_a_conflict() {
    let env = start();
    env.sandbox.add_rule(
        FaultRule::next(
            1,
            FaultAction::Status {
                status: 409,
                retry_after: None,
            },
        )
        .on_method("POST")
        .on_path("/orders"),
    );
    let error = env
        .client
        .push_order(&env.store, &web_order(&env, "WEB-303", &env.pos))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
}

#[test]
fn a_401_on_push_with_a_valid_token_means_the_order_module_is_missing() {
    let env = start();
    let error = env
        .client
        .push_order(
            &env.store,
            &web_order(&env, "WEB-400", &env.pos_without_module),
        )
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OrderModuleMissing);
    assert_eq!(error.http_status(), Some(401));
    assert_eq!(env.sandbox.orders_with_reference("WEB-400"), 0);
    assert!(env.requests("GET", "/authentication") == 1);
}

#[test]
fn a_401_on_push_with_a_revoked_token_is_an_invalid_token() {
    let env = start();
    // The token is revoked right after the lookup, so the 401 comes on the POST itself.
    env.sandbox.add_rule(
        FaultRule::next(1, FaultAction::Delay { ms: 1_500 })
            .on_method("POST")
            .on_path("/orders"),
    );
    let outcome = std::thread::scope(|s| {
        let pushing = s.spawn(|| {
            env.client
                .push_order(&env.store, &web_order(&env, "WEB-401", &env.pos))
        });
        while !env.sandbox.faults().rules.is_empty() {
            std::thread::sleep(Duration::from_millis(1));
        }
        env.sandbox.set_faults(|f| f.revoked_token = true);
        pushing.join().unwrap()
    });
    let error = outcome.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidToken);
    assert_eq!(env.requests("GET", "/authentication"), 1);
}

#[test]
fn an_order_module_switched_on_later_lets_the_same_order_through() {
    let env = start();
    let order = web_order(&env, "WEB-402", &env.pos_without_module);
    assert_eq!(
        env.client
            .push_order(&env.store, &order)
            .unwrap_err()
            .kind(),
        ErrorKind::OrderModuleMissing
    );
    env.sandbox
        .set_order_management(env.pos_without_module.as_str(), true);
    let outcome = env.client.push_order(&env.store, &order).unwrap();
    assert_eq!(outcome.how, PushHow::Created);
}

#[test]
fn an_order_without_a_reference_is_refused_before_any_request() {
    let env = start();
    let error = env
        .client
        .push_order(&env.store, &web_order(&env, "  ", &env.pos))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(env.sandbox.log().is_empty());
}
