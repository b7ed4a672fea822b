//! The Shopcaisse API client.
