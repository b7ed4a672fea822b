//! Exact decimal parsing into fixed-point integers, shared by `Money` and `Quantity`.
//!
//! The API sends decimals as JSON numbers ("24.9", "1.250", "-3", "1e2"). Going through `f64` and
//! multiplying would turn 0.1 + 0.2 into 0.30000000000000004; instead the number's shortest text
//! form is read digit by digit and rounded half away from zero at the target scale.

/// Why a text is not a decimal the core accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DecimalError {
    NotANumber,
    OutOfRange,
}

/// Parses `text` as a decimal number scaled by 10^`scale` (e.g. scale 2 for cents).
pub(crate) fn parse_scaled(text: &str, scale: u32) -> Result<i64, DecimalError> {
    let text = text.trim();
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => {
            let exp: i32 = body[at + 1..]
                .parse()
                .map_err(|_| DecimalError::NotANumber)?;
            (&body[..at], exp)
        }
        None => (body, 0),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(DecimalError::NotANumber);
    }
    // All digits, and where the decimal point sits once the exponent and the scale are applied.
    let digits: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes())
        .map(|b| b - b'0')
        .collect();
    let point = int_part.len() as i64 + exponent as i64 + scale as i64;
    if point > 19 + digits.len() as i64 {
        return Err(DecimalError::OutOfRange);
    }
    let mut value: i128 = 0;
    for index in 0..point.max(0) {
        let digit = digits.get(index as usize).copied().unwrap_or(0);
        value = value * 10 + digit as i128;
        if value > i64::MAX as i128 {
            return Err(DecimalError::OutOfRange);
        }
    }
    let next_digit = if point < 0 {
        0
    } else {
        digits.get(point as usize).copied().unwrap_or(0)
    };
    if next_digit >= 5 {
        value += 1;
    }
    let value = if negative { -value } else { value };
    i64::try_from(value).map_err(|_| DecimalError::OutOfRange)
}

/// Formats a scaled integer back into its decimal text, trailing zeros kept to `scale` digits.
pub(crate) fn format_scaled(value: i64, scale: u32) -> String {
    let divisor = 10i128.pow(scale);
    let magnitude = (value as i128).abs();
    let sign = if value < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{magnitude}");
    }
    format!(
        "{sign}{}.{:0width$}",
        magnitude / divisor,
        magnitude % divisor,
        width = scale as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_decimals_exactly() {
        assert_eq!(parse_scaled("24.9", 2), Ok(2490));
        assert_eq!(parse_scaled("0.1", 2), Ok(10));
        assert_eq!(parse_scaled("-3", 2), Ok(-300));
        assert_eq!(parse_scaled("1.250", 3), Ok(1250));
        assert_eq!(parse_scaled(".5", 2), Ok(50));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(parse_scaled("0.005", 2), Ok(1));
        assert_eq!(parse_scaled("0.0049", 2), Ok(0));
        assert_eq!(parse_scaled("-0.005", 2), Ok(-1));
    }

    #[test]
    fn reads_exponents() {
        assert_eq!(parse_scaled("1e2", 2), Ok(10000));
        assert_eq!(parse_scaled("2.5E-1", 2), Ok(25));
        assert_eq!(parse_scaled("1e-9", 2), Ok(0));
    }

    #[test]
    fn refuses_garbage_and_overflow() {
        assert_eq!(parse_scaled("abc", 2), Err(DecimalError::NotANumber));
        assert_eq!(parse_scaled("", 2), Err(DecimalError::NotANumber));
        assert_eq!(parse_scaled("1.2.3", 2), Err(DecimalError::NotANumber));
        assert_eq!(parse_scaled("1e400", 2), Err(DecimalError::OutOfRange));
        assert_eq!(
            parse_scaled("99999999999999999999", 2),
            Err(DecimalError::OutOfRange)
        );
    }

    #[test]
    fn formats_with_fixed_scale() {
        assert_eq!(format_scaled(2490, 2), "24.90");
        assert_eq!(format_scaled(-5, 2), "-0.05");
        assert_eq!(format_scaled(1250, 3), "1.250");
    }
}
