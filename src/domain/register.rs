//! The register's vocabulary: what each coded field may hold, in the council's words.
//! EA 1996 s.436B (eligibility), s.436C (content), DfE EHE census reason categories.

pub type Choices = &'static [(&'static str, &'static str)];

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

pub const ADDRESS_KINDS: Choices = &[
    ("current", "Home address"),
    (
        "additional",
        "Additional address (the child also lives here)",
    ),
    (
        "previous",
        "Previous address (at the home address less than 12 months)",
    ),
];

pub const SOURCES: Choices = &[
    ("officer", "Entered by an officer"),
    ("parent", "From a parent"),
    ("school", "From a school"),
    ("import", "Imported"),
    ("demo", "Demo data"),
];

pub fn label(choices: Choices, code: &str) -> &'static str {
    choices
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("Unknown")
}

pub fn is_choice(choices: Choices, code: &str) -> bool {
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
    fn s436b_conditions_are_all_labelled() {
        assert!(is_choice(ELIGIBILITY_CONDITIONS, "c_b"));
        assert!(!is_choice(ELIGIBILITY_CONDITIONS, "c_d"));
        assert_eq!(
            label(REASONS, "not_provided"),
            "The parent has not given a reason"
        );
    }
}
