//! Quantities and stock levels, possibly decimal (weighed items), held as integer thousandths.

use super::decimal::{format_scaled, parse_scaled, DecimalError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A quantity to three decimals (grams for kilograms). Pieces are whole thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(i64);

/// Why a value is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("not a decimal quantity: {0:?}")]
    NotANumber(String),
    #[error("quantity out of range: {0:?}")]
    OutOfRange(String),
}

impl Quantity {
    /// Nothing.
    pub const ZERO: Quantity = Quantity(0);

    /// A whole number of pieces.
    pub const fn pieces(n: i64) -> Self {
        Quantity(n.saturating_mul(1000))
    }

    /// From thousandths of a unit.
    pub const fn from_thousandths(t: i64) -> Self {
        Quantity(t)
    }

    /// The quantity in thousandths of a unit.
    pub const fn thousandths(self) -> i64 {
        self.0
    }

    /// Parses a decimal text, rounding half away from zero to the thousandth.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        parse_scaled(text, 3).map(Quantity).map_err(|e| match e {
            DecimalError::NotANumber => QuantityError::NotANumber(text.to_owned()),
            DecimalError::OutOfRange => QuantityError::OutOfRange(text.to_owned()),
        })
    }

    /// Reads a JSON number (or numeric string) exactly.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, QuantityError> {
        match value {
            serde_json::Value::Number(n) => Self::parse(&n.to_string()),
            serde_json::Value::String(s) => Self::parse(s),
            other => Err(QuantityError::NotANumber(other.to_string())),
        }
    }

    /// The quantity as a JSON number for the wire (2 for two pieces, 0.355 for 355 g).
    pub fn to_json_number(self) -> serde_json::Value {
        if self.0 % 1000 == 0 {
            return serde_json::Value::from(self.0 / 1000);
        }
        serde_json::from_str(&format_scaled(self.0, 3)).unwrap_or(serde_json::Value::Null)
    }

    /// Whole pieces, rounded down (what can be sold of it by the piece).
    pub fn whole_floor(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// Never below zero: negative stock shows as nothing to sell.
    pub fn clamp_non_negative(self) -> Quantity {
        Quantity(self.0.max(0))
    }

    /// Subtraction that cannot overflow.
    pub fn saturating_sub(self, other: Quantity) -> Quantity {
        Quantity(self.0.saturating_sub(other.0))
    }

    /// Addition that cannot overflow.
    pub fn saturating_add(self, other: Quantity) -> Quantity {
        Quantity(self.0.saturating_add(other.0))
    }

    /// Whether this is zero or less.
    pub fn is_zero_or_less(self) -> bool {
        self.0 <= 0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format_scaled(self.0, 3);
        let text = text.trim_end_matches('0').trim_end_matches('.');
        f.write_str(text)
    }
}

/// Across the PHP boundary a quantity travels as its decimal text ("2", "0.355"): exact both ways.
impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Quantity::from_json(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_decimals() {
        assert_eq!(Quantity::parse("0.355").unwrap().thousandths(), 355);
        assert_eq!(Quantity::parse("2").unwrap().to_string(), "2");
        assert_eq!(Quantity::parse("1.5").unwrap().to_string(), "1.5");
        assert_eq!(Quantity::parse("-2.25").unwrap().to_string(), "-2.25");
    }

    #[test]
    fn floors_to_whole_pieces() {
        assert_eq!(Quantity::parse("2.999").unwrap().whole_floor(), 2);
        assert_eq!(Quantity::parse("-0.5").unwrap().whole_floor(), -1);
    }

    #[test]
    fn json_round_trip_keeps_decimals() {
        let q = Quantity::parse("12.345").unwrap();
        let text = serde_json::to_string(&q).unwrap();
        assert_eq!(text, "\"12.345\"");
        assert_eq!(serde_json::from_str::<Quantity>(&text).unwrap(), q);
        assert_eq!(
            serde_json::from_str::<Quantity>("3").unwrap(),
            Quantity::pieces(3)
        );
        assert_eq!(q.to_json_number().to_string(), "12.345");
    }
}
