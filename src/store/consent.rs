//! What schools tell the council, applications for consent to home educate (EA 1996
//! s.434A) and the notices served on a decision (s.434A(8), s.572).
use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::schools as school_table;
use crate::db::schema::{consent_applications, school_notices, social_care_records};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::commencement::Provision;
use crate::domain::consent::ApplicationStatus;
use crate::domain::consent::NoticeKind;
use crate::domain::consent::{
    self as rules, Action, ConsentFacts, RelevanceAnswer, SocialCareEvidence,
};
use crate::domain::matching::{self, Person};
use crate::domain::register::AddressKind;
use crate::domain::register::{compare_entries, EntryMatch, Identity};
use crate::error::{AppError, AppResult};
use crate::store::schools::{self, School};
use crate::store::social_care::{self, SocialCareRecord};
use crate::store::tasks::TaskKind;
use crate::store::tasks::{self, TeamAlert};

/// A parent other than the applicant, as the applicant gave them (s.434A(8)(b)).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct OtherParent {
    pub name: String,
    pub address: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = consent_applications)]
#[diesel(treat_none_as_null = true)]
pub struct Application {
    pub id: String,
    pub reference: String,
    pub school_id: String,
    pub applicant: String,
    pub parent_email: String,
    pub parent_name: String,
    pub parent_phone: Option<String>,
    pub parent_address: String,
    pub parent_email_consent: bool,
    pub other_parents: String,
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: String,
    pub upn: Option<String>,
    pub address_line_1: String,
    pub town: String,
    pub postcode: String,
    pub education_plan: String,
    pub educated_by: String,
    pub hours_per_week: Option<f64>,
    pub resources: String,
    pub reasons: String,
    pub needs: String,
    pub status: ApplicationStatus,
    pub received_on: NaiveDate,
    pub repeat_of: Option<String>,
    pub placed_by_council: Option<bool>,
    pub condition_a_note: Option<String>,
    pub other_council_s47: Option<String>,
    pub ruled_out_records: String,
    pub best_interests: Option<String>,
    pub best_interests_reasons: Option<String>,
    pub best_interests_evidence: Option<String>,
    pub arrangements: Option<String>,
    pub arrangements_reasons: Option<String>,
    pub arrangements_evidence: Option<String>,
    pub assessed_by: Option<String>,
    pub assessed_at: Option<NaiveDateTime>,
    pub decision: Option<ApplicationStatus>,
    pub decision_reasons: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub exceptional_circumstances: Option<String>,
    pub meeting: Option<String>,
    pub meeting_on: Option<NaiveDate>,
    pub meeting_outcome: Option<String>,
    pub referred_on: Option<NaiveDate>,
    pub referral_outcome: Option<String>,
    pub referral_outcome_on: Option<NaiveDate>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Application {
    /// Where it stands: an assessed application waits for a manager (s.434A(6)).
    pub fn progress(&self) -> crate::domain::consent::Progress {
        rules::progress(self.status, self.assessed_at.is_some())
    }

    /// A new application with nothing but its bookkeeping set; callers fill in what the
    /// applicant gave with struct update syntax.
    pub fn received(school_id: &str, applicant: &str, at: NaiveDateTime) -> Application {
        Application {
            id: new_id(),
            reference: new_reference("HE"),
            school_id: school_id.into(),
            applicant: applicant.into(),
            parent_email: String::new(),
            parent_name: String::new(),
            parent_phone: None,
            parent_address: String::new(),
            parent_email_consent: false,
            other_parents: "[]".into(),
            given_names: String::new(),
            family_name: String::new(),
            date_of_birth: NaiveDate::default(),
            sex: "U".into(),
            upn: None,
            address_line_1: String::new(),
            town: String::new(),
            postcode: String::new(),
            education_plan: String::new(),
            educated_by: String::new(),
            hours_per_week: None,
            resources: String::new(),
            reasons: String::new(),
            needs: String::new(),
            status: ApplicationStatus::Received,
            received_on: at.date(),
            repeat_of: None,
            placed_by_council: None,
            condition_a_note: None,
            other_council_s47: None,
            ruled_out_records: "[]".into(),
            best_interests: None,
            best_interests_reasons: None,
            best_interests_evidence: None,
            arrangements: None,
            arrangements_reasons: None,
            arrangements_evidence: None,
            assessed_by: None,
            assessed_at: None,
            decision: None,
            decision_reasons: None,
            decided_by: None,
            decided_at: None,
            exceptional_circumstances: None,
            meeting: None,
            meeting_on: None,
            meeting_outcome: None,
            referred_on: None,
            referral_outcome: None,
            referral_outcome_on: None,
            withdrawn_at: None,
            escalated_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    pub fn other_parents(&self) -> Vec<OtherParent> {
        serde_json::from_str(&self.other_parents).unwrap_or_default()
    }

    pub fn ruled_out(&self) -> Vec<String> {
        serde_json::from_str(&self.ruled_out_records).unwrap_or_default()
    }

    pub fn child_name(&self) -> String {
        format!("{} {}", self.given_names, self.family_name)
    }

    pub fn child_address(&self) -> String {
        format!("{}, {}, {}", self.address_line_1, self.town, self.postcode)
    }

    pub fn identity(&self) -> ChildIdentity<'_> {
        ChildIdentity {
            given_names: &self.given_names,
            family_name: &self.family_name,
            date_of_birth: self.date_of_birth,
            sex: &self.sex,
            upn: self.upn.as_deref(),
            address_line_1: &self.address_line_1,
            postcode: &self.postcode,
        }
    }
}

fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A short reference to quote on the phone: random, so concurrent inserts never collide.
fn new_reference(prefix: &str) -> String {
    let r = crate::store::children::new_reference();
    format!("{prefix}{}", r.trim_start_matches("CN"))
}

/// Who the child is, as an application or a school notice gives it.
#[derive(Clone, Copy, Debug)]
pub struct ChildIdentity<'a> {
    pub given_names: &'a str,
    pub family_name: &'a str,
    pub date_of_birth: NaiveDate,
    pub sex: &'a str,
    pub upn: Option<&'a str>,
    pub address_line_1: &'a str,
    pub postcode: &'a str,
}

impl ChildIdentity<'_> {
    /// The same child: the same UPN, or the same names and date of birth (s.436C: one entry).
    pub fn same_child(&self, other: &ChildIdentity) -> bool {
        if let (Some(a), Some(b)) = (self.upn, other.upn) {
            if a == b {
                return true;
            }
        }
        let key = crate::domain::identifiers::postcode_key;
        let (pa, pb) = (key(self.postcode), key(other.postcode));
        compare_entries(
            &Identity {
                given_names: self.given_names,
                family_name: self.family_name,
                date_of_birth: Some(self.date_of_birth),
                postcode_key: &pa,
            },
            &Identity {
                given_names: other.given_names,
                family_name: other.family_name,
                date_of_birth: Some(other.date_of_birth),
                postcode_key: &pb,
            },
        ) == EntryMatch::Same
    }
}

