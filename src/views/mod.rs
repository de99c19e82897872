//! maud views: a layout and GOV.UK Design System components as small functions.
//! Councils are not GOV.UK: generic header, no crown, council name from config.
pub mod charts;
pub mod components;
pub mod consent;
pub mod record;
pub use components::*;

use crate::domain::roles::Role;

use maud::{html, Markup, PreEscaped, DOCTYPE};

/// Who is signed in, for the header and navigation.
#[derive(Clone, Debug)]
pub struct Nav {
    pub name: String,
    pub role: crate::domain::roles::Role,
    pub section: &'static str,
}

pub struct Page<'a> {
    pub title: &'a str,
    pub council: &'a str,
    /// The council set a brand colour: link `/static/brand.css`.
    pub branded: bool,
    /// The council set a logo: show `/static/council-logo` in the header.
    pub logo: bool,
    pub nav: Option<&'a Nav>,
    pub csrf: &'a str,
    pub has_errors: bool,
    pub audience: Audience,
    /// The home education team's details, in the footer of parents' and schools' pages.
    pub contact: Option<&'a crate::config::TeamContact>,
}

/// Whom a page is for: where the service name in the header leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Officers,
    Schools,
    Parents,
    /// Error pages and the start page, which anyone may reach.
    Anyone,
}

impl Audience {
    pub fn home(self) -> &'static str {
        match self {
            Audience::Officers => "/officers/",
            Audience::Schools => "/schools/",
            Audience::Parents => "/parents/",
            Audience::Anyone => "/",
        }
    }
}

fn footer_contact(c: &crate::config::TeamContact) -> Markup {
    html! {
        h2 class="govuk-footer__heading govuk-heading-s" { "Contact the " (c.team.to_lowercase()) }
        ul class="govuk-footer__list cnis-footer-contact" {
            @if let Some(p) = &c.phone {
                li class="govuk-footer__list-item" {
                    "Telephone: " a class="govuk-footer__link" href={ "tel:" (p.replace(' ', "")) } { (p) }
                }
            }
            @if let Some(e) = &c.email {
                li class="govuk-footer__list-item" {
                    "Email: " a class="govuk-footer__link" href={ "mailto:" (e) } { (e) }
                }
            }
            @if !c.address.is_empty() {
                li class="govuk-footer__list-item" { "Post: " (c.address.join(", ")) }
            }
            @if !c.is_set() {
                li class="govuk-footer__list-item" { "Contact the council and ask for the home education team." }
            }
        }
    }
}

fn nav_item(current: &str, key: &str, href: &str, text: &str) -> Markup {
    html! {
        li class={ "govuk-service-navigation__item" @if current == key { " govuk-service-navigation__item--active" } } {
            a class="govuk-service-navigation__link" href=(href) aria-current=[(current == key).then_some("page")] { (text) }
        }
    }
}

