//! GOV.UK Design System components (https://design-system.service.gov.uk/components/).
use maud::{html, Markup};

/// Field errors in page order: (field id, message).
#[derive(Default, Debug, Clone)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn add(&mut self, field: &str, msg: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field.to_string(), msg.into()));
        }
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(token); }
}

pub fn error_summary(errors: &Errors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        ul class="govuk-list govuk-error-summary__list" {
                            @for (field, msg) in &errors.0 {
                                li { a href={ "#" (field) } { (msg) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn error_message(id: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error {
            p id={ (id) "-error" } class="govuk-error-message" {
                span class="govuk-visually-hidden" { "Error:" } " " (e)
            }
        }
    }
}

pub fn describedby(id: &str, hint: Option<&str>, error: Option<&str>) -> Option<String> {
    let mut parts = vec![];
    if hint.is_some() {
        parts.push(format!("{id}-hint"));
    }
    if error.is_some() {
        parts.push(format!("{id}-error"));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

pub struct Input<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub width: &'a str,
    pub autocomplete: Option<&'a str>,
    pub input_type: &'a str,
    pub spellcheck: bool,
}

impl<'a> Input<'a> {
    pub fn new(id: &'a str, label: &'a str, value: &'a str) -> Self {
        Input {
            id,
            label,
            value,
            hint: None,
            error: None,
            width: "",
            autocomplete: None,
            input_type: "text",
            spellcheck: true,
        }
    }
    pub fn hint(mut self, h: &'a str) -> Self {
        self.hint = Some(h);
        self
    }
    pub fn error(mut self, e: Option<&'a str>) -> Self {
        self.error = e;
        self
    }
    pub fn width(mut self, w: &'a str) -> Self {
        self.width = w;
        self
    }
    pub fn autocomplete(mut self, a: &'a str) -> Self {
        self.autocomplete = Some(a);
        self
    }
    pub fn kind(mut self, t: &'a str) -> Self {
        self.input_type = t;
        self
    }
    pub fn no_spellcheck(mut self) -> Self {
        self.spellcheck = false;
        self
    }
    pub fn render(&self) -> Markup {
        let class = format!(
            "govuk-input{}{}",
            if self.width.is_empty() {
                String::new()
            } else {
                format!(" govuk-input--width-{}", self.width)
            },
            if self.error.is_some() {
                " govuk-input--error"
            } else {
                ""
            }
        );
        html! {
            div class={ "govuk-form-group" @if self.error.is_some() { " govuk-form-group--error" } } {
                label class="govuk-label" for=(self.id) { (self.label) }
                @if let Some(h) = self.hint { div id={ (self.id) "-hint" } class="govuk-hint" { (h) } }
                (error_message(self.id, self.error))
                input class=(class) id=(self.id) name=(self.id) type=(self.input_type) value=(self.value)
                    autocomplete=[self.autocomplete] spellcheck=[(!self.spellcheck).then_some("false")]
                    aria-describedby=[describedby(self.id, self.hint, self.error)];
            }
        }
    }
}

pub fn textarea(
    id: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for=(id) { (label) }
            @if let Some(h) = hint { div id={ (id) "-hint" } class="govuk-hint" { (h) } }
            (error_message(id, error))
            textarea class={ "govuk-textarea" @if error.is_some() { " govuk-textarea--error" } } id=(id) name=(id) rows="4"
                aria-describedby=[describedby(id, hint, error)] { (value) }
        }
    }
}

/// A file chooser (GOV.UK file upload); its form must be sent as `multipart/form-data`.
pub fn file_upload(
    id: &str,
    label: &str,
    accept: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label govuk-label--s" for=(id) { (label) }
            @if let Some(h) = hint { div id={ (id) "-hint" } class="govuk-hint" { (h) } }
            (error_message(id, error))
            input class={ "govuk-file-upload" @if error.is_some() { " govuk-file-upload--error" } } id=(id) name=(id) type="file" accept=(accept)
                aria-describedby=[describedby(id, hint, error)];
        }
    }
}

/// Day, month and year as three fields; `id` is the fieldset's id and the prefix of the parts.
pub fn date_input(
    id: &str,
    legend: &str,
    value: (&str, &str, &str),
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let err = if error.is_some() {
        " govuk-input--error"
    } else {
        ""
    };
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" role="group" aria-describedby=[describedby(id, hint, error)] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @if let Some(h) = hint { div id={ (id) "-hint" } class="govuk-hint" { (h) } }
                (error_message(id, error))
                div class="govuk-date-input" id=(id) {
                    @for (part, label, width, v) in [("day", "Day", 2, value.0), ("month", "Month", 2, value.1), ("year", "Year", 4, value.2)] {
                        div class="govuk-date-input__item" {
                            div class="govuk-form-group" {
                                label class="govuk-label govuk-date-input__label" for={ (id) "-" (part) } { (label) }
                                input class={ "govuk-input govuk-date-input__input govuk-input--width-" (width) (err) }
                                    id={ (id) "-" (part) } name={ (id) "-" (part) } type="text" inputmode="numeric" value=(v);
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn select<C: AsRef<str>, T: AsRef<str>>(
    id: &str,
    label: &str,
    choices: &[(C, T)],
    selected: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for=(id) { (label) }
            @if let Some(h) = hint { div id={ (id) "-hint" } class="govuk-hint" { (h) } }
            (error_message(id, error))
            select class={ "govuk-select" @if error.is_some() { " govuk-select--error" } } id=(id) name=(id) aria-describedby=[describedby(id, hint, error)] {
                @if !choices.iter().any(|(c, _)| c.as_ref() == selected) { option value="" selected { "Choose…" } }
                @for (code, text) in choices {
                    option value=(code.as_ref()) selected[code.as_ref() == selected] { (text.as_ref()) }
                }
            }
        }
    }
}

pub fn radios(
    id: &str,
    legend: &str,
    choices: &[(&'static str, &'static str)],
    selected: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[describedby(id, hint, error)] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @if let Some(h) = hint { div id={ (id) "-hint" } class="govuk-hint" { (h) } }
                (error_message(id, error))
                div class="govuk-radios govuk-radios--small" data-module="govuk-radios" {
                    @for (i, (code, text)) in choices.iter().enumerate() {
                        @let item_id = if i == 0 { id.to_string() } else { format!("{id}-{i}") };
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(item_id) name=(id) type="radio" value=(code) checked[*code == selected];
                            label class="govuk-label govuk-radios__label" for=(item_id) { (text) }
                        }
                    }
                }
            }
        }
    }
}