/// A social care record that is, or may be, this child, with what its episodes show.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub record: SocialCareRecord,
    pub certain: bool,
    pub why: String,
    pub evidence: Vec<SocialCareEvidence>,
}

/// Social care records that are or may be this child (condition B, s.434A(4)). Certain: a shared
/// UPN or NHS number, or the same names and date of birth. Possible: anything nearer than chance
/// on name, date of birth and address, so that a child protection record is never passed over
/// unseen; an officer rules those out one by one.
pub fn social_care_candidates(
    conn: &mut AnyConnection,
    who: &ChildIdentity,
    on: NaiveDate,
) -> anyhow::Result<Vec<Candidate>> {
    let dob = who.date_of_birth;
    let mut near = vec![dob];
    for d in [
        dob.checked_add_days(Days::new(1)),
        dob.checked_sub_days(Days::new(1)),
    ]
    .into_iter()
    .flatten()
    {
        near.push(d);
    }
    use chrono::Datelike;
    for d in [
        NaiveDate::from_ymd_opt(dob.year(), dob.day(), dob.month()),
        NaiveDate::from_ymd_opt(dob.year() + 1, dob.month(), dob.day()),
        NaiveDate::from_ymd_opt(dob.year() - 1, dob.month(), dob.day()),
    ]
    .into_iter()
    .flatten()
    {
        near.push(d);
    }
    let postcode = crate::domain::identifiers::normalise_postcode(who.postcode).ok();
    let mut q = social_care_records::table
        .filter(social_care_records::date_of_birth.eq_any(near))
        .into_boxed();
    if let Some(u) = who.upn {
        q = q
            .or_filter(social_care_records::upn.eq(u))
            .or_filter(social_care_records::former_upn.eq(u));
    }
    if let Some(p) = &postcode {
        q = q.or_filter(social_care_records::postcode.eq(p));
    }
    let records: Vec<SocialCareRecord> = q
        .limit(500)
        .select(SocialCareRecord::as_select())
        .load(conn)?;
    let me = matching::prepare(&Person {
        given_names: who.given_names,
        family_name: who.family_name,
        date_of_birth: Some(who.date_of_birth),
        sex: who.sex,
        postcode: postcode.as_deref(),
        address_line_1: Some(who.address_line_1),
        upn: who.upn,
        former_upn: None,
        nhs_number: None,
    });
    let mut out = vec![];
    for r in records {
        let them = matching::prepare(&Person {
            given_names: r.given_names.as_deref().unwrap_or(""),
            family_name: r.family_name.as_deref().unwrap_or(""),
            date_of_birth: r.date_of_birth,
            sex: &r.sex,
            postcode: r.postcode.as_deref(),
            address_line_1: r.address_line_1.as_deref(),
            upn: r.upn.as_deref(),
            former_upn: r.former_upn.as_deref(),
            nhs_number: r.nhs_number.as_deref(),
        });
        let g = matching::compare(&me, &them);
        let id = matching::shared_identifier(&me, &them);
        let close = |l: Option<u8>, worst: u8| l.is_some_and(|l| l <= worst);
        let (first, dob_l, postcode_l) = (g[0], g[2], g[4]);
        // Names written in each other's field are close names.
        let family = g[1].map(|l| if l == matching::NAMES_SWAPPED { 1 } else { l });
        let (certain, why) = if let Some(id) = id.filter(|_| dob_l.is_none_or(|l| l <= 3)) {
            (true, format!("the same {id}"))
        } else if first == Some(0) && family == Some(0) && dob_l == Some(0) {
            (true, "the same names and date of birth".to_string())
        } else if let Some(id) = id {
            (
                false,
                format!("the same {id}, but a different date of birth"),
            )
        } else if close(dob_l, 3) && (close(first, 3) || close(family, 3)) {
            (false, "a similar name and date of birth".to_string())
        } else if postcode_l == Some(0) && close(first, 3) && close(family, 3) {
            (false, "a similar name at the same postcode".to_string())
        } else {
            continue;
        };
        let episodes: Vec<crate::domain::safeguarding::Episode> =
            social_care::episodes(conn, &r.id)?
                .iter()
                .map(social_care::Episode::to_domain)
                .collect();
        let evidence: Vec<SocialCareEvidence> =
            crate::domain::safeguarding::flags_for(&episodes, on)
                .into_iter()
                .filter(|(k, _, _)| *k != "cin_open")
                .map(|(flag, start, end)| SocialCareEvidence {
                    flag: flag.into(),
                    start,
                    end,
                    certain,
                })
                .collect();
        if evidence.is_empty() {
            continue;
        }
        out.push(Candidate {
            record: r,
            certain,
            why,
            evidence,
        });
    }
    out.sort_by_key(|c| !c.certain);
    Ok(out)
}

