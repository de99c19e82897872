//! Files the council downloads and opens in a spreadsheet.

use std::borrow::Cow;

/// A CSV cell that a spreadsheet will show as text, never run: a value starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice, so it gets a
/// leading apostrophe (OWASP's advice on CSV injection). Officers' reasons and imported names
/// reach these files.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_everything_else_is_untouched() {
        for f in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(f), format!("'{f}"));
        }
        for plain in ["", "Ada", "2026-12-01", "a=b", "1-2"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }
}
