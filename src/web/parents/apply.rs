//! A parent applying for consent to home educate (EA 1996 s.434A(6)): first whether the child
//! needs consent at all (s.434A(2)), then one question per page, saved after every page, check
//! your answers and one submission. The application is read and checked by the same rules as a
//! school's (`applications::parse`), page by page.
use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::domain::register::{label, SEXES};
use crate::domain::school_age::{self, SchoolAgeStatus};
use crate::error::{AppError, AppResult};
use crate::store::application_drafts as drafts;
use crate::store::parent_access;
use crate::store::schools::School;
use crate::views::*;
use crate::web::forms::*;
use crate::web::parents::applications::{parse, school_choices, sign_in_first, store, Applicant};
use crate::web::parents::notify::question_with_hints;
use crate::web::parents::session::{page, parent_session, ParentSession};
use crate::web::{csrf_for, see_other, AppState};

/// The pages of the application, in the order the parent meets them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    NeedsConsent,
    ChildName,
    ChildDateOfBirth,
    ChildSex,
    ChildAddress,
    School,
    You,
    YourAddress,
    ByEmail,
    OtherParent,
    OtherParentDetails,
    WhoEducates,
    Plan,
    Resources,
    Reasons,
    Needs,
    Check,
}

const STEPS: &[(Step, &str)] = &[
    (Step::NeedsConsent, "needs-consent"),
    (Step::ChildName, "child-name"),
    (Step::ChildDateOfBirth, "child-date-of-birth"),
    (Step::ChildSex, "child-sex"),
    (Step::ChildAddress, "child-address"),
    (Step::School, "school"),
    (Step::You, "you"),
    (Step::YourAddress, "your-address"),
    (Step::ByEmail, "decision-by-email"),
    (Step::OtherParent, "other-parent"),
    (Step::OtherParentDetails, "other-parent-details"),
    (Step::WhoEducates, "who-educates"),
    (Step::Plan, "plan"),
    (Step::Resources, "resources"),
    (Step::Reasons, "reasons"),
    (Step::Needs, "needs"),
    (Step::Check, "check"),
];

/// Whether the child is a "relevant child" (s.434A(2)–(4)), as the parent knows it.
const NEEDS_CONSENT: &[(&str, &str)] = &[
    ("special_school", "The council arranged for my child to go to a special school, or to an independent school for children with special educational needs"),
    ("social_care", "Children's social care are looking into whether my child is safe, or my child has had a child protection plan, now or in the last 5 years"),
    ("not_sure", "I am not sure"),
    ("neither", "None of these"),
];

const NEEDS_CONSENT_HINTS: &[(&str, &str)] = &[
    ("special_school", "For example, the council named the school in your child's education, health and care (EHC) plan and your child started there because of it."),
    ("social_care", "This is called a section 47 enquiry. It counts whichever council made the enquiries."),
    ("not_sure", "Carry on with the application. The council will check and tell you if consent is not needed."),
];

const YES_NO: &[(&str, &str)] = &[("yes", "Yes"), ("no", "No")];

impl Step {
    fn slug(self) -> &'static str {
        STEPS
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("needs-consent", |(_, slug)| slug)
    }

    fn parse(slug: &str) -> Option<Step> {
        STEPS
            .iter()
            .find(|(_, s)| *s == slug)
            .map(|(step, _)| *step)
    }

    fn path(self) -> String {
        format!("/parents/apply/{}", self.slug())
    }

    /// The fields asked on this page: the application's errors on them belong here.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Step::NeedsConsent => &["needs_consent"],
            Step::ChildName => &["given_names", "family_name"],
            Step::ChildDateOfBirth => &["date_of_birth"],
            Step::ChildSex => &["sex"],
            Step::ChildAddress => &["address_line_1", "town", "postcode"],
            Step::School => &["school_id", "upn"],
            Step::You => &["parent_name", "parent_phone"],
            Step::YourAddress => &["parent_address"],
            Step::ByEmail => &["email_consent"],
            Step::OtherParent => &["other_known"],
            Step::OtherParentDetails => &["other_name", "other_address", "other_email"],
            Step::WhoEducates => &["educated_by", "hours_per_week"],
            Step::Plan => &["education_plan"],
            Step::Resources => &["resources"],
            Step::Reasons => &["reasons"],
            Step::Needs => &["needs"],
            Step::Check => &[],
        }
    }
}

