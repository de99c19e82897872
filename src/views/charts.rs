//! Charts drawn on the server as SVG, with no script: each is an image with a text alternative,
//! and its figures are given as a table beside it (WCAG 1.1.1), so no one needs the picture.
use maud::{html, Markup};

/// GOV.UK's blue and text colours.
const BAR: &str = "#1d70b8";
const SECOND: &str = "#f47738";
const TEXT: &str = "#0b0c0c";

/// A chart beside its table, in a summary that says what the chart shows in words. A long table
/// folds away under a "details" so the page stays short on a phone.
pub fn figure(
    id: &str,
    title: &str,
    summary: &str,
    chart: Markup,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Markup {
    html! {
        section class="cnis-chart" aria-labelledby={ (id) "-title" } {
            h2 class="govuk-heading-m" id={ (id) "-title" } { (title) }
            p class="govuk-body" id={ (id) "-summary" } { (summary) }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-half" { (chart) }
                div class="govuk-grid-column-one-half" {
                    @if rows.len() > 12 {
                        details class="govuk-details" {
                            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "The figures (" (rows.len()) " rows)" } }
                            div class="govuk-details__text" { (figures_table(title, headers, rows)) }
                        }
                    } @else {
                        (figures_table(title, headers, rows))
                    }
                }
            }
        }
    }
}

/// The figures behind a chart as a GOV.UK table: the first column names the row.
fn figures_table(title: &str, headers: &[&str], rows: &[Vec<String>]) -> Markup {
    html! {
        div class="cnis-table-scroll" role="region" aria-label={ (title) ": figures" } tabindex="0" {
            table class="govuk-table govuk-table--small-text-until-tablet" {
                caption class="govuk-table__caption govuk-visually-hidden" { (title) }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    @for (i, h) in headers.iter().enumerate() {
                        th scope="col" class={ "govuk-table__header" @if i > 0 { " govuk-table__header--numeric" } } { (h) }
                    }
                } }
                tbody class="govuk-table__body" {
                    @for row in rows {
                        tr class="govuk-table__row" {
                            @for (i, cell) in row.iter().enumerate() {
                                @if i == 0 { th scope="row" class="govuk-table__header govuk-!-font-weight-regular" { (cell) } }
                                @else { td class="govuk-table__cell govuk-table__cell--numeric" { (cell) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Horizontal bars, one per row, each labelled above its bar so long labels fit a narrow screen.
pub fn bars(id: &str, rows: &[(String, i64)]) -> Markup {
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let step = 40.0;
    let height = (rows.len() as f64 * step).max(step);
    html! {
        svg class="cnis-chart__svg" viewBox={ "0 0 300 " (height) } width="100%" role="img" aria-labelledby={ (id) "-title " (id) "-summary" } {
            @for (i, (label, n)) in rows.iter().enumerate() {
                @let y = i as f64 * step;
                @let w = (*n as f64 / max * 250.0).max(if *n > 0 { 1.0 } else { 0.0 });
                text x="0" y={ (y + 12.0) } font-size="11" fill=(TEXT) { (label) }
                rect x="0" y={ (y + 16.0) } width=(format!("{w:.1}")) height="16" fill=(BAR) {}
                text x={ (w + 4.0) } y={ (y + 29.0) } font-size="11" fill=(TEXT) { (n) }
            }
        }
    }
}

/// Paired columns per period (for example joined and left), in two colours with a key.
pub fn paired_columns(id: &str, rows: &[(String, i64, i64)], names: (&str, &str)) -> Markup {
    let max = rows
        .iter()
        .map(|(_, a, b)| (*a).max(*b))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = rows.len().max(1) as f64;
    let slot = 280.0 / n;
    html! {
        svg class="cnis-chart__svg" viewBox="0 0 300 190" width="100%" role="img" aria-labelledby={ (id) "-title " (id) "-summary" } {
            rect x="0" y="0" width="10" height="10" fill=(BAR) {}
            text x="14" y="9" font-size="11" fill=(TEXT) { (names.0) }
            rect x="110" y="0" width="10" height="10" fill=(SECOND) {}
            text x="124" y="9" font-size="11" fill=(TEXT) { (names.1) }
            @for (i, (label, a, b)) in rows.iter().enumerate() {
                @let x = 10.0 + i as f64 * slot;
                @let (ha, hb) = (*a as f64 / max * 140.0, *b as f64 / max * 140.0);
                rect x=(format!("{x:.1}")) y=(format!("{:.1}", 165.0 - ha)) width=(format!("{:.1}", slot * 0.4)) height=(format!("{ha:.1}")) fill=(BAR) {}
                rect x=(format!("{:.1}", x + slot * 0.4)) y=(format!("{:.1}", 165.0 - hb)) width=(format!("{:.1}", slot * 0.4)) height=(format!("{hb:.1}")) fill=(SECOND) {}
                @if i % 3 == 0 { text x=(format!("{x:.1}")) y="182" font-size="10" fill=(TEXT) { (label) } }
            }
        }
    }
}

/// A line through the points, with the first and last dates and the highest and lowest values
/// marked.
pub fn line(id: &str, points: &[(String, i64)]) -> Markup {
    let (lo, hi) = points
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let (lo, hi) = if points.is_empty() {
        (0, 1)
    } else {
        (lo, hi.max(lo + 1))
    };
    let n = points.len().saturating_sub(1).max(1) as f64;
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let x = 40.0 + i as f64 / n * 250.0;
            let y = 150.0 - (*v - lo) as f64 / (hi - lo) as f64 * 130.0;
            format!("{x:.1},{y:.1}")
        })
        .collect();
    html! {
        svg class="cnis-chart__svg" viewBox="0 0 300 180" width="100%" role="img" aria-labelledby={ (id) "-title " (id) "-summary" } {
            text x="0" y="24" font-size="11" fill=(TEXT) { (hi) }
            text x="0" y="152" font-size="11" fill=(TEXT) { (lo) }
            line x1="40" y1="150" x2="290" y2="150" stroke=(TEXT) stroke-width="1" {}
            polyline points=(path.join(" ")) fill="none" stroke=(BAR) stroke-width="2.5" {}
            @if let (Some(first), Some(last)) = (points.first(), points.last()) {
                text x="40" y="170" font-size="10" fill=(TEXT) { (first.0) }
                text x="290" y="170" font-size="10" fill=(TEXT) text-anchor="end" { (last.0) }
            }
        }
    }
}
