//! Pure sync planning: from snapshots (the Shopcaisse catalog, the shop's product index, an order)
//! to plans the PHP shell applies. No I/O here: every function is testable with plain values.

pub mod keys;
