//! Typed ids. Shopcaisse ids are opaque strings (UUIDs in practice, never decoded); a distinct
//! type per kind of id stops the classic mistake of passing a company id where a store id goes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest id accepted; anything longer is a malformed payload, not an id.
const MAX_ID_LEN: usize = 128;

/// Why a string is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("id is empty")]
    Empty,
    #[error("id is longer than {MAX_ID_LEN} characters")]
    TooLong,
    #[error("id contains a control character or a space")]
    BadCharacter,
}

fn validate(raw: &str) -> Result<String, IdError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(IdError::Empty);
    }
    if trimmed.len() > MAX_ID_LEN {
        return Err(IdError::TooLong);
    }
    // Ids are interpolated into URL paths: refuse anything that could change the path.
    if trimmed
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '/' | '?' | '#' | '%'))
    {
        return Err(IdError::BadCharacter);
    }
    Ok(trimmed.to_owned())
}

macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an id, trimming spaces; refuses empty, overlong or path-breaking strings.
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                validate(raw).map(Self)
            }

            /// The id as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(raw: String) -> Result<Self, IdError> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

opaque_id!(
    /// A company (the merchant's legal entity). Never equal to a store id.
    CompanyId
);
opaque_id!(
    /// A store (shop) of a company; stock, customers and orders live per store.
    StoreId
);
opaque_id!(
    /// A point of sale (caisse) of a store.
    PosId
);
opaque_id!(
    /// A catalog item, a declination included (declinations are items of type VARIATION).
    ItemId
);
opaque_id!(
    /// A price list ("Défaut" is the default one).
    PriceListId
);
opaque_id!(
    /// A product family.
    FamilyId
);
opaque_id!(
    /// A customer of a store.
    CustomerId
);
opaque_id!(
    /// An order held by the POS.
    PosOrderId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_trimmed() {
        assert_eq!(ItemId::parse("  abc ").unwrap().as_str(), "abc");
    }

    #[test]
    fn empty_and_path_breaking_ids_are_refused() {
        assert_eq!(ItemId::parse("  "), Err(IdError::Empty));
        assert_eq!(ItemId::parse("a/b"), Err(IdError::BadCharacter));
        assert_eq!(ItemId::parse("a b"), Err(IdError::BadCharacter));
        assert_eq!(ItemId::parse(&"x".repeat(129)), Err(IdError::TooLong));
    }

    #[test]
    fn ids_round_trip_through_json() {
        let id: StoreId = serde_json::from_str("\"s-1\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"s-1\"");
        assert!(serde_json::from_str::<StoreId>("\"\"").is_err());
    }
}
