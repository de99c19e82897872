//! The register's vocabulary: what each coded field may hold, in the council's words.
//! EA 1996 s.436B (eligibility), s.436C (content), DfE EHE census reason categories.

pub type Choices = &'static [(&'static str, &'static str)];

crate::text_enum! {
    /// Whether a register entry is current. A closed entry is kept, with its reason and date.
    pub enum EntryStatus {
        Open = "open" => "Open",
        Closed = "closed" => "Closed",
    }
}

/// EA 1996 s.436B condition C: why the child is not in school, in terms of the law.
pub const ELIGIBILITY_CONDITIONS: Choices = &[
    ("c_a", "Not a registered pupil at a relevant school (s.436B(4)(a))"),
    ("c_b", "On a school roll, but the school arranged education elsewhere for some or all of the school day (s.436B(4)(b))"),
    ("c_c", "Part-time student at a further education college, aged 14 or over, and on no school roll (s.436B(4)(c))"),
];

pub const ARRANGEMENTS: Choices = &[
    ("home_educated", "Elective home education"),
    ("flexi_schooled", "Flexi-schooling"),
    (
        "part_time_timetable",
        "Part-time timetable or off-site provision arranged by the school",
    ),
    (
        "fe_part_time",
        "Part-time at a further education college (14 to 16)",
    ),
    ("unregistered_setting", "Attends an unregistered setting"),
    (
        "alternative_provision",
        "Council alternative provision (s.19)",
    ),
    (
        "eotas",
        "Education otherwise than at school (Children and Families Act 2014 s.61)",
    ),
    ("not_known", "Not known yet"),
];

/// DfE elective home education census reason categories; s.436C(2)(h) includes the parent's
/// reasons "or the fact that the parent has not given any".
pub const REASONS: Choices = &[
    ("mental_health", "Mental health"),
    ("physical_health", "Physical health"),
    ("philosophical", "Philosophical or preferential reasons"),
    ("lifestyle", "Lifestyle choice"),
    ("religious", "Religious reasons"),
    (
        "dissatisfaction_general",
        "Dissatisfaction with school in general",
    ),
    (
        "dissatisfaction_sen",
        "Dissatisfaction with school over special educational needs",
    ),
    ("bullying", "Bullying"),
    (
        "school_place",
        "Did not get a place at the school they chose",
    ),
    ("exclusion", "Exclusion or to avoid exclusion"),
    ("other", "Other reason"),
    ("not_provided", "The parent has not given a reason"),
];

/// s.436C(2)(b): special educational needs, including whether the council maintains an EHC plan.
pub const SEN_STATUSES: Choices = &[
    ("none", "No special educational needs known"),
    ("sen_support", "Special educational needs, no EHC plan"),
    ("ehc_plan", "EHC plan maintained by the council"),
    ("assessment", "EHC needs assessment under way"),
    ("not_known", "Not known"),
];

/// CIN census N00783 codes.
pub const SEXES: Choices = &[("F", "Female"), ("M", "Male"), ("U", "Not known")];

/// Why an entry leaves the register (s.436D(2)(d) and the end of s.8 compulsory school age).
pub const CLOSURE_REASONS: Choices = &[
    ("moved_away", "Moved out of the council's area"),
    ("joined_school_roll", "Joined a school roll"),
    ("end_of_csa", "Reached the end of compulsory school age"),
    ("died", "Died"),
    ("other", "Other reason"),
];

/// s.436C(1)(g)(ii): type of provider.
pub const PROVIDER_TYPES: Choices = &[
    ("tutor", "Private tutor"),
    ("online_school", "Online school or course"),
    ("unregistered_setting", "Unregistered setting"),
    ("fe_college", "Further education college"),
    ("activity", "Activity or club (sport, music, arts)"),
    ("alternative_provision", "Alternative provision"),
    ("other", "Other"),
];

pub const RELATIONSHIPS: Choices = &[
    ("mother", "Mother"),
    ("father", "Father"),
    ("step_parent", "Step-parent"),
    ("grandparent", "Grandparent"),
    ("foster_carer", "Foster carer"),
    ("other", "Other person with care of the child"),
];

