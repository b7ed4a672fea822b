//! The Shopcaisse sandbox server.