/// Every page's answers as typed, kept on the draft.
#[derive(serde::Serialize, serde::Deserialize, Default, Clone)]
struct Answers {
    #[serde(default)]
    pages: BTreeMap<String, FormData>,
}

impl Answers {
    fn page(&self, step: Step) -> FormData {
        self.pages.get(step.slug()).cloned().unwrap_or_default()
    }

    fn set(&mut self, step: Step, mut form: FormData) {
        form.0.retain(|k, _| {
            step.fields()
                .iter()
                .any(|f| k == f || k.starts_with(&format!("{f}-")))
        });
        self.pages.insert(step.slug().into(), form);
    }

    /// The pages this application has, given the answers so far.
    fn steps(&self) -> Vec<Step> {
        let other = self.page(Step::OtherParent).get("other_known") == "yes";
        STEPS
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| *s != Step::Check && (*s != Step::OtherParentDetails || other))
            .collect()
    }

    /// All the answers as one form, as `applications::parse` reads it.
    fn merged(&self) -> FormData {
        let mut all = FormData::default();
        for s in self.steps() {
            all.0.extend(self.page(s).0);
        }
        all
    }

    fn child_name(&self) -> String {
        let g = self.page(Step::ChildName).get("given_names").to_string();
        if g.is_empty() {
            "your child".into()
        } else {
            g
        }
    }

    /// Why consent is not needed, if the answers say so (s.434A(2)).
    fn not_needed(&self) -> Option<NotNeeded> {
        if self.page(Step::NeedsConsent).get("needs_consent") == "neither" {
            return Some(NotNeeded::NeitherCondition);
        }
        let dob = self.page(Step::ChildDateOfBirth);
        let mut e = Errors::default();
        let dob = parse_date(&dob, "date_of_birth", "", true, &mut e)?;
        match school_age::status_on(dob, today()) {
            SchoolAgeStatus::CompulsorySchoolAge => None,
            SchoolAgeStatus::BelowCompulsorySchoolAge => Some(NotNeeded::TooYoung(dob)),
            SchoolAgeStatus::OverCompulsorySchoolAge => Some(NotNeeded::TooOld(dob)),
        }
    }

    /// The first page not yet answered well enough to send.
    fn first_incomplete(&self, schools: &[School], email: &str) -> Option<Step> {
        self.steps().into_iter().find(|s| {
            !self.pages.contains_key(s.slug())
                || !check(*s, &self.page(*s), self, schools, email).is_empty()
        })
    }
}

/// Why the council's consent is not needed (s.434A(2)).
enum NotNeeded {
    NeitherCondition,
    TooYoung(chrono::NaiveDate),
    TooOld(chrono::NaiveDate),
}

/// Checks one page's answers against the whole application's rules.
fn check(step: Step, f: &FormData, a: &Answers, schools: &[School], email: &str) -> Errors {
    let mut mine = Errors::default();
    match step {
        Step::NeedsConsent
            if !NEEDS_CONSENT
                .iter()
                .any(|(c, _)| *c == f.get("needs_consent")) =>
        {
            mine.add(
                "needs_consent",
                "Select whether any of these apply to your child, or that you are not sure",
            );
        }
        Step::ByEmail if !matches!(f.get("email_consent"), "yes" | "no") => {
            mine.add(
                "email_consent",
                "Select yes if the council may send its decision to you by email",
            );
        }
        Step::OtherParent if !matches!(f.get("other_known"), "yes" | "no") => {
            mine.add(
                "other_known",
                "Select yes if your child has another parent whose contact details you know",
            );
        }
        Step::OtherParentDetails if f.opt("other_name").is_none() => {
            mine.add("other_name", "Enter the other parent's full name");
        }
        _ => {}
    }
    let mut merged = a.merged();
    merged.0.extend(f.0.clone());
    if let Err(all) = parse(&merged, &Applicant::Parent(email), schools) {
        for (field, msg) in all.0 {
            if step.fields().contains(&field.as_str()) {
                mine.add(&field, msg);
            }
        }
    }
    mine
}

/// Where the parent goes after a page.
fn next(step: Step, a: &Answers) -> Step {
    match step {
        Step::NeedsConsent | Step::ChildDateOfBirth if a.not_needed().is_some() => Step::Check,
        _ => {
            let steps = a.steps();
            steps
                .iter()
                .position(|s| *s == step)
                .and_then(|i| steps.get(i + 1).copied())
                .unwrap_or(Step::Check)
        }
    }
}