/// Whether this child is a relevant child (s.434A(2)), from the social care records and what
/// officers recorded, with the records behind the answer. Records an officer ruled out as
/// another child are left out.
pub fn relevance(
    conn: &mut AnyConnection,
    who: &ChildIdentity,
    school: &School,
    on: NaiveDate,
    app: Option<&Application>,
) -> anyhow::Result<(RelevanceAnswer, Vec<Candidate>)> {
    let ruled_out = app.map(Application::ruled_out).unwrap_or_default();
    let candidates: Vec<Candidate> = social_care_candidates(conn, who, on)?
        .into_iter()
        .filter(|c| c.certain || !ruled_out.contains(&c.record.id))
        .collect();
    let facts = ConsentFacts {
        date_of_birth: Some(who.date_of_birth),
        on: Some(on),
        registered_pupil: true,
        school_kind: school.kind.clone(),
        placed_by_council: app.and_then(|a| a.placed_by_council),
        social_care: candidates
            .iter()
            .flat_map(|c| c.evidence.iter().cloned())
            .collect(),
        other_council_s47: app.and_then(|a| a.other_council_s47.clone()),
    };
    Ok((rules::relevant_child(&facts), candidates))
}

pub fn application_relevance(
    conn: &mut AnyConnection,
    app: &Application,
) -> anyhow::Result<(RelevanceAnswer, Vec<Candidate>)> {
    let school = schools::find(conn, &app.school_id)?
        .ok_or_else(|| anyhow::anyhow!("application {} has no school", app.id))?;
    relevance(conn, &app.identity(), &school, app.received_on, Some(app))
}

/// Stores a new application: marks it when it repeats a refused one within 6 months
/// (s.434A(12)), records the parent's s.572 choice, acknowledges it by email and gives officers a
/// task. All in the caller's transaction.
pub fn submit(
    conn: &mut AnyConnection,
    mut app: Application,
    templates: &crate::mail::Templates,
    base_url: &str,
    council: &str,
    alert: Option<&TeamAlert>,
    escalation_days: i64,
) -> anyhow::Result<Application> {
    // Every earlier application for this child, whatever became of it: s.434A(12) counts six
    // months from the previous one once any was refused.
    let earlier: Vec<Application> = consent_applications::table
        .filter(consent_applications::date_of_birth.eq(app.date_of_birth))
        .order(consent_applications::created_at.desc())
        .select(Application::as_select())
        .load(conn)?;
    let same_child: Vec<&Application> = earlier
        .iter()
        .filter(|e| e.identity().same_child(&app.identity()))
        .collect();
    let dates: Vec<(NaiveDate, bool)> = same_child
        .iter()
        .map(|e| (e.received_on, e.status == ApplicationStatus::Refused))
        .collect();
    if let Some(d) = rules::within_repeat_window(&dates, app.received_on) {
        app.repeat_of = same_child
            .iter()
            .find(|e| e.received_on == d)
            .map(|e| e.id.clone());
    }
    diesel::insert_into(consent_applications::table)
        .values(&app)
        .execute(conn)?;
    if app.parent_email_consent {
        crate::store::parent_access::record_consent(
            conn,
            &app.parent_email,
            "consent_decisions",
            true,
        )?;
    }
    let link = format!(
        "{}/parents/applications/{}",
        base_url.trim_end_matches('/'),
        app.id
    );
    crate::mail::enqueue(
        conn,
        templates,
        "application-received",
        &app.parent_email,
        &[
            ("reference", &app.reference),
            ("link", &link),
            ("council", council),
        ],
        None,
    )?;
    let summary = match &app.repeat_of {
        Some(_) => format!("Application {} for consent to home educate. It repeats an application refused less than 6 months ago: the council need not decide it again (s.434A(12)).", app.reference),
        None => format!("Assess application {} for consent to home educate (s.434A(6)), without undue delay.", app.reference),
    };
    tasks::create(
        conn,
        alert,
        None,
        TaskKind::ConsentApplication,
        &summary,
        Some(&app.id),
        Some(rules::decide_by(app.received_on, escalation_days)),
    )?;
    Ok(app)
}

