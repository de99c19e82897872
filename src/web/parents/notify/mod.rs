//! A parent tells the council that children are being educated otherwise than at school and gives
//! the s.436C(1) information (EA 1996 s.436D(1)): one question per page, saved after every page,
//! several children without typing the parents twice, then check answers and one submission.
use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

pub(super) mod answers;

use crate::clock::{fmt_date, today};
use crate::db::now;
use crate::domain::prescribed::{Answer, Ethnicity, Prescribed};
use crate::domain::register::*;
use crate::domain::school_age::{self, SchoolAgeStatus};
use crate::error::{AppError, AppResult};
use crate::store::children::{self, Address, Child, Parent, Provider};
use crate::store::notifications::{self, NotifiedChild, Outcome};
use crate::store::{audit, parent_access};
use crate::views::*;
use crate::web::fields::{
    address_inputs, provider_fields, read_address, read_parent, read_provider, AddressForm,
};
use crate::web::forms::*;
use crate::web::parents::session::{page, parent_session, ParentSession};
use crate::web::{csrf_for, see_other, AppState};
use answers::{Answers, Step};

const YES_NO: Choices = &[("yes", "Yes"), ("no", "No")];
const PREFER_NOT: (&str, &str) = ("prefer_not", "Prefer not to say");

/// Ways of educating a parent can choose; "not known" is for officers.
fn parent_arrangements() -> Vec<(&'static str, &'static str)> {
    ARRANGEMENTS
        .iter()
        .copied()
        .filter(|(c, _)| *c != "not_known")
        .collect()
}

fn with_prefer_not(choices: Choices, skip: &str) -> Vec<(&'static str, &'static str)> {
    choices
        .iter()
        .copied()
        .filter(|(c, _)| *c != skip)
        .chain([PREFER_NOT])
        .collect()
}

/// A parent's choices for an s.436C(2) question: every answer but "Not known" (which is what
/// leaving it means), "Prefer not to say" last.
fn parent_choices(choices: Choices) -> Vec<(&'static str, &'static str)> {
    choices
        .iter()
        .copied()
        .filter(|(c, _)| *c != "not_known")
        .collect()
}

fn yes_no(f: &FormData, id: &str, message: &str, errors: &mut Errors) -> Option<bool> {
    match f.get(id) {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add(id, message);
            None
        }
    }
}

/// The child's date of birth, checked against s.8 compulsory school age. A child outside it is
/// not "eligible" under s.436B (condition B), so say why instead of taking the notification.
fn read_dob(f: &FormData, name: &str, on: NaiveDate, errors: &mut Errors) -> Option<NaiveDate> {
    let dob = parse_date(
        f,
        "date_of_birth",
        &format!("{name}'s date of birth"),
        true,
        errors,
    )?;
    if dob > on {
        errors.add("date_of_birth", "The date of birth must be in the past");
        return None;
    }
    match school_age::status_on(dob, on) {
        SchoolAgeStatus::CompulsorySchoolAge => Some(dob),
        SchoolAgeStatus::BelowCompulsorySchoolAge => {
            errors.add("date_of_birth", format!("{name} is not of compulsory school age yet. It starts on {}, so you do not need to tell us until then (Education Act 1996, section 8). Check the date if this is wrong.", fmt_date(school_age::csa_start(dob))));
            None
        }
        SchoolAgeStatus::OverCompulsorySchoolAge => {
            errors.add("date_of_birth", format!("{name} is over compulsory school age: it ended on {}, so the register does not apply (Education Act 1996, section 8). Check the date if this is wrong.", fmt_date(school_age::csa_end(dob))));
            None
        }
    }
}

/// Hours taught by others with nobody named who teaches them contradict each other
/// (s.436C(1)(e)–(f)): ask which is right.
fn others_without_educators(f: &FormData, a: &Answers, n: usize, name: &str, e: &mut Errors) {
    let time = a.page(Step::Time(n));
    let hours = time.get("other_hours").trim();
    let taught = hours.parse::<f64>().is_ok_and(|h| h > 0.0);
    let named = a.children.get(n).is_some_and(|c| !c.providers.is_empty());
    if f.get("more") == "no" && taught && !named {
        e.add(
            "more",
            format!("You said {name} is taught for {hours} hours a week by someone other than a parent. Select yes and tell us who, or go back and change the hours to 0"),
        );
    }
}

/// Checks one page's answers; the same rules run when the page is posted and before sending.
fn check(step: Step, f: &FormData, a: &Answers, on: NaiveDate) -> Errors {
    let mut e = Errors::default();
    let name = step.child().map(|n| a.child_name(n)).unwrap_or_default();
    match step {
        Step::You => check_you(f, &mut e),
        Step::YourAddress => {
            read_address(f, &mut e);
        }
        Step::Name(_) => {
            text(f, "given_names", "the child's first names", 100, &mut e);
            text(f, "family_name", "the child's last name", 100, &mut e);
        }
        Step::DateOfBirth(_) => {
            read_dob(f, &name, on, &mut e);
        }
        Step::Address(_) => {
            yes_no(
                f,
                "same_as_yours",
                &format!("Select yes if {name} lives at your address"),
                &mut e,
            );
        }
        Step::PreviousAddress(_) => {
            yes_no(
                f,
                "long_enough",
                &format!("Select yes if {name} has lived at this address for 12 months or more"),
                &mut e,
            );
        }
        Step::HomeAddress(_) | Step::EarlierAddress(_) => {
            read_address(f, &mut e);
        }
        Step::Education(_) => check_education(f, &name, on, &mut e),
        Step::Time(_) => check_time(f, &mut e),
        Step::OtherEducators(_) | Step::Children | Step::OtherParents => {
            let msg = match step {
                Step::OtherEducators(_) => format!("Select yes if anyone else educates {name}"),
                Step::Children => "Select yes if you need to tell us about another child".into(),
                _ => "Select yes if there is another parent".into(),
            };
            yes_no(f, "more", &msg, &mut e);
            if let Step::OtherEducators(n) = step {
                others_without_educators(f, a, n, &name, &mut e);
            }
        }
        Step::Provider(..) => {
            read_provider(f, &mut e);
        }
        Step::Optional(_) => check_optional(f, &mut e),
        Step::OtherParent(_) | Step::OtherParentContact(_) => {
            let mut all = Errors::default();
            read_parent(f, "", &mut all);
            let mine = if matches!(step, Step::OtherParent(_)) {
                OTHER_PARENT_NAME
            } else {
                OTHER_PARENT_CONTACT
            };
            for (field, msg) in all.0 {
                if mine.contains(&field.as_str()) {
                    e.add(&field, msg);
                }
            }
        }
        Step::OtherParentRole(_) => {
            let who = other_parent_name(&a.page(step));
            for (id, _, message) in other_parent_role(&who) {
                yes_no(f, id, &message, &mut e);
            }
        }
        Step::Check => {}
    }
    e
}

/// The fields of another parent's first and last pages (read by `read_parent`).
const OTHER_PARENT_NAME: &[&str] = &["given_names", "family_name", "relationship"];
const OTHER_PARENT_CONTACT: &[&str] = &[
    "address_line_1",
    "address_town",
    "address_postcode",
    "email",
    "phone",
];

fn other_parent_name(f: &FormData) -> String {
    let g = f.get("given_names");
    if g.is_empty() {
        "this parent".into()
    } else {
        g.to_string()
    }
}

