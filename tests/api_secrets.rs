//! The AppToken never leaks: not through `Debug`, not through errors (even when a server echoes
//! it back). And the client holds no socket until it is used. Tracing: see `api_tracing.rs`.

#![cfg(feature = "sandbox")]

use shopcaisse_sync::api::{Client, ClientConfig};
use shopcaisse_sync::model::AppToken;
use shopcaisse_sync::sandbox::{FaultAction, FaultRule};

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXNhbmRib3gtdG9rZW4.s1gn4tur3";

fn sandbox_with_secret_token() -> shopcaisse_sync::sandbox::SandboxHandle {
    shopcaisse_sync::sandbox::Sandbox::start(shopcaisse_sync::sandbox::SandboxConfig {
        token: TOKEN.into(),
        ..Default::default()
    })
    .unwrap()
}

fn client_for(base_url: String) -> Client {
    let mut config = ClientConfig::new(base_url, AppToken::new(TOKEN).unwrap());
    config.base_backoff = std::time::Duration::from_millis(1);
    config.max_backoff = std::time::Duration::from_millis(5);
    config.max_retry_after = std::time::Duration::from_millis(5);
    Client::new(config).unwrap()
}

#[test]
fn the_token_is_not_in_the_debug_output_of_the_client_or_its_settings() {
    let client = client_for("https://api.shop-caisse.com/v1".into());
    let printed = format!("{client:?} {:?} {:#?}", client.config(), client);
    assert!(!printed.contains(TOKEN));
    assert!(!printed.contains("s1gn4tur3"));
    assert!(printed.contains("AppToken(***)"));
}

#[test]
fn building_a_client_opens_nothing_until_the_first_request() {
    let sandbox = sandbox_with_secret_token();
    let client = client_for(sandbox.base_url());
    assert!(!client.agent_started());
    let _ = client.companies().unwrap();
    assert!(client.agent_started());
}

#[test]
fn the_token_is_in_no_error_whatever_went_wrong() {
    let sandbox = sandbox_with_secret_token();
    let client = client_for(sandbox.base_url());
    let ids = sandbox.ids();
    let company = shopcaisse_sync::model::CompanyId::parse(&ids.company).unwrap();
    let mut errors = Vec::new();
    sandbox.add_rule(FaultRule::next(1, FaultAction::Reset).always());
    errors.push(client.companies().unwrap_err());
    sandbox.clear_faults();
    sandbox.add_rule(
        FaultRule::next(
            1,
            FaultAction::Status {
                status: 429,
                retry_after: Some(1),
            },
        )
        .always(),
    );
    errors.push(client.stores().unwrap_err());
    sandbox.clear_faults();
    sandbox.set_faults(|f| f.forbidden = vec!["/items".into()]);
    errors.push(client.items(&company).unwrap_err());
    sandbox.set_faults(|f| f.revoked_token = true);
    errors.push(client.authentication().unwrap_err());
    let unreachable = client_for("http://127.0.0.1:9/v1".into());
    errors.push(unreachable.companies().unwrap_err());
    for error in &errors {
        let shown = format!("{error} {error:?} {}", error.to_json());
        assert!(!shown.contains(TOKEN), "{shown}");
    }
}

#[test]
fn a_server_echoing_the_token_back_does_not_put_it_in_the_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().take(1) {
            let mut stream = stream.unwrap();
            let mut buf = [0u8; 8192];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let auth = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                .unwrap_or("")
                .to_owned();
            let body =
                serde_json::json!({"statusCode": 400, "message": format!("bad header {auth}")})
                    .to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let client = client_for(format!("http://127.0.0.1:{port}/v1"));
    let error = client.companies().unwrap_err();
    assert!(error.message().contains("bad header"), "{error}");
    assert!(!error.message().contains(TOKEN), "{error}");
}