/// Applications an officer has assessed that wait for a manager's decision.
pub fn count_awaiting_decision(conn: &mut AnyConnection) -> QueryResult<i64> {
    consent_applications::table
        .filter(consent_applications::status.eq(ApplicationStatus::UnderAssessment))
        .filter(consent_applications::assessed_at.is_not_null())
        .count()
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Application>> {
    consent_applications::table
        .find(id)
        .select(Application::as_select())
        .first(conn)
        .optional()
}

pub fn for_parent(conn: &mut AnyConnection, email: &str) -> QueryResult<Vec<Application>> {
    consent_applications::table
        .filter(consent_applications::parent_email.eq(email))
        .order(consent_applications::created_at.desc())
        .select(Application::as_select())
        .load(conn)
}

pub fn for_school(conn: &mut AnyConnection, school_id: &str) -> QueryResult<Vec<Application>> {
    consent_applications::table
        .filter(consent_applications::school_id.eq(school_id))
        .order(consent_applications::created_at.desc())
        .select(Application::as_select())
        .load(conn)
}

/// Every application with its school's name: open ones first, oldest first.
pub fn list(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<(Application, String)>> {
    let rows: Vec<(Application, String)> = consent_applications::table
        .inner_join(school_table::table)
        .order(consent_applications::received_on.asc())
        .limit(limit)
        .select((Application::as_select(), school_table::name))
        .load(conn)?;
    let (mut open, done): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|(a, _)| a.status.is_open());
    open.extend(done.into_iter().rev());
    Ok(open)
}

/// The answer to a change made only if the application was still as the officer saw it.
/// An update that applies only in the expected state changed no row: someone acted first.
fn changed(rows: usize) -> AppResult<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "The application changed while you were looking at it. Reload it and try again.".into(),
        ))
    }
}