/// The questions about another parent's part in the children's lives, with the message when
/// one is not answered.
fn other_parent_role(who: &str) -> [(&'static str, String, String); 3] {
    [
        (
            "parental_responsibility",
            format!("Does {who} have parental responsibility for the children?"),
            format!("Select yes if {who} has parental responsibility for the children"),
        ),
        (
            "lives_with_child",
            format!("Does {who} live with the children?"),
            format!("Select yes if {who} lives with the children"),
        ),
        (
            "educating",
            format!("Does {who} educate the children?"),
            format!("Select yes if {who} educates the children"),
        ),
    ]
}

/// About you.
fn check_you(f: &FormData, e: &mut Errors) {
    text(f, "given_names", "your first names", 100, e);
    text(f, "family_name", "your last name", 100, e);
    choice(
        f,
        "relationship",
        RELATIONSHIPS,
        "Select how you are related to the children",
        e,
    );
    yes_no(
        f,
        "parental_responsibility",
        "Select yes if you have parental responsibility",
        e,
    );
    yes_no(
        f,
        "educating",
        "Select yes if you are educating the children yourself",
        e,
    );
    phone(f, "phone", e);
}

/// How the child is educated, and since when (s.436C(1)(c)).
fn check_education(f: &FormData, name: &str, on: NaiveDate, e: &mut Errors) {
    choice(
        f,
        "arrangement",
        &parent_arrangements(),
        &format!("Select how {name} is educated"),
        e,
    );
    if let Some(d) = parse_date(f, "eligible_from", "the date", false, e) {
        if d > on {
            e.add("eligible_from", "The date must be today or in the past");
        }
    }
    opt_text(f, "last_school", "the school's name", 200, e);
}

/// Estimated hours taught by parents and by others (s.436C(1)(d)–(e)).
fn check_time(f: &FormData, e: &mut Errors) {
    parse_hours(
        f,
        "parent_hours",
        "the hours a week taught by parents",
        true,
        e,
    );
    parse_hours(
        f,
        "other_hours",
        "the hours a week taught by other people",
        true,
        e,
    );
}

/// The optional questions (s.436C(2)): each may be left.
fn check_optional(f: &FormData, e: &mut Errors) {
    let sen = with_prefer_not(SEN_STATUSES, "not_known");
    let reasons = with_prefer_not(REASONS, "not_provided");
    if !f.get("sen_status").is_empty() {
        choice(
            f,
            "sen_status",
            &sen,
            "Select an answer about special educational needs, or leave it",
            e,
        );
    }
    if !f.get("reason").is_empty() {
        choice(f, "reason", &reasons, "Select a reason, or leave it", e);
    }
    for (id, choices, message) in [
        (
            "ethnicity",
            Ethnicity::CHOICES,
            "Select an ethnic group, or leave it",
        ),
        (
            "disability",
            Answer::CHOICES,
            "Select an answer about disability, or leave it",
        ),
        (
            "young_carer",
            Answer::CHOICES,
            "Select an answer about caring, or leave it",
        ),
    ] {
        if !f.get(id).is_empty() {
            choice(f, id, &parent_choices(choices), message, e);
        }
    }
    opt_text(f, "reason_detail", "more about your reasons", 2000, e);
}

/// Where a page leads once answered.
fn next(step: Step, f: &FormData, a: &Answers) -> Step {
    let more = f.get("more") == "yes";
    match step {
        Step::You => Step::YourAddress,
        Step::YourAddress if a.children.is_empty() => Step::Name(0),
        Step::YourAddress => Step::Children,
        Step::Name(n) => Step::DateOfBirth(n),
        Step::DateOfBirth(n) => Step::Address(n),
        Step::Address(n) if f.get("same_as_yours") == "no" => Step::HomeAddress(n),
        Step::Address(n) | Step::HomeAddress(n) => Step::PreviousAddress(n),
        Step::PreviousAddress(n) if f.get("long_enough") == "no" => Step::EarlierAddress(n),
        Step::PreviousAddress(n) | Step::EarlierAddress(n) => Step::Education(n),
        Step::Education(n) => Step::Time(n),
        Step::Time(n) => Step::OtherEducators(n),
        Step::OtherEducators(n) if more => {
            Step::Provider(n, a.children.get(n).map_or(0, |c| c.providers.len()))
        }
        Step::OtherEducators(n) => Step::Optional(n),
        Step::Provider(n, _) => Step::OtherEducators(n),
        Step::Optional(_) => Step::Children,
        Step::Children if more => Step::Name(a.children.len()),
        Step::Children => Step::OtherParents,
        Step::OtherParents if more => Step::OtherParent(a.other_parents.len()),
        Step::OtherParents => Step::Check,
        Step::OtherParent(k) => Step::OtherParentRole(k),
        Step::OtherParentRole(k) => Step::OtherParentContact(k),
        Step::OtherParentContact(_) => Step::OtherParents,
        Step::Check => Step::Check,
    }
}

fn back(step: Step, a: &Answers) -> String {
    let s = match step {
        Step::You => return "/parents/notify".into(),
        Step::YourAddress => Step::You,
        Step::Name(0) => Step::YourAddress,
        Step::Name(_) => Step::Children,
        Step::DateOfBirth(n) => Step::Name(n),
        Step::Address(n) => Step::DateOfBirth(n),
        Step::HomeAddress(n) => Step::Address(n),
        Step::PreviousAddress(n) if a.page(Step::Address(n)).get("same_as_yours") == "no" => {
            Step::HomeAddress(n)
        }
        Step::PreviousAddress(n) => Step::Address(n),
        Step::EarlierAddress(n) => Step::PreviousAddress(n),
        Step::Education(n) if a.page(Step::PreviousAddress(n)).get("long_enough") == "no" => {
            Step::EarlierAddress(n)
        }
        Step::Education(n) => Step::PreviousAddress(n),
        Step::Time(n) => Step::Education(n),
        Step::OtherEducators(n) => Step::Time(n),
        Step::Provider(n, _) => Step::OtherEducators(n),
        Step::Optional(n) => Step::OtherEducators(n),
        Step::Children => Step::Optional(a.children.len().saturating_sub(1)),
        Step::OtherParents => Step::Children,
        Step::OtherParent(_) => Step::OtherParents,
        Step::OtherParentRole(k) => Step::OtherParent(k),
        Step::OtherParentContact(k) => Step::OtherParentRole(k),
        Step::Check => Step::OtherParents,
    };
    s.path()
}

/// A question whose legend is the page heading. Follow-up questions go on the next page rather
/// than in a conditional reveal: GOV.UK Frontend's reveal puts aria-expanded on radios, which is
/// not valid ARIA (govuk-frontend issue 979), and GOV.UK advises a new page for complex follow-ups.
fn question(
    id: &str,
    heading: &str,
    choices: &[(&'static str, &'static str)],
    selected: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    question_with_hints(id, heading, choices, &[], selected, hint, error)
}

/// What each way of being educated means, in a parent's words (the labels are the register's).
const ARRANGEMENT_HINTS: &[(&str, &str)] = &[
    ("home_educated", "You, or people you choose, educate your child instead of a school."),
    ("flexi_schooled", "Your child is on a school's roll and goes some of the week, as agreed with the school. You educate them the rest of the time."),
    ("part_time_timetable", "The school has arranged for your child to be taught for only part of the week, or somewhere other than the school."),
    ("fe_part_time", "Your child is 14 to 16, studies part time at a college and is not on a school's roll."),
    ("unregistered_setting", "Your child goes to a place that teaches children but is not a registered school, such as a tuition centre or a religious setting, for much of the week."),
    ("alternative_provision", "The council has arranged education for your child outside school, for example because of illness or exclusion (Education Act 1996, section 19)."),
    ("eotas", "Your child's education, health and care (EHC) plan says they are educated other than at a school (Children and Families Act 2014, section 61)."),
];

pub(crate) fn question_with_hints(
    id: &str,
    heading: &str,
    choices: &[(&'static str, &'static str)],
    item_hints: &[(&str, &str)],
    selected: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[describedby(id, hint, error)] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--l" { h1 class="govuk-fieldset__heading" { (heading) } }
                @if let Some(h) = hint { div id={ (id) "-hint" } class="govuk-hint" { (h) } }
                @if let Some(m) = error { p id={ (id) "-error" } class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (m) } }
                div class="govuk-radios" data-module="govuk-radios" {
                    @for (i, (code, text)) in choices.iter().enumerate() {
                        @let item_id = if i == 0 { id.to_string() } else { format!("{id}-{i}") };
                        @let item_hint = item_hints.iter().find(|(c, _)| c == code).map(|(_, h)| *h);
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(item_id) name=(id) type="radio" value=(code) checked[*code == selected] aria-describedby=[item_hint.map(|_| format!("{item_id}-item-hint"))];
                            label class="govuk-label govuk-radios__label" for=(item_id) { (text) }
                            @if let Some(h) = item_hint { div id={ (item_id) "-item-hint" } class="govuk-hint govuk-radios__hint" { (h) } }
                        }
                    }
                }
            }
        }
    }
}

