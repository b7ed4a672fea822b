//! The PHP API is declared once, in `php-shim/stubs/shopcaisse_sync.stub.php`; the engine's
//! dispatcher must serve exactly the methods declared there (`@engine` names the engine method
//! when it is not the PHP one). Both backends are checked against the same file by the PHP
//! contract suite (`StubsTest`).

use shopcaisse_sync::engine::Engine;
use std::collections::BTreeSet;

/// One declared method: its PHP name and the engine method it calls.
#[derive(Debug)]
struct Declared {
    php: String,
    engine: String,
}

fn declared() -> Vec<Declared> {
    let stub = include_str!("../php-shim/stubs/shopcaisse_sync.stub.php");
    let class = stub
        .split("final class Engine")
        .nth(1)
        .expect("the stub declares Engine");
    let mut methods = Vec::new();
    let mut doc = "";
    for (i, chunk) in class.split("public function ").enumerate() {
        if i > 0 {
            let name: String = chunk
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let engine = doc
                .split("@engine ")
                .nth(1)
                .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
                .unwrap_or_else(|| name.clone());
            if name != "__construct" {
                methods.push(Declared { php: name, engine });
            }
        }
        // The docblock of the next method is at the end of this chunk.
        doc = chunk.rsplit("/**").next().unwrap_or("");
    }
    methods
}

#[test]
fn the_engine_dispatches_exactly_the_declared_methods() {
    let methods = declared();
    let dispatched: BTreeSet<&str> = Engine::methods().collect();
    for method in &methods {
        assert!(
            dispatched.contains(method.engine.as_str()),
            "{} calls {:?}, which the engine does not dispatch",
            method.php,
            method.engine
        );
    }
    let declared: BTreeSet<&str> = methods.iter().map(|m| m.engine.as_str()).collect();
    assert!(declared.len() > 30, "{declared:?}");
    assert_eq!(
        declared, dispatched,
        "dispatched but not declared in the stubs"
    );
}
