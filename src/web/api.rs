//! `/api/v1/`: a children's social care system pushes the records the nightly cross-check reads,
//! authenticated by a bearer token an admin issues (`cnis api-token issue`) and can revoke.
//! Errors are RFC 9457 problem documents. Described at `/api/v1/openapi.json`.
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::AppState;
use crate::clock::today;
use crate::domain::safeguarding::EpisodeKind;
use crate::error::AppError;
use crate::imports::social_care::{check, RawEpisode};
use crate::store::social_care::{self, Stored};
use crate::store::{api_tokens, audit};

/// Records in one request; a full extract goes in several.
pub const MAX_RECORDS: usize = 1000;

fn problem(status: StatusCode, title: &str, detail: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(serde_json::json!({
            "type": "about:blank",
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
        }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Episode {
    kind: String,
    start_date: Option<String>,
    end_date: Option<String>,
    /// s47 only: true when the enquiry ended with no further action.
    nfa: Option<bool>,
    /// s47 only: the day the council decided to take action under s.47(8).
    action_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    record_id: Option<String>,
    given_names: Option<String>,
    family_name: Option<String>,
    date_of_birth: Option<String>,
    sex: Option<String>,
    upn: Option<String>,
    former_upn: Option<String>,
    nhs_number: Option<String>,
    address_line_1: Option<String>,
    town: Option<String>,
    postcode: Option<String>,
    #[serde(default)]
    episodes: Vec<Episode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Push {
    records: Vec<Record>,
}

#[derive(Serialize, Default)]
struct Rejected {
    index: usize,
    reason: String,
}

#[derive(Serialize, Default)]
struct PushReport {
    new: usize,
    changed: usize,
    unchanged: usize,
    rejected: Vec<Rejected>,
    warnings: Vec<Rejected>,
    /// Section 47 enquiries that ended with no outcome given: each may make the child a relevant
    /// child until an officer records how it ended.
    enquiries_outcome_unknown: usize,
}

/// The client behind the bearer token, within its rate limit; or the problem to send back.
async fn authenticate(
    req: &HttpRequest,
    state: &AppState,
) -> Result<api_tokens::Client, HttpResponse> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let Some(token) = token else {
        let mut resp = problem(
            StatusCode::UNAUTHORIZED,
            "Sign in needed",
            "Send the token an administrator issued as: Authorization: Bearer <token>",
        );
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return Err(resp);
    };
    let client = match state.db(move |c| Ok(api_tokens::check(c, &token)?)).await {
        Ok(Some(t)) => t,
        Ok(None) => {
            return Err(problem(
                StatusCode::UNAUTHORIZED,
                "Token not accepted",
                "The token is unknown or has been revoked. Ask an administrator for a new one.",
            ))
        }
        Err(e) => return Err(internal(e)),
    };
    if state.api_limiter.check_key(&client.token_id).is_err() {
        let mut resp = problem(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            &format!(
                "This token may send {} requests a minute. Wait a minute and send the rest.",
                state.config.api_requests_per_minute
            ),
        );
        resp.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        return Err(resp);
    }
    Ok(client)
}

async fn push(req: HttpRequest, state: web::Data<AppState>, body: web::Payload) -> HttpResponse {
    let client = match authenticate(&req, &state).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    if client.school_id.is_some() {
        return problem(
            StatusCode::FORBIDDEN,
            "Not allowed with this token",
            "A school's token may send school notices only. Social care records need a social care system's token.",
        );
    }
    let name = client.name;
    let parsed: Push = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "The body could not be read", &format!("Expected JSON of the form {{\"records\": [...]}} as described at /api/v1/openapi.json: {e}")),
    };
    if parsed.records.len() > MAX_RECORDS {
        return problem(StatusCode::PAYLOAD_TOO_LARGE, "Too many records", &format!("Send at most {MAX_RECORDS} records in one request, and the rest in further requests."));
    }
    let errors = shape_errors(&parsed.records);
    if !errors.is_empty() {
        return field_problems(
            "The records have problems",
            "Nothing was stored. Correct the fields named in errors and send the request again.",
            &errors,
        );
    }
    let on = today();
    let outcome = state
        .db(move |c| crate::db::write(c, |c| store_records(c, &parsed.records, on, &name)))
        .await;
    match outcome {
        Ok(report) => HttpResponse::Ok().json(report),
        Err(e) => internal(e),
    }
}

/// What the schema requires of each record's shape (a record_id, known episode kinds): a request
/// that breaks it is refused whole, with every problem named. What it holds (a date that is not
/// real, a bad identifier) is the record's own warning or rejection in the report.
fn shape_errors(records: &[Record]) -> Vec<(String, String)> {
    let mut out = vec![];
    for (i, r) in records.iter().enumerate() {
        match r.record_id.as_deref().map(str::trim) {
            None => out.push((
                format!("records[{i}].record_id"),
                "record_id is required".into(),
            )),
            Some("") => out.push((
                format!("records[{i}].record_id"),
                "record_id is empty".into(),
            )),
            Some(id) if id.chars().count() > 100 => out.push((
                format!("records[{i}].record_id"),
                "record_id is longer than 100 characters".into(),
            )),
            Some(_) => {}
        }
        for (j, e) in r.episodes.iter().enumerate() {
            if !EPISODE_KINDS.contains(&e.kind.as_str()) {
                out.push((
                    format!("records[{i}].episodes[{j}].kind"),
                    format!("episode kind {:.20} is not s47, cp_plan or cin", e.kind),
                ));
            } else if EpisodeKind::parse(&e.kind) != Some(EpisodeKind::Section47)
                && (e.nfa.is_some() || e.action_date.is_some())
            {
                out.push((
                    format!("records[{i}].episodes[{j}]"),
                    "nfa and action_date describe how a section 47 enquiry ended: send them on an s47 episode only".into(),
                ));
            }
        }
    }
    out
}

const EPISODE_KINDS: [&str; 3] = ["s47", "cp_plan", "cin"];

/// 422 naming each field's problem.
fn field_problems(title: &str, detail: &str, errors: &[(String, String)]) -> HttpResponse {
    HttpResponse::UnprocessableEntity()
        .content_type("application/problem+json")
        .json(serde_json::json!({
            "type": "about:blank",
            "title": title,
            "status": 422,
            "detail": detail,
            "errors": errors.iter().map(|(f, m)| serde_json::json!({"field": f, "message": m})).collect::<Vec<_>>(),
        }))
}

impl Record {
    /// A field as text, trimmed; empty when absent.
    fn field(&self, k: &str) -> String {
        let v = match k {
            "record_id" => &self.record_id,
            "given_names" => &self.given_names,
            "family_name" => &self.family_name,
            "date_of_birth" => &self.date_of_birth,
            "sex" => &self.sex,
            "upn" => &self.upn,
            "former_upn" => &self.former_upn,
            "nhs_number" => &self.nhs_number,
            "address_line_1" => &self.address_line_1,
            "town" => &self.town,
            "postcode" => &self.postcode,
            _ => return String::new(),
        };
        v.as_deref().unwrap_or("").trim().to_string()
    }

    /// (kind, start, end) of each episode, or why one cannot be read.
    fn episodes(&self) -> Result<Vec<RawEpisode>, String> {
        self.episodes
            .iter()
            .map(|e| {
                let Some(kind) = EpisodeKind::parse(&e.kind) else {
                    return Err(format!(
                        "episode kind {:.20} is not s47, cp_plan or cin",
                        e.kind
                    ));
                };
                Ok(RawEpisode {
                    kind: Some(kind),
                    start: e.start_date.clone().unwrap_or_default(),
                    end: e.end_date.clone().unwrap_or_default(),
                    nfa: e.nfa.map(|b| b.to_string()).unwrap_or_default(),
                    action_date: e.action_date.clone().unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// Stores every record it can, in the caller's transaction; the report names each one rejected
/// and each warning by its index in the request.
fn store_records(
    c: &mut crate::db::AnyConnection,
    records: &[Record],
    on: chrono::NaiveDate,
    token_name: &str,
) -> Result<PushReport, AppError> {
    let mut report = PushReport::default();
    let mut seen = std::collections::HashSet::new();
    for (index, r) in records.iter().enumerate() {
        let checked = r
            .episodes()
            .and_then(|episodes| check(&|k: &str| r.field(k), &episodes, on));
        let (incoming, warnings) = match checked {
            Ok(x) => x,
            Err(reason) => {
                report.rejected.push(Rejected { index, reason });
                continue;
            }
        };
        if !seen.insert(incoming.record_id.clone()) {
            let reason = "record_id appears earlier in this request".into();
            report.rejected.push(Rejected { index, reason });
            continue;
        }
        for w in warnings {
            report.warnings.push(Rejected { index, reason: w });
        }
        let (stored, unknown) = social_care::store(c, "api", &incoming)?;
        report.enquiries_outcome_unknown += unknown;
        match stored {
            Stored::New => report.new += 1,
            Stored::Changed => report.changed += 1,
            Stored::Unchanged => report.unchanged += 1,
        }
    }
    let stored = report.new + report.changed + report.unchanged;
    let purpose = format!("token {token_name}: {stored} records stored");
    audit::record(c, None, "api_social_care_push", None, &purpose)?;
    Ok(report)
}

/// A school's notice as JSON: the same fields as the schools' form, dates as YYYY-MM-DD.
#[derive(Deserialize)]
struct NoticeBody {
    kind: String,
    #[serde(flatten)]
    fields: std::collections::HashMap<String, serde_json::Value>,
    #[serde(default)]
    parents: Vec<std::collections::HashMap<String, String>>,
}

/// The fields a notice may have besides kind and parents (the schools' form's own).
const NOTICE_FIELDS: [&str; 11] = [
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "upn",
    "address_line_1",
    "town",
    "postcode",
    "on_date",
    "ground",
    "future_school",
];

/// A notice whose shape the schema does not allow: an unknown field, a value that is not text,
/// or a parent with a field other than name, address and phone.
fn notice_shape_error(b: &NoticeBody) -> Option<String> {
    for (k, v) in &b.fields {
        if !NOTICE_FIELDS.contains(&k.as_str()) {
            return Some(format!("{k:.40} is not a field of a school notice"));
        }
        if !matches!(v, serde_json::Value::String(_) | serde_json::Value::Null) {
            return Some(format!("{k} must be text"));
        }
    }
    for p in &b.parents {
        if let Some(k) = p
            .keys()
            .find(|k| !["name", "address", "phone"].contains(&k.as_str()))
        {
            return Some(format!("{k:.40} is not a field of a parent"));
        }
    }
    None
}

/// Flattens the JSON into the form the schools' pages post, so both are checked by one function.
fn as_form(b: &NoticeBody) -> super::forms::FormData {
    let mut form = std::collections::HashMap::new();
    for (k, v) in &b.fields {
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        if matches!(k.as_str(), "date_of_birth" | "on_date") {
            // An ISO date becomes the three parts; anything else is left for the check to name.
            let parts: Vec<&str> = text.splitn(3, '-').collect();
            if let [y, m, d] = parts.as_slice() {
                form.insert(format!("{k}-year"), y.to_string());
                form.insert(format!("{k}-month"), m.to_string());
                form.insert(format!("{k}-day"), d.to_string());
            } else if !text.is_empty() {
                form.insert(format!("{k}-year"), text.clone());
            }
        } else {
            form.insert(k.clone(), text);
        }
    }
    for (i, p) in b.parents.iter().take(2).enumerate() {
        for f in ["name", "address", "phone"] {
            if let Some(v) = p.get(f) {
                form.insert(format!("parent{}_{f}", i + 1), v.clone());
            }
        }
    }
    super::forms::FormData(form)
}

/// The notice in the body, in the shape the schema allows, or the problem to send back.
#[allow(clippy::result_large_err)] // the problem is the handler's answer as it stands
fn read_notice(
    body: &[u8],
) -> Result<(NoticeBody, crate::domain::consent::NoticeKind), HttpResponse> {
    let parsed: NoticeBody = serde_json::from_slice(body).map_err(|e| {
        problem(
            StatusCode::BAD_REQUEST,
            "The body could not be read",
            &format!("Expected a JSON object as described at /api/v1/openapi.json: {e}"),
        )
    })?;
    if let Some(why) = notice_shape_error(&parsed) {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "The body could not be read",
            &format!("{why}, as described at /api/v1/openapi.json"),
        ));
    }
    if parsed.parents.len() > 2 {
        let mut errors = crate::views::Errors::default();
        errors.add("parents", "Give at most two parents");
        return Err(invalid(&errors));
    }
    let Some(kind) = crate::domain::consent::NoticeKind::parse(&parsed.kind) else {
        return Err(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Unknown kind",
            "kind must be intention (s.434A(5)) or deletion (a deletion return, reg 13(4))",
        ));
    };
    Ok((parsed, kind))
}

async fn school_notice(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Payload,
) -> HttpResponse {
    let client = match authenticate(&req, &state).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let Some(school_id) = client.school_id else {
        return problem(
            StatusCode::FORBIDDEN,
            "Not allowed with this token",
            "Only a school's token may send school notices. An administrator issues one on the school's page.",
        );
    };
    let (parsed, kind) = match read_notice(&body) {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let notice =
        match crate::web::schools::notices::parse_notice(&as_form(&parsed), &school_id, kind) {
            Ok(n) => n,
            Err(errors) => return invalid(&errors),
        };
    match crate::web::schools::notices::within_daily_notices(&state, &school_id).await {
        Ok(true) => {}
        Ok(false) => {
            return problem(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many notices today",
                crate::web::schools::notices::TOO_MANY_NOTICES,
            )
        }
        Err(e) => return internal(e),
    }
    let out = match crate::web::schools::notices::receive(
        &state,
        notice,
        None,
        &format!("the API, token {}", client.token_id),
    )
    .await
    {
        Ok(o) => o,
        Err(e) => return internal(e),
    };
    if out.notice.answer.is_empty() {
        let mut errors = crate::views::Errors::default();
        errors.add("on_date", out.refused.unwrap_or_default());
        return invalid(&errors);
    }
    let may_delete = matches!(
        out.notice.answer.as_str(),
        "may_proceed" | "deletion_recorded"
    );
    HttpResponse::Created().json(serde_json::json!({
        "id": out.notice.id,
        "reference": out.notice.reference,
        "kind": out.notice.kind,
        "relevant_child": out.notice.relevant_child,
        "answer": out.notice.answer,
        "may_delete": may_delete,
        "message": crate::web::schools::notices::answer_text(&out.notice),
    }))
}

/// 422 with each field's message, in the words the schools' pages use.
fn invalid(errors: &crate::views::Errors) -> HttpResponse {
    let errors: Vec<(String, String)> = errors
        .0
        .iter()
        .map(|(f, m)| (f.to_string(), m.to_string()))
        .collect();
    field_problems(
        "The notice has problems",
        "Nothing was stored. Correct the fields named in errors and send it again.",
        &errors,
    )
}

fn internal(e: AppError) -> HttpResponse {
    if e.is_busy() {
        log::warn!("api busy: {e}");
        let mut r = problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is busy",
            "Nothing in this request was stored. Send it again after the Retry-After interval.",
        );
        r.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(crate::error::RETRY_AFTER_SECONDS),
        );
        return r;
    }
    let id = crate::db::new_id();
    log::error!("api error {id}: {e}");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        &format!("Nothing in this request was stored. Quote error {id} to the council."),
    )
}

/// The largest request body: a full batch of records fits with room to spare.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Reads the body up to `MAX_BODY_BYTES`; a larger or broken one is a problem document.
async fn read_body(payload: web::Payload) -> Result<web::Bytes, HttpResponse> {
    match payload.to_bytes_limited(MAX_BODY_BYTES).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(_)) => Err(problem(
            StatusCode::BAD_REQUEST,
            "The body could not be read",
            "The request body was cut short. Send it again.",
        )),
        Err(_) => Err(problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The body is too large",
            &format!("Send at most {MAX_BODY_BYTES} bytes in one request, and the rest in further requests."),
        )),
    }
}