fn back(step: Step, a: &Answers) -> String {
    let steps = a.steps();
    match steps.iter().position(|s| *s == step) {
        Some(0) => "/parents/apply".into(),
        Some(i) => steps[i - 1].path(),
        None => steps.last().map_or("/parents/apply".into(), |s| s.path()),
    }
}

/// A page whose only question is a text box, its label the page's heading.
fn textarea_question(
    id: &str,
    heading: &str,
    f: &FormData,
    hint: Option<&str>,
    errors: &Errors,
) -> Markup {
    let error = errors.get(id);
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            h1 class="govuk-label-wrapper" { label class="govuk-label govuk-label--l" for=(id) { (heading) } }
            @if let Some(h) = hint { div id={ (id) "-hint" } class="govuk-hint" { (h) } }
            @if let Some(m) = error { p id={ (id) "-error" } class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (m) } }
            textarea class={ "govuk-textarea" @if error.is_some() { " govuk-textarea--error" } } id=(id) name=(id) rows="8"
                aria-describedby=[describedby(id, hint, error)] { (f.get(id)) }
        }
    }
}

/// The page's title and its questions: first the child and whether consent is needed.
fn step_body(
    step: Step,
    f: &FormData,
    a: &Answers,
    schools: &[School],
    email: &str,
    errors: &Errors,
) -> (String, Markup) {
    let name = a.child_name();
    match step {
        Step::NeedsConsent => (
            "Does your child need the council's consent?".into(),
            html! {
                (question_with_hints("needs_consent", "Do any of these apply to your child?", NEEDS_CONSENT, NEEDS_CONSENT_HINTS, f.get("needs_consent"),
                    Some("A child on a school's roll needs the council's consent to be taken off it to be educated at home only if one of these applies (Education Act 1996, section 434A). Otherwise the school may take them off the roll when you tell it in writing."),
                    errors.get("needs_consent")))
            },
        ),
        Step::ChildName => (
            "Your child's name".into(),
            html! {
                h1 class="govuk-heading-l" { "What is your child's name?" }
                (Input::new("given_names", "First name", f.get("given_names")).autocomplete("off").no_spellcheck().error(errors.get("given_names")).render())
                (Input::new("family_name", "Last name", f.get("family_name")).autocomplete("off").no_spellcheck().error(errors.get("family_name")).render())
            },
        ),
        Step::ChildDateOfBirth => {
            let (d, m, y) = f.date_parts("date_of_birth");
            (
                format!("{name}'s date of birth"),
                html! {
                    h1 class="govuk-heading-l" { "What is " (name) "'s date of birth?" }
                    (date_input("date_of_birth", "Date of birth", (&d, &m, &y), Some("For example, 27 3 2015"), errors.get("date_of_birth")))
                },
            )
        }
        Step::ChildSex => (
            format!("{name}'s sex"),
            html! {
                (question_with_hints("sex", &format!("What is {name}'s sex?"), SEXES, &[], f.get("sex"), Some("As the school records it"), errors.get("sex")))
            },
        ),
        Step::ChildAddress => (
            format!("{name}'s home address"),
            html! {
                h1 class="govuk-heading-l" { "Where does " (name) " live?" }
                (Input::new("address_line_1", "Address line 1", f.get("address_line_1")).autocomplete("address-line1").error(errors.get("address_line_1")).render())
                (Input::new("town", "Town or city", f.get("town")).autocomplete("address-level2").width("20").error(errors.get("town")).render())
                (Input::new("postcode", "Postcode", f.get("postcode")).autocomplete("postal-code").width("10").error(errors.get("postcode")).render())
            },
        ),
        Step::School => {
            let choices = school_choices(schools);
            (
                format!("{name}'s school"),
                html! {
                    h1 class="govuk-heading-l" { "Which school is " (name) " on the roll of?" }
                    (select("school_id", "School", &choices, f.get("school_id"), Some("Choose the school"), errors.get("school_id")))
                    (Input::new("upn", "Unique pupil number (UPN), if you know it (optional)", f.get("upn")).width("20").no_spellcheck().hint("13 characters, starting with a letter. It is on school reports. Leave this blank if you do not know it.").error(errors.get("upn")).render())
                },
            )
        }
        _ => parent_step(step, f, a, email, errors),
    }
}