fn hours_input(id: &str, label: &str, f: &FormData, errors: &Errors) -> Markup {
    Input::new(id, label, f.get(id))
        .width("4")
        .hint("An estimate in hours a week, like 15 or 7.5")
        .error(errors.get(id))
        .render()
}

/// The form body of one page (without the csrf field and button).
fn step_body(step: Step, f: &FormData, a: &Answers, errors: &Errors) -> (String, Markup) {
    match step {
        Step::You
        | Step::YourAddress
        | Step::Children
        | Step::OtherParents
        | Step::OtherParent(_)
        | Step::OtherParentRole(_)
        | Step::OtherParentContact(_)
        | Step::Check => parent_step(step, f, a, errors),
        Step::Name(_)
        | Step::DateOfBirth(_)
        | Step::Address(_)
        | Step::HomeAddress(_)
        | Step::PreviousAddress(_)
        | Step::EarlierAddress(_) => child_step(step, f, a, errors),
        Step::Education(_)
        | Step::Time(_)
        | Step::OtherEducators(_)
        | Step::Provider(_, _)
        | Step::Optional(_) => education_step(step, f, a, errors),
    }
}

/// The pages about the parent and other parents, and the check page.
fn parent_step(step: Step, f: &FormData, a: &Answers, errors: &Errors) -> (String, Markup) {
    match step {
        Step::You => (
            "About you".into(),
            html! {
                h1 class="govuk-heading-l" { "About you" }
                (Input::new("given_names", "First names", f.get("given_names")).autocomplete("given-name").no_spellcheck().error(errors.get("given_names")).render())
                (Input::new("family_name", "Last name", f.get("family_name")).autocomplete("family-name").no_spellcheck().error(errors.get("family_name")).render())
                (radios("relationship", "How are you related to the children?", RELATIONSHIPS, f.get("relationship"), None, errors.get("relationship")))
                (radios("parental_responsibility", "Do you have parental responsibility for them?", YES_NO, f.get("parental_responsibility"), None, errors.get("parental_responsibility")))
                (radios("educating", "Are you educating them yourself, for some or all of the time?", YES_NO, f.get("educating"), None, errors.get("educating")))
                (Input::new("phone", "Telephone (optional)", f.get("phone")).kind("tel").width("20").autocomplete("tel").hint("So the team can call you if they have a question").error(errors.get("phone")).render())
            },
        ),
        Step::YourAddress => (
            "Your address".into(),
            html! {
                h1 class="govuk-heading-l" { "What is your address?" }
                (address_inputs(f, errors))
            },
        ),
        Step::Children => (
            "Your children".into(),
            html! {
                h2 class="govuk-heading-m" { "Children you have told us about" }
                dl class="govuk-summary-list" {
                    @for n in 0..a.children.len() {
                        @let (name, change, remove) = (a.child_full_name(n), Step::Name(n).path(), format!("/parents/notify/child/{n}/remove"));
                        @if a.children.len() > 1 {
                            (summary_row_actions(&name, html! { (fmt_dob(a, n)) }, &[(change.as_str(), "Change", name.as_str()), (remove.as_str(), "Remove", name.as_str())]))
                        } @else {
                            (summary_row(&name, html! { (fmt_dob(a, n)) }, Some((&change, &name))))
                        }
                    }
                }
                (question("more", "Do you need to tell us about another child?", YES_NO, "", None, errors.get("more")))
            },
        ),
        Step::OtherParents => (
            "Other parents".into(),
            html! {
                @if !a.other_parents.is_empty() {
                    h2 class="govuk-heading-m" { "Other parents you have told us about" }
                    dl class="govuk-summary-list" {
                        @for (k, p) in a.other_parents.iter().enumerate() {
                            (summary_row(&format!("{} {}", p.get("given_names"), p.get("family_name")), html! { (label(RELATIONSHIPS, p.get("relationship"))) }, Some((&Step::OtherParent(k).path(), &format!("{} {}", p.get("given_names"), p.get("family_name"))))))
                        }
                    }
                }
                (question("more", if a.other_parents.is_empty() { "Is there anyone else who is a parent of the children?" } else { "Is there anyone else?" }, YES_NO, "",
                    Some("The law counts anyone with parental responsibility or care of a child as a parent, including a parent who does not live with them"), errors.get("more")))
            },
        ),
        _ => other_parent_step(step, f, a, errors),
    }
}

/// Another parent: who they are, their part in the children's lives, how to reach them.
fn other_parent_step(step: Step, f: &FormData, a: &Answers, errors: &Errors) -> (String, Markup) {
    match step {
        Step::OtherParent(_) => (
            "Another parent".into(),
            html! {
                h1 class="govuk-heading-l" { "Who is the other parent?" }
                (Input::new("given_names", "First names", f.get("given_names")).autocomplete("off").no_spellcheck().error(errors.get("given_names")).render())
                (Input::new("family_name", "Last name", f.get("family_name")).autocomplete("off").no_spellcheck().error(errors.get("family_name")).render())
                (radios("relationship", "How are they related to the children?", RELATIONSHIPS, f.get("relationship"), None, errors.get("relationship")))
            },
        ),
        Step::OtherParentRole(_) => {
            let who = other_parent_name(&a.page(step));
            (
                format!("{who}'s part in the children's lives"),
                html! {
                    h1 class="govuk-heading-l" { "About " (who) }
                    @for (id, q, _) in other_parent_role(&who) {
                        (radios(id, &q, YES_NO, f.get(id), None, errors.get(id)))
                    }
                },
            )
        }
        Step::OtherParentContact(_) => {
            let who = other_parent_name(&a.page(step));
            (
                format!("How to reach {who}"),
                html! {
                    h1 class="govuk-heading-l" { "How can the council reach " (who) "?" }
                    p class="govuk-body" { "Give what you know. Leave the address blank if it is the same as the children's." }
                    (Input::new("address_line_1", "Address line 1 (optional)", f.get("address_line_1")).autocomplete("off").error(errors.get("address_line_1")).render())
                    (Input::new("address_town", "Town or city (optional)", f.get("address_town")).width("two-thirds").autocomplete("off").error(errors.get("address_town")).render())
                    (Input::new("address_postcode", "Postcode (optional)", f.get("address_postcode")).width("10").autocomplete("off").no_spellcheck().error(errors.get("address_postcode")).render())
                    (Input::new("email", "Email address (optional)", f.get("email")).kind("email").autocomplete("off").no_spellcheck().error(errors.get("email")).render())
                    (Input::new("phone", "Telephone (optional)", f.get("phone")).kind("tel").width("20").autocomplete("off").error(errors.get("phone")).render())
                },
            )
        }
        _ => (String::new(), html! {}),
    }
}