/// A method the path does not offer: 405 with the one it does.
fn method_not_allowed(allow: &'static str) -> HttpResponse {
    let mut resp = problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        &format!("This address takes {allow} only. See /api/v1/openapi.json."),
    );
    resp.headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(allow));
    resp
}

/// The OpenAPI document's schemas: objects take no properties but those named.
fn components() -> serde_json::Value {
    let lenient = |what: &str| serde_json::json!({"type": ["string", "null"], "description": what});
    let text = serde_json::json!({"type": ["string", "null"]});
    let required_text = serde_json::json!({"type": "string", "minLength": 1, "maxLength": 10000});
    let iso_date =
        serde_json::json!({"type": "string", "format": "date", "description": "YYYY-MM-DD"});
    serde_json::json!({
        "securitySchemes": { "token": { "type": "http", "scheme": "bearer", "description": "Issued by an administrator with `cnis api-token issue --name NAME`; revoked with `cnis api-token revoke --id ID`." } },
        "schemas": {
            "Episode": { "type": "object", "additionalProperties": false, "required": ["kind"], "properties": {
                "kind": { "type": "string", "enum": EPISODE_KINDS, "description": "Section 47 enquiry, child protection plan, or child in need" },
                "start_date": lenient("YYYY-MM-DD; a date that cannot be read is dropped with a warning"),
                "end_date": lenient("YYYY-MM-DD, or empty while ongoing"),
                "nfa": { "type": ["boolean", "null"], "description": "s47 only: true when the enquiry ended with no further action. An ended enquiry with neither nfa nor action_date has no known outcome: the child may be a relevant child (s.434A(4)) until an officer records it." },
                "action_date": lenient("s47 only: YYYY-MM-DD, the day the council decided to take action under s.47(8)") } },
            "Record": { "type": "object", "additionalProperties": false, "required": ["record_id"], "properties": {
                "record_id": { "type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\S" },
                "given_names": text, "family_name": text,
                "date_of_birth": lenient("YYYY-MM-DD; a date that cannot be read is dropped with a warning"),
                "sex": lenient("F, M or U; anything else is dropped with a warning"),
                "upn": lenient("A UPN that fails its check letter is dropped with a warning"),
                "former_upn": text,
                "nhs_number": lenient("An NHS number that fails its check digit is dropped with a warning"),
                "address_line_1": text, "town": text, "postcode": text,
                "episodes": { "type": "array", "maxItems": 1000, "items": { "$ref": "#/components/schemas/Episode" } } } },
            "Parent": { "type": "object", "additionalProperties": false, "required": ["name", "phone"], "properties": {
                "name": required_text, "address": { "type": "string", "maxLength": 10000 }, "phone": required_text } },
            "SchoolNotice": { "type": "object", "additionalProperties": false, "required": ["kind", "given_names", "family_name", "date_of_birth", "sex", "address_line_1", "town", "postcode", "on_date", "parents"], "properties": {
                "kind": { "type": "string", "enum": ["intention", "deletion"] },
                "given_names": required_text, "family_name": required_text, "date_of_birth": iso_date,
                "sex": { "type": "string", "enum": ["F", "M", "U"] }, "upn": text,
                "address_line_1": required_text, "town": required_text, "postcode": required_text,
                "on_date": iso_date,
                "ground": { "type": ["string", "null"], "enum": ["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o", null] },
                "future_school": text,
                "parents": { "type": "array", "minItems": 1, "maxItems": 2, "items": { "$ref": "#/components/schemas/Parent" } } } },
            "NoticeAnswer": { "type": "object", "properties": {
                "id": {"type": "string"}, "reference": {"type": "string"}, "kind": {"type": "string"},
                "relevant_child": { "type": "boolean", "description": "The pupil is or may be a relevant child (s.434A(2))" },
                "answer": { "type": "string", "enum": ["wait_for_consent", "may_proceed", "deletion_refused", "deletion_recorded"] },
                "may_delete": { "type": "boolean", "description": "false: the school must not delete the pupil's name before the council consents (s.434A(9)(a))" },
                "message": {"type": "string"} } },
            "Problem": { "type": "object", "required": ["type", "title", "status"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
                "errors": { "type": "array", "items": { "type": "object", "properties": { "field": {"type": "string"}, "message": {"type": "string"} } } } } },
            "Item": { "type": "object", "properties": { "index": {"type": "integer"}, "reason": {"type": "string"} } },
            "Report": { "type": "object", "properties": {
                "new": {"type": "integer"}, "changed": {"type": "integer"}, "unchanged": {"type": "integer"},
                "enquiries_outcome_unknown": {"type": "integer", "description": "Section 47 enquiries that ended with no outcome given"},
                "rejected": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } },
                "warnings": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } } } }
        }
    })
}

