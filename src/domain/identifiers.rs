//! Identifier checks. A wrong identifier is worse than none: the nightly cross-check links on
//! identifiers deterministically, so only values that pass their check are ever stored.

const UPN_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// Normalises a Unique Pupil Number (strip spaces, upper case) and checks it.
///
/// DfE Common Basic Data Set: 13 characters — check letter, 3-digit LA number, 4-digit
/// establishment number, 2-digit year, 3-digit serial (a temporary UPN ends in a letter).
/// Check letter = sum of characters 2–13 weighted 2–13, modulo 23, mapped onto A–Z without I, O, S.
pub fn normalise_upn(input: &str) -> Result<String, &'static str> {
    let upn: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if upn.len() != 13 || !upn.is_ascii() {
        return Err("Enter a UPN of 13 characters, like B801200005001");
    }
    let bytes = upn.as_bytes();
    if !bytes[1..12].iter().all(u8::is_ascii_digit) {
        return Err("Characters 2 to 12 of a UPN must be digits");
    }
    let last = bytes[12];
    let last_value = if last.is_ascii_digit() {
        u32::from(last - b'0')
    } else if let Some(i) = UPN_ALPHABET.iter().position(|&c| c == last) {
        i as u32
    } else {
        return Err("The last character of a UPN must be a digit or a letter other than I, O or S");
    };
    let mut sum = 0u32;
    for (i, &b) in bytes[1..12].iter().enumerate() {
        sum += u32::from(b - b'0') * (i as u32 + 2);
    }
    sum += last_value * 13;
    let expected = UPN_ALPHABET[(sum % 23) as usize];
    if bytes[0] != expected {
        return Err("The UPN check letter does not match: check the UPN was copied correctly");
    }
    Ok(upn)
}

/// Normalises an NHS number (digits only) and checks its modulus 11 check digit.
///
/// NHS Data Dictionary: digits 1–9 weighted 10 down to 2; 11 − (sum mod 11) is the check digit,
/// 11 becomes 0 and 10 means the number is invalid. Proposed consistent identifier under
/// Children Act 2004 s.16LC (law.md §7.5).
pub fn normalise_nhs_number(input: &str) -> Result<String, &'static str> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("Enter an NHS number of 10 digits, like 943 476 5919");
    }
    let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, v)| v * (10 - i as u32))
        .sum();
    let check = match 11 - (sum % 11) {
        11 => 0,
        10 => return Err("That is not a valid NHS number: check it was copied correctly"),
        c => c,
    };
    if check != d[9] {
        return Err("The NHS number check digit does not match: check it was copied correctly");
    }
    Ok(digits)
}

/// Shows an NHS number the way the NHS prints it: `943 476 5919`.
pub fn format_nhs_number(n: &str) -> String {
    if n.len() == 10 && n.is_ascii() {
        format!("{} {} {}", &n[..3], &n[3..6], &n[6..])
    } else {
        n.to_string()
    }
}

/// Upper-cases a UK postcode and puts one space before the inward code.
/// A postcode that fails `normalise_postcode` but looks like a mistyped one (5 to 8 letters and
/// digits, a letter first, a digit somewhere), in capitals with single spaces: still evidence
/// for matching. Placeholders ("NOT KNOWN", "NO FIXED ABODE") are not.
pub fn postcode_as_written(input: &str) -> Option<String> {
    let compact: Vec<char> = input.chars().filter(|c| !c.is_whitespace()).collect();
    let plausible = (5..=8).contains(&compact.len())
        && compact.iter().all(char::is_ascii_alphanumeric)
        && compact.first().is_some_and(char::is_ascii_alphabetic)
        && compact.iter().any(char::is_ascii_digit);
    plausible.then(|| {
        input
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase()
    })
}

pub fn normalise_postcode(input: &str) -> Result<String, &'static str> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let ok = (5..=7).contains(&compact.len())
        && compact.is_ascii()
        && compact.as_bytes()[0].is_ascii_alphabetic()
        && compact[compact.len() - 3..]
            .chars()
            .enumerate()
            .all(|(i, c)| {
                if i == 0 {
                    c.is_ascii_digit()
                } else {
                    c.is_ascii_alphabetic()
                }
            })
        && compact.chars().all(|c| c.is_ascii_alphanumeric());
    if !ok {
        return Err("Enter a real postcode, like SW1A 1AA");
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    Ok(format!("{outward} {inward}"))
}

