//! The form fields officers and parents share for the parts of a record that come in lists: an
//! address (s.436C(1)(a)), a parent (s.436C(1)(b)) and another provider of education
//! (s.436C(1)(f)); each with its reader, which adds a GOV.UK message for every problem.
use chrono::NaiveDate;
use maud::{html, Markup};

use super::forms::*;
use crate::clock::today;
use crate::db::now;
use crate::domain::identifiers::normalise_postcode;
use crate::domain::register::*;
use crate::store::children::{Parent, Provider};
use crate::views::*;

pub struct AddressForm {
    pub line_1: String,
    pub line_2: Option<String>,
    pub town: String,
    pub postcode: String,
    pub moved_in_on: Option<NaiveDate>,
}

pub fn address_fields(f: &FormData, errors: &Errors) -> Markup {
    let d = f.date_parts("moved_in_on");
    html! {
        (Input::new("line_1", "Address line 1", f.get("line_1")).autocomplete("off").error(errors.get("line_1")).render())
        (Input::new("line_2", "Address line 2 (optional)", f.get("line_2")).autocomplete("off").error(errors.get("line_2")).render())
        (Input::new("town", "Town or city", f.get("town")).width("two-thirds").autocomplete("off").error(errors.get("town")).render())
        (Input::new("postcode", "Postcode", f.get("postcode")).width("10").autocomplete("off").no_spellcheck().error(errors.get("postcode")).render())
        (date_input("moved_in_on", "Date the child moved to this address (optional)", (&d.0, &d.1, &d.2), Some("If less than 12 months ago, also add the previous address"), errors.get("moved_in_on")))
    }
}

/// A parent's view of an address: the four lines, with browser autocomplete.
pub fn address_inputs(f: &FormData, errors: &Errors) -> Markup {
    html! {
        (Input::new("line_1", "Address line 1", f.get("line_1")).autocomplete("address-line1").error(errors.get("line_1")).render())
        (Input::new("line_2", "Address line 2 (optional)", f.get("line_2")).autocomplete("address-line2").error(errors.get("line_2")).render())
        (Input::new("town", "Town or city", f.get("town")).width("two-thirds").autocomplete("address-level2").error(errors.get("town")).render())
        (Input::new("postcode", "Postcode", f.get("postcode")).width("10").autocomplete("postal-code").no_spellcheck().error(errors.get("postcode")).render())
    }
}

pub fn read_address(f: &FormData, errors: &mut Errors) -> Option<AddressForm> {
    let line_1 = text(f, "line_1", "the first line of the address", 200, errors);
    let line_2 = opt_text(f, "line_2", "address line 2", 200, errors);
    let town = text(f, "town", "the town or city", 100, errors);
    let postcode = match f.opt("postcode") {
        None => {
            errors.add("postcode", "Enter the postcode");
            None
        }
        Some(p) => match normalise_postcode(&p) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.add("postcode", e);
                None
            }
        },
    };
    let moved_in_on = parse_date(
        f,
        "moved_in_on",
        "the date the child moved in",
        false,
        errors,
    );
    if moved_in_on.is_some_and(|d| d > today()) {
        errors.add(
            "moved_in_on",
            "The date the child moved in must be today or in the past",
        );
    }
    Some(AddressForm {
        line_1,
        line_2,
        town,
        postcode: postcode?,
        moved_in_on,
    })
}

pub fn parent_fields(f: &FormData, errors: &Errors, p: &str) -> Markup {
    let k = |n: &str| format!("{p}{n}");
    html! {
        (Input::new(&k("given_names"), "First names", f.get(&k("given_names"))).autocomplete("off").no_spellcheck().error(errors.get(&k("given_names"))).render())
        (Input::new(&k("family_name"), "Last name", f.get(&k("family_name"))).autocomplete("off").no_spellcheck().error(errors.get(&k("family_name"))).render())
        (select(&k("relationship"), "Relationship to the child", RELATIONSHIPS, f.get(&k("relationship")), None, errors.get(&k("relationship"))))
        (checkbox(&k("parental_responsibility"), "Has parental responsibility", f.checked(&k("parental_responsibility"))))
        (checkbox(&k("lives_with_child"), "Lives with the child", f.checked(&k("lives_with_child"))))
        (checkbox(&k("educating"), "Is educating the child", f.checked(&k("educating"))))
        (Input::new(&k("address_line_1"), "Address line 1, if different from the child's (optional)", f.get(&k("address_line_1"))).autocomplete("off").error(errors.get(&k("address_line_1"))).render())
        (Input::new(&k("address_town"), "Town or city (optional)", f.get(&k("address_town"))).width("two-thirds").autocomplete("off").error(errors.get(&k("address_town"))).render())
        (Input::new(&k("address_postcode"), "Postcode (optional)", f.get(&k("address_postcode"))).width("10").autocomplete("off").no_spellcheck().error(errors.get(&k("address_postcode"))).render())
        (Input::new(&k("email"), "Email address (optional)", f.get(&k("email"))).kind("email").autocomplete("off").no_spellcheck().error(errors.get(&k("email"))).render())
        (Input::new(&k("phone"), "Telephone (optional)", f.get(&k("phone"))).kind("tel").width("20").autocomplete("off").error(errors.get(&k("phone"))).render())
    }
}

