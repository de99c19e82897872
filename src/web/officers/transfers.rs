//! Moving between councils (s.436F): an officer sends a child's record to the council of the
//! new area, which closes the entry here; each package sent or received can be read, and
//! downloaded as the signed JSON and as a readable PDF. Every read is audited.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::clock::{fmt_date, today};
use crate::domain::transfer::{self, AddressPart, Council, COUNCILS};
use crate::error::{AppError, AppResult};
use crate::services::transfers::{self as services, SendRequest};
use crate::store::children::Child;
use crate::store::transfers::Transfer;
use crate::store::{audit, children, transfers};
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::fields::{address_fields, read_address};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

/// This council, as it names itself in packages.
fn sending(state: &AppState) -> Council {
    Council {
        code: state.config.la_code.clone().unwrap_or_default(),
        name: state.config.council_name.clone(),
    }
}

fn our_fingerprint(state: &AppState) -> String {
    let key = state.config.transfer_signing_key();
    transfer::fingerprint(&hex::encode(key.verifying_key().to_bytes()))
}

fn send_page(
    state: &AppState,
    o: &CurrentOfficer,
    ch: &Child,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let d = f.date_parts("moved_on");
    let councils: Vec<(&str, String)> = COUNCILS
        .iter()
        .map(|(code, name)| (*code, format!("{name} ({code})")))
        .collect();
    let history = [
        ("yes", "Yes, send the history of changes too"),
        ("no", "No, only what the law requires"),
    ];
    crate::web::form_page(
        state,
        o,
        crate::web::FormPage {
            title: "Send the record to another council",
            section: "register",
            back: &format!("/officers/children/{}", ch.id),
            caption: Some(&ch.reference),
        },
        errors,
        html! {
                p class="govuk-body" { "When a child will move or has moved to another council's area, the council must send that council what the register holds about them (Education Act 1996, section 436F). The record is signed so the other council can check it arrived whole." }
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "Sending closes this entry as \"Moved out of the council's area\", naming the council." }
                }
                form method="post" action={ "/officers/children/" (ch.id) "/transfer" } novalidate {
                    (csrf_field(&o.csrf))
                    (select("receiving", "Which council is the child moving to?", &councils, f.get("receiving"), Some("English councils, with the Department for Education's number"), errors.get("receiving")))
                    (date_input("moved_on", "When did or will the child move?", (&d.0, &d.1, &d.2), Some("For example, 14 12 2026. No more than a month from today."), errors.get("moved_on")))
                    h2 class="govuk-heading-m" { "New address (optional)" }
                    p class="govuk-body" { "If you know where the child will live, add it: it becomes their home address in the record sent." }
                    (address_fields(f, errors))
                    (radios("with_history", "Send the history of changes to the entry?", &history, f.get("with_history"), Some("The law lets the council send other information it holds (section 436C(3)); it must send the rest."), errors.get("with_history")))
                    (button("Send the record"))
                }
                h2 class="govuk-heading-s" { "This council's signing key" }
                p class="govuk-body" { "Give the other council this fingerprint so it can check the record came from you: " code { (our_fingerprint(state)) } }
        },
    )
}

async fn load(
    state: &AppState,
    o: &CurrentOfficer,
    id: String,
    purpose: &'static str,
) -> AppResult<Child> {
    crate::web::load_child(
        state,
        crate::web::parse_id(&id)?,
        o.user.id.clone(),
        purpose,
    )
    .await
}

async fn send_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let ch = load(
        &state,
        &o,
        path.into_inner(),
        "officer opened the transfer form",
    )
    .await?;
    Ok(send_page(
        &state,
        &o,
        &ch,
        &FormData::default(),
        &Errors::default(),
    ))
}

/// The form, checked.
fn read_send(f: &FormData, errors: &mut Errors) -> Option<SendRequest> {
    let receiving = f.get("receiving").to_string();
    if transfer::council_name(&receiving).is_none() {
        errors.add("receiving", "Choose the council the child is moving to");
    }
    let moved_on = parse_date(f, "moved_on", "the date of the move", true, errors);
    if moved_on.is_some_and(|d| d > today() + chrono::Duration::days(31)) {
        errors.add(
            "moved_on",
            "The date of the move must be no more than a month from today",
        );
    }
    let any_address = ["line_1", "line_2", "town", "postcode"]
        .iter()
        .any(|k| !f.get(k).is_empty());
    let new_address = if any_address {
        read_address(f, errors).map(|a| AddressPart {
            kind: "current".into(),
            line_1: a.line_1,
            line_2: a.line_2,
            town: a.town,
            postcode: a.postcode,
            moved_in_on: a.moved_in_on.or(moved_on),
        })
    } else {
        None
    };
    let with_history = match f.get("with_history") {
        "yes" => true,
        "no" => false,
        _ => {
            errors.add(
                "with_history",
                "Select whether to send the history of changes",
            );
            false
        }
    };
    Some(SendRequest {
        receiving_code: receiving,
        moved_on: moved_on?,
        new_address,
        with_history,
    })
    .filter(|_| errors.is_empty())
}

