//! Money: euros, tax included (TTC), held as integer cents.

use super::decimal::{format_scaled, parse_scaled, DecimalError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, Sub};

/// An amount in euro cents, tax included. Sums are exact; floats only appear at the wire edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// Why a value is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not a decimal amount: {0:?}")]
    NotANumber(String),
    #[error("amount out of range: {0:?}")]
    OutOfRange(String),
}

impl Money {
    /// Zero euros.
    pub const ZERO: Money = Money(0);

    /// An amount from integer cents.
    pub const fn from_cents(cents: i64) -> Self {
        Money(cents)
    }

    /// The amount in cents.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Parses a decimal euro amount ("24.9", "24.90", "-1e1"), rounding half away from zero to the cent.
    pub fn parse_euros(text: &str) -> Result<Self, MoneyError> {
        parse_scaled(text, 2).map(Money).map_err(|e| match e {
            DecimalError::NotANumber => MoneyError::NotANumber(text.to_owned()),
            DecimalError::OutOfRange => MoneyError::OutOfRange(text.to_owned()),
        })
    }

    /// Reads a JSON number (or numeric string) exactly, from its text form.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, MoneyError> {
        match value {
            serde_json::Value::Number(n) => Self::parse_euros(&n.to_string()),
            serde_json::Value::String(s) => Self::parse_euros(s),
            other => Err(MoneyError::NotANumber(other.to_string())),
        }
    }

    /// The amount as a JSON number of euros, for the wire ("24.9" → 24.9).
    pub fn to_json_number(self) -> serde_json::Value {
        let text = format_scaled(self.0, 2);
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// The amount times a quantity, rounded half away from zero to the cent.
    pub fn times(self, quantity: super::Quantity) -> Money {
        let product = self.0 as i128 * quantity.thousandths() as i128;
        let rounded = (product.abs() + 500) / 1000 * product.signum();
        Money(rounded.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }

    /// Adds without overflowing (saturates: no real till reaches i64 cents).
    pub fn saturating_add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        self.saturating_add(other)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_scaled(self.0, 2))
    }
}

/// Across the PHP boundary money travels as integer cents: PHP never rounds a float either.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64::deserialize(d).map(Money)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Quantity;

    #[test]
    fn parses_json_numbers_exactly() {
        let v: serde_json::Value = serde_json::from_str("24.9").unwrap();
        assert_eq!(Money::from_json(&v).unwrap().cents(), 2490);
        let v: serde_json::Value = serde_json::from_str("0.3").unwrap();
        assert_eq!(Money::from_json(&v).unwrap().cents(), 30);
    }

    #[test]
    fn sums_are_exact() {
        let total: Money = ["0.1", "0.2", "0.3"]
            .iter()
            .map(|t| Money::parse_euros(t).unwrap())
            .sum();
        assert_eq!(total.cents(), 60);
    }

    #[test]
    fn multiplies_by_decimal_quantities() {
        let price = Money::parse_euros("12.99").unwrap();
        let weight = Quantity::parse("0.355").unwrap();
        assert_eq!(price.times(weight).cents(), 461); // 4.61145 €
    }

    #[test]
    fn writes_wire_numbers() {
        assert_eq!(Money::from_cents(2490).to_json_number().to_string(), "24.9");
        assert_eq!(Money::from_cents(500).to_json_number().to_string(), "5.0");
    }
}
