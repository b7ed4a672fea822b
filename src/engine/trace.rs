//! Debug mode: the core's own trace events (each API request with its status, attempt and time;
//! retries; decoding notes) become Debug rows of the log, for the duration of one engine call.
//!
//! A subscriber is set for the calling thread only and only while the call runs
//! (`tracing::subscriber::with_default`), so the library never installs a global one and an
//! engine without debug mode pays nothing. The client never puts the key, a body or a query
//! string (where customers' emails travel) into an event; what is kept is redacted once more
//! here all the same: the key, if it ever appeared, and anything shaped like an email address.

use crate::model::AppToken;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Most trace rows one call keeps: a catalog refresh of 2 000 pages should not write 2 000 rows.
const MAX_EVENTS: usize = 500;

/// One captured event.
pub(super) struct TraceEvent {
    pub warning: bool,
    pub message: String,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Collects the core's events of one call.
#[derive(Clone, Default)]
pub(super) struct Collector {
    events: Arc<Mutex<Vec<TraceEvent>>>,
    dropped: Arc<Mutex<usize>>,
}

impl Collector {
    /// Runs `body` with this collector as the thread's subscriber.
    pub fn capture<T>(&self, body: impl FnOnce() -> T) -> T {
        tracing::subscriber::with_default(self.clone(), body)
    }

    /// The events captured, redacted, and how many were left out past the bound.
    pub fn take(&self, token: Option<&AppToken>) -> (Vec<TraceEvent>, usize) {
        let mut events =
            std::mem::take(&mut *self.events.lock().unwrap_or_else(|e| e.into_inner()));
        for event in &mut events {
            event.message = redact(&event.message, token);
            for value in event.fields.values_mut() {
                if let serde_json::Value::String(text) = value {
                    *text = redact(text, token);
                }
            }
        }
        let dropped = *self.dropped.lock().unwrap_or_else(|e| e.into_inner());
        (events, dropped)
    }
}

struct Fields<'a> {
    message: &'a mut String,
    fields: &'a mut serde_json::Map<String, serde_json::Value>,
}

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            self.fields
                .insert(field.name().to_owned(), format!("{value:?}").into());
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.fields.insert(field.name().to_owned(), value.into());
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.fields.insert(field.name().to_owned(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.fields.insert(field.name().to_owned(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.fields.insert(field.name().to_owned(), value.into());
    }
}

impl Subscriber for Collector {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("shopcaisse_sync") && *metadata.level() <= Level::DEBUG
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        if events.len() >= MAX_EVENTS {
            *self.dropped.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            return;
        }
        let mut message = String::new();
        let mut fields = serde_json::Map::new();
        event.record(&mut Fields {
            message: &mut message,
            fields: &mut fields,
        });
        events.push(TraceEvent {
            warning: *event.metadata().level() <= Level::WARN,
            message,
            fields,
        });
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// The text with the key and anything shaped like an email address replaced by `***`.
fn redact(text: &str, token: Option<&AppToken>) -> String {
    let mut text = match token {
        Some(token) if !token.expose().is_empty() => text.replace(token.expose(), "***"),
        _ => text.to_owned(),
    };
    while let Some(at) = text.find('@').filter(|_| text.contains('.')) {
        let is_part = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '%');
        let start = text[..at].rfind(|c: char| !is_part(c)).map_or(0, |i| i + 1);
        let end = text[at + 1..]
            .find(|c: char| !is_part(c))
            .map_or(text.len(), |i| at + 1 + i);
        text.replace_range(start..end, "***");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_and_emails_are_redacted() {
        let token = AppToken::new("eyJ.secret.sig").unwrap();
        let text = redact(
            "GET /x?email=jeanne.martin@example.fr key eyJ.secret.sig",
            Some(&token),
        );
        assert_eq!(text, "GET /x?email=*** key ***");
        assert_eq!(redact("no at sign here.", None), "no at sign here.");
        assert_eq!(redact("a@b", None), "a@b");
    }

    #[test]
    fn events_of_the_core_are_captured_within_the_call_only() {
        let collector = Collector::default();
        collector.capture(|| {
            tracing::debug!(target: "shopcaisse_sync::api", method = "GET", status = 200u64, "shopcaisse request");
            tracing::debug!(target: "other_crate", "not ours");
        });
        tracing::debug!(target: "shopcaisse_sync::api", "after the call");
        let (events, dropped) = collector.take(None);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].message, "shopcaisse request");
        assert_eq!(events[0].fields["status"], 200);
        assert_eq!(dropped, 0);
    }
}