/// Shows a postcode search key ("DT14AB") as a postcode ("DT1 4AB").
pub fn format_postcode_key(key: &str) -> String {
    if key.len() >= 5 && key.is_ascii() {
        format!("{} {}", &key[..key.len() - 3], &key[key.len() - 3..])
    } else {
        key.to_string()
    }
}

/// Search key for a postcode: upper case, no spaces.
pub fn postcode_key(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The check letter a UPN body (characters 2–13) needs; used to make valid demo and test data.
pub fn upn_check_letter(body: &str) -> Option<char> {
    let b = body.as_bytes();
    if b.len() != 12 || !b[..11].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let last = if b[11].is_ascii_digit() {
        u32::from(b[11] - b'0')
    } else {
        UPN_ALPHABET.iter().position(|&c| c == b[11])? as u32
    };
    let sum: u32 = b[..11]
        .iter()
        .enumerate()
        .map(|(i, &c)| u32::from(c - b'0') * (i as u32 + 2))
        .sum::<u32>()
        + last * 13;
    Some(UPN_ALPHABET[(sum % 23) as usize] as char)
}

/// Completes nine digits into a valid NHS number, or None when no check digit fits.
pub fn nhs_with_check_digit(nine: &str) -> Option<String> {
    let d: Vec<u32> = nine
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
        .collect();
    if d.len() != 9 {
        return None;
    }
    let sum: u32 = d.iter().enumerate().map(|(i, v)| v * (10 - i as u32)).sum();
    match 11 - (sum % 11) {
        10 => None,
        11 => Some(format!("{nine}0")),
        c => Some(format!("{nine}{c}")),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_mistyped_postcode_is_kept_as_written_and_a_placeholder_is_not() {
        assert_eq!(postcode_as_written("dt9  9z"), Some("DT9 9Z".into()));
        assert_eq!(postcode_as_written("DT1 A4B"), Some("DT1 A4B".into()));
        assert_eq!(postcode_as_written("NOT KNOWN"), None);
        assert_eq!(postcode_as_written("NO FIXED ABODE"), None);
        assert_eq!(postcode_as_written("12345"), None);
    }
    use super::*;

    #[test]
    fn upn_check_letter_accepts_valid_and_rejects_altered() {
        // standards.md §2.4 worked example, verified by hand: sum 93, 93 mod 23 = 1 -> B.
        assert_eq!(normalise_upn("b801200005001"), Ok("B801200005001".into()));
        assert_eq!(
            normalise_upn(" B801 2000 05001 "),
            Ok("B801200005001".into())
        );
        assert!(normalise_upn("C801200005001").is_err());
        assert!(normalise_upn("B801200005002").is_err());
        assert!(normalise_upn("B80120000500").is_err());
        assert!(normalise_upn("B8012000050O1").is_err());
    }

    #[test]
    fn upn_temporary_with_final_letter() {
        // Temporary UPN: the letter in position 13 takes its alphabet index.
        let body = "80120000500A";
        let mut sum = 0u32;
        for (i, b) in body.bytes().take(11).enumerate() {
            sum += u32::from(b - b'0') * (i as u32 + 2);
        }
        let letter = UPN_ALPHABET[(sum % 23) as usize] as char;
        let upn = format!("{letter}{body}");
        assert_eq!(normalise_upn(&upn), Ok(upn.clone()));
        assert!(normalise_upn(&format!("{letter}80120000500I")).is_err());
    }

    #[test]
    fn nhs_number_modulus_11() {
        assert_eq!(
            normalise_nhs_number("943 476 5919"),
            Ok("9434765919".into())
        );
        assert!(normalise_nhs_number("9434765918").is_err());
        assert!(normalise_nhs_number("94347659").is_err());
        // A check value of 10 can never be valid.
        assert!(normalise_nhs_number("0000000060").is_err());
        assert_eq!(format_nhs_number("9434765919"), "943 476 5919");
    }

    #[test]
    fn postcodes() {
        assert_eq!(normalise_postcode("sw1a1aa"), Ok("SW1A 1AA".into()));
        assert_eq!(normalise_postcode(" M1  1AE"), Ok("M1 1AE".into()));
        assert!(normalise_postcode("12345").is_err());
        assert!(normalise_postcode("SW1A 1A").is_err());
        assert_eq!(postcode_key("sw1a 1aa"), "SW1A1AA");
        assert_eq!(format_postcode_key("SW1A1AA"), "SW1A 1AA");
        assert_eq!(format_postcode_key(""), "");
    }
}