/// Condition A and other-council condition B facts an officer found (s.434A(3)–(4)).
pub fn record_facts(
    conn: &mut AnyConnection,
    id: &str,
    placed_by_council: Option<bool>,
    condition_a_note: Option<&str>,
    other_council_s47: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(consent_applications::table.find(id))
        .set((
            consent_applications::placed_by_council.eq(placed_by_council),
            consent_applications::condition_a_note.eq(condition_a_note),
            consent_applications::other_council_s47.eq(other_council_s47),
            consent_applications::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// An officer found that a possible social care match is another child.
pub fn rule_out(conn: &mut AnyConnection, app: &Application, record_id: &str) -> QueryResult<()> {
    let mut ids = app.ruled_out();
    if !ids.iter().any(|r| r == record_id) {
        ids.push(record_id.to_string());
    }
    diesel::update(consent_applications::table.find(&app.id))
        .set((
            consent_applications::ruled_out_records
                .eq(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())),
            consent_applications::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// An officer's assessment of both limbs of s.434A(6), with reasons and evidence for each.
pub struct Assessment {
    pub best_interests: String,
    pub best_interests_reasons: String,
    pub best_interests_evidence: String,
    pub arrangements: String,
    pub arrangements_reasons: String,
    pub arrangements_evidence: String,
}

pub fn assess(
    conn: &mut AnyConnection,
    app: &Application,
    a: &Assessment,
    user_id: &str,
) -> AppResult<()> {
    if let Err(e) = rules::may(app.status, Action::Assess) {
        return Err(AppError::Refused(e.into()));
    }
    let t = now();
    let n = diesel::update(
        consent_applications::table
            .find(&app.id)
            .filter(consent_applications::status.eq(&app.status)),
    )
    .set((
        consent_applications::best_interests.eq(&a.best_interests),
        consent_applications::best_interests_reasons.eq(&a.best_interests_reasons),
        consent_applications::best_interests_evidence.eq(&a.best_interests_evidence),
        consent_applications::arrangements.eq(&a.arrangements),
        consent_applications::arrangements_reasons.eq(&a.arrangements_reasons),
        consent_applications::arrangements_evidence.eq(&a.arrangements_evidence),
        consent_applications::assessed_by.eq(user_id),
        consent_applications::assessed_at.eq(t),
        consent_applications::status.eq(ApplicationStatus::UnderAssessment),
        consent_applications::updated_at.eq(t),
    ))
    .execute(conn)?;
    changed(n)
}

pub fn withdraw(conn: &mut AnyConnection, app: &Application) -> AppResult<()> {
    if let Err(e) = rules::may(app.status, Action::Withdraw) {
        return Err(AppError::Refused(e.into()));
    }
    let t = now();
    let n = diesel::update(
        consent_applications::table
            .find(&app.id)
            .filter(consent_applications::status.eq(&app.status)),
    )
    .set((
        consent_applications::status.eq(ApplicationStatus::Withdrawn),
        consent_applications::withdrawn_at.eq(t),
        consent_applications::updated_at.eq(t),
    ))
    .execute(conn)?;
    changed(n)
}

/// A referral to the Secretary of State (s.434A(10)–(11)) and, when known, its outcome.
pub fn record_referral(
    conn: &mut AnyConnection,
    app: &Application,
    referred_on: NaiveDate,
    outcome: &str,
    outcome_on: Option<NaiveDate>,
) -> AppResult<()> {
    if let Err(e) = rules::may(app.status, Action::Refer) {
        return Err(AppError::Refused(e.into()));
    }
    let status = rules::status_after_referral(app.status, outcome);
    let n = diesel::update(
        consent_applications::table
            .find(&app.id)
            .filter(consent_applications::status.eq(&app.status)),
    )
    .set((
        consent_applications::status.eq(status),
        consent_applications::referred_on.eq(referred_on),
        consent_applications::referral_outcome.eq(outcome),
        consent_applications::referral_outcome_on.eq(outcome_on),
        consent_applications::updated_at.eq(now()),
    ))
    .execute(conn)?;
    changed(n)
}

/// The s.434B pilot meeting: held with its outcome, or refused by the parent.
pub fn record_meeting(
    conn: &mut AnyConnection,
    id: &str,
    meeting: &str,
    on: Option<NaiveDate>,
    outcome: &str,
) -> QueryResult<usize> {
    diesel::update(consent_applications::table.find(id))
        .set((
            consent_applications::meeting.eq(meeting),
            consent_applications::meeting_on.eq(on),
            consent_applications::meeting_outcome.eq(outcome),
            consent_applications::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// What a manager decides, and the notices to serve.
pub struct Decision<'a> {
    /// Granted or refused.
    pub decision: ApplicationStatus,
    pub reasons: &'a str,
    /// Why a known parent is not to be served (s.434A(8)(b)); None serves every known parent.
    pub exceptional_circumstances: Option<&'a str>,
    pub user_id: &'a str,
    pub today: NaiveDate,
}

use crate::store::served::ServiceContext;

/// Why the decision cannot be made as asked, if it cannot: the application is not waiting for
/// one, the assessor may not decide it, or the decision is not the one the assessment requires
/// (s.434A(6)).
fn decision_refused(app: &Application, d: &Decision) -> Option<String> {
    if let Err(e) = rules::may(app.status, Action::Decide) {
        return Some(e.into());
    }
    if let Err(e) = rules::may_decide_as(app.assessed_by.as_deref(), d.user_id) {
        return Some(e.into());
    }
    let (Some(bi), Some(arr)) = (&app.best_interests, &app.arrangements) else {
        return Some("Record the assessment of both limbs of s.434A(6) first.".into());
    };
    let (required, limb) = rules::required_decision(bi, arr);
    (d.decision != required).then(|| format!(
        "The assessment requires the application to be {required}: {limb}. Change the assessment first if the evidence has changed."
    ))
}

/// One decision notice as it would be served: to whom, the notice's words, and whether it would
/// go by email (only with written consent for a parent, s.572) or by post.
pub struct PlannedNotice {
    pub recipient: crate::store::served::Recipient,
    pub template: &'static str,
    pub vars: Vec<(&'static str, String)>,
}

impl PlannedNotice {
    fn vars(&self) -> Vec<(&str, &str)> {
        self.vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

/// The notices a decision serves (s.434A(8)): the parent who applied, every other known parent
/// unless exceptional circumstances are recorded, and the school's proprietor.
fn decision_notices(
    conn: &mut AnyConnection,
    app: &Application,
    d: &Decision,
    council: &str,
) -> AppResult<Vec<PlannedNotice>> {
    let school = schools::find(conn, &app.school_id)?
        .ok_or_else(|| anyhow::anyhow!("application {} has no school", app.id))?;
    let template = if d.decision == ApplicationStatus::Granted {
        "notices/consent-granted"
    } else {
        "notices/consent-refused"
    };
    let limb = match (&app.best_interests, &app.arrangements) {
        (Some(bi), Some(arr)) => rules::required_decision(bi, arr).1,
        _ => "",
    };
    let applicant = if app.applicant == "school" {
        format!("{} on behalf of {}", school.name, app.parent_name)
    } else {
        app.parent_name.clone()
    };
    let mut recipients: Vec<crate::store::served::Recipient> =
        vec![crate::store::served::Recipient {
            role: crate::store::served::ROLE_APPLICANT_PARENT.into(),
            name: app.parent_name.clone(),
            address: app.parent_address.clone(),
            email: Some(app.parent_email.clone()),
            is_parent: true,
        }];
    if d.exceptional_circumstances.is_none() {
        for p in app.other_parents() {
            recipients.push(crate::store::served::Recipient {
                role: "other_parent".into(),
                name: p.name,
                address: p.address,
                email: p.email,
                is_parent: true,
            });
        }
    }
    recipients.push(crate::store::served::Recipient {
        role: crate::store::served::ROLE_SCHOOL.into(),
        name: format!("The proprietor, {}", school.name),
        address: school.address.clone(),
        email: school.email.clone(),
        is_parent: false,
    });
    Ok(recipients
        .into_iter()
        .map(|r| {
            let vars = vec![
                ("council", council.to_string()),
                ("date", long_date(d.today)),
                ("reference", app.reference.clone()),
                ("recipient", r.name.clone()),
                ("recipient_address", r.address.clone()),
                ("child_name", app.child_name()),
                ("child_dob", long_date(app.date_of_birth)),
                ("school_name", school.name.clone()),
                ("received_on", long_date(app.received_on)),
                ("applicant", applicant.clone()),
                ("reasons", d.reasons.to_string()),
                ("ground", format!("{limb}.")),
            ];
            PlannedNotice {
                recipient: r,
                template,
                vars,
            }
        })
        .collect())
}

/// A decision notice as the manager checks it before serving: who, how it would go, its words.
pub struct NoticePreview {
    pub recipient: crate::store::served::Recipient,
    pub by_email: Option<String>,
    pub title: String,
    pub body: String,
}

/// The notices a decision would serve, rendered but not stored or sent, for the manager to check
/// before deciding. Refused as `decide` would refuse it.
pub fn preview_decision(
    conn: &mut AnyConnection,
    app: &Application,
    d: &Decision,
    ctx: &ServiceContext,
) -> AppResult<Vec<NoticePreview>> {
    if let Some(why) = decision_refused(app, d) {
        return Err(AppError::Refused(why));
    }
    let mut out = vec![];
    for n in decision_notices(conn, app, d, ctx.council)? {
        let rendered = ctx.templates.render(n.template, &n.vars())?;
        let by_email = crate::store::served::email_route(conn, &n.recipient, "consent_decisions")?;
        out.push(NoticePreview {
            recipient: n.recipient,
            by_email,
            title: rendered.subject,
            body: rendered.body,
        });
    }
    Ok(out)
}

/// The manager's decision (s.434A(6)): recorded once, with the notices served on each person
/// (s.434A(8)). Returns the served documents' ids.
pub fn decide(
    conn: &mut AnyConnection,
    app: &Application,
    d: &Decision,
    ctx: &ServiceContext,
) -> AppResult<Vec<String>> {
    if let Some(why) = decision_refused(app, d) {
        return Err(AppError::Refused(why));
    }
    let t = now();
    let n = diesel::update(
        consent_applications::table
            .find(&app.id)
            .filter(consent_applications::status.eq(ApplicationStatus::UnderAssessment)),
    )
    .set((
        consent_applications::status.eq(d.decision),
        consent_applications::decision.eq(d.decision),
        consent_applications::decision_reasons.eq(d.reasons),
        consent_applications::decided_by.eq(d.user_id),
        consent_applications::decided_at.eq(t),
        consent_applications::exceptional_circumstances.eq(d.exceptional_circumstances),
        consent_applications::updated_at.eq(t),
    ))
    .execute(conn)?;
    if n != 1 {
        return Err(AppError::Refused(
            "A decision has already been made on this application.".into(),
        ));
    }
    let mut ids = vec![];
    for n in decision_notices(conn, app, d, ctx.council)? {
        ids.push(crate::store::served::serve(
            conn,
            ctx,
            n.template,
            &n.vars(),
            &n.recipient,
            &app.id,
            &app.reference,
            "consent_decisions",
            d.user_id,
        )?);
    }
    Ok(ids)
}

/// Open applications older than the council's limit, not yet escalated: a task each for
/// managers. Returns how many were escalated.
pub fn escalate_overdue(
    conn: &mut AnyConnection,
    after_days: i64,
    today: NaiveDate,
    alert: Option<&TeamAlert>,
) -> anyhow::Result<usize> {
    let open: Vec<Application> = consent_applications::table
        .filter(consent_applications::status.eq_any(["received", "under_assessment"]))
        .filter(consent_applications::escalated_at.is_null())
        .select(Application::as_select())
        .load(conn)?;
    let mut n = 0;
    for a in open {
        if !rules::needs_escalation(a.status, a.received_on, today, after_days) {
            continue;
        }
        diesel::update(consent_applications::table.find(&a.id))
            .set(consent_applications::escalated_at.eq(now()))
            .execute(conn)?;
        tasks::create(
            conn,
            alert,
            None,
            TaskKind::ConsentEscalation,
            &format!(
                "Application {} has been open {} days without a decision (s.434A(6): without undue delay). A manager should see why.",
                a.reference,
                rules::days_open(a.received_on, today)
            ),
            Some(&a.id),
            Some(today),
        )?;
        n += 1;
    }
    Ok(n)
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = school_notices)]
pub struct SchoolNotice {
    pub id: String,
    pub reference: String,
    pub school_id: String,
    pub kind: NoticeKind,
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: String,
    pub upn: Option<String>,
    pub address_line_1: String,
    pub town: String,
    pub postcode: String,
    pub parents: String,
    pub ground: Option<String>,
    pub on_date: NaiveDate,
    pub future_school: Option<String>,
    pub relevant_child: bool,
    pub answer: String,
    pub application_id: Option<String>,
    pub child_id: Option<String>,
    pub received_at: NaiveDateTime,
    /// Days after the deletion that the return reached the council (reg 13(4)); None when in time.
    pub late_days: Option<i32>,
}

/// A parent the pupil lives with, as a deletion return gives them (reg 13(4)).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct PupilParent {
    pub name: String,
    pub address: String,
    pub phone: String,
}

/// What the school is told at once.
pub const ANSWERS: &[(&str, &str)] = &[
    (
        "wait_for_consent",
        "Do not delete the pupil's name: the council's consent is needed first (s.434A(9)(a))",
    ),
    (
        "may_proceed",
        "The pupil is not a relevant child: consent is not needed",
    ),
    (
        "deletion_refused",
        "Not accepted: the pupil's name must stay on the register until the council consents",
    ),
    ("deletion_recorded", "Deletion return received"),
];

impl SchoolNotice {
    pub fn identity(&self) -> ChildIdentity<'_> {
        ChildIdentity {
            given_names: &self.given_names,
            family_name: &self.family_name,
            date_of_birth: self.date_of_birth,
            sex: &self.sex,
            upn: self.upn.as_deref(),
            address_line_1: &self.address_line_1,
            postcode: &self.postcode,
        }
    }

    pub fn parents(&self) -> Vec<PupilParent> {
        serde_json::from_str(&self.parents).unwrap_or_default()
    }

    pub fn new(school_id: &str, kind: NoticeKind, at: NaiveDateTime) -> SchoolNotice {
        SchoolNotice {
            id: new_id(),
            reference: new_reference("SN"),
            school_id: school_id.into(),
            kind,
            given_names: String::new(),
            family_name: String::new(),
            date_of_birth: NaiveDate::default(),
            sex: "U".into(),
            upn: None,
            address_line_1: String::new(),
            town: String::new(),
            postcode: String::new(),
            parents: "[]".into(),
            ground: None,
            on_date: at.date(),
            future_school: None,
            relevant_child: false,
            answer: String::new(),
            application_id: None,
            child_id: None,
            received_at: at,
            late_days: None,
        }
    }
}

/// The school's answer, with the reasons.
pub struct NoticeOutcome {
    pub notice: SchoolNotice,
    pub relevance: RelevanceAnswer,
    /// Why a deletion return was not accepted.
    pub refused: Option<String>,
}

/// Receives a school's notice. An intention (s.434A(5)) is answered with whether the pupil is a
/// relevant child. A deletion return (reg 13(4)) is checked against s.434A(9)(a) and the
/// no-backdating rule; one on ground (f) enters the child on the register, pending review.
/// Whether a school may send another notice now: each answer says whether a pupil is a relevant
/// child, so a school (or a stolen school account) sending many could learn which children are
/// known to social care. Over `per_day` in 24 hours the notice is refused, and the team is told
/// once a day with a task. Runs in its own transaction, before the notice's.
pub fn school_may_send_notice(
    conn: &mut AnyConnection,
    school_id: &str,
    per_day: i64,
    alert: Option<&TeamAlert>,
) -> anyhow::Result<bool> {
    let since = now() - chrono::Duration::hours(24);
    let sent: i64 = school_notices::table
        .filter(school_notices::school_id.eq(school_id))
        .filter(school_notices::received_at.gt(since))
        .count()
        .get_result(conn)?;
    if sent < per_day {
        return Ok(true);
    }
    let told: i64 = crate::db::schema::tasks::table
        .filter(crate::db::schema::tasks::kind.eq(TaskKind::SchoolNoticeVolume))
        .filter(crate::db::schema::tasks::source_id.eq(school_id))
        .filter(crate::db::schema::tasks::created_at.gt(since))
        .count()
        .get_result(conn)?;
    if told == 0 {
        let name = schools::find(conn, school_id)?
            .map(|s| s.name)
            .unwrap_or_default();
        tasks::create(
            conn,
            alert,
            None,
            TaskKind::SchoolNoticeVolume,
            &format!("{name} has sent {sent} notices in 24 hours, over the {per_day} expected, and further ones are refused until the day has passed. Each answer says whether a pupil is known to social care: check with the school that its account is in the right hands."),
            Some(school_id),
            Some(now().date()),
        )?;
    }
    Ok(false)
}

pub fn receive_notice(
    conn: &mut AnyConnection,
    mut notice: SchoolNotice,
    today: NaiveDate,
    alert: Option<&TeamAlert>,
    commencement: &crate::domain::commencement::Commencement,
) -> anyhow::Result<NoticeOutcome> {
    let school = schools::find(conn, &notice.school_id)?
        .ok_or_else(|| anyhow::anyhow!("notice for an unknown school"))?;
    // The application for this child at this school, if there is one: its facts count, and a
    // grant lets the school delete.
    let apps: Vec<Application> = consent_applications::table
        .filter(consent_applications::school_id.eq(&school.id))
        .filter(consent_applications::date_of_birth.eq(notice.date_of_birth))
        .order(consent_applications::created_at.desc())
        .select(Application::as_select())
        .load(conn)?;
    let app = apps
        .iter()
        .find(|a| a.identity().same_child(&notice.identity()));
    notice.application_id = app.map(|a| a.id.clone());
    let granted = app.is_some_and(|a| a.status == ApplicationStatus::Granted);
    let on = notice.on_date.min(today);
    let (relevance, _) = relevance(conn, &notice.identity(), &school, on, app)?;
    let relevance = match commencement.not_in_force(Provision::Consent, on) {
        Some(why) => RelevanceAnswer::before_commencement(why),
        None => relevance,
    };
    notice.relevant_child = relevance.school_must_wait();
    let mut refused = None;
    if notice.kind == NoticeKind::Intention {
        notice.answer = if notice.relevant_child && !granted {
            "wait_for_consent"
        } else {
            "may_proceed"
        }
        .into();
        tasks::create(
            conn,
            alert,
            None,
            TaskKind::SchoolNotice,
            &format!(
                "{} told us a parent intends to home educate {} {}, born {} ({}). {}",
                school.name,
                notice.given_names,
                notice.family_name,
                crate::clock::fmt_date(notice.date_of_birth),
                notice.reference,
                if notice.relevant_child {
                    "The pupil is or may be a relevant child, known to children's social care or placed by a council: check it today, and talk to the social worker. Consent is needed before the school may delete the name."
                } else {
                    "Not a relevant child; expect a deletion return."
                }
            ),
            Some(&notice.id),
            // A child who may be a relevant child comes first: due today. Otherwise within the
            // 5 school days a deletion return would take.
            Some(if notice.relevant_child {
                today
            } else {
                today + chrono::Days::new(7)
            }),
        )?;
    } else {
        let ground = notice.ground.clone().unwrap_or_default();
        notice.late_days = rules::deletion_return_days_late(notice.on_date, today);
        if let Some(days) = notice.late_days {
            tasks::create(
                conn,
                alert,
                None,
                TaskKind::SchoolNotice,
                &format!(
                    "{} sent deletion return {} {days} day{} after the name was deleted: a return must reach the council no later than the day of deletion (reg 13(4)). Check the child is on the register and follow it up with the school.",
                    school.name,
                    notice.reference,
                    if days == 1 { "" } else { "s" }
                ),
                Some(&notice.id),
                Some(today),
            )?;
        }
        match rules::deletion_allowed(&ground, &relevance, granted) {
            Ok(()) => notice.answer = "deletion_recorded".into(),
            Err(e) => {
                if e.contains("relevant child") {
                    notice.answer = "deletion_refused".into();
                    refused = Some(e);
                } else {
                    // Not stored: the school corrects the return.
                    return Ok(NoticeOutcome {
                        notice,
                        relevance,
                        refused: Some(e),
                    });
                }
            }
        }
    }
    diesel::insert_into(school_notices::table)
        .values(&notice)
        .execute(conn)?;
    if notice.kind == NoticeKind::Deletion
        && notice.answer == "deletion_recorded"
        && notice.ground.as_deref() == Some("f")
    {
        let child_id = enter_on_register(conn, &notice, app, alert)?;
        diesel::update(school_notices::table.find(&notice.id))
            .set(school_notices::child_id.eq(&child_id))
            .execute(conn)?;
        notice.child_id = Some(child_id);
    }
    Ok(NoticeOutcome {
        notice,
        relevance,
        refused,
    })
}

/// Ground (f): the child will be educated otherwise than at school, so the register must hold
/// them (s.436B). The entry is made or linked, and marked for an officer's review.
fn enter_on_register(
    conn: &mut AnyConnection,
    n: &SchoolNotice,
    app: Option<&Application>,
    alert: Option<&TeamAlert>,
) -> anyhow::Result<String> {
    use crate::store::children::{refresh_keys, Address, Child, Parent};
    let t = now();
    let mut child = Child {
        given_names: n.given_names.clone(),
        family_name: n.family_name.clone(),
        date_of_birth: Some(n.date_of_birth),
        sex: n.sex.clone(),
        upn: n.upn.clone(),
        arrangement: "home_educated".into(),
        eligible_from: Some(n.on_date),
        reviewed: false,
        parent_hours_per_week: app.and_then(|a| a.hours_per_week),
        ..Child::open_entry("school", t)
    };
    refresh_keys(&mut child, Some(&n.postcode));
    let address = Address {
        id: new_id(),
        child_id: child.id.clone(),
        kind: AddressKind::Current,
        line_1: n.address_line_1.clone(),
        line_2: None,
        town: n.town.clone(),
        postcode: n.postcode.clone(),
        moved_in_on: None,
        created_at: t,
    };
    let parents: Vec<Parent> = n
        .parents()
        .into_iter()
        .map(|p| {
            let (given, family) = match p.name.trim().rsplit_once(' ') {
                Some((g, f)) => (g.to_string(), f.to_string()),
                None => (String::new(), p.name.trim().to_string()),
            };
            let email = app
                .filter(|a| {
                    crate::domain::register::fold(&a.parent_name)
                        == crate::domain::register::fold(&p.name)
                })
                .map(|a| a.parent_email.clone());
            Parent {
                id: new_id(),
                child_id: child.id.clone(),
                given_names: given,
                family_name: family,
                relationship: "other".into(),
                parental_responsibility: true,
                lives_with_child: true,
                educating: true,
                address_line_1: Some(p.address.clone()).filter(|a| !a.is_empty()),
                address_town: None,
                address_postcode: None,
                email,
                phone: Some(p.phone.clone()).filter(|a| !a.is_empty()),
                created_at: t,
            }
        })
        .collect();
    let notified = crate::store::notifications::NotifiedChild {
        child,
        addresses: vec![address],
        providers: vec![],
        parents,
        from: crate::store::notifications::Informant::School,
        // s.436C(2)(j): the school that took the child off its roll is a school attended.
        prescribed: crate::domain::prescribed::Prescribed {
            schools_attended: crate::store::schools::find(conn, &n.school_id)?.map(|s| {
                format!(
                    "{} (URN {}), until {}",
                    s.name,
                    s.urn,
                    crate::clock::fmt_date(n.on_date)
                )
            }),
            ..Default::default()
        },
    };
    let why = format!("deletion return {} from a school, ground (f)", n.reference);
    let (id, _) = crate::store::notifications::enter_or_link(conn, &notified, &why, &n.id, alert)?;
    Ok(id)
}

pub fn notices_for_school(
    conn: &mut AnyConnection,
    school_id: &str,
) -> QueryResult<Vec<SchoolNotice>> {
    school_notices::table
        .filter(school_notices::school_id.eq(school_id))
        .order(school_notices::received_at.desc())
        .limit(200)
        .select(SchoolNotice::as_select())
        .load(conn)
}

pub fn find_notice(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<SchoolNotice>> {
    school_notices::table
        .find(id)
        .select(SchoolNotice::as_select())
        .first(conn)
        .optional()
}

/// Notices from schools with no application yet: officers follow these up.
pub fn recent_notices(
    conn: &mut AnyConnection,
    limit: i64,
) -> QueryResult<Vec<(SchoolNotice, String)>> {
    school_notices::table
        .inner_join(school_table::table)
        .order(school_notices::received_at.desc())
        .limit(limit)
        .select((SchoolNotice::as_select(), school_table::name))
        .load(conn)
}
