//! The `shopcaisse-sandbox` binary: announces its port on the first line, serves the contract,
//! and answers its control routes, as the PHP and browser tests use it.

#![cfg(feature = "sandbox")]

use shopcaisse_sync::api::{Client, ClientConfig};
use shopcaisse_sync::model::AppToken;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

/// The running binary, killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopcaisse-sandbox"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let root = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line was {first:?}"))
        .to_owned();
    (Running(child), root)
}

fn get(root: &str, path: &str) -> serde_json::Value {
    let port: u16 = root.rsplit(':').next().unwrap().parse().unwrap();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let body = answer.split("\r\n\r\n").nth(1).unwrap();
    serde_json::from_str(body).unwrap()
}

#[test]
fn the_binary_prints_its_port_first_and_serves_the_demo_shop() {
    let (_running, root) = start(&["--port", "0"]);
    assert!(root.starts_with("http://127.0.0.1:"));
    let state = get(&root, "/__sandbox/state");
    assert_eq!(state["token"], "sandbox-demo-token");
    let config = ClientConfig::new(
        format!("{root}/v1"),
        AppToken::new("sandbox-demo-token").unwrap(),
    );
    let client = Client::new(config).unwrap();
    let bundle = client.authentication().unwrap();
    let items = client.items(&bundle.companies[0]).unwrap();
    assert_eq!(
        items.items().len(),
        state["items"].as_u64().unwrap() as usize
    );
}

#[test]
fn the_binary_generates_a_catalog_and_takes_another_token() {
    let (_running, root) = start(&["--generate", "300", "--seed", "4", "--token", "autre-jeton"]);
    let state = get(&root, "/__sandbox/state");
    assert_eq!(state["items"], 300);
    let client = Client::new(ClientConfig::new(
        format!("{root}/v1"),
        AppToken::new("autre-jeton").unwrap(),
    ))
    .unwrap();
    let company = client.authentication().unwrap().companies[0].clone();
    assert_eq!(client.items(&company).unwrap().items().len(), 300);
}

#[test]
fn a_client_is_shareable_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Client>();
}