/// The pages about a child: name, date of birth and addresses.
fn child_step(step: Step, f: &FormData, a: &Answers, errors: &Errors) -> (String, Markup) {
    let name = step.child().map(|n| a.child_name(n)).unwrap_or_default();
    match step {
        Step::Name(_) => (
            "Child's name".into(),
            html! {
                h1 class="govuk-heading-l" { "What is the child's name?" }
                (Input::new("given_names", "First names", f.get("given_names")).autocomplete("off").no_spellcheck().error(errors.get("given_names")).render())
                (Input::new("family_name", "Last name", f.get("family_name")).autocomplete("off").no_spellcheck().error(errors.get("family_name")).render())
            },
        ),
        Step::DateOfBirth(_) => {
            let d = f.date_parts("date_of_birth");
            (
                "Child's date of birth".into(),
                html! {
                    div class={ "govuk-form-group" @if errors.get("date_of_birth").is_some() { " govuk-form-group--error" } } {
                        fieldset class="govuk-fieldset" role="group" aria-describedby={ "date_of_birth-hint" @if errors.get("date_of_birth").is_some() { " date_of_birth-error" } } {
                            legend class="govuk-fieldset__legend govuk-fieldset__legend--l" { h1 class="govuk-fieldset__heading" { "What is " (name) "'s date of birth?" } }
                            div id="date_of_birth-hint" class="govuk-hint" { "For example, 27 3 2015" }
                            @if let Some(m) = errors.get("date_of_birth") { p id="date_of_birth-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (m) } }
                            div class="govuk-date-input" id="date_of_birth" {
                                @for (part, label, width, v) in [("day", "Day", 2, &d.0), ("month", "Month", 2, &d.1), ("year", "Year", 4, &d.2)] {
                                    div class="govuk-date-input__item" { div class="govuk-form-group" {
                                        label class="govuk-label govuk-date-input__label" for={ "date_of_birth-" (part) } { (label) }
                                        input class={ "govuk-input govuk-date-input__input govuk-input--width-" (width) @if errors.get("date_of_birth").is_some() { " govuk-input--error" } }
                                            id={ "date_of_birth-" (part) } name={ "date_of_birth-" (part) } type="text" inputmode="numeric" value=(v) autocomplete=(if part == "year" { "bday-year" } else if part == "month" { "bday-month" } else { "bday-day" });
                                    }}
                                }
                            }
                        }
                    }
                },
            )
        }
        Step::Address(_) => (
            "Where the child lives".into(),
            html! {
                (question("same_as_yours", &format!("Does {name} live at your address?"), YES_NO, f.get("same_as_yours"),
                    Some("If they live at more than one address, tell us about the main one; the team will ask about others"), errors.get("same_as_yours")))
            },
        ),
        Step::HomeAddress(_) => (
            "Child's home address".into(),
            html! {
                h1 class="govuk-heading-l" { "What is " (name) "'s home address?" }
                (address_inputs(f, errors))
            },
        ),
        Step::PreviousAddress(_) => (
            "Previous address".into(),
            html! {
                (question("long_enough", &format!("Has {name} lived at this address for 12 months or more?"), YES_NO, f.get("long_enough"), None, errors.get("long_enough")))
            },
        ),
        Step::EarlierAddress(_) => (
            "Child's previous address".into(),
            html! {
                h1 class="govuk-heading-l" { "Where did " (name) " live before?" }
                p class="govuk-body" { "The law asks for the previous address of a child who has lived at their home address for less than 12 months (Education Act 1996, section 436C(1)(a))." }
                (address_inputs(f, errors))
            },
        ),
        _ => (String::new(), html! {}),
    }
}

/// The pages about a child's education (s.436C(1)(c)–(f)) and the optional questions (s.436C(2)).
fn education_step(step: Step, f: &FormData, a: &Answers, errors: &Errors) -> (String, Markup) {
    let name = step.child().map(|n| a.child_name(n)).unwrap_or_default();
    match step {
        Step::Education(_) => {
            let d = f.date_parts("eligible_from");
            (
                "How the child is educated".into(),
                html! {
                    (question_with_hints("arrangement", &format!("How is {name} educated?"), &parent_arrangements(), ARRANGEMENT_HINTS, f.get("arrangement"), None, errors.get("arrangement")))
                    (date_input("eligible_from", &format!("When did {name} stop going to school full time? (optional)"), (&d.0, &d.1, &d.2), Some("Leave this blank if they have never been to school. For example, 1 9 2026"), errors.get("eligible_from")))
                    (Input::new("last_school", "Name of the last school they went to (optional)", f.get("last_school")).error(errors.get("last_school")).render())
                },
            )
        }
        Step::Time(_) => (
            "Time spent being educated".into(),
            html! {
                h1 class="govuk-heading-l" { "How much time does " (name) " spend being educated?" }
                p class="govuk-body" { "An estimate is fine (Education Act 1996, section 436C(1)(e) and (f))." }
                (hours_input("parent_hours", "Hours a week taught by you or another parent", f, errors))
                (hours_input("other_hours", "Hours a week taught by anyone else, like tutors, online schools or settings", f, errors))
            },
        ),
        Step::OtherEducators(n) => {
            let provs = a
                .children
                .get(n)
                .map(|c| c.providers.clone())
                .unwrap_or_default();
            let heading = if provs.is_empty() {
                format!("Does anyone other than a parent educate {name}?")
            } else {
                format!("Does anyone else educate {name}?")
            };
            (
                "Other people who educate the child".into(),
                html! {
                    @if !provs.is_empty() {
                        h2 class="govuk-heading-m" { "You have told us about" }
                        dl class="govuk-summary-list" {
                            @for (k, p) in provs.iter().enumerate() {
                                (summary_row(p.get("name"), html! { (label(PROVIDER_TYPES, p.get("provider_type"))) ", " (p.get("hours_per_week")) " hours a week" }, Some((&Step::Provider(n, k).path(), p.get("name")))))
                            }
                        }
                    }
                    (question("more", &heading, YES_NO, "", Some("Tutors, online schools, settings, colleges or clubs that teach them"), errors.get("more")))
                },
            )
        }
        Step::Provider(_, _) => (
            "Someone who educates the child".into(),
            html! {
                h1 class="govuk-heading-l" { "Who else educates " (name) "?" }
                (provider_fields(f, errors))
            },
        ),
        Step::Optional(_) => {
            let sen = with_prefer_not(SEN_STATUSES, "not_known");
            let reasons = with_prefer_not(REASONS, "not_provided");
            (
                "Optional questions".into(),
                html! {
                    span class="govuk-caption-l" { "Optional" }
                    h1 class="govuk-heading-l" { "More about " (name) " (optional)" }
                    p class="govuk-body" { "You do not have to answer these. They help the council offer the right support. Leave any you prefer not to answer, or choose \"Prefer not to say\"." }
                    (radios("sen_status", "Does your child have special educational needs? (optional)", &sen, f.get("sen_status"), None, errors.get("sen_status")))
                    (radios("reason", "Why are they not in school full time? (optional)", &reasons, f.get("reason"), None, errors.get("reason")))
                    (textarea("reason_detail", "Anything you want to add about your reasons (optional)", f.get("reason_detail"), None, errors.get("reason_detail")))
                    (radios("young_carer", &format!("Does {name} look after someone in the family? (optional)"), &parent_choices(Answer::CHOICES), f.get("young_carer"), Some("For example, a parent, brother or sister who is ill, disabled, or has a mental health or drug or alcohol problem. The council can tell you about support for young carers."), errors.get("young_carer")))
                    (radios("disability", &format!("Does {name} have a disability? (optional)"), &parent_choices(Answer::CHOICES), f.get("disability"), Some("A physical or mental condition that has a big, long-term effect on everyday life"), errors.get("disability")))
                    (radios("ethnicity", &format!("What is {name}'s ethnic group? (optional)"), &parent_choices(Ethnicity::CHOICES), f.get("ethnicity"), None, errors.get("ethnicity")))
                },
            )
        }
        _ => (String::new(), html! {}),
    }
}

fn fmt_dob(a: &Answers, n: usize) -> String {
    let mut e = Errors::default();
    parse_date(
        &a.page(Step::DateOfBirth(n)),
        "date_of_birth",
        "",
        false,
        &mut e,
    )
    .map(|d| format!("Born {}", fmt_date(d)))
    .unwrap_or_default()
}

fn step_page(
    state: &AppState,
    req: &HttpRequest,
    step: Step,
    f: &FormData,
    a: &Answers,
    errors: &Errors,
    returning: bool,
) -> HttpResponse {
    let (title, body) = step_body(step, f, a, errors);
    let csrf = csrf_for(req, state);
    page(
        state,
        req,
        &title,
        errors,
        html! {
            (back_link(&if returning { Step::Check.path() } else { back(step, a) }))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                form method="post" action=(step.path()) novalidate {
                    (csrf_field(&csrf))
                    @if returning { input type="hidden" name="return" value="check"; }
                    (body)
                    (button("Continue"))
                }
                @match step {
                    Step::Provider(n, k) if k < a.children.get(n).map_or(0, |c| c.providers.len()) => { (remove_link(&step.path(), "Remove this provider")) }
                    Step::OtherParent(k) if k < a.other_parents.len() => { (remove_link(&step.path(), "Remove this parent")) }
                    Step::Name(n) if n < a.children.len() && a.children.len() > 1 => { (remove_link(&format!("/parents/notify/child/{n}"), "Remove this child")) }
                    _ => {}
                }
                p class="govuk-body" { "Your answers are saved as you go. You can sign out and come back within 30 days." }
            }}
        },
    )
}

