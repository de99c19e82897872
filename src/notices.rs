//! Statutory notices rendered to PDF in-process (printpdf, the PDF base-14 Helvetica, so no font
//! file is needed). The wording comes from `templates/notices/`, versioned; the PDF made when a
//! notice is served is stored and never changed (law.md §6.5).
use printpdf::{BuiltinFont, Mm, PdfDocument};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 20.0;
const SIZE: f32 = 11.0;
const TITLE_SIZE: f32 = 15.0;
/// Line height in millimetres for 11 pt text.
const LINE: f32 = 5.4;
/// Helvetica at 11 pt averages about 5.3 pt a character: 170 mm holds about 88.
const WIDTH_CHARS: usize = 86;

/// The built-in fonts carry Windows-1252 (WinAnsi) only: anything outside it is shown as "?"
/// rather than as the wrong letter. Names outside Latin-1 are kept exactly in the database and
/// in the stored text of the notice.
fn winansi(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c,
            '‘' | '’' | '“' | '”' | '–' | '—' | '•' | '…' | '€' => c,
            '\t' => ' ',
            _ => '?',
        })
        .collect()
}

/// Lays the title and body out on A4 pages and returns the PDF bytes.
pub fn render_pdf(title: &str, body: &str) -> anyhow::Result<Vec<u8>> {
    let (doc, page, layer) = PdfDocument::new(winansi(title), Mm(PAGE_W), Mm(PAGE_H), "text");
    let regular = doc
        .add_builtin_font(BuiltinFont::Helvetica)
        .map_err(|e| anyhow::anyhow!("font: {e}"))?;
    let bold = doc
        .add_builtin_font(BuiltinFont::HelveticaBold)
        .map_err(|e| anyhow::anyhow!("font: {e}"))?;
    let mut current = doc.get_page(page).get_layer(layer);
    let mut y = PAGE_H - MARGIN;
    current.use_text(winansi(title), TITLE_SIZE, Mm(MARGIN), Mm(y), &bold);
    y -= LINE * 2.0;
    let mut pages = 1;
    for paragraph in body.lines() {
        let lines: Vec<String> = if paragraph.trim().is_empty() {
            vec![String::new()]
        } else {
            textwrap::wrap(&winansi(paragraph), WIDTH_CHARS)
                .into_iter()
                .map(|l| l.into_owned())
                .collect()
        };
        for line in lines {
            if y < MARGIN + LINE {
                pages += 1;
                let (p, l) = doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "text");
                current = doc.get_page(p).get_layer(l);
                y = PAGE_H - MARGIN;
                current.use_text(
                    format!("{} (page {pages})", winansi(title)),
                    9.0,
                    Mm(MARGIN),
                    Mm(y),
                    &regular,
                );
                y -= LINE * 2.0;
            }
            if !line.is_empty() {
                current.use_text(line, SIZE, Mm(MARGIN), Mm(y), &regular);
            }
            y -= LINE;
        }
    }
    doc.save_to_bytes()
        .map_err(|e| anyhow::anyhow!("saving the PDF: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_renders_to_a_pdf_and_long_text_runs_onto_more_pages() {
        let short = render_pdf("Notice of decision", "One line.").unwrap();
        assert!(short.starts_with(b"%PDF-"));
        // 60 paragraphs of two lines and a blank: 180 lines at about 47 a page.
        let body = "A paragraph of the notice that is long enough to wrap onto a second line of the page when it is laid out.\n\n".repeat(60);
        let long = render_pdf("Notice of decision", &body).unwrap();
        let text = String::from_utf8_lossy(&long);
        assert!(text.contains("/Count 4"), "four pages");
        assert_eq!(text.matches("/Type/Page/").count(), 4);
        assert!(
            String::from_utf8_lossy(&short).contains("/Count 1"),
            "one page"
        );
    }

    #[test]
    fn characters_the_font_cannot_show_become_question_marks() {
        assert_eq!(winansi("Zoë O’Neil"), "Zoë O’Neil");
        assert_eq!(winansi("Łukasz 李"), "?ukasz ?");
    }
}
