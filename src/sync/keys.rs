//! Matching keys: references and barcodes normalised so that the same product written two ways
//! (case, spaces, an EAN-13 and the UPC-A it extends) gives the same key, and an empty one none.

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
    let words: Vec<String> = raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
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
}