pub fn layout(page: &Page, content: Markup) -> Markup {
    let title = if page.has_errors {
        format!(
            "Error: {} – Children not in school – {}",
            page.title, page.council
        )
    } else {
        format!("{} – Children not in school – {}", page.title, page.council)
    };
    html! {
        (DOCTYPE)
        html lang="en" class="govuk-template" {
            head {
                meta charset="utf-8";
                title { (title) }
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                // No favicon request: a council's service is not GOV.UK and has no icon of its own.
                link rel="icon" href="data:,";
                link rel="stylesheet" href="/assets/govuk-frontend.css";
                link rel="stylesheet" href="/static/app.css";
                @if page.branded {
                    link rel="stylesheet" href="/static/brand.css";
                }
            }
            body class="govuk-template__body" {
                script src="/static/init-body.js" {}
                a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link" { "Skip to main content" }
                // GOV.UK Frontend's generic header: for services that are not on GOV.UK (no crown).
                header class="govuk-generic-header" {
                    div class="govuk-generic-header__container govuk-width-container" {
                        div class="govuk-generic-header__logo" {
                            a href=(page.audience.home()) class="govuk-generic-header__homepage-link cnis-council" {
                                @if page.logo {
                                    img src="/static/council-logo" alt="" class="cnis-council-logo";
                                }
                                (page.council)
                            }
                        }
                    }
                }
                section class="govuk-service-navigation" aria-label="Service information" data-module="govuk-service-navigation" {
                    div class="govuk-width-container" {
                        div class="govuk-service-navigation__container" {
                            span class="govuk-service-navigation__service-name" {
                                a href=(page.audience.home()) class="govuk-service-navigation__link" { "Children not in school" }
                            }
                            @if let Some(nav) = page.nav {
                                nav aria-label="Menu" class="govuk-service-navigation__wrapper" {
                                    ul class="govuk-service-navigation__list" id="navigation" {
                                        @if nav.role == Role::School {
                                            (nav_item(nav.section, "school", "/schools/", "Your school"))
                                        } @else {
                                            (nav_item(nav.section, "home", "/officers/", "Home"))
                                        }
                                        @if nav.role.can_use_register() {
                                            (nav_item(nav.section, "register", "/officers/register", "Register"))
                                            (nav_item(nav.section, "consent", "/officers/consent", "Consent to home educate"))
                                            (nav_item(nav.section, "attendance", "/officers/attendance", "School attendance"))
                                            (nav_item(nav.section, "tasks", "/officers/tasks", "Tasks"))
                                            (nav_item(nav.section, "requests", "/officers/information-requests", "Information requests"))
                                            (nav_item(nav.section, "matches", "/officers/matches", "Social care matches"))
                                        }
                                        @if nav.role.can_make_returns() {
                                            (nav_item(nav.section, "dashboard", "/officers/dashboard", "Dashboard"))
                                            (nav_item(nav.section, "returns", "/officers/returns", "DfE return"))
                                        }
                                        @if nav.role.can_read_audit() {
                                            (nav_item(nav.section, "audit", "/officers/audit", "Audit log"))
                                        }
                                        @if nav.role.can_administer() {
                                            (nav_item(nav.section, "tokens", "/officers/admin/api-tokens", "API tokens"))
                                            (nav_item(nav.section, "schools", "/officers/admin/schools", "Schools"))
                                            (nav_item(nav.section, "calendars", "/officers/admin/calendars", "Term calendars"))
                                            (nav_item(nav.section, "law", "/officers/admin/law-dates", "When the law applies"))
                                        }
                                        (nav_item(nav.section, "account", "/officers/account", "Your account"))
                                    }
                                }
                            }
                        }
                    }
                }
                div class="govuk-width-container" {
                    @if let Some(nav) = page.nav {
                        div class="cnis-signed-in govuk-body-s" {
                            "Signed in as " strong { (nav.name) }
                            form method="post" action="/officers/sign-out" class="cnis-inline-form" {
                                (csrf_field(page.csrf))
                                button type="submit" class="govuk-button govuk-button--secondary cnis-button--small" data-module="govuk-button" { "Sign out" }
                            }
                        }
                    }
                    main class="govuk-main-wrapper" id="main-content" {
                        (content)
                    }
                }
                footer class="govuk-footer" {
                    div class="govuk-width-container" {
                        div class="govuk-footer__meta" {
                            div class="govuk-footer__meta-item govuk-footer__meta-item--grow" {
                                @if let Some(c) = page.contact { (footer_contact(c)) }
                                p class="govuk-footer__meta-custom" {
                                    "Run by " (page.council) ". Information is held under the Education Act 1996 sections 436B to 436G."
                                }
                            }
                        }
                    }
                }
                script type="module" src="/static/init.js" {}
            }
        }
    }
}

/// The council's name for pages rendered outside a request's app state (error pages).
pub static COUNCIL_NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// A page shown for errors: no details beyond what the user needs.
pub fn error_page(title: &str, body: &str) -> Markup {
    let council = COUNCIL_NAME
        .get()
        .map(String::as_str)
        .unwrap_or("Children not in school");
    let page = Page {
        title,
        council,
        branded: false,
        logo: false,
        nav: None,
        csrf: "",
        has_errors: false,
        audience: Audience::Anyone,
        contact: None,
    };
    layout(
        &page,
        html! {
            h1 class="govuk-heading-l" { (title) }
            p class="govuk-body" { (body) }
            p class="govuk-body" { a class="govuk-link" href="/" { "Go to the start" } }
        },
    )
}

pub fn raw(s: &str) -> PreEscaped<String> {
    PreEscaped(s.to_string())
}
