//! Transfer packages (s.436F, `domain::transfer`): built from a child's entry, and the record of
//! each one sent or received.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{child_changes, transfers};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::register::AddressKind;
use crate::domain::transfer::{
    AddressPart, ChildPart, Council, HistoryLine, Package, ParentPart, PrescribedPart,
    ProviderPart, Signed, SocialCarePart, SCHEMA,
};

crate::text_enum! {
    /// Whether this council sent the package or was given it.
    pub enum Direction {
        Sent = "sent" => "Sent",
        Received = "received" => "Received",
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = transfers)]
pub struct Transfer {
    pub id: String,
    pub child_id: Option<String>,
    pub direction: Direction,
    pub council_code: String,
    pub council_name: String,
    pub moved_on: NaiveDate,
    pub package: String,
    pub sha256: String,
    pub made_by: Option<String>,
    pub made_at: NaiveDateTime,
}

/// What the officer chose to send.
pub struct Choices {
    pub sending: Council,
    pub receiving: Council,
    pub moved_on: NaiveDate,
    /// The child's address in the new area, when known.
    pub new_address: Option<AddressPart>,
    /// s.436C(3): the entry's history as well.
    pub with_history: bool,
}

/// The package for a child: every s.436C(1) and (2) field the register holds, and the history
/// when chosen. None when there is no such entry.
pub fn build(
    conn: &mut AnyConnection,
    child_id: &str,
    choices: &Choices,
) -> QueryResult<Option<Package>> {
    let Some(rec) = super::children::load_record(conn, child_id)? else {
        return Ok(None);
    };
    let ch = &rec.child;
    let p = super::prescribed::of(conn, child_id)?;
    let flags = super::matches::flags_for_child(conn, child_id)?;
    let mut addresses: Vec<AddressPart> = rec
        .addresses
        .iter()
        .map(|a| AddressPart {
            // After the move, the old home is a previous address.
            kind: if choices.new_address.is_some() && a.kind == AddressKind::Current {
                "previous".into()
            } else {
                a.kind.as_str().into()
            },
            line_1: a.line_1.clone(),
            line_2: a.line_2.clone(),
            town: a.town.clone(),
            postcode: a.postcode.clone(),
            moved_in_on: a.moved_in_on,
        })
        .collect();
    if let Some(new) = &choices.new_address {
        addresses.insert(0, new.clone());
    }
    let history = if choices.with_history {
        child_changes::table
            .filter(child_changes::child_id.eq(child_id))
            .order(child_changes::at.asc())
            .select((
                child_changes::at,
                child_changes::field,
                child_changes::old_value,
                child_changes::new_value,
                child_changes::reason,
            ))
            .load::<(
                NaiveDateTime,
                String,
                Option<String>,
                Option<String>,
                String,
            )>(conn)?
            .into_iter()
            .map(|(at, field, old_value, new_value, reason)| HistoryLine {
                at,
                field,
                old_value,
                new_value,
                reason,
            })
            .collect()
    } else {
        vec![]
    };
    Ok(Some(Package {
        schema: SCHEMA.into(),
        sending_council: choices.sending.clone(),
        receiving_council: choices.receiving.clone(),
        made_at: now(),
        moved_on: choices.moved_on,
        child: ChildPart {
            sending_reference: ch.reference.clone(),
            given_names: ch.given_names.clone(),
            family_name: ch.family_name.clone(),
            date_of_birth: ch.date_of_birth,
            sex: ch.sex.clone(),
            upn: ch.upn.clone(),
            nhs_number: ch.nhs_number.clone(),
            arrangement: ch.arrangement.clone(),
            eligibility_condition: ch.eligibility_condition.clone(),
            eligible_from: ch.eligible_from,
            reason: ch.reason.clone(),
            reason_detail: ch.reason_detail.clone(),
            sen_status: ch.sen_status.clone(),
            parent_hours_per_week: ch.parent_hours_per_week,
            other_hours_per_week: ch.other_hours_per_week,
        },
        addresses,
        parents: rec
            .parents
            .iter()
            .map(|p| ParentPart {
                given_names: p.given_names.clone(),
                family_name: p.family_name.clone(),
                relationship: p.relationship.clone(),
                parental_responsibility: p.parental_responsibility,
                lives_with_child: p.lives_with_child,
                educating: p.educating,
                address_line_1: p.address_line_1.clone(),
                address_town: p.address_town.clone(),
                address_postcode: p.address_postcode.clone(),
                email: p.email.clone(),
                phone: p.phone.clone(),
            })
            .collect(),
        providers: rec
            .providers
            .iter()
            .map(|p| ProviderPart {
                name: p.name.clone(),
                provider_type: p.provider_type.clone(),
                address: p.address.clone(),
                website: p.website.clone(),
                hours_per_week: p.hours_per_week,
                hours_without_parent: p.hours_without_parent,
            })
            .collect(),
        prescribed: PrescribedPart {
            ethnicity: p.ethnicity.as_str().into(),
            disability: p.disability.as_str().into(),
            young_carer: p.young_carer.as_str().into(),
            looked_after: p.looked_after.as_str().into(),
            schools_attended: p.schools_attended.clone(),
            missing_education_from: p.missing_education_from,
        },
        social_care: flags
            .iter()
            .map(|(f, _)| SocialCarePart {
                kind: f.kind.clone(),
                started_on: f.start_date,
                ended_on: f.end_date,
            })
            .collect(),
        history,
    }))
}

/// Records a package sent or received; returns its id. A package already received is not
/// recorded twice (returns None).
pub fn record(
    conn: &mut AnyConnection,
    child_id: Option<&str>,
    direction: Direction,
    signed: &Signed,
    text: &str,
    user_id: Option<&str>,
) -> QueryResult<Option<String>> {
    if direction == Direction::Received {
        let seen: i64 = transfers::table
            .filter(transfers::direction.eq(direction))
            .filter(transfers::sha256.eq(&signed.sha256))
            .count()
            .get_result(conn)?;
        if seen > 0 {
            return Ok(None);
        }
    }
    let other = match direction {
        Direction::Sent => &signed.package.receiving_council,
        Direction::Received => &signed.package.sending_council,
    };
    let id = new_id();
    diesel::insert_into(transfers::table)
        .values((
            transfers::id.eq(&id),
            transfers::child_id.eq(child_id),
            transfers::direction.eq(direction),
            transfers::council_code.eq(&other.code),
            transfers::council_name.eq(&other.name),
            transfers::moved_on.eq(signed.package.moved_on),
            transfers::package.eq(text),
            transfers::sha256.eq(&signed.sha256),
            transfers::made_by.eq(user_id),
            transfers::made_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(Some(id))
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Transfer>> {
    transfers::table
        .find(id)
        .select(Transfer::as_select())
        .first(conn)
        .optional()
}

pub fn for_child(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Vec<Transfer>> {
    transfers::table
        .filter(transfers::child_id.eq(child_id))
        .order(transfers::made_at.desc())
        .select(Transfer::as_select())
        .load(conn)
}