/// A link to the page that asks before removing (`{path}/remove`).
fn remove_link(path: &str, text: &str) -> Markup {
    html! {
        a href={ (path) "/remove" } role="button" draggable="false" class="govuk-button govuk-button--warning" data-module="govuk-button" { (text) }
    }
}

/// What `/parents/notify/{rest}/remove` removes, in words, and where "No" goes back to.
fn removal(rest: &str, a: &Answers) -> Option<(String, String)> {
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let num = |s: &str| s.parse::<usize>().ok();
    match parts.as_slice() {
        ["child", n] => {
            let n = num(n).filter(|n| *n < a.children.len() && a.children.len() > 1)?;
            Some((
                format!(
                    "Are you sure you want to remove {} from this notification?",
                    a.child_full_name(n)
                ),
                Step::Check.path(),
            ))
        }
        ["child", n, "other-educators", k] => {
            let (n, k) = (num(n)?, num(k)?);
            let p = a.children.get(n)?.providers.get(k)?;
            Some((
                format!(
                    "Are you sure you want to remove {} from the people who educate {}?",
                    p.get("name"),
                    a.child_name(n)
                ),
                Step::OtherEducators(n).path(),
            ))
        }
        ["other-parents", k] => {
            let p = a.other_parents.get(num(k)?)?;
            Some((
                format!(
                    "Are you sure you want to remove {} {} from this notification?",
                    p.get("given_names"),
                    p.get("family_name")
                ),
                Step::Check.path(),
            ))
        }
        _ => None,
    }
}

/// GET …/remove: asks once more before anything is removed (GOV.UK: confirm destructive actions).
async fn confirm_remove(
    req: &HttpRequest,
    state: &AppState,
    rest: &str,
    email: &str,
) -> AppResult<HttpResponse> {
    let (_, a) = load(state, email).await?;
    let Some((question, back_to)) = removal(rest, &a) else {
        return Ok(see_other(&Step::Check.path()));
    };
    let csrf = csrf_for(req, state);
    Ok(page(
        state,
        req,
        "Are you sure?",
        &Errors::default(),
        html! {
            (back_link(&back_to))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                h1 class="govuk-heading-l" { (question) }
                p class="govuk-body" { "Everything you told us about them in this notification will be removed. Nothing has been sent yet." }
                form method="post" action={ "/parents/notify/" (rest.trim_matches('/')) "/remove" } novalidate {
                    (csrf_field(&csrf))
                    input type="hidden" name="which" value=(question);
                    div class="govuk-button-group" {
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Yes, remove" }
                        a class="govuk-link" href=(back_to) { "No, go back" }
                    }
                }
            }}
        },
    ))
}

/// Loads the signed-in parent's draft.
async fn load(state: &AppState, email: &str) -> AppResult<(String, Answers)> {
    let email = email.to_string();
    let d = state
        .db(move |c| Ok(notifications::draft_for(c, &email)?))
        .await?;
    // A draft that cannot be read (say, after an upgrade) starts again rather than failing.
    let answers = serde_json::from_str(&d.answers).unwrap_or_default();
    Ok((d.id, answers))
}

/// Whether the parent sent a notification today and has not begun another since (so Back, or
/// a second press of "Accept and send", is about the one sent), and that notification.
async fn after_sending(
    state: &AppState,
    email: &str,
) -> AppResult<(bool, Option<notifications::Draft>)> {
    let email = email.to_string();
    let (open, last) = state
        .db(move |c| {
            Ok((
                notifications::open_draft(c, &email)?,
                notifications::last_submitted(c, &email)?,
            ))
        })
        .await?;
    let recent = last
        .as_ref()
        .and_then(|l| l.submitted_at)
        .is_some_and(|t| now() - t < chrono::Duration::hours(24));
    Ok((open.is_none() && recent, last))
}

async fn save(state: &AppState, id: &str, a: &Answers) -> AppResult<()> {
    let json = serde_json::to_string(a).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = id.to_string();
    state
        .db(move |c| Ok(notifications::save_answers(c, &id, &json)?))
        .await?;
    Ok(())
}

/// GET /parents/notify: what the parent will need, and a start or continue button.
async fn start(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let email = match parent_session(&req, &state).await? {
        ParentSession::Live(e) => e,
        _ => return Ok(sign_in_first(&state)),
    };
    let (_, a) = load(&state, &email).await?;
    let resume = if a.pages.is_empty() {
        None
    } else {
        a.first_incomplete(today())
    };
    Ok(page(
        &state,
        &req,
        "Tell the council about a child not in school",
        &Errors::default(),
        html! {
            (back_link("/parents/children"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                h1 class="govuk-heading-l" { "Tell the council about a child not in school" }
                p class="govuk-body" { "If your child is of compulsory school age and is not at school full time, the law asks you to tell the council within 15 days (Education Act 1996, section 436D)." }
                p class="govuk-body" { "You will need, for each child:" }
                ul class="govuk-list govuk-list--bullet" {
                    li { "their name, date of birth and address, and their previous address if they moved in the last 12 months" }
                    li { "the name and address of each parent, and which of you educate them" }
                    li { "an estimate of the hours a week they are taught by parents and by anyone else" }
                    li { "the name, type and address (or website) of anyone else who educates them" }
                }
                p class="govuk-body" { "It takes about 10 minutes. Your answers are saved after every page." }
                @let (first, check) = (Step::You.path(), Step::Check.path());
                @let next = resume.map(Step::path);
                (resume_button(match &next {
                    Some(s) => Resume::Continue(s),
                    None if !a.pages.is_empty() => Resume::Check(&check),
                    None => Resume::Start(&first),
                }))
            }}
        },
    ))
}

