//! The chokepoint against servers that misbehave below HTTP's happy path: one that does not
//! speak TLS, one that redirects, one whose body trickles in.

#![cfg(feature = "sandbox")]

mod api_support;

use api_support::start;
use shopcaisse_sync::api::{Client, ClientConfig};
use shopcaisse_sync::model::AppToken;
use shopcaisse_sync::sandbox::{FaultAction, FaultRule};
use shopcaisse_sync::ErrorKind;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const TOKEN: &str = "transport-secret-token";

fn client_for(base_url: String) -> Client {
    let mut config = ClientConfig::new(base_url, AppToken::new(TOKEN).unwrap());
    config.connect_timeout = Duration::from_secs(5);
    config.total_timeout = Duration::from_secs(10);
    config.base_backoff = Duration::from_millis(5);
    config.max_backoff = Duration::from_millis(20);
    Client::new(config).unwrap()
}

/// A loopback server answering every connection with `answer`; counts the connections.
fn server(answer: &'static str) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (port, count)
}

#[test]
fn a_server_that_does_not_speak_tls_is_a_tls_failure_not_retried() {
    let (port, connections) =
        server("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let client = client_for(format!("https://127.0.0.1:{port}/v1"));
    let error = client.companies().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network, "{error}");
    assert_eq!(error.cause(), Some("tls"), "{error}");
    assert_eq!(error.to_json()["cause"], "tls");
    assert!(error.message().contains("TLS"), "{error}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "never retried");
}

#[test]
fn a_redirect_is_never_followed() {
    let (elsewhere, visits) = server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
    let answer: &'static str = Box::leak(
        format!(
            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{elsewhere}/v1/companies\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .into_boxed_str(),
    );
    let (port, _) = server(answer);
    let error = client_for(format!("http://127.0.0.1:{port}/v1"))
        .companies()
        .unwrap_err();
    assert_eq!(error.http_status(), Some(302), "{error}");
    assert_eq!(error.kind(), ErrorKind::UnexpectedPayload);
    assert_eq!(
        visits.load(Ordering::SeqCst),
        0,
        "the token went nowhere else"
    );
}

#[test]
fn a_body_slower_than_the_timeout_ends_as_a_timeout_and_a_slow_one_within_it_is_read() {
    let env = start();
    env.sandbox
        .add_rule(FaultRule::next(1, FaultAction::SlowBody { ms: 400 }).on_path("/stores"));
    let stores = env.client.stores().unwrap();
    assert!(!stores.items().is_empty());

    let client = env.client_with(|c| {
        c.total_timeout = Duration::from_millis(500);
        c.max_attempts = 1;
    });
    env.sandbox
        .add_rule(FaultRule::next(1, FaultAction::SlowBody { ms: 3000 }).on_path("/stores"));
    let error = client.stores().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
}

#[test]
fn a_reset_after_a_post_is_a_network_error_with_an_unknown_outcome_left_to_the_caller() {
    let env = start();
    env.sandbox
        .add_rule(FaultRule::next(1, FaultAction::ResetAfter).on_method("POST"));
    let error = env
        .client
        .create_customer(
            &env.store,
            &shopcaisse_sync::model::NewCustomer {
                first_name: "Ada".into(),
                last_name: "Lovelace".into(),
                email: Some("ada@example.com".into()),
                phone: None,
            },
        )
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network, "{error}");
    assert_eq!(
        env.requests("POST", "/customers"),
        1,
        "a POST is not repeated"
    );
}