/// The parent's own details and the other parent.
fn parent_step(
    step: Step,
    f: &FormData,
    a: &Answers,
    email: &str,
    errors: &Errors,
) -> (String, Markup) {
    let name = a.child_name();
    match step {
        Step::You => (
            "About you".into(),
            html! {
                h1 class="govuk-heading-l" { "About you" }
                p class="govuk-body" { "You are signed in as " strong { (email) } ". The council writes to you about this application at that address." }
                (Input::new("parent_name", "Full name", f.get("parent_name")).autocomplete("name").error(errors.get("parent_name")).render())
                (Input::new("parent_phone", "Telephone number (optional)", f.get("parent_phone")).kind("tel").autocomplete("tel").width("20").hint("So the team can call you if they have a question").error(errors.get("parent_phone")).render())
            },
        ),
        Step::YourAddress => (
            "Your postal address".into(),
            html! {
                (textarea_question("parent_address", "What is your postal address?", f, Some("Where the council can post its decision to you"), errors))
            },
        ),
        Step::ByEmail => (
            "The decision by email".into(),
            html! {
                (question_with_hints("email_consent", "Can the council send its decision to you by email?", YES_NO, &[], f.get("email_consent"),
                    Some("The law lets the council send a decision by email only if you agree in writing (Education Act 1996, section 572). Selecting yes is that agreement. If you select no, it comes by post."),
                    errors.get("email_consent")))
            },
        ),
        Step::OtherParent => (
            "Your child's other parent".into(),
            html! {
                (question_with_hints("other_known", &format!("Does {name} have another parent whose contact details you know?"), YES_NO, &[], f.get("other_known"),
                    Some("The council must send its decision to every parent whose contact details it knows, including a parent who does not live with your child."),
                    errors.get("other_known")))
            },
        ),
        Step::OtherParentDetails => (
            "The other parent's details".into(),
            html! {
                h1 class="govuk-heading-l" { "How can the council reach " (name) "'s other parent?" }
                (Input::new("other_name", "Full name", f.get("other_name")).autocomplete("off").error(errors.get("other_name")).render())
                (Input::new("other_address", "Postal address", f.get("other_address")).autocomplete("off").hint("Give a postal address, an email address or both").error(errors.get("other_address")).render())
                (Input::new("other_email", "Email address", f.get("other_email")).kind("email").autocomplete("off").no_spellcheck().error(errors.get("other_email")).render())
            },
        ),
        _ => plan_step(step, f, a, errors),
    }
}

/// The education planned, the reasons and the child's needs.
fn plan_step(step: Step, f: &FormData, a: &Answers, errors: &Errors) -> (String, Markup) {
    let name = a.child_name();
    match step {
        Step::WhoEducates => (
            "Who will educate your child".into(),
            html! {
                h1 class="govuk-heading-l" { "Who will educate " (name) "?" }
                (Input::new("educated_by", "Who will teach them", f.get("educated_by")).hint("For example, both parents, with a maths tutor twice a week").error(errors.get("educated_by")).render())
                (Input::new("hours_per_week", "Hours of education a week", f.get("hours_per_week")).width("4").hint("About how many, for example 20").error(errors.get("hours_per_week")).render())
            },
        ),
        Step::Plan => (
            "How your child will be educated".into(),
            html! {
                (textarea_question("education_plan", &format!("How will {name} be educated?"), f, Some("What they will learn and how: subjects, approach, a typical week"), errors))
            },
        ),
        Step::Resources => (
            "Resources".into(),
            html! {
                (textarea_question("resources", "What resources will you use?", f, Some("Books, courses, online learning, clubs, libraries"), errors))
            },
        ),
        Step::Reasons => (
            "Your reasons".into(),
            html! {
                (textarea_question("reasons", &format!("Why do you want to educate {name} at home?"), f, None, errors))
            },
        ),
        Step::Needs => (
            format!("{name}'s needs"),
            html! {
                (textarea_question("needs", &format!("What are {name}'s needs?"), f, Some("Including any special educational needs or health needs, and how they will be met. Write 'none' if there are none."), errors))
            },
        ),
        _ => (String::new(), html! {}),
    }
}