fn sign_in_first(state: &AppState) -> HttpResponse {
    let mut resp = see_other("/parents/sign-in");
    let _ = resp.add_cookie(&crate::web::cookie(
        state,
        crate::web::parents::session::NEXT_COOKIE,
        "notify".into(),
    ));
    resp
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: crate::web::forms::Query<BTreeMap<String, String>>,
) -> AppResult<HttpResponse> {
    let tail = path.into_inner();
    let email = match parent_session(&req, &state).await? {
        ParentSession::Live(e) => e,
        _ => return Ok(sign_in_first(&state)),
    };
    if let Some(rest) = tail.strip_suffix("/remove") {
        return confirm_remove(&req, &state, rest, &email).await;
    }
    let step = Step::parse(&tail).ok_or(AppError::NotFound)?;
    // Back from the confirmation: the notification has gone, so show that again rather than a
    // new, empty draft with a live "Accept and send" button.
    let (just_sent, last) = after_sending(&state, &email).await?;
    if just_sent {
        return Ok(see_other("/parents/notify/sent"));
    }
    let (_, a) = load(&state, &email).await?;
    if step == Step::Check {
        return Ok(check_page(&state, &req, &a, &Errors::default()));
    }
    if !a.reachable(step) {
        return Ok(see_other(
            &a.first_incomplete(today()).unwrap_or(Step::Check).path(),
        ));
    }
    let mut f = a.page(step);
    // A parent who has told the council before starts with their own details filled in.
    if f.0.is_empty() && matches!(step, Step::You | Step::YourAddress) {
        if let Some(before) = last.and_then(|l| serde_json::from_str::<Answers>(&l.answers).ok()) {
            f = before.page(step);
        }
    }
    // Yes/no questions that lead into a list are asked afresh each time.
    if matches!(
        step,
        Step::OtherEducators(_) | Step::Children | Step::OtherParents
    ) {
        f.0.remove("more");
    }
    Ok(step_page(
        &state,
        &req,
        step,
        &f,
        &a,
        &Errors::default(),
        q.get("return").is_some_and(|r| r == "check"),
    ))
}

async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm,
) -> AppResult<HttpResponse> {
    let tail = path.into_inner();
    let form = form.into_inner();
    if let Some(rest) = tail.strip_suffix("/remove") {
        return remove(req, state, rest, form).await;
    }
    let step = Step::parse(&tail).ok_or(AppError::NotFound)?;
    let email = match parent_session(&req, &state).await? {
        ParentSession::Live(e) => e,
        ParentSession::Lapsed(e) => return keep_lapsed(&state, &e, step, &form).await,
        ParentSession::None => return Ok(sign_in_first(&state)),
    };
    // A second press of "Accept and send": the first one has been sent already.
    if step == Step::Check && after_sending(&state, &email).await?.0 {
        return Ok(see_other("/parents/notify/sent"));
    }
    let (id, mut a) = load(&state, &email).await?;
    if step == Step::Check {
        return submit(&req, &state, &email, &id, &a).await;
    }
    if !a.reachable(step) {
        return Ok(see_other(
            &a.first_incomplete(today()).unwrap_or(Step::Check).path(),
        ));
    }
    let returning = form.get("return") == "check";
    let errors = check(step, &form, &a, today());
    if !errors.is_empty() {
        return Ok(step_page(&state, &req, step, &form, &a, &errors, returning));
    }
    let to = next(step, &form, &a);
    let looping = matches!(
        step,
        Step::OtherEducators(_) | Step::Children | Step::OtherParents
    ) && form.get("more") == "yes";
    if !looping || matches!(step, Step::OtherEducators(_)) {
        a.set(step, form.clone());
    }
    save(&state, &id, &a).await?;
    if returning && matches!(to, Step::HomeAddress(_) | Step::EarlierAddress(_)) {
        return Ok(see_other(&format!("{}?return=check", to.path())));
    }
    // From the check page, a parent's next page is asked only if it has no good answer yet.
    if returning && step.other_parent().is_some() && to.other_parent().is_some() {
        let answered = a
            .found(to)
            .is_some_and(|f| check(to, f, &a, today()).is_empty());
        if !answered {
            return Ok(see_other(&format!("{}?return=check", to.path())));
        }
    }
    let to = if returning && !looping && !matches!(step, Step::Provider(..)) {
        Step::Check
    } else {
        to
    };
    Ok(see_other(&to.path()))
}

/// The session ended while the parent was typing: keep the page until they sign in again.
async fn keep_lapsed(
    state: &AppState,
    email: &str,
    step: Step,
    form: &FormData,
) -> AppResult<HttpResponse> {
    let mut form = form.clone();
    form.0.remove("csrf_token");
    let json = serde_json::to_string(&form).map_err(|e| AppError::Internal(e.to_string()))?;
    let email = email.to_string();
    let path = step.path();
    state
        .db(move |c| {
            let d = notifications::draft_for(c, &email)?;
            notifications::save_pending(c, &d.id, Some(&path), Some(&json))?;
            Ok(())
        })
        .await?;
    let mut resp = see_other("/parents/sign-in?timeout=kept");
    let _ = resp.add_cookie(&crate::web::cookie(
        state,
        crate::web::parents::session::NEXT_COOKIE,
        "notify".into(),
    ));
    Ok(resp)
}

/// POST …/remove, from the page that asked. The form names who it removes, so a second press
/// (or a stale tab) cannot remove the next one along.
async fn remove(
    req: HttpRequest,
    state: web::Data<AppState>,
    rest: &str,
    form: FormData,
) -> AppResult<HttpResponse> {
    let email = match parent_session(&req, &state).await? {
        ParentSession::Live(e) => e,
        _ => return Ok(sign_in_first(&state)),
    };
    let (id, mut a) = load(&state, &email).await?;
    let Some((question, back_to)) = removal(rest, &a) else {
        return Ok(see_other(&Step::Check.path()));
    };
    if form.get("which") != question {
        return Ok(see_other(&back_to));
    }
    // `removal` found each index in `a`, so these are in range; checked again all the same.
    fn take<T>(list: &mut Vec<T>, at: &str) {
        if let Some(i) = at.parse::<usize>().ok().filter(|i| *i < list.len()) {
            list.remove(i);
        }
    }
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["child", n] => take(&mut a.children, n),
        ["child", n, "other-educators", k] => {
            if let Some(c) = n.parse::<usize>().ok().and_then(|n| a.children.get_mut(n)) {
                take(&mut c.providers, k);
            }
        }
        ["other-parents", k] => take(&mut a.other_parents, k),
        _ => return Err(AppError::NotFound),
    }
    save(&state, &id, &a).await?;
    Ok(see_other(&back_to))
}

fn yes(f: &FormData, id: &str) -> &'static str {
    if f.get(id) == "yes" {
        "Yes"
    } else {
        "No"
    }
}

/// An address as it will be stored (the postcode in capitals, spaced), for check-your-answers.
fn address_line(f: &FormData) -> String {
    one_line(&[
        f.get("line_1"),
        f.get("line_2"),
        f.get("town"),
        &stored_postcode(f.get("postcode")),
    ])
}

fn stored_postcode(typed: &str) -> String {
    crate::domain::identifiers::normalise_postcode(typed)
        .unwrap_or_else(|_| typed.trim().to_string())
}

