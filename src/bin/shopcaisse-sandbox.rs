//! The Shopcaisse sandbox server (see `docs/sandbox.md`).
//!
//! `shopcaisse-sandbox [--port N] [--fixture FILE | --generate N [--seed S]] [--token T]`
//! prints `listening on http://127.0.0.1:PORT` as its first line, then serves until killed.

use shopcaisse_sync::sandbox::{Catalog, Fixture, Sandbox, SandboxConfig, DEMO_TOKEN};
use std::io::Write;

const USAGE: &str =
    "usage: shopcaisse-sandbox [--port N] [--fixture FILE | --generate N [--seed S]] [--token T]

  --port N       loopback port (0, the default, picks a free one)
  --fixture FILE a fixture JSON file (default: the built-in demo shop)
  --generate N   the demo organisation with N generated items
  --seed S       seed of the generator (default 1)
  --token T      the bearer token accepted (default: sandbox-demo-token)";

fn main() {
    if let Err(message) = run() {
        eprintln!("shopcaisse-sandbox: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut config = SandboxConfig {
        token: DEMO_TOKEN.into(),
        ..SandboxConfig::default()
    };
    let mut generate: Option<usize> = None;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--port" => config.port = value("--port")?.parse().map_err(|_| "bad --port")?,
            "--fixture" => {
                let path = value("--fixture")?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {path}: {e}"))?;
                config.catalog = Catalog::Fixture(Box::new(Fixture::from_json(&text)?));
            }
            "--generate" => {
                generate = Some(value("--generate")?.parse().map_err(|_| "bad --generate")?)
            }
            "--seed" => seed = value("--seed")?.parse().map_err(|_| "bad --seed")?,
            "--token" => config.token = value("--token")?,
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if let Some(items) = generate {
        config.catalog = Catalog::Generated { items, seed };
    }
    let handle = Sandbox::start(config).map_err(|e| format!("cannot start: {e}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", handle.root_url()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    loop {
        std::thread::park();
    }
}