#[allow(clippy::too_many_arguments)]
fn step_page(
    state: &AppState,
    req: &HttpRequest,
    step: Step,
    f: &FormData,
    a: &Answers,
    schools: &[School],
    email: &str,
    errors: &Errors,
    returning: bool,
) -> HttpResponse {
    let (title, body) = step_body(step, f, a, schools, email, errors);
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
                span class="govuk-caption-l" { "Apply for consent to home educate" }
                form method="post" action=(step.path()) novalidate {
                    (csrf_field(&csrf))
                    @if returning { input type="hidden" name="return" value="check"; }
                    (body)
                    (button("Continue"))
                }
                p class="govuk-body" { "Your answers are saved as you go. You can sign out and come back within " (drafts::KEEP_DAYS) " days." }
            }}
        },
    )
}

/// The outcome when the child does not need consent: what the parent and the school do next.
fn not_needed_page(
    state: &AppState,
    req: &HttpRequest,
    a: &Answers,
    why: NotNeeded,
) -> HttpResponse {
    let name = a.child_name();
    let csa = |why: &str, dob| {
        format!("{name} {why}. Only a child of compulsory school age can need consent (section 434A(2)(a)), and only a child of compulsory school age goes on the council's register of children not in school (section 436B).")
            .replace("{dob}", &fmt_date(dob))
    };
    let (back_to, reason, register, for_school) = match why {
        NotNeeded::NeitherCondition => (
            Step::NeedsConsent,
            "From your answers, none of the things that make consent necessary apply to your child (Education Act 1996, section 434A(2)).".to_string(),
            Some("Tell the council how your child is being educated, within 15 days of them leaving school (Education Act 1996, section 436D)."),
            "The parent's answers show no reason the council's consent would be needed: the child is not placed by a council at a special school and, as far as the parent knows, no council has made enquiries under section 47 of the Children Act 1989 or taken action after them in the last 5 years. The school may proceed as for any child whose parent withdraws them to home educate: send the council the notice under section 434A(5), and its answer confirms whether consent is needed.",
        ),
        NotNeeded::TooYoung(dob) => (
            Step::ChildDateOfBirth,
            csa("is not of compulsory school age yet: it starts on {dob}", school_age::csa_start(dob)),
            None,
            "The child is below compulsory school age, so is not a relevant child and the council's consent is not needed (section 434A(2)(a)). The school may proceed when the parent tells it in writing.",
        ),
        NotNeeded::TooOld(dob) => (
            Step::ChildDateOfBirth,
            csa("is over compulsory school age: it ended on {dob}", school_age::csa_end(dob)),
            None,
            "The pupil is over compulsory school age, so is not a relevant child and the council's consent is not needed (section 434A(2)(a)).",
        ),
    };
    page(
        state,
        req,
        "You do not need the council's consent",
        &Errors::default(),
        html! {
            (back_link(&back_to.path()))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                div class="govuk-panel govuk-panel--confirmation" {
                    h1 class="govuk-panel__title" { "You do not need the council's consent" }
                }
                p class="govuk-body" { (reason) }
                h2 class="govuk-heading-m" { "What to do next" }
                ol class="govuk-list govuk-list--number" {
                    li { "Tell the school in writing that you are taking your child off its roll to educate them at home, and from which day. A letter or an email to the head teacher is enough." }
                    li { "The school may then take your child's name off its roll (Pupil Registration Regulations 2024, regulation 9(1)(f)). It tells the council, and the council answers the school the same day from what it holds." }
                    @if let Some(r) = register {
                        li { (r) " " a class="govuk-link" href="/parents/notify" { "Tell the council about a child not in school" } "." }
                    }
                }
                h2 class="govuk-heading-m" { "For the school" }
                div class="govuk-inset-text" { (for_school) }
                p class="govuk-body" { "You can print this page, or show it to the school." }
                p class="govuk-body" { "If the council finds that consent is needed after all, it will tell you and the school, and you can apply then." }
                p class="govuk-body" { a class="govuk-link" href=(format!("{}?return=check", back_to.path())) { "Change your answer" } }
            }}
        },
    )
}

/// The signed-in parent's unsent draft with the schools to choose from; `start` begins one when
/// there is none.
async fn load_draft(
    state: &AppState,
    email: &str,
    start: bool,
) -> AppResult<Option<(String, Answers, Vec<School>)>> {
    let email = email.to_string();
    let (d, schools) = state
        .db(move |c| {
            let d = if start {
                Some(drafts::draft_for(c, &email)?)
            } else {
                drafts::open_draft(c, &email)?
            };
            Ok((d, crate::store::schools::all(c)?))
        })
        .await?;
    // A draft that cannot be read (say, after an upgrade) starts again rather than failing.
    Ok(d.map(|d| {
        let answers = serde_json::from_str(&d.answers).unwrap_or_default();
        (d.id, answers, schools)
    }))
}