fn one_line(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything given about another parent, as it will be stored, each answer with a link to the
/// page that asked it and a link to remove them.
fn other_parent_card(k: usize, p: &FormData) -> Markup {
    let name = format!("{} {}", p.get("given_names"), p.get("family_name"));
    let address = one_line(&[
        p.get("address_line_1"),
        p.get("address_town"),
        &stored_postcode(p.get("address_postcode")),
    ]);
    let remove = format!("{}/remove", Step::OtherParent(k).path());
    let (who, role, contact) = (
        change(Step::OtherParent(k)),
        change(Step::OtherParentRole(k)),
        change(Step::OtherParentContact(k)),
    );
    summary_card(
        &name,
        &[(remove.as_str(), "Remove", name.as_str())],
        html! {
            (summary_row("Name", html! { (name) }, Some((&who, "their name"))))
            (summary_row("Relationship", html! { (label(RELATIONSHIPS, p.get("relationship"))) }, Some((&who, "their relationship"))))
            (summary_row("Parental responsibility", html! { (yes(p, "parental_responsibility")) }, Some((&role, "whether they have parental responsibility"))))
            (summary_row("Lives with the children", html! { (yes(p, "lives_with_child")) }, Some((&role, "whether they live with the children"))))
            (summary_row("Educates them", html! { (yes(p, "educating")) }, Some((&role, "whether they educate the children"))))
            (summary_row("Address", or_not_given(Some(address.as_str()).filter(|a| !a.is_empty())), Some((&contact, "their address"))))
            (summary_row("Email", or_not_given(p.opt("email").as_deref()), Some((&contact, "their email"))))
            (summary_row("Telephone", or_not_given(p.opt("phone").as_deref()), Some((&contact, "their telephone"))))
        },
    )
}

fn change(step: Step) -> String {
    format!("{}?return=check", step.path())
}

fn check_page(state: &AppState, req: &HttpRequest, a: &Answers, errors: &Errors) -> HttpResponse {
    let csrf = csrf_for(req, state);
    let on = today();
    let incomplete = a.first_incomplete(on);
    let you = a.page(Step::You);
    let yours = a.page(Step::YourAddress);
    page(
        state,
        req,
        "Check your answers before sending",
        errors,
        html! {
            (back_link(&back(Step::Check, a)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Check your answers before sending" }
                @if let Some(s) = incomplete {
                    div class="govuk-inset-text" { "Some answers are missing. " a class="govuk-link" href=(s.path()) { "Carry on where you left off" } }
                }
                h2 class="govuk-heading-m" { "About you" }
                dl class="govuk-summary-list" {
                    (summary_row("Name", html! { (you.get("given_names")) " " (you.get("family_name")) }, Some((&change(Step::You), "your name"))))
                    (summary_row("Relationship", html! { (label(RELATIONSHIPS, you.get("relationship"))) }, Some((&change(Step::You), "relationship"))))
                    (summary_row("Parental responsibility", html! { (yes(&you, "parental_responsibility")) }, Some((&change(Step::You), "parental responsibility"))))
                    (summary_row("Educating the children", html! { (yes(&you, "educating")) }, Some((&change(Step::You), "whether you educate them"))))
                    (summary_row("Telephone", or_not_given(you.opt("phone").as_deref()), Some((&change(Step::You), "telephone"))))
                    (summary_row("Address", html! { (address_line(&yours)) }, Some((&change(Step::YourAddress), "your address"))))
                }
                @for n in 0..a.children.len() {
                    @let name = a.child_full_name(n);
                    @let addr = a.page(Step::Address(n));
                    @let prev = a.page(Step::PreviousAddress(n));
                    @let edu = a.page(Step::Education(n));
                    @let time = a.page(Step::Time(n));
                    @let opt = a.page(Step::Optional(n));
                    @let remove = format!("/parents/notify/child/{n}/remove");
                    @let actions: Vec<Action> = if a.children.len() > 1 { vec![(remove.as_str(), "Remove", name.as_str())] } else { vec![] };
                    (summary_card(&name, &actions, html! {
                        (summary_row("Name", html! { (name) }, Some((&change(Step::Name(n)), "name"))))
                        (summary_row("Date of birth", html! { (fmt_dob(a, n)) }, Some((&change(Step::DateOfBirth(n)), "date of birth"))))
                        (summary_row("Home address", html! { @if addr.get("same_as_yours") == "yes" { "Same as yours" } @else { (address_line(&a.page(Step::HomeAddress(n)))) } }, Some((&change(Step::Address(n)), "home address"))))
                        (summary_row("Previous address", html! { @if prev.get("long_enough") == "no" { (address_line(&a.page(Step::EarlierAddress(n)))) } @else { "At this address 12 months or more" } }, Some((&change(Step::PreviousAddress(n)), "previous address"))))
                        (summary_row("How they are educated", html! { (label(ARRANGEMENTS, edu.get("arrangement"))) }, Some((&change(Step::Education(n)), "how they are educated"))))
                        (summary_row("Stopped going to school", or_not_given(date_text(&edu, "eligible_from").as_deref()), Some((&change(Step::Education(n)), "date they stopped going to school"))))
                        (summary_row("Last school", or_not_given(edu.opt("last_school").as_deref()), Some((&change(Step::Education(n)), "last school"))))
                        (summary_row("Hours a week taught by parents", html! { (time.get("parent_hours")) }, Some((&change(Step::Time(n)), "hours taught by parents"))))
                        (summary_row("Hours a week taught by others", html! { (time.get("other_hours")) }, Some((&change(Step::Time(n)), "hours taught by others"))))
                        (summary_row("Others who educate them", html! {
                            @let provs = &a.children[n].providers;
                            @if provs.is_empty() { "None" } @else { ul class="govuk-list" { @for p in provs { li { (p.get("name")) ", " (p.get("hours_per_week")) " hours a week" } } } }
                        }, Some((&Step::OtherEducators(n).path(), "others who educate them"))))
                        (summary_row("Special educational needs (optional)", html! { (optional_label(&with_prefer_not(SEN_STATUSES, "not_known"), opt.get("sen_status"))) }, Some((&change(Step::Optional(n)), "special educational needs"))))
                        (summary_row("Reasons (optional)", html! { (optional_label(&with_prefer_not(REASONS, "not_provided"), opt.get("reason"))) @if let Some(d) = opt.opt("reason_detail") { br; (d) } }, Some((&change(Step::Optional(n)), "reasons"))))
                        (summary_row("Young carer (optional)", html! { (optional_label(Answer::CHOICES, opt.get("young_carer"))) }, Some((&change(Step::Optional(n)), "young carer"))))
                        (summary_row("Disability (optional)", html! { (optional_label(Answer::CHOICES, opt.get("disability"))) }, Some((&change(Step::Optional(n)), "disability"))))
                        (summary_row("Ethnic group (optional)", html! { (optional_label(Ethnicity::CHOICES, opt.get("ethnicity"))) }, Some((&change(Step::Optional(n)), "ethnic group"))))
                    }))
                }
                p class="govuk-body" { a class="govuk-link" href=(Step::Children.path()) { "Add another child" } }
                h2 class="govuk-heading-m" { "Other parents" }
                @if a.other_parents.is_empty() {
                    dl class="govuk-summary-list" { (summary_row("Other parents", html! { "None" }, Some((&Step::OtherParents.path(), "other parents")))) }
                }
                @for (k, p) in a.other_parents.iter().enumerate() {
                    (other_parent_card(k, p))
                }
                @if !a.other_parents.is_empty() {
                    p class="govuk-body" { a class="govuk-link" href=(Step::OtherParents.path()) { "Add another parent" } }
                }
                h2 class="govuk-heading-m" { "Now send your notification" }
                p class="govuk-body" { "By sending this you confirm that the details are correct to the best of your knowledge. Giving incorrect information can lead to a school attendance order process (Education Act 1996, section 436H)." }
                form method="post" action=(Step::Check.path()) novalidate {
                    (csrf_field(&csrf))
                    button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true" { "Accept and send" }
                }
            }}
        },
    )
}

fn optional_label(choices: &[(&'static str, &'static str)], v: &str) -> &'static str {
    if v.is_empty() {
        "Not answered"
    } else {
        label(choices, v)
    }
}

fn date_text(f: &FormData, id: &str) -> Option<String> {
    let mut e = Errors::default();
    parse_date(f, id, "", false, &mut e).map(fmt_date)
}

fn address(kind: AddressKind, a: AddressForm) -> Address {
    Address {
        id: String::new(),
        child_id: String::new(),
        kind,
        line_1: a.line_1,
        line_2: a.line_2,
        town: a.town,
        postcode: a.postcode,
        moved_in_on: None,
        created_at: now(),
    }
}