/// GOV.UK pagination: links to the previous and next pages, where there are any.
pub fn pagination(prev: Option<&str>, next: Option<&str>) -> Markup {
    html! {
        @if prev.is_some() || next.is_some() {
            nav class="govuk-pagination govuk-pagination--block" aria-label="Pages" {
                @if let Some(href) = prev { div class="govuk-pagination__prev" { a class="govuk-link govuk-pagination__link" href=(href) rel="prev" { span class="govuk-pagination__link-title" { "Previous" span class="govuk-visually-hidden" { " page" } } } } }
                @if let Some(href) = next { div class="govuk-pagination__next" { a class="govuk-link govuk-pagination__link" href=(href) rel="next" { span class="govuk-pagination__link-title" { "Next" span class="govuk-visually-hidden" { " page" } } } } }
            }
        }
    }
}

pub fn checkbox(id: &str, label: &str, checked: bool) -> Markup {
    html! {
        div class="govuk-form-group" {
            div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                div class="govuk-checkboxes__item" {
                    input class="govuk-checkboxes__input" id=(id) name=(id) type="checkbox" value="yes" checked[checked];
                    label class="govuk-label govuk-checkboxes__label" for=(id) { (label) }
                }
            }
        }
    }
}

/// A table in a region that scrolls sideways on a narrow screen (WCAG 1.4.10), named for screen
/// readers and reachable by keyboard, with its caption, header row and body rows.
pub fn scrolling_table(label: &str, headers: &[&str], rows: Markup) -> Markup {
    html! {
        div class="cnis-table-scroll" role="region" aria-label=(label) tabindex="0" { table class="govuk-table" {
            (table_head(label, headers))
            tbody class="govuk-table__body" { (rows) }
        } }
    }
}

/// A table's visually hidden caption and its header row.
pub fn table_head(caption: &str, headers: &[&str]) -> Markup {
    html! {
        caption class="govuk-table__caption govuk-visually-hidden" { (caption) }
        thead class="govuk-table__head" { tr class="govuk-table__row" {
            @for h in headers { th scope="col" class="govuk-table__header" { (h) } }
        }}
    }
}

pub fn button(text: &str) -> Markup {
    html! { button type="submit" class="govuk-button" data-module="govuk-button" { (text) } }
}

pub fn secondary_button(text: &str) -> Markup {
    html! { button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { (text) } }
}

pub fn back_link(href: &str) -> Markup {
    html! { a href=(href) class="govuk-back-link" { "Back" } }
}