/// The OpenAPI 3.1 description of this API. Every status a path can answer is listed; every
/// error is a problem document; objects take no properties but those named.
pub fn openapi() -> serde_json::Value {
    let problem_of = |what: &str| serde_json::json!({ "description": what, "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } });
    let common = |extra: &[(&str, serde_json::Value)]| {
        let mut r = serde_json::Map::new();
        for (code, v) in extra {
            r.insert((*code).to_string(), v.clone());
        }
        r.insert(
            "400".into(),
            problem_of("The body is not JSON of this shape (a wrong type, an unknown property)"),
        );
        r.insert(
            "401".into(),
            problem_of("No token, or a token that is unknown or revoked"),
        );
        r.insert("403".into(), problem_of("This token may not use this path"));
        r.insert(
            "413".into(),
            problem_of("The body, or the number of records, is over the limit"),
        );
        r.insert(
            "422".into(),
            problem_of("A field is missing or wrong; errors lists each, and nothing was stored"),
        );
        r.insert(
            "429".into(),
            problem_of("Over the token's requests a minute; Retry-After says when to send again"),
        );
        r.insert(
            "500".into(),
            problem_of("The service failed; nothing was stored; the detail gives an error id"),
        );
        r.insert(
            "503".into(),
            problem_of("The database is busy; nothing was stored; send again after Retry-After"),
        );
        serde_json::Value::Object(r)
    };
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "cnis social care push API",
            "version": "1",
            "description": "A children's social care system sends the records the nightly cross-check matches against the register of children not in school. A request whose shape breaks this schema is refused whole (400 or 422) and nothing is stored. Otherwise each record is stored, or rejected with its index and reason (for example a record_id sent twice), and a bad identifier or date is dropped from its record with a warning. A record sent again replaces the earlier snapshot of that record_id."
        },
        "components": components(),
        "security": [ { "token": [] } ],
        "paths": {
            "/api/v1/social-care-records": { "post": {
                "summary": "Store social care records for the cross-check",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "additionalProperties": false, "required": ["records"], "properties": { "records": { "type": "array", "maxItems": MAX_RECORDS, "items": { "$ref": "#/components/schemas/Record" } } } } } } },
                "responses": common(&[("200", serde_json::json!({ "description": "Stored, with any rejected records and warnings", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Report" } } } }))])
            } },
            "/api/v1/school-notices": { "post": {
                "summary": "A school tells the council that a parent intends to home educate a pupil (s.434A(5)), or sends a deletion return (reg 13(4)); the answer says at once whether the pupil's name may be deleted",
                "description": "Needs a school's token (issued on the school's page by an administrator). on_date is the day the parent told the school, or the deletion date; a deletion return sent after that date is kept and marked late (reg 13(4)). ground (a to o) and future_school are for a deletion. Each parent needs an emergency phone number.",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SchoolNotice" } } } },
                "responses": common(&[("201", serde_json::json!({ "description": "Stored, with the council's answer", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NoticeAnswer" } } } }))])
            } }
        }
    })
}

async fn openapi_doc() -> HttpResponse {
    HttpResponse::Ok().json(openapi())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/openapi.json", web::get().to(openapi_doc))
            .route("/social-care-records", web::post().to(push))
            .route("/school-notices", web::post().to(school_notice))
            // Any other method on a known path (TRACE included): 405, saying which one it takes.
            .route(
                "/openapi.json",
                web::to(|| async { method_not_allowed("GET") }),
            )
            .route(
                "/social-care-records",
                web::to(|| async { method_not_allowed("POST") }),
            )
            .route(
                "/school-notices",
                web::to(|| async { method_not_allowed("POST") }),
            )
            .default_service(web::to(|| async {
                problem(
                    StatusCode::NOT_FOUND,
                    "Not found",
                    "See /api/v1/openapi.json for what this API offers.",
                )
            })),
    );
}
