//! Helpers shared by the `state_*` tests (included with `#[path]`; compiled alone it tests nothing).
#![allow(dead_code)]

use shopcaisse_sync::model::{Item, ItemId, Money, Unit, UnitKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let path = std::env::temp_dir().join(format!(
            "scs-state-test-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&path).unwrap();
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Default for TempDir {
    fn default() -> Self {
        TempDir::new()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o700));
        }
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

pub fn id(raw: &str) -> ItemId {
    ItemId::parse(raw).unwrap()
}

/// A plain item sold by the piece.
pub fn item(raw_id: &str, name: &str) -> Item {
    Item {
        default_price: Some(Money::from_cents(1000)),
        ..Item::new(id(raw_id), name.to_owned())
    }
}

pub fn with_reference(mut item: Item, reference: &str) -> Item {
    item.reference = Some(reference.to_owned());
    item
}

pub fn with_barcode(mut item: Item, barcode: &str) -> Item {
    item.barcodes.push(barcode.to_owned());
    item
}

pub fn weighed(mut item: Item) -> Item {
    item.unit = Some(Unit {
        kind: UnitKind::Weight,
        symbol: "kg".into(),
        decimals: 3,
    });
    item
}
