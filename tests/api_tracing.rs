//! The AppToken is in no tracing event or span, through retries, listing problems and an order
//! push whose answer is lost. Alone in its test binary: the subscriber is global, so events from
//! every thread are seen.

#![cfg(feature = "sandbox")]

mod api_support;

use api_support::order_in;
use shopcaisse_sync::api::{Client, ClientConfig};
use shopcaisse_sync::model::AppToken;
use shopcaisse_sync::sandbox::{FaultAction, FaultRule, Malformation};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXNhbmRib3gtdG9rZW4.s1gn4tur3";

/// A subscriber that writes every event and span field into one text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Writer<'a>(&'a mut String);

impl Visit for Writer<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, "{}={} ", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        span.record(&mut Writer(&mut self.0.lock().unwrap()));
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Writer(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut text = self.0.lock().unwrap();
        event.record(&mut Writer(&mut text));
        text.push('\n');
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

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
    Client::new(config).unwrap()
}

#[test]
fn the_token_is_in_no_tracing_event() {
    let capture = Capture::default();
    tracing::subscriber::set_global_default(capture.clone()).unwrap();
    let sandbox = sandbox_with_secret_token();
    let client = client_for(sandbox.base_url());
    let ids = sandbox.ids();
    let company = shopcaisse_sync::model::CompanyId::parse(&ids.company).unwrap();
    let store = shopcaisse_sync::model::StoreId::parse(&ids.store).unwrap();
    sandbox.add_rule(FaultRule::next(
        1,
        FaultAction::Status {
            status: 503,
            retry_after: None,
        },
    ));
    sandbox.add_rule(FaultRule::next(1, FaultAction::ResetAfter).on_method("POST"));
    sandbox.set_faults(|f| f.malformed = vec![Malformation::WrongTypes, Malformation::HugeStrings]);
    let pos = shopcaisse_sync::model::PosId::parse(&ids.pos).unwrap();
    let missing = shopcaisse_sync::model::PosOrderId::parse("nope").unwrap();
    {
        let _ = client.items(&company).unwrap();
        client
            .push_order(&store, &order_in(&sandbox, "WEB-T", &pos))
            .unwrap();
        let _ = client.order(&store, &missing);
    }
    let text = capture.0.lock().unwrap().clone();
    assert!(text.contains("shopcaisse request"), "{text}");
    assert!(text.contains("outcome unknown"), "{text}");
    assert!(!text.contains(TOKEN));
}