/// Turns checked answers into entries. None if any page fails its checks.
fn entries(a: &Answers, email: &str, on: NaiveDate) -> Option<Vec<NotifiedChild>> {
    let mut e = Errors::default();
    let you = a.page(Step::You);
    let your_address = read_address(&a.page(Step::YourAddress), &mut e)?;
    let others: Vec<Parent> = a
        .other_parents
        .iter()
        .map(|f| read_parent(f, "", &mut e))
        .collect::<Option<_>>()?;
    let mut out = vec![];
    for n in 0..a.children.len() {
        let (child, addresses, lives_with_you) = child_entry(a, n, on, &mut e)?;
        let providers: Vec<Provider> = a.children[n]
            .providers
            .iter()
            .map(|f| read_provider(f, &mut e))
            .collect::<Option<_>>()?;
        let mut parents = vec![notifying_parent(&you, &your_address, email, lives_with_you)];
        parents.extend(others.iter().cloned());
        out.push(NotifiedChild {
            child,
            addresses,
            providers,
            parents,
            from: crate::store::notifications::Informant::Parent,
            prescribed: prescribed_from(a, n),
        });
    }
    (e.is_empty() && !out.is_empty()).then_some(out)
}

/// A child's entry from their pages: the child, their addresses, and whether they live with the
/// parent who is telling the council.
fn child_entry(
    a: &Answers,
    n: usize,
    on: NaiveDate,
    e: &mut Errors,
) -> Option<(Child, Vec<Address>, bool)> {
    let name = a.page(Step::Name(n));
    let dob = read_dob(&a.page(Step::DateOfBirth(n)), "", on, e)?;
    let addr = a.page(Step::Address(n));
    let lives_with_you = addr.get("same_as_yours") == "yes";
    let home = if lives_with_you {
        read_address(&a.page(Step::YourAddress), e)?
    } else {
        read_address(&a.page(Step::HomeAddress(n)), e)?
    };
    let mut addresses = vec![];
    let prev = a.page(Step::PreviousAddress(n));
    let edu = a.page(Step::Education(n));
    let time = a.page(Step::Time(n));
    let opt = a.page(Step::Optional(n));
    let arrangement = edu.get("arrangement").to_string();
    let mut child = Child {
        given_names: name.get("given_names").into(),
        family_name: name.get("family_name").into(),
        date_of_birth: Some(dob),
        arrangement: arrangement.clone(),
        // s.436B(4): which limb of condition C the arrangement falls under.
        eligibility_condition: match arrangement.as_str() {
            "flexi_schooled" | "part_time_timetable" => "c_b",
            "fe_part_time" => "c_c",
            _ => "c_a",
        }
        .into(),
        eligible_from: parse_date(&edu, "eligible_from", "", false, e),
        reason: match opt.get("reason") {
            "" | "prefer_not" => "not_provided".into(),
            r => r.into(),
        },
        reason_detail: opt.opt("reason_detail"),
        sen_status: match opt.get("sen_status") {
            "" | "prefer_not" => "not_known".into(),
            s => s.into(),
        },
        parent_hours_per_week: parse_hours(&time, "parent_hours", "", true, e),
        other_hours_per_week: parse_hours(&time, "other_hours", "", true, e),
        reviewed: false,
        ..Child::open_entry("parent", now())
    };
    children::refresh_keys(&mut child, Some(&home.postcode));
    addresses.push(address(AddressKind::Current, home));
    if prev.get("long_enough") == "no" {
        addresses.push(address(
            AddressKind::Previous,
            read_address(&a.page(Step::EarlierAddress(n)), e)?,
        ));
    }
    Some((child, addresses, lives_with_you))
}

/// What the parent chose to give of the s.436C(2) information: the optional page's answers (an
/// unanswered question is "not known", "Prefer not to say" is kept as such) and the last school.
fn prescribed_from(a: &Answers, n: usize) -> Prescribed {
    let opt = a.page(Step::Optional(n));
    Prescribed {
        ethnicity: Ethnicity::parse(opt.get("ethnicity")).unwrap_or(Ethnicity::NotKnown),
        disability: Answer::parse(opt.get("disability")).unwrap_or(Answer::NotKnown),
        young_carer: Answer::parse(opt.get("young_carer")).unwrap_or(Answer::NotKnown),
        schools_attended: a.page(Step::Education(n)).opt("last_school"),
        ..Prescribed::default()
    }
}

/// The parent who is telling the council, as a parent of each child.
fn notifying_parent(
    you: &FormData,
    your_address: &AddressForm,
    email: &str,
    lives_with_child: bool,
) -> Parent {
    Parent {
        id: String::new(),
        child_id: String::new(),
        given_names: you.get("given_names").into(),
        family_name: you.get("family_name").into(),
        relationship: you.get("relationship").into(),
        parental_responsibility: you.get("parental_responsibility") == "yes",
        lives_with_child,
        educating: you.get("educating") == "yes",
        address_line_1: Some(your_address.line_1.clone()),
        address_town: Some(your_address.town.clone()),
        address_postcode: Some(your_address.postcode.clone()),
        email: Some(email.to_string()),
        phone: you.opt("phone"),
        created_at: now(),
    }
}

async fn submit(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    email: &str,
    draft_id: &str,
    a: &Answers,
) -> AppResult<HttpResponse> {
    let on = today();
    let built = match a.first_incomplete(on) {
        None => entries(a, email, on),
        Some(_) => None,
    };
    let Some(built) = built else {
        let mut errors = Errors::default();
        errors.add(
            "answers",
            "Some answers are missing or need correcting. Carry on where you left off, then send",
        );
        return Ok(check_page(state, req, a, &errors));
    };
    let email = email.to_string();
    let draft_id = draft_id.to_string();
    let council = state.config.council_name.clone();
    let st = state.clone();
    state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                let alert = st.team_alert();
                let outcome = notifications::submit(c, &draft_id, built, alert.as_ref())?;
                if let Outcome::Submitted(entries) = outcome {
                    let actor = parent_access::actor(&email);
                    for (child_id, linked) in &entries {
                        let action = if *linked {
                            "parent_notification_linked"
                        } else {
                            "parent_notification_created"
                        };
                        audit::record(c, None, action, Some(child_id), &actor)?;
                    }
                    let reference = notifications::last_submitted(c, &email)?
                        .map(|d| d.reference)
                        .unwrap_or_default();
                    crate::mail::enqueue(
                        c,
                        &st.templates,
                        "notification-received",
                        &email,
                        &[
                            ("reference", &reference),
                            ("council_name", &council),
                            ("children", &entries.len().to_string()),
                        ],
                        None,
                    )?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(see_other("/parents/notify/sent"))
}

async fn sent(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let email = match parent_session(&req, &state).await? {
        ParentSession::Live(e) => e,
        _ => return Ok(sign_in_first(&state)),
    };
    let d = state
        .db(move |c| Ok(notifications::last_submitted(c, &email)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(page(
        &state,
        &req,
        "Notification sent",
        &Errors::default(),
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                div class="govuk-panel govuk-panel--confirmation" {
                    h1 class="govuk-panel__title" { "Notification sent" }
                    div class="govuk-panel__body" { "Your reference number" br; strong { (d.reference) } }
                }
                p class="govuk-body" { "We have sent you an email to confirm." }
                h2 class="govuk-heading-m" { "What happens next" }
                p class="govuk-body" { "The home education team will check the details and add them to the council's register of children not in school. They may contact you, and may ask to visit (Education Act 1996, section 436B(8)); you can say no to a visit." }
                p class="govuk-body" { "You must tell the council within 15 days if an address, a parent or who educates your child changes. You can do that from " a class="govuk-link" href="/parents/children" { "your children's page" } "." }
                p class="govuk-body" { a class="govuk-link" href="/parents/notify" { "Tell the council about another child" } }
            }}
        },
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/parents/notify", web::get().to(start))
        .route("/parents/notify/sent", web::get().to(sent))
        .route("/parents/notify/{tail:.*}", web::get().to(show))
        .route("/parents/notify/{tail:.*}", web::post().to(answer));
}