crate::text_enum! {
    /// What an address is to the child (s.436C(1)(a)).
    pub enum AddressKind {
        Current = "current" => "Home address",
        Additional = "additional" => "Additional address (the child also lives here)",
        Previous = "previous" => "Previous address (at the home address less than 12 months)",
    }
}

pub const ADDRESS_KINDS: Choices = AddressKind::CHOICES;

pub const SOURCES: Choices = &[
    ("officer", "Entered by an officer"),
    ("parent", "From a parent"),
    ("school", "From a school"),
    ("import", "Imported"),
    ("demo", "Demo data"),
];

pub fn label(choices: &[(&'static str, &'static str)], code: &str) -> &'static str {
    choices
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("Unknown")
}

pub fn is_choice(choices: &[(&str, &str)], code: &str) -> bool {
    choices.iter().any(|(c, _)| *c == code)
}

/// Search key for names: accents folded, lower case, punctuation gone, single spaces.
/// Done in Rust so SQLite and PostgreSQL search the same way.
pub fn name_key(given: &str, family: &str) -> String {
    let mut key = fold(&format!("{family} {given}"));
    // "O'Brien" and "Smith-Jones" are also typed "obrien" and "smithjones".
    for part in [family, given] {
        let f = fold(part);
        if f.contains(' ') {
            key.push(' ');
            key.push_str(&f.replace(' ', ""));
        }
    }
    key
}

