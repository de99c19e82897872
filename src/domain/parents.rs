//! Who may be a parent on a child's record. Being on the record is what gives a person the
//! record's contents and the notices the council serves (a parent under EA 1996 s.576, whose
//! name and address the register holds under s.436C(2)(c)), so a claim to be a parent is only
//! believed at once where it cannot reach anything the claimant did not send.

crate::text_enum! {
    /// Where a claim to be a child's parent stands.
    pub enum ClaimStatus {
        Awaiting = "awaiting" => "Waiting for an officer to check",
        Confirmed = "confirmed" => "Confirmed as a parent",
        Rejected = "rejected" => "Not confirmed",
    }
}

/// Who told the council that a person is a child's parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParentSource {
    /// An officer, or the council's own data.
    Council,
    /// A parent telling the council about a child not yet on the register.
    ParentAboutNewEntry,
    /// A parent telling the council about a child already on the register.
    ParentAboutExistingEntry,
    /// A school's deletion return (with a parent's email from an application for consent).
    School,
}

/// Whether a parent named by `source` must wait for an officer before they go on the record.
///
/// s.436C(2)(c): the register holds the parents' names and addresses; s.436D and s.436H serve
/// requests and notices on them. A person who says they are the parent of a child already on the
/// register could otherwise read where a child lives who may be hidden from them, so they wait
/// for an officer, as does an email address that reaches the council through a school. A parent
/// telling the council about a new child sees only the entry made from what they sent.
pub fn needs_officer_confirmation(source: ParentSource, has_email: bool) -> bool {
    match source {
        ParentSource::Council | ParentSource::ParentAboutNewEntry => false,
        ParentSource::ParentAboutExistingEntry => true,
        ParentSource::School => has_email,
    }
}

/// Whether a confirmed claim fills in the email of a parent already on the record (same name,
/// no email yet) rather than adding a second row for the same person.
pub fn fills_in_parent(
    on_record: (&str, &str, Option<&str>),
    claimed: (&str, &str, Option<&str>),
) -> bool {
    use super::register::fold;
    on_record.2.is_none()
        && claimed.2.is_some()
        && fold(on_record.0) == fold(claimed.0)
        && fold(on_record.1) == fold(claimed.1)
}

/// An email address with most of the part before the @ hidden ("s****h@example.com"), to show
/// a parent where a code went without showing the whole address to whoever holds the screen.
pub fn masked_email(email: &str) -> String {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return "your email address".into();
    };
    let chars: Vec<char> = local.chars().collect();
    let shown = match chars.len() {
        0 => String::new(),
        1 | 2 => format!("{}{}", chars[0], "*".repeat(chars.len() - 1)),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    };
    format!("{shown}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_email_keeps_the_domain_and_the_ends_of_the_name() {
        assert_eq!(masked_email("sarah@example.com"), "s***h@example.com");
        assert_eq!(masked_email("jo@example.com"), "j*@example.com");
        assert_eq!(masked_email("a@b.uk"), "a@b.uk");
        assert_eq!(
            masked_email("zoë.o'neil@example.com"),
            "z********l@example.com"
        );
        assert_eq!(masked_email("nonsense"), "your email address");
    }

    #[test]
    fn s436c_a_parent_of_a_child_already_on_the_register_waits_for_an_officer() {
        assert!(needs_officer_confirmation(
            ParentSource::ParentAboutExistingEntry,
            true
        ));
        assert!(needs_officer_confirmation(
            ParentSource::ParentAboutExistingEntry,
            false
        ));
    }

    #[test]
    fn s436c_a_parent_telling_us_about_a_new_child_is_on_its_entry() {
        assert!(!needs_officer_confirmation(
            ParentSource::ParentAboutNewEntry,
            true
        ));
        assert!(!needs_officer_confirmation(ParentSource::Council, true));
    }

    #[test]
    fn s436c_an_email_from_a_school_return_waits_but_the_name_does_not() {
        assert!(needs_officer_confirmation(ParentSource::School, true));
        assert!(!needs_officer_confirmation(ParentSource::School, false));
    }

    #[test]
    fn s436c_a_confirmed_email_fills_in_the_same_parent() {
        assert!(fills_in_parent(
            ("Zoë", "O'Brien", None),
            ("zoe", "O’Brien", Some("z@example.com"))
        ));
        assert!(!fills_in_parent(
            ("Zoë", "O'Brien", Some("old@example.com")),
            ("zoe", "O’Brien", Some("z@example.com"))
        ));
        assert!(!fills_in_parent(
            ("Amy", "O'Brien", None),
            ("Zoe", "OBrien", Some("z@example.com"))
        ));
    }
}
