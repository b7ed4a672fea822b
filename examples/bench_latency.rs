//! Catalog refresh against a distant API: the engine's `refreshCatalog` (50 000 items and the
//! store's stock, into the SQLite cache) against a sandbox that answers every request 40 ms
//! late, one page in flight against the default number (`concurrent_reads`, 6).
//!
//! ```text
//! cargo run --release --no-default-features --features sandbox --example bench_latency -- [--items 50000] [--latency-ms 40]
//! ```
//!
//! Two comparisons, each ending with a `speed-up N.N×` line: pages of 100; pages clamped to 25
//! by the server with 5 % of the requests answered 429 (no `Retry-After`). Results are recorded
//! in `docs/benchmarks.md`.

#[cfg(not(feature = "sandbox"))]
fn main() {
    eprintln!("bench_latency needs the sandbox: add --no-default-features --features sandbox");
    std::process::exit(2);
}

#[cfg(feature = "sandbox")]
fn main() {
    bench::main()
}

#[cfg(feature = "sandbox")]
mod bench {
    use serde_json::{json, Value};
    use shopcaisse_sync::api::defaults;
    use shopcaisse_sync::engine::{Backend, Engine};
    use shopcaisse_sync::sandbox::{Catalog, Latency, Sandbox, SandboxConfig, SandboxHandle};
    use std::time::{Duration, Instant};

    struct Run {
        took: Duration,
        requests: usize,
        throttled: usize,
        items: u64,
        stock_rows: u64,
    }

    fn refresh(sandbox: &SandboxHandle, in_flight: u32, page_size: u32) -> Run {
        let ids = sandbox.ids();
        let dir = std::env::temp_dir().join(format!(
            "scs-bench-latency-{}-{in_flight}-{page_size}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let settings = json!({
            "base_url": sandbox.base_url(),
            "token": sandbox.token(),
            "company_id": ids.company,
            "store_id": ids.store,
            "page_size": page_size,
            "concurrent_reads": in_flight,
        });
        let mut engine = Engine::new(&settings, &dir, Backend::Native).unwrap();
        sandbox.clear_log();
        let started = Instant::now();
        let summary: Value = engine.call("refreshCatalog", &json!({})).unwrap();
        let took = started.elapsed();
        let log = sandbox.log();
        let _ = std::fs::remove_dir_all(&dir);
        Run {
            took,
            requests: log.len(),
            throttled: log.iter().filter(|e| e.status == 429).count(),
            items: summary["items"].as_u64().unwrap_or(0),
            stock_rows: summary["stock_rows"].as_u64().unwrap_or(0),
        }
    }

    fn show(label: &str, in_flight: u32, run: &Run) {
        println!(
            "{label}, {in_flight} in flight: {:.1} s, {} requests ({} answered 429), {} items, {} stock rows",
            run.took.as_secs_f64(),
            run.requests,
            run.throttled,
            run.items,
            run.stock_rows
        );
    }

    /// Sequential against the default concurrency; returns the speed-up.
    fn compare(sandbox: &SandboxHandle, label: &str, page_size: u32, latency: Duration) -> f64 {
        let sequential = refresh(sandbox, 1, page_size);
        show(label, 1, &sequential);
        let n = defaults::CONCURRENT_READS;
        let concurrent = refresh(sandbox, n, page_size);
        show(label, n, &concurrent);
        assert_eq!(
            (sequential.items, sequential.stock_rows),
            (concurrent.items, concurrent.stock_rows),
            "both walks read the same catalog"
        );
        let pages = (sequential.requests - sequential.throttled) as f64;
        let ideal = pages / f64::from(n) * latency.as_secs_f64();
        println!(
            "{label}: pages ÷ in flight × latency = {pages} ÷ {n} × {} ms = {ideal:.1} s; \
             measured {:.2}× that",
            latency.as_millis(),
            concurrent.took.as_secs_f64() / ideal
        );
        let speed_up = sequential.took.as_secs_f64() / concurrent.took.as_secs_f64();
        println!("speed-up {speed_up:.1}×");
        speed_up
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let arg = |name: &str, default: u64| {
            args.iter()
                .position(|a| a == name)
                .and_then(|i| args.get(i + 1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let items = arg("--items", 50_000) as usize;
        let latency = Duration::from_millis(arg("--latency-ms", 40));
        let sandbox = Sandbox::start(SandboxConfig {
            catalog: Catalog::Generated { items, seed: 1 },
            ..SandboxConfig::default()
        })
        .expect("the sandbox starts");
        let network = Latency {
            fixed_ms: latency.as_millis() as u64,
            jitter_ms: 0,
        };

        sandbox.set_faults(|f| f.latency = Some(network));
        compare(
            &sandbox,
            &format!(
                "refresh of {items} items, pages of 100, {} ms per request",
                latency.as_millis()
            ),
            100,
            latency,
        );

        sandbox.set_faults(|f| {
            f.latency = Some(network);
            f.clamp_page_size = Some(25);
            f.throttle_percent = Some(5);
        });
        compare(
            &sandbox,
            &format!(
                "refresh of {items} items, pages clamped to 25, 5 % answered 429, {} ms per request",
                latency.as_millis()
            ),
            100,
            latency,
        );
    }
}