/// A parent as typed; the ids are filled in by the caller.
pub fn read_parent(f: &FormData, p: &str, errors: &mut Errors) -> Option<Parent> {
    let k = |n: &str| format!("{p}{n}");
    let given_names = text(
        f,
        &k("given_names"),
        "the parent's first names",
        100,
        errors,
    );
    let family_name = text(f, &k("family_name"), "the parent's last name", 100, errors);
    let relationship = choice(
        f,
        &k("relationship"),
        RELATIONSHIPS,
        "Select the parent's relationship to the child",
        errors,
    );
    let address_line_1 = opt_text(f, &k("address_line_1"), "the parent's address", 200, errors);
    let address_town = opt_text(f, &k("address_town"), "the parent's town", 100, errors);
    let address_postcode =
        f.opt(&k("address_postcode"))
            .and_then(|pc| match normalise_postcode(&pc) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.add(&k("address_postcode"), e);
                    None
                }
            });
    let email = email(f, &k("email"), errors);
    let phone = phone(f, &k("phone"), errors);
    Some(Parent {
        id: String::new(),
        child_id: String::new(),
        given_names,
        family_name,
        relationship,
        parental_responsibility: f.checked(&k("parental_responsibility")),
        lives_with_child: f.checked(&k("lives_with_child")),
        educating: f.checked(&k("educating")),
        address_line_1,
        address_town,
        address_postcode,
        email,
        phone,
        created_at: now(),
    })
}

pub fn provider_fields(f: &FormData, errors: &Errors) -> Markup {
    html! {
        (Input::new("name", "Name of the provider", f.get("name")).error(errors.get("name")).render())
        (select("provider_type", "Type of provider", PROVIDER_TYPES, f.get("provider_type"), None, errors.get("provider_type")))
        // One of the two is needed (read_provider), so neither is labelled optional.
        (Input::new("address", "Address where the education is given", f.get("address")).hint("Leave this blank if the education is only online").error(errors.get("address")).render())
        (Input::new("website", "Website or email, if it is online", f.get("website")).hint("Give this if there is no address").no_spellcheck().error(errors.get("website")).render())
        (Input::new("hours_per_week", "Estimated hours a week", f.get("hours_per_week")).width("4").error(errors.get("hours_per_week")).render())
        (Input::new("hours_without_parent", "Estimated hours a week with no parent actively involved", f.get("hours_without_parent")).width("4").error(errors.get("hours_without_parent")).render())
    }
}

pub fn read_provider(f: &FormData, errors: &mut Errors) -> Option<Provider> {
    let name = text(f, "name", "the provider's name", 200, errors);
    let provider_type = choice(
        f,
        "provider_type",
        PROVIDER_TYPES,
        "Select the type of provider",
        errors,
    );
    let address = opt_text(f, "address", "the address", 300, errors);
    let website = opt_text(f, "website", "the website or email", 300, errors);
    if address.is_none() && website.is_none() {
        errors.add(
            "address",
            "Enter the address where the education is given, or a website or email if it is online",
        );
    }
    let hours = parse_hours(
        f,
        "hours_per_week",
        "the estimated hours a week",
        true,
        errors,
    );
    let without = parse_hours(
        f,
        "hours_without_parent",
        "the hours with no parent actively involved",
        true,
        errors,
    );
    if let (Some(h), Some(w)) = (hours, without) {
        if w > h {
            errors.add(
                "hours_without_parent",
                "Hours with no parent involved cannot be more than the total hours",
            );
        }
    }
    Some(Provider {
        id: String::new(),
        child_id: String::new(),
        name,
        provider_type,
        address,
        website,
        hours_per_week: hours?,
        hours_without_parent: without?,
        created_at: now(),
    })
}
