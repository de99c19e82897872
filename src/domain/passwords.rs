//! What an officer's new password must be. NCSC and NIST SP 800-63B: long, not guessable (zxcvbn
//! scores it against common passwords, names and patterns, and the person's own details), no
//! composition rules, no forced expiry.

/// Shortest and longest passwords taken.
pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// Why a new password is not taken, as a message for the page; None when it is.
pub fn refuse_new(new: &str, current: &str, about_the_person: &[&str]) -> Option<String> {
    let len = new.chars().count();
    if len < MIN_LENGTH {
        return Some(format!(
            "Password must be {MIN_LENGTH} characters or more. Three random words make a strong one"
        ));
    }
    if len > MAX_LENGTH {
        return Some(format!("Password must be {MAX_LENGTH} characters or fewer"));
    }
    if new == current {
        return Some("Choose a password you have not used for this account".into());
    }
    let e = zxcvbn::zxcvbn(new, about_the_person);
    if u8::from(e.score()) < 3 {
        let why = e
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!("{w} "))
            .unwrap_or_default();
        return Some(format!(
            "{why}Choose a password that is harder to guess: three random words make a strong one"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_common_or_personal_password_is_refused() {
        assert!(refuse_new("short", "x", &[]).is_some());
        assert!(refuse_new("password1234", "x", &[]).is_some());
        assert!(refuse_new("qwertyuiop123", "x", &[]).is_some());
        assert!(refuse_new(
            "ana.officer@council.example",
            "x",
            &["ana.officer@council.example"]
        )
        .is_some());
        assert!(refuse_new("same old password here", "same old password here", &[]).is_some());
        assert!(refuse_new(&"a".repeat(200), "x", &[]).is_some());
    }

    #[test]
    fn three_random_words_are_taken() {
        assert_eq!(refuse_new("correct lantern galaxy ferret", "x", &[]), None);
    }
}
