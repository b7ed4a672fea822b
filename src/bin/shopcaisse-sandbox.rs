//! The Shopcaisse sandbox server (see `docs/sandbox.md`).

fn main() {
    eprintln!("shopcaisse-sandbox: not built yet");
    std::process::exit(2);
}