async fn send(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let ch = load(
        &state,
        &o,
        path.into_inner(),
        "officer sent the transfer form",
    )
    .await?;
    let mut errors = Errors::default();
    let Some(req) = read_send(&f, &mut errors) else {
        return Ok(send_page(&state, &o, &ch, &f, &errors));
    };
    let (sender, key, uid, id) = (
        sending(&state),
        state.config.transfer_signing_key(),
        o.user.id.clone(),
        ch.id.clone(),
    );
    let tid = state
        .db(move |c| services::send(c, &id, &req, sender, &key, &uid))
        .await?;
    Ok(see_other(&format!("/officers/transfers/{tid}?done=sent")))
}

/// A transfer, its package read and the read audited.
async fn load_transfer(
    state: &AppState,
    o: &CurrentOfficer,
    id: String,
    action: &'static str,
) -> AppResult<(Transfer, transfer::Signed, Option<Child>)> {
    let id = crate::web::parse_id(&id)?;
    let uid = o.user.id.clone();
    let (t, child) = state
        .db(move |c| {
            let t = transfers::find(c, &id)?.ok_or(AppError::NotFound)?;
            let child = match &t.child_id {
                Some(cid) => children::find(c, cid)?,
                None => None,
            };
            audit::record(
                c,
                Some(&uid),
                action,
                t.child_id.as_deref(),
                "officer read a transfer package (s.436F)",
            )?;
            Ok((t, child))
        })
        .await?;
    let signed: transfer::Signed = serde_json::from_str(&t.package)?;
    Ok((t, signed, child))
}

async fn view(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
    q: Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let (t, s, child) = load_transfer(&state, &o, path.into_inner(), "view_transfer").await?;
    let p = &s.package;
    let base = format!("/officers/transfers/{}", t.id);
    Ok(render(
        &state,
        PageArgs {
            title: "Record sent between councils",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            @if let Some(ch) = &child { (back_link(&format!("/officers/children/{}", ch.id))) }
            @if q.get("done").map(String::as_str) == Some("sent") {
                (success_banner(&format!("Record ready to send to {}. The entry here is closed as moved away.", p.receiving_council.name)))
            }
            h1 class="govuk-heading-l" { @if t.direction == transfers::Direction::Sent { "Record for " (p.receiving_council.name) } @else { "Record received from " (p.sending_council.name) } }
            dl class="govuk-summary-list" {
                (summary_row("Child", html! { (p.child.given_names) " " (p.child.family_name) @if let Some(ch) = &child { br; a class="govuk-link" href={ "/officers/children/" (ch.id) } { "Open the record (" (ch.reference) ")" } } }, None))
                (summary_row("From", html! { (p.sending_council.name) " (" (p.sending_council.code) ")" }, None))
                (summary_row("To", html! { (p.receiving_council.name) " (" (p.receiving_council.code) ")" }, None))
                (summary_row("Moved", html! { (fmt_date(p.moved_on)) }, None))
                (summary_row("Made", html! { (crate::clock::fmt_time(p.made_at)) }, None))
                (summary_row("History of changes", html! { @match p.history.len() { 0 => "Not sent", 1 => "1 line", n => (format!("{n} lines")) } }, None))
                (summary_row("Children's social care", html! { @if p.social_care.is_empty() { "None recorded" } @else { ul class="govuk-list" { @for c in &p.social_care { li { (crate::domain::register::label(crate::domain::safeguarding::FLAG_KINDS, &c.kind)) " " (c.started_on.map(fmt_date).unwrap_or_default()) @if let Some(e) = c.ended_on { " to " (fmt_date(e)) } } } } } }, None))
                (summary_row("Checksum (SHA-256)", html! { code class="cnis-break" { (s.sha256) } }, None))
                (summary_row("Signing key fingerprint", html! { code { (transfer::fingerprint(&s.public_key)) } }, None))
            }
            @if t.direction == transfers::Direction::Sent {
                p class="govuk-body" { "Send both files to the other council's children not in school team by a secure route (their secure email, or a file transfer service), never ordinary email." }
            }
            ul class="govuk-list" {
                li { a class="govuk-link" href={ (base) "/package.json" } download { "Download the signed package (JSON, for their cnis: cnis import transfer FILE)" } }
                li { a class="govuk-link" href={ (base) "/package.pdf" } download { "Download a readable copy (PDF)" } }
            }
        },
    ))
}