pub fn tag(text: &str, colour: &str) -> Markup {
    html! { strong class={ "govuk-tag govuk-tag--" (colour) } { (text) } }
}

pub fn success_banner(message: &str) -> Markup {
    html! {
        div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner" {
            div class="govuk-notification-banner__header" {
                h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title" { "Success" }
            }
            div class="govuk-notification-banner__content" {
                p class="govuk-notification-banner__heading" { (message) }
            }
        }
    }
}

/// A summary list row: key, value, optional change link (href, visually hidden text).
pub fn summary_row(key: &str, value: Markup, change: Option<(&str, &str)>) -> Markup {
    html! {
        div class="govuk-summary-list__row" {
            dt class="govuk-summary-list__key" { (key) }
            dd class="govuk-summary-list__value" { (value) }
            @if let Some((href, hidden)) = change {
                dd class="govuk-summary-list__actions" {
                    a class="govuk-link" href=(href) { "Change" span class="govuk-visually-hidden" { " " (hidden) } }
                }
            }
        }
    }
}

/// A link a summary row or card offers: (href, text, what it is about for screen readers).
pub type Action<'a> = (&'a str, &'a str, &'a str);

/// A summary list row with more than one action (GOV.UK's actions list).
pub fn summary_row_actions(key: &str, value: Markup, actions: &[Action]) -> Markup {
    html! {
        div class="govuk-summary-list__row" {
            dt class="govuk-summary-list__key" { (key) }
            dd class="govuk-summary-list__value" { (value) }
            dd class="govuk-summary-list__actions" {
                ul class="govuk-summary-list__actions-list" {
                    @for (href, text, hidden) in actions {
                        li class="govuk-summary-list__actions-list-item" {
                            a class="govuk-link" href=(href) { (text) span class="govuk-visually-hidden" { " " (hidden) } }
                        }
                    }
                }
            }
        }
    }
}

/// A GOV.UK summary card: a titled list with its own actions, for one of several like things.
pub fn summary_card(title: &str, actions: &[Action], rows: Markup) -> Markup {
    html! {
        div class="govuk-summary-card" {
            div class="govuk-summary-card__title-wrapper" {
                h3 class="govuk-summary-card__title" { (title) }
                ul class="govuk-summary-card__actions" {
                    @for (href, text, hidden) in actions {
                        li class="govuk-summary-card__action" {
                            a class="govuk-link" href=(href) { (text) span class="govuk-visually-hidden" { " " (hidden) } }
                        }
                    }
                }
            }
            div class="govuk-summary-card__content" {
                dl class="govuk-summary-list" { (rows) }
            }
        }
    }
}

pub fn or_not_given(v: Option<&str>) -> Markup {
    html! {
        @match v.filter(|s| !s.trim().is_empty()) {
            Some(s) => (s),
            None => span class="govuk-hint cnis-inline-hint" { "Not given" },
        }
    }
}

/// GOV.UK warning text: the message, then a link to where the page says more.
pub fn warning_text(message: &str, (href, link): (&str, &str)) -> Markup {
    html! {
        div class="govuk-warning-text" {
            span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
            strong class="govuk-warning-text__text" {
                span class="govuk-visually-hidden" { "Warning" }
                (message) " "
                a class="govuk-link" href=(href) { (link) }
            }
        }
    }
}

/// Where a saved question flow picks up: its first page, the first page still to answer, or the
/// check-your-answers page when every answer is in.
pub enum Resume<'a> {
    Start(&'a str),
    Continue(&'a str),
    Check(&'a str),
}

/// The start page's button for a question flow that saves as it goes.
pub fn resume_button(r: Resume) -> Markup {
    let (href, text, start) = match r {
        Resume::Start(h) => (h, "Start now", true),
        Resume::Continue(h) => (h, "Continue where you left off", false),
        Resume::Check(h) => (h, "Check your answers", false),
    };
    html! {
        a href=(href) role="button" draggable="false" class={ "govuk-button" @if start { " govuk-button--start" } } data-module="govuk-button" { (text) }
    }
}

/// A pair's match probability as officers read it. A pair that shares a UPN or NHS number is
/// decided by the number, so it says so rather than show "100%" beside a reason for doubt.
pub fn match_probability(link: &crate::store::matches::Link) -> String {
    if let Some(id) = link.shared_identifier() {
        return format!("Not used: same {id}");
    }
    let p = link.score;
    if p >= 0.9995 {
        "over 99.9%".into()
    } else if p < 0.001 {
        "under 0.1%".into()
    } else {
        format!("{:.1}%", p * 100.0)
    }
}