/// Loads (or starts) the signed-in parent's draft.
async fn load(state: &AppState, email: &str) -> AppResult<(String, Answers, Vec<School>)> {
    load_draft(state, email, true)
        .await?
        .ok_or_else(|| AppError::Internal("no draft after starting one".into()))
}

async fn save(state: &AppState, id: &str, a: &Answers) -> AppResult<()> {
    let json = serde_json::to_string(a).map_err(|e| AppError::Internal(e.to_string()))?;
    let id = id.to_string();
    state
        .db(move |c| Ok(drafts::save_answers(c, &id, &json)?))
        .await?;
    Ok(())
}

/// The application the parent sent in the last day, if they have not started another since:
/// Back, or a second "Accept and send", goes to it.
async fn just_sent(state: &AppState, email: &str) -> AppResult<Option<String>> {
    let email = email.to_string();
    let (open, last) = state
        .db(move |c| {
            Ok((
                drafts::open_draft(c, &email)?,
                drafts::last_submitted(c, &email)?,
            ))
        })
        .await?;
    let recent = last.filter(|l| {
        l.submitted_at
            .is_some_and(|t| crate::db::now() - t < chrono::Duration::hours(24))
    });
    Ok(match (open, recent) {
        (None, Some(l)) => l
            .application_id
            .map(|id| format!("/parents/applications/{id}")),
        _ => None,
    })
}

/// GET /parents/apply: what the parent needs, and a start or continue button.
async fn start(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(sign_in_first(&state));
    };
    let (_, a, schools) = load(&state, &email).await?;
    let resume =
        (!a.pages.is_empty()).then(|| a.first_incomplete(&schools, &email).map(Step::path));
    let (first, check) = (Step::NeedsConsent.path(), Step::Check.path());
    Ok(page(
        &state,
        &req,
        "Apply for consent to home educate",
        &Errors::default(),
        html! {
            (back_link("/parents/applications"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                h1 class="govuk-heading-l" { "Apply for consent to home educate" }
                p class="govuk-body" { "Some children need the council's consent before their school may take them off its roll to be educated at home: children the council placed at a special school, and children who are or were recently the subject of child protection enquiries (Education Act 1996, section 434A). The first question tells you whether yours does." }
                p class="govuk-body" { "If consent is needed, you will need:" }
                ul class="govuk-list govuk-list--bullet" {
                    li { "your child's name, date of birth, address and school" }
                    li { "your address, and the other parent's contact details if you know them" }
                    li { "who will educate your child, for about how many hours a week, and how" }
                    li { "your reasons, and your child's needs" }
                }
                p class="govuk-body" { "It takes about 15 minutes. Your answers are saved after every page. The council must decide without undue delay and must consent unless it considers that school is in your child's best interests, or that suitable arrangements have not been made." }
                (resume_button(match &resume {
                    Some(Some(s)) => Resume::Continue(s),
                    Some(None) => Resume::Check(&check),
                    None => Resume::Start(&first),
                }))
            }}
        },
    ))
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: crate::web::forms::Query<BTreeMap<String, String>>,
) -> AppResult<HttpResponse> {
    let slug = path.into_inner();
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(sign_in_first(&state));
    };
    if let Some(sent) = just_sent(&state, &email).await? {
        return Ok(see_other(&sent));
    }
    let (_, a, schools) = load(&state, &email).await?;
    if slug == "not-needed" {
        return Ok(match a.not_needed() {
            Some(why) => not_needed_page(&state, &req, &a, why),
            None => see_other(&Step::NeedsConsent.path()),
        });
    }
    let step = Step::parse(&slug).ok_or(AppError::NotFound)?;
    if step == Step::Check {
        return Ok(check_page(
            &state,
            &req,
            &a,
            &schools,
            &email,
            &Errors::default(),
        ));
    }
    if !a.steps().contains(&step) {
        return Ok(see_other(&Step::OtherParent.path()));
    }
    Ok(step_page(
        &state,
        &req,
        step,
        &a.page(step),
        &a,
        &schools,
        &email,
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
    let step = Step::parse(&path.into_inner()).ok_or(AppError::NotFound)?;
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(sign_in_first(&state));
    };
    if let Some(sent) = just_sent(&state, &email).await? {
        return Ok(see_other(&sent));
    }
    let form = form.into_inner();
    if step == Step::Check {
        // Only the draft on the page is sent: if another tab sent it a moment ago, go where that
        // went rather than starting an empty draft.
        return match load_draft(&state, &email, false).await? {
            Some((id, a, schools)) => submit(&req, &state, &email, &id, &a, &schools).await,
            None => Ok(see_other(
                &just_sent(&state, &email)
                    .await?
                    .unwrap_or_else(|| "/parents/applications".into()),
            )),
        };
    }
    let (id, mut a, schools) = load(&state, &email).await?;
    let returning = form.get("return") == "check";
    let errors = check(step, &form, &a, &schools, &email);
    if !errors.is_empty() {
        return Ok(step_page(
            &state, &req, step, &form, &a, &schools, &email, &errors, returning,
        ));
    }
    a.set(step, form);
    save(&state, &id, &a).await?;
    if a.not_needed().is_some() && matches!(step, Step::NeedsConsent | Step::ChildDateOfBirth) {
        return Ok(see_other("/parents/apply/not-needed"));
    }
    let to = next(step, &a);
    // Saying yes to "another parent" from the check page still asks for their details.
    if returning && to != Step::OtherParentDetails {
        return Ok(see_other(&Step::Check.path()));
    }
    if returning {
        return Ok(see_other(&format!("{}?return=check", to.path())));
    }
    Ok(see_other(&to.path()))
}