async fn json(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (t, _, _) = load_transfer(&state, &o, path.into_inner(), "download_transfer").await?;
    let name = format!("transfer-{}.json", t.sha256.get(..12).unwrap_or("package"));
    Ok(crate::web::file_download(
        &name,
        "application/json",
        t.package,
    ))
}

async fn pdf(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (t, s, _) = load_transfer(&state, &o, path.into_inner(), "download_transfer").await?;
    let body = services::summary_text(&s);
    let pdf = crate::notices::render_pdf(
        "Children not in school: record sent between councils (s.436F)",
        &body,
    )?;
    Ok(crate::web::pdf_download(
        &format!("transfer-{}", t.sha256.get(..12).unwrap_or("package")),
        pdf,
    ))
}

fn receive_page(
    state: &AppState,
    o: &CurrentOfficer,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    crate::web::form_page(
        state,
        o,
        crate::web::FormPage {
            title: "Take in a record from another council",
            section: "register",
            back: "/officers/register",
            caption: None,
        },
        errors,
        html! {
            p class="govuk-body" { "When a child moves into the area, the council they left sends what its register holds about them (Education Act 1996, section 436F). If it uses this service, it sends a file ending in .json." }
            p class="govuk-body" { "The record is checked: it must come from a council this council trusts, unchanged, and be addressed to this council. The child is entered for review, or linked to their entry here." }
            form method="post" enctype="multipart/form-data" novalidate {
                (csrf_field(&o.csrf))
                (file_upload("package_file", "Upload the file", ".json,application/json", Some("The file the other council sent, ending in .json"), errors.get("package_file")))
                details class="govuk-details" open[!f.get("package").is_empty() || errors.get("package").is_some()] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "If you cannot upload the file" } }
                    div class="govuk-details__text" {
                        p class="govuk-body" { "Open the file in a text editor (such as Notepad), select everything, copy it and paste it here instead." }
                        (textarea("package", "The record, as sent", f.get("package"), Some("It starts with { and ends with }"), errors.get("package")))
                    }
                }
                (button("Take in the record"))
            }
        },
    )
}

async fn receive_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
) -> AppResult<HttpResponse> {
    Ok(receive_page(
        &state,
        &o,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn receive(
    state: web::Data<AppState>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let mut errors = Errors::default();
    // The uploaded file, or else the pasted text; a refusal is shown against the one used.
    let (field, text) = match f.get("package_file") {
        "" => ("package", f.get("package").to_string()),
        file => ("package_file", file.to_string()),
    };
    if text.is_empty() {
        errors.add(
            "package_file",
            match (f.checked("package_file.not_text"), f.get("package_file.filename")) {
                (true, _) => "The file you chose is not a record from another council: choose the file ending in .json",
                (false, "") => "Choose the file the other council sent",
                (false, _) => "The file you chose is empty: choose the file the other council sent",
            },
        );
        return Ok(receive_page(&state, &o, &f, &errors));
    }
    let (trusted, ours, uid) = (
        state.config.trusted_transfer_keys.clone(),
        state.config.la_code.clone(),
        o.user.id.clone(),
    );
    let st = state.clone();
    let outcome = state
        .db(move |c| {
            let alert = st.team_alert();
            Ok(services::receive(
                c,
                &text,
                &trusted,
                ours.as_deref(),
                Some(&uid),
                alert.as_ref(),
            ))
        })
        .await?;
    match outcome {
        Ok(services::Received::Entered { child_id, .. }) => Ok(see_other(&format!(
            "/officers/children/{child_id}?done=received"
        ))),
        Ok(services::Received::AlreadyImported) => {
            errors.add(
                field,
                "This record was taken in before: nothing was changed",
            );
            Ok(receive_page(&state, &o, &f, &errors))
        }
        Err(AppError::Refused(why)) => {
            errors.add(field, format!("The record was not taken in: {why}"));
            Ok(receive_page(&state, &o, &f, &errors))
        }
        Err(e) => Err(e),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/transfers/receive", web::get().to(receive_form))
        .service(
            // One child's record with its history: more than the usual form limit.
            web::resource("/officers/transfers/receive")
                .app_data(crate::web::forms::FormLimit(1024 * 1024))
                .app_data(crate::web::forms::AcceptsFiles)
                .app_data(web::PayloadConfig::new(1024 * 1024))
                .route(web::post().to(receive)),
        );
    cfg.route("/officers/children/{id}/transfer", web::get().to(send_form))
        .route("/officers/children/{id}/transfer", web::post().to(send))
        .route("/officers/transfers/{id}", web::get().to(view))
        .route("/officers/transfers/{id}/package.json", web::get().to(json))
        .route("/officers/transfers/{id}/package.pdf", web::get().to(pdf));
}
