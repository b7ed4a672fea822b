//! The Logs tab: structured rows, filtered and paged, exported, purged.

use super::context::{now_ms, parse_args, php_map, to_json};
use super::Engine;
use crate::state::LogQuery;
use crate::Result;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Args {
    #[serde(default, deserialize_with = "php_map")]
    query: LogQuery,
}

impl Engine {
    /// One page of log rows matching the query, newest first.
    pub(super) fn query_logs(&self, args: &Value) -> Result<Value> {
        let Args { query } = parse_args("queryLogs", args)?;
        to_json(&self.state()?.logs().query(&query)?)
    }

    /// Every row matching the query, for a CSV export.
    pub(super) fn export_logs(&self, args: &Value) -> Result<Value> {
        let Args { query } = parse_args("exportLogs", args)?;
        to_json(&self.state()?.logs().export(&query)?)
    }

    /// Deletes every log row; prunes by retention first so the count is honest.
    pub(super) fn purge_logs(&self) -> Result<Value> {
        let logs = self.state()?.logs();
        let pruned = logs.prune(now_ms())?;
        let purged = logs.purge()?;
        Ok(json!({ "deleted": pruned + purged }))
    }
}