fn change(step: Step) -> String {
    format!("{}?return=check", step.path())
}

/// Every answer as it will be sent, each with a link to change it.
fn answers_summary(f: &FormData, schools: &[School], email: &str) -> Markup {
    let (d, m, y) = f.date_parts("date_of_birth");
    let dob = format!("{d} {m} {y}");
    let dob = parse_date(f, "date_of_birth", "", true, &mut Errors::default())
        .map(fmt_date)
        .unwrap_or(dob);
    let school = schools
        .iter()
        .find(|s| s.id == f.get("school_id"))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let postcode = crate::domain::identifiers::normalise_postcode(f.get("postcode"))
        .unwrap_or_else(|_| f.get("postcode").to_string());
    let row = |key: &str, value: Markup, step: Step, what: &str| {
        summary_row(key, value, Some((&change(step), what)))
    };
    let text = |k: &str| html! { (f.get(k)) };
    html! {
        h2 class="govuk-heading-m" { "Whether consent is needed" }
        dl class="govuk-summary-list" {
            (row("What applies", html! { (label(NEEDS_CONSENT, f.get("needs_consent"))) }, Step::NeedsConsent, "what applies to your child"))
        }
        h2 class="govuk-heading-m" { "Your child" }
        dl class="govuk-summary-list" {
            (row("Name", html! { (f.get("given_names")) " " (f.get("family_name")) }, Step::ChildName, "name"))
            (row("Date of birth", html! { (dob) }, Step::ChildDateOfBirth, "date of birth"))
            (row("Sex", html! { (label(SEXES, f.get("sex"))) }, Step::ChildSex, "sex"))
            (row("Home address", html! { (f.get("address_line_1")) ", " (f.get("town")) ", " (postcode) }, Step::ChildAddress, "home address"))
            (row("School", html! { (school) }, Step::School, "school"))
            (row("Unique pupil number", or_not_given(f.opt("upn").as_deref()), Step::School, "unique pupil number"))
        }
        h2 class="govuk-heading-m" { "You" }
        dl class="govuk-summary-list" {
            (row("Name", text("parent_name"), Step::You, "your name"))
            (summary_row("Email", html! { (email) }, None))
            (row("Telephone", or_not_given(f.opt("parent_phone").as_deref()), Step::You, "telephone"))
            (row("Postal address", text("parent_address"), Step::YourAddress, "postal address"))
            (row("Decision by email", html! { (if f.get("email_consent") == "yes" { "Yes, I agree in writing" } else { "No, by post" }) }, Step::ByEmail, "whether the decision comes by email"))
        }
        h2 class="govuk-heading-m" { "The other parent" }
        dl class="govuk-summary-list" {
            @if f.get("other_known") == "yes" {
                (row("Name", text("other_name"), Step::OtherParentDetails, "the other parent's name"))
                (row("Postal address", or_not_given(f.opt("other_address").as_deref()), Step::OtherParentDetails, "the other parent's address"))
                (row("Email", or_not_given(f.opt("other_email").as_deref()), Step::OtherParentDetails, "the other parent's email"))
            } @else {
                (row("Another parent", html! { "None whose details you know" }, Step::OtherParent, "whether there is another parent"))
            }
        }
        h2 class="govuk-heading-m" { "The education you plan" }
        dl class="govuk-summary-list" {
            (row("Who will teach", text("educated_by"), Step::WhoEducates, "who will teach"))
            (row("Hours a week", text("hours_per_week"), Step::WhoEducates, "hours a week"))
            (row("How", text("education_plan"), Step::Plan, "how your child will be educated"))
            (row("Resources", text("resources"), Step::Resources, "resources"))
            (row("Your reasons", text("reasons"), Step::Reasons, "your reasons"))
            (row("Needs", text("needs"), Step::Needs, "your child's needs"))
        }
    }
}

