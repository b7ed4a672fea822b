//! Matching keys: references and barcodes normalised so that the same product written two ways
//! (case, spaces, an EAN-13 and the UPC-A it extends) gives the same key, and an empty one none.
//! The same idea serves customers (emails, French phone numbers) and declination attributes.

/// A reference (SKU) as a matching key: spaces removed, uppercase. `None` when nothing is left.
pub fn reference_key(raw: &str) -> Option<String> {
    let key: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    (!key.is_empty()).then_some(key)
}

/// A barcode as a matching key. Numeric codes (EAN-8, UPC-A, EAN-13, GTIN-14, with or without
/// spaces and dashes) lose their leading zeros, which is what makes a UPC-A equal to the EAN-13
/// "0" + UPC-A, and a GTIN-14 padded form equal to both. Other codes are treated like references.
/// All-zero and empty codes give `None`: they would match every other blank barcode.
pub fn barcode_key(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.is_empty() {
        return None;
    }
    if compact.bytes().all(|b| b.is_ascii_digit()) {
        let stripped = compact.trim_start_matches('0');
        return (!stripped.is_empty()).then(|| stripped.to_owned());
    }
    reference_key(&compact)
}

/// A name as a loose key for suggestions: lowercase words of letters and digits, accents kept.
pub fn name_key(raw: &str) -> Option<String> {
    let words: Vec<String> = folded_words(raw).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Lowercase words of letters and digits. A letter whose lowercase brings a non-letter along
/// ('İ' → 'i' + a combining dot) keeps only the letters, so folding twice changes nothing.
fn folded_words(raw: &str) -> impl Iterator<Item = String> + '_ {
    raw.split(|c: char| !c.is_alphanumeric())
        .map(|word| {
            word.chars()
                .flat_map(char::to_lowercase)
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
}

/// The words of a name as a set for similarity: the words of [`name_key`], each once, in first
/// order. One-letter words carry no meaning for matching ("t", "x") and are dropped.
pub fn name_tokens(raw: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for word in folded_words(raw) {
        if word.chars().nth(1).is_none() {
            continue;
        }
        if !tokens.contains(&word) {
            tokens.push(word);
        }
    }
    tokens
}

/// A set of declination attributes as one key, independent of order, case and punctuation:
/// `Taille=M, Couleur=Bleu` and `couleur=bleu, taille=m` agree. `None` when no attribute has
/// both a name and a value.
pub fn attributes_key<'a>(
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    let mut pairs: Vec<String> = attributes
        .into_iter()
        .filter_map(|(name, value)| Some(format!("{}={}", name_key(name)?, name_key(value)?)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    pairs.sort_unstable();
    pairs.dedup();
    Some(pairs.join("|"))
}

/// An email as a key: trimmed and lowercased. `None` unless it has something on both sides of
/// one `@`: a blank email must never attach an order to somebody else.
pub fn email_key(raw: &str) -> Option<String> {
    let key = raw.trim().to_lowercase();
    let (local, domain) = key.split_once('@')?;
    (!local.is_empty() && !domain.is_empty() && !domain.contains('@')).then_some(key)
}

/// A phone number as a key, in international form with French numbers understood:
/// `06 00 00 00 00`, `06.00.00.00.00`, `0033 6 00 00 00 00`, `+33 (0)6 00 00 00 00` and
/// `+33600000000` all give `+33600000000`. Numbers in another national form are kept as their
/// digits (they still match themselves). `None` under six digits: not a phone number.
pub fn phone_key(raw: &str) -> Option<String> {
    let without_trunk = raw.replace("(0)", "");
    let international = without_trunk.trim_start().starts_with('+');
    let digits: String = without_trunk.chars().filter(char::is_ascii_digit).collect();
    let mut number = if international {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if digits.len() == 10 && digits.starts_with('0') {
        format!("33{}", &digits[1..])
    } else {
        digits
    };
    // "+33 06 …": the national trunk zero written after the country code.
    if number.len() == 12 && number.starts_with("330") {
        number.remove(2);
    }
    (number.len() >= 6).then(|| format!("+{number}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_ignore_case_and_spaces() {
        assert_eq!(reference_key(" adm-plt "), Some("ADM-PLT".into()));
        assert_eq!(
            reference_key("ADM PLT"),
            reference_key("adm-plt").map(|_| "ADMPLT".into())
        );
        assert_eq!(reference_key("   "), None);
    }

    #[test]
    fn upc_a_and_ean_13_forms_agree() {
        assert_eq!(barcode_key("036000291452"), barcode_key("0036000291452"));
        assert_eq!(barcode_key("0036000291452"), barcode_key("00036000291452"));
        assert_eq!(barcode_key("376 0000 000001"), Some("3760000000001".into()));
    }

    #[test]
    fn blank_barcodes_match_nothing() {
        assert_eq!(barcode_key(""), None);
        assert_eq!(barcode_key("0000000000000"), None);
        assert_eq!(barcode_key(" - "), None);
    }

    #[test]
    fn names_fold_punctuation_and_case() {
        assert_eq!(
            name_key("Assiette  plate (x2)"),
            Some("assiette plate x2".into())
        );
        assert_eq!(name_key("<b>Thé</b>"), Some("b thé b".into()));
        assert_eq!(name_key("--"), None);
    }

    #[test]
    fn french_phone_numbers_agree_in_every_spelling() {
        let expected = Some("+33600000000".to_owned());
        for raw in [
            "06 00 00 00 00",
            "06.00.00.00.00",
            "0033 6 00 00 00 00",
            "+33 (0)6 00 00 00 00",
            "+33600000000",
            "+33 06 00 00 00 00",
        ] {
            assert_eq!(phone_key(raw), expected, "{raw}");
        }
        assert_eq!(phone_key("+44 20 7946 0000"), Some("+442079460000".into()));
        assert_eq!(phone_key("12 34"), None);
    }

    #[test]
    fn emails_ignore_case_and_spaces_and_blanks_match_nothing() {
        assert_eq!(
            email_key("  Jeanne.Martin@Example.FR "),
            Some("jeanne.martin@example.fr".into())
        );
        assert_eq!(email_key(""), None);
        assert_eq!(email_key("@example.fr"), None);
        assert_eq!(email_key("jeanne"), None);
    }

    #[test]
    fn attribute_sets_ignore_order_and_case() {
        let a = attributes_key([("Taille", "M"), ("Couleur", "Bleu")]);
        let b = attributes_key([("couleur", "bleu "), ("TAILLE", "m")]);
        assert_eq!(a, b);
        assert_eq!(a, Some("couleur=bleu|taille=m".into()));
        assert_eq!(attributes_key([("Taille", "")]), None);
    }

    #[test]
    fn name_tokens_are_distinct_words() {
        assert_eq!(
            name_tokens("Assiette plate - assiette x 2"),
            vec!["assiette".to_owned(), "plate".to_owned()]
        );
    }
}
