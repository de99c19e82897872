//! Pieces of the consent pages (s.434A) that parents and schools both see.
use maud::{html, Markup};

use crate::domain::consent::ApplicationStatus;
use crate::views::components::tag;

/// Where an application stands, as a coloured tag.
pub fn status_tag(status: ApplicationStatus) -> Markup {
    let colour = match status {
        ApplicationStatus::Granted => "green",
        ApplicationStatus::Refused => "red",
        ApplicationStatus::Withdrawn => "grey",
        ApplicationStatus::Received | ApplicationStatus::UnderAssessment => "blue",
    };
    tag(status.label(), colour)
}

/// The decision notices served on one recipient, as (document id, how it was sent), each a link
/// to its PDF under `base`; nothing when there are none.
pub fn decision_notices(rows: &[(String, String)], base: &str, link: &str) -> Markup {
    html! {
        @if !rows.is_empty() {
            h2 class="govuk-heading-m" { "The council's decision notice" }
            ul class="govuk-list" {
                @for (id, sent) in rows {
                    li {
                        a class="govuk-link" href={ (base) "/notices/" (id) } { (link) }
                        br;
                        span class="govuk-body-s" { (sent) }
                    }
                }
            }
        }
    }
}
