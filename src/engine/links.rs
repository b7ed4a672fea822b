//! Links between Shopcaisse items and WooCommerce products, made and undone by hand. Every
//! change is logged by the state in the same transaction; an undone link can be restored.

use super::context::{now_ms, parse_args, to_json};
use super::Engine;
use crate::model::ItemId;
use crate::state::LinkMethod;
use crate::{Error, ErrorKind, Result};
use serde::Deserialize;
use serde_json::{json, Value};

impl Engine {
    /// Links an item (or declination) to a WooCommerce product (or variation) by hand.
    pub(super) fn link(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            item_id: ItemId,
            wc_id: i64,
        }
        let Args { item_id, wc_id } = parse_args("link", args)?;
        if wc_id <= 0 {
            return Err(Error::invalid_input(
                "a WooCommerce product id is a positive number",
            ));
        }
        let state = self.state()?;
        if state.catalog().row(&item_id)?.is_none() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("item {item_id} is not in the catalog; refresh the catalog first"),
            ));
        }
        to_json(
            &state
                .links()
                .link(&item_id, wc_id, LinkMethod::Manual, now_ms())?,
        )
    }

    /// Undoes the link of an item, or of a WooCommerce product; the history keeps it.
    pub(super) fn unlink(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            item_id: Option<ItemId>,
            wc_id: Option<i64>,
        }
        let args: Args = parse_args("unlink", args)?;
        let links = self.state()?.links();
        let removed = match (args.item_id, args.wc_id) {
            (Some(item), None) => links.unlink(&item, now_ms())?,
            (None, Some(wc)) => links.unlink_wc(wc, now_ms())?,
            _ => {
                return Err(Error::invalid_input(
                    "unlink takes item_id or wc_id, one of them",
                ))
            }
        };
        Ok(json!({ "unlinked": removed }))
    }

    /// Restores a link from its history row (undo of an unlink).
    pub(super) fn restore_link(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            history_id: i64,
        }
        let Args { history_id } = parse_args("restoreLink", args)?;
        to_json(&self.state()?.links().restore(history_id, now_ms())?)
    }

    /// Every current link, and the recent history of changes.
    pub(super) fn list_links(&self, args: &Value) -> Result<Value> {
        #[derive(Deserialize)]
        struct Args {
            #[serde(default = "default_history")]
            history: u32,
        }
        fn default_history() -> u32 {
            50
        }
        let Args { history } = parse_args("listLinks", args)?;
        let links = self.state()?.links();
        Ok(json!({
            "links": to_json(&links.list()?)?,
            "history": to_json(&links.recent_history(history.min(1000))?)?,
        }))
    }
}
