//! Domain types: the project's own vocabulary, free of I/O and of wire shapes.
//!
//! Everything that crosses into the core is parsed into these types at the edge (`api` for
//! Shopcaisse, `engine` for PHP), so the sync logic never sees a raw string where an id, a price
//! or a quantity belongs. Money is integer cents and quantities are integer thousandths: no float
//! ever takes part in a sum. [`keys`] normalises what is compared across systems (references,
//! barcodes, names, emails, phones), once for matching, the catalog cache and customers alike.

pub mod activity;
mod catalog;
mod decimal;
mod ids;
pub mod keys;
mod money;
mod order;
mod quantity;
mod sale;
mod secret;

pub use catalog::{
    Attribute, AuthBundle, Company, Family, Item, ItemKind, PackComponent, Pos, Price, PriceList,
    StockRow, Store, Unit, UnitKind,
};
pub use ids::{
    CompanyId, CustomerId, FamilyId, IdError, ItemId, PosId, PosOrderId, PriceListId, StoreId,
};
pub use money::{Money, MoneyError};
pub use order::{
    Customer, CustomerDetails, NewCustomer, OrderLine, OrderPush, Payment, PosOrder, PosOrderStatus,
};
pub use quantity::{Quantity, QuantityError};
pub use sale::{Sale, SaleLine};
pub use secret::AppToken;