/// Control characters and bidirectional overrides can disguise a name on screen and in letters.
pub fn has_disallowed_chars(s: &str, multiline: bool) -> bool {
    s.chars().any(|c| {
        (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    })
}

pub fn fold(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_lowercase();
    let cleaned: String = ascii
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The details that decide whether two register entries are the same child.
pub struct Identity<'a> {
    pub given_names: &'a str,
    pub family_name: &'a str,
    /// None for a legacy entry imported without one: never the same as anything.
    pub date_of_birth: Option<chrono::NaiveDate>,
    pub postcode_key: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum EntryMatch {
    /// Same date of birth and the same names once accents, case and punctuation are folded.
    Same,
    /// Same date of birth and one name or the postcode in common: an officer must decide.
    Possible,
    Different,
}

/// s.436C: one entry per child. A parent's notification about a child already on the register is
/// linked to that entry rather than duplicated; anything less certain goes to an officer.
pub fn compare_entries(a: &Identity, b: &Identity) -> EntryMatch {
    let squash = |s: &str| fold(s).replace(' ', "");
    let first = |s: &str| fold(s).split(' ').next().unwrap_or_default().to_string();
    let same_family = squash(a.family_name) == squash(b.family_name);
    let same_names = same_family && squash(a.given_names) == squash(b.given_names);
    match (a.date_of_birth, b.date_of_birth) {
        (Some(x), Some(y)) if x == y => {}
        // A legacy entry without a date of birth: the same names are for an officer to decide.
        (None, _) | (_, None) if same_names && !a.family_name.is_empty() => {
            return EntryMatch::Possible
        }
        _ => return EntryMatch::Different,
    }
    if same_names {
        return EntryMatch::Same;
    }
    let same_first = first(a.given_names) == first(b.given_names);
    let same_postcode = !a.postcode_key.is_empty() && a.postcode_key == b.postcode_key;
    if same_family || same_first || same_postcode {
        EntryMatch::Possible
    } else {
        EntryMatch::Different
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_key_folds_accents_case_and_punctuation() {
        assert_eq!(
            name_key("Zoë-Ann", "O'Brien"),
            "o brien zoe ann obrien zoeann"
        );
        assert_eq!(name_key("Ada", "Byron"), "byron ada");
        assert!(has_disallowed_chars("A\u{202E}B", false));
        assert!(has_disallowed_chars("a\nb", false));
        assert!(!has_disallowed_chars("a\nb", true));
        assert!(!has_disallowed_chars("Siân O'Brien-Smith", false));
        assert_eq!(fold("  JOSÉ   "), "jose");
    }

    #[test]
    fn s436c_one_entry_per_child_matching() {
        let dob = chrono::NaiveDate::from_ymd_opt(2015, 3, 1).unwrap();
        let e = |g: &'static str, f: &'static str, pc: &'static str| Identity {
            given_names: g,
            family_name: f,
            date_of_birth: Some(dob),
            postcode_key: pc,
        };
        let on_register = e("Zoë-Ann", "O'Brien", "LS11AA");
        assert_eq!(
            compare_entries(&on_register, &e("zoe ann", "OBRIEN", "")),
            EntryMatch::Same
        );
        assert_eq!(
            compare_entries(&on_register, &e("Zoe", "Smith", "")),
            EntryMatch::Possible
        );
        assert_eq!(
            compare_entries(&on_register, &e("Amy", "Smith", "LS11AA")),
            EntryMatch::Possible
        );
        assert_eq!(
            compare_entries(&on_register, &e("Amy", "Smith", "LS22BB")),
            EntryMatch::Different
        );
        let other_day = Identity {
            date_of_birth: dob.succ_opt(),
            ..e("Zoë-Ann", "O'Brien", "LS11AA")
        };
        assert_eq!(
            compare_entries(&on_register, &other_day),
            EntryMatch::Different
        );
        // A legacy entry without a date of birth: the same names go to an officer.
        let undated = Identity {
            date_of_birth: None,
            ..e("Zoë-Ann", "O'Brien", "")
        };
        assert_eq!(
            compare_entries(&undated, &e("zoe ann", "OBRIEN", "")),
            EntryMatch::Possible
        );
        assert_eq!(
            compare_entries(&undated, &e("Amy", "OBRIEN", "LS11AA")),
            EntryMatch::Different
        );
    }

    #[test]
    fn s436b_conditions_are_all_labelled() {
        assert!(is_choice(ELIGIBILITY_CONDITIONS, "c_b"));
        assert!(!is_choice(ELIGIBILITY_CONDITIONS, "c_d"));
        assert_eq!(
            label(REASONS, "not_provided"),
            "The parent has not given a reason"
        );
    }
}

/// What an entry lacks of the details s.436C(1) requires the register to hold (the child's name,
/// date of birth and address), in the council's words, or None when it has them all. A legacy
/// register's row with gaps is still a child: it is kept, marked with this, rather than dropped.
pub fn missing_details(
    given_names: &str,
    family_name: &str,
    date_of_birth: Option<chrono::NaiveDate>,
    address_line_1: &str,
    town: &str,
    postcode: &str,
) -> Option<String> {
    let dob = if date_of_birth.is_some() { "known" } else { "" };
    let missing: Vec<&str> = [
        (given_names, "given name"),
        (family_name, "family name"),
        (dob, "date of birth"),
        (address_line_1, "address"),
        (town, "town"),
        (postcode, "postcode"),
    ]
    .into_iter()
    .filter(|(v, _)| v.trim().is_empty())
    .map(|(_, label)| label)
    .collect();
    (!missing.is_empty()).then(|| missing.join(", "))
}

#[cfg(test)]
mod s436c_tests {
    use super::missing_details;

    #[test]
    fn s436c_1_an_entry_without_a_name_part_or_address_part_says_what_is_missing() {
        let dob = chrono::NaiveDate::from_ymd_opt(2015, 12, 10);
        assert_eq!(
            missing_details(
                "Ada",
                "Lovelace",
                dob,
                "12 Station Road",
                "Demoton",
                "DT1 4AB"
            ),
            None
        );
        assert_eq!(
            missing_details("", "Lovelace", dob, "12 Station Road", " ", "DT1 4AB"),
            Some("given name, town".into())
        );
        assert_eq!(
            missing_details(
                "Ada",
                "Lovelace",
                None,
                "12 Station Road",
                "Demoton",
                "DT1 4AB"
            ),
            Some("date of birth".into())
        );
    }
}
