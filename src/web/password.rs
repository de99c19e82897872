//! An officer (or school staff) chooses their own password: at first sign-in when someone else
//! issued it, and whenever they like from their account page.
use actix_web::{web, HttpResponse};
use maud::html;

use super::auth::{CurrentOfficer, PASSWORD_PAGE};
use super::forms::{FormData, Post};
use super::{render, see_other, AppState, PageArgs};
use crate::error::{AppError, AppResult};
use crate::store::{audit, sessions, users};
use crate::views::*;

fn password_page(state: &AppState, o: &CurrentOfficer, errors: &Errors) -> HttpResponse {
    let first = o.user.must_change_password;
    render(
        state,
        PageArgs {
            title: "Choose a new password",
            nav: (!first).then(|| o.nav("account")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Choose a new password" }
                @if first {
                    p class="govuk-body" { "Someone else set the password you signed in with. Choose your own before you go on: only you should know it." }
                }
                p class="govuk-body" { "Use " (crate::domain::passwords::MIN_LENGTH) " characters or more. Three random words, like ‘lantern ferret galaxy’, make a password that is strong and easy to remember. Do not use one you use anywhere else." }
                form method="post" action=(PASSWORD_PAGE) novalidate {
                    (csrf_field(&o.csrf))
                    (Input::new("current_password", "Your current password", "").kind("password").autocomplete("current-password").error(errors.get("current_password")).render())
                    (Input::new("new_password", "New password", "").kind("password").autocomplete("new-password").error(errors.get("new_password")).render())
                    (Input::new("confirm_password", "New password again", "").kind("password").autocomplete("new-password").error(errors.get("confirm_password")).render())
                    (button("Save the new password"))
                }
            }}
        },
    )
}

async fn form(state: web::Data<AppState>, o: CurrentOfficer) -> AppResult<HttpResponse> {
    Ok(password_page(&state, &o, &Errors::default()))
}

/// Checks the form: the current password, then the new one (`domain::passwords`).
fn read(f: &FormData, o: &CurrentOfficer, council: &str) -> (Errors, String) {
    let mut errors = Errors::default();
    let (current, new, again) = (
        f.get("current_password"),
        f.get("new_password"),
        f.get("confirm_password"),
    );
    if current.is_empty() {
        errors.add("current_password", "Enter your current password");
    } else if !users::verify_password(&o.user.password_hash, current) {
        errors.add("current_password", "Your current password is not right");
    }
    if new.is_empty() {
        errors.add("new_password", "Enter a new password");
    } else if let Some(why) = crate::domain::passwords::refuse_new(
        new,
        current,
        &[&o.user.email, &o.user.name, council, "cnis", "council"],
    ) {
        errors.add("new_password", why);
    } else if again != new {
        errors.add(
            "confirm_password",
            "The passwords do not match: type the new password again",
        );
    }
    (errors, new.to_string())
}

async fn save(
    state: web::Data<AppState>,
    Post(o, f): Post<CurrentOfficer>,
) -> AppResult<HttpResponse> {
    // Verifying argon2 is deliberately slow: off the async threads.
    let (errors, new, o) = {
        let council = state.config.council_name.clone();
        web::block(move || {
            let (e, n) = read(&f, &o, &council);
            (e, n, o)
        })
        .await
        .map_err(AppError::from)?
    };
    if !errors.is_empty() {
        let mut r = password_page(&state, &o, &errors);
        *r.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let (uid, token) = (o.user.id.clone(), o.token.clone());
    state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                users::change_password(c, &uid, &new)?;
                sessions::end_others(c, &uid, &token)?;
                audit::record(
                    c,
                    Some(&uid),
                    "password_changed",
                    None,
                    "the user chose a new password; their other sessions ended",
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(see_other("/officers/account?done=password"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/account/password", web::get().to(form))
        .route("/officers/account/password", web::post().to(save));
}