fn check_page(
    state: &AppState,
    req: &HttpRequest,
    a: &Answers,
    schools: &[School],
    email: &str,
    errors: &Errors,
) -> HttpResponse {
    if a.not_needed().is_some() {
        return see_other("/parents/apply/not-needed");
    }
    let csrf = csrf_for(req, state);
    let incomplete = a.first_incomplete(schools, email);
    page(
        state,
        req,
        "Check your answers before sending your application",
        errors,
        html! {
            (back_link(&back(Step::Check, a)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                @if !errors.is_empty() {
                    div class="govuk-error-summary" data-module="govuk-error-summary" { div role="alert" {
                        h2 class="govuk-error-summary__title" { "There is a problem" }
                        div class="govuk-error-summary__body" { ul class="govuk-list govuk-error-summary__list" {
                            @for (field, msg) in &errors.0 {
                                @let at = STEPS.iter().map(|(s, _)| *s).find(|s| s.fields().contains(&field.as_str())).unwrap_or(Step::NeedsConsent);
                                li { a href=(change(at)) { (msg) } }
                            }
                        } }
                    } }
                }
                h1 class="govuk-heading-l" { "Check your answers before sending your application" }
                @if let Some(s) = incomplete {
                    div class="govuk-inset-text" { "Some answers are missing. " a class="govuk-link" href=(s.path()) { "Carry on where you left off" } }
                }
                (answers_summary(&a.merged(), schools, email))
                h2 class="govuk-heading-m" { "Now send your application" }
                p class="govuk-body" { "By sending this you confirm that the details are correct to the best of your knowledge. The council will write to you, to the other parent and to the school with its decision." }
                form method="post" action=(Step::Check.path()) novalidate {
                    (csrf_field(&csrf))
                    button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true" { "Accept and send" }
                }
            }}
        },
    )
}

/// "Accept and send": the whole application is checked again and stored once; the draft keeps
/// no copy of the answers after.
async fn submit(
    req: &HttpRequest,
    state: &AppState,
    email: &str,
    draft_id: &str,
    a: &Answers,
    schools: &[School],
) -> AppResult<HttpResponse> {
    if a.not_needed().is_some() {
        return Ok(see_other("/parents/apply/not-needed"));
    }
    let app = match parse(&a.merged(), &Applicant::Parent(email), schools) {
        Ok(app) => app,
        Err(errors) => return Ok(check_page(state, req, a, schools, email, &errors)),
    };
    // The draft's id is the once-only token: two presses, or two tabs, make one application.
    let token = OnceToken::posted(&FormData(
        [(ONCE_FIELD.to_string(), draft_id.to_string())].into(),
    ));
    let to = store(state, app, None, parent_access::actor(email), token, |a| {
        format!("/parents/applications/{}?done=sent", a.id)
    })
    .await?;
    let application_id = to
        .trim_start_matches("/parents/applications/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let id = draft_id.to_string();
    state
        .db(move |c| Ok(drafts::mark_submitted(c, &id, &application_id)?))
        .await?;
    Ok(see_other(&to))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/parents/apply", web::get().to(start))
        .route("/parents/apply/{step}", web::get().to(show))
        .route("/parents/apply/{step}", web::post().to(answer));
}
