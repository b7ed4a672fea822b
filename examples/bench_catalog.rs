//! Catalog fetch benchmark: the whole catalog and the whole stock of a generated shop, through
//! the client, over loopback HTTP.
//!
//! ```text
//! cargo run --release --no-default-features --features sandbox --example bench_catalog -- [--items 50000]
//! ```
//!
//! The sandbox and each measured client run in their own processes (this program re-executed
//! with `--serve` or `--client`), so every peak-memory figure (VmHWM) belongs to one side only.
//! Results are recorded in `docs/benchmarks.md`.

#[cfg(not(feature = "sandbox"))]
fn main() {
    eprintln!("bench_catalog needs the sandbox: add --no-default-features --features sandbox");
    std::process::exit(2);
}

#[cfg(feature = "sandbox")]
fn main() {
    bench::main()
}

#[cfg(feature = "sandbox")]
mod bench {
    use shopcaisse_sync::api::{Client, ClientConfig};
    use shopcaisse_sync::model::{AppToken, CompanyId, StoreId};
    use shopcaisse_sync::sandbox::{Catalog, Sandbox, SandboxConfig, DEMO_TOKEN};
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::time::Instant;

    pub fn main() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let arg = |name: &str| {
            args.iter()
                .position(|a| a == name)
                .and_then(|i| args.get(i + 1))
                .cloned()
        };
        if args.first().map(String::as_str) == Some("--serve") {
            serve(
                arg("--items")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(50_000),
            );
        } else if args.first().map(String::as_str) == Some("--client") {
            client(
                &arg("--client").unwrap(),
                &arg("--mode").unwrap_or_else(|| "listing".into()),
                arg("--page-size")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(100),
            );
        } else {
            orchestrate(
                arg("--items")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(50_000),
            );
        }
    }

    /// Peak resident memory of this process, in KiB.
    fn peak_kib(pid: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    }

    fn serve(items: usize) {
        let started = Instant::now();
        let handle = Sandbox::start(SandboxConfig {
            catalog: Catalog::Generated { items, seed: 1 },
            ..SandboxConfig::default()
        })
        .expect("sandbox starts");
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", handle.root_url()).unwrap();
        writeln!(out, "generated {items} items in {:?}", started.elapsed()).unwrap();
        out.flush().unwrap();
        drop(out);
        // Serve until the orchestrator closes our stdin.
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        drop(handle);
    }

    fn client(root: &str, mode: &str, page_size: u32) {
        let mut config =
            ClientConfig::new(format!("{root}/v1"), AppToken::new(DEMO_TOKEN).unwrap());
        config.page_size = page_size;
        let client = Client::new(config).unwrap();
        let bundle = client.authentication().unwrap();
        let company: CompanyId = bundle.companies[0].clone();
        let store: StoreId = bundle.stores[0].clone();

        let started = Instant::now();
        let (items, problems, pages) = if mode == "stream" {
            let (mut items, mut problems, mut pages) = (0usize, 0usize, 0u32);
            client
                .for_each_items_page(&company, |page| {
                    items += page.items.len();
                    problems += page.problems.len();
                    pages += 1;
                    Ok(())
                })
                .unwrap();
            (items, problems, pages)
        } else {
            let listing = client.items(&company).unwrap();
            let pages = listing.items().len().div_ceil(page_size as usize) as u32;
            (listing.items().len(), listing.problems().len(), pages)
        };
        let items_time = started.elapsed();
        let started = Instant::now();
        let stocks = client.stocks(&store).unwrap();
        let stocks_time = started.elapsed();
        println!(
            "{{\"mode\":\"{mode}\",\"pageSize\":{page_size},\"items\":{items},\"itemPages\":{pages},\
             \"itemProblems\":{problems},\"itemsMs\":{},\"stockRows\":{},\"stocksMs\":{},\
             \"peakKiB\":{}}}",
            items_time.as_millis(),
            stocks.items().len(),
            stocks_time.as_millis(),
            peak_kib("self"),
        );
    }

    fn orchestrate(items: usize) {
        let me = std::env::current_exe().unwrap();
        let mut sandbox = Command::new(&me)
            .args(["--serve", "--items", &items.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the sandbox process starts");
        let mut lines = BufReader::new(sandbox.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let root = first
            .strip_prefix("listening on ")
            .expect("listening line")
            .to_owned();
        println!("sandbox: {}", lines.next().unwrap().unwrap());
        println!(
            "{:<8} {:>9} {:>8} {:>7} {:>9} {:>8} {:>9} {:>12}",
            "mode", "pageSize", "items", "pages", "items ms", "stock", "stock ms", "client peak"
        );
        for (mode, page_size) in [("listing", 100), ("stream", 100), ("listing", 25)] {
            let output = Command::new(&me)
                .args(["--client", &root, "--mode", mode])
                .args(["--page-size", &page_size.to_string()])
                .output()
                .expect("the client process runs");
            let text = String::from_utf8_lossy(&output.stdout);
            let v: serde_json::Value = match serde_json::from_str(text.trim()) {
                Ok(v) => v,
                Err(_) => {
                    eprintln!("client failed: {}", String::from_utf8_lossy(&output.stderr));
                    continue;
                }
            };
            println!(
                "{:<8} {:>9} {:>8} {:>7} {:>9} {:>8} {:>9} {:>8} MiB",
                v["mode"].as_str().unwrap_or(""),
                v["pageSize"].to_string(),
                v["items"].to_string(),
                v["itemPages"].to_string(),
                v["itemsMs"].to_string(),
                v["stockRows"].to_string(),
                v["stocksMs"].to_string(),
                v["peakKiB"].as_u64().unwrap_or(0) / 1024,
            );
        }
        let sandbox_peak = peak_kib(&sandbox.id().to_string());
        println!("sandbox peak: {} MiB", sandbox_peak / 1024);
        drop(sandbox.stdin.take());
        let _ = sandbox.wait();
    }
}
