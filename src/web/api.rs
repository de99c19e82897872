//! `/api/v1/`: a children's social care system pushes the records the nightly cross-check reads,
//! authenticated by a bearer token an admin issues (`cnis api-token issue`) and can revoke.
//! Errors are RFC 9457 problem documents. Described at `/api/v1/openapi.json`.
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::Connection;
use serde::{Deserialize, Serialize};

use super::register::today;
use super::AppState;
use crate::error::AppError;
use crate::imports::social_care::check;
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
struct Episode {
    kind: String,
    start_date: Option<String>,
    end_date: Option<String>,
}

#[derive(Deserialize)]
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
}

async fn push(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> HttpResponse {
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
        return resp;
    };
    let (token_id, name) = match state.db(move |c| Ok(api_tokens::check(c, &token)?)).await {
        Ok(Some(t)) => t,
        Ok(None) => {
            return problem(
                StatusCode::UNAUTHORIZED,
                "Token not accepted",
                "The token is unknown or has been revoked. Ask an administrator for a new one.",
            )
        }
        Err(e) => return internal(e),
    };
    if state.api_limiter.check_key(&token_id).is_err() {
        let mut resp = problem(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            &format!(
                "This token may send {} requests a minute. Wait a minute and send the rest.",
                state.config.api_requests_per_minute
            ),
        );
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static("60"),
        );
        return resp;
    }
    let parsed: Push = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => return problem(StatusCode::BAD_REQUEST, "The body could not be read", &format!("Expected JSON of the form {{\"records\": [...]}} as described at /api/v1/openapi.json: {e}")),
    };
    if parsed.records.len() > MAX_RECORDS {
        return problem(StatusCode::PAYLOAD_TOO_LARGE, "Too many records", &format!("Send at most {MAX_RECORDS} records in one request, and the rest in further requests."));
    }
    let on = today();
    let outcome = state
        .db(move |c| {
            c.transaction::<_, AppError, _>(|c| {
                let mut report = PushReport::default();
                let mut seen = std::collections::HashSet::new();
                for (index, r) in parsed.records.iter().enumerate() {
                    let get = |k: &str| -> String {
                        let v = match k {
                            "record_id" => &r.record_id,
                            "given_names" => &r.given_names,
                            "family_name" => &r.family_name,
                            "date_of_birth" => &r.date_of_birth,
                            "sex" => &r.sex,
                            "upn" => &r.upn,
                            "former_upn" => &r.former_upn,
                            "nhs_number" => &r.nhs_number,
                            "address_line_1" => &r.address_line_1,
                            "town" => &r.town,
                            "postcode" => &r.postcode,
                            _ => return String::new(),
                        };
                        v.as_deref().unwrap_or("").trim().to_string()
                    };
                    let mut episodes = vec![];
                    let mut bad_kind = None;
                    for e in &r.episodes {
                        let kind = match e.kind.as_str() {
                            "s47" => "s47",
                            "cp_plan" => "cp_plan",
                            "cin" => "cin",
                            other => {
                                bad_kind = Some(format!(
                                    "episode kind {other:.20} is not s47, cp_plan or cin"
                                ));
                                break;
                            }
                        };
                        episodes.push((
                            kind,
                            e.start_date.clone().unwrap_or_default(),
                            e.end_date.clone().unwrap_or_default(),
                        ));
                    }
                    if let Some(reason) = bad_kind {
                        report.rejected.push(Rejected { index, reason });
                        continue;
                    }
                    match check(&get, &episodes, on) {
                        Ok((incoming, warnings)) => {
                            if !seen.insert(incoming.record_id.clone()) {
                                report.rejected.push(Rejected {
                                    index,
                                    reason: "record_id appears earlier in this request".into(),
                                });
                                continue;
                            }
                            for w in warnings {
                                report.warnings.push(Rejected { index, reason: w });
                            }
                            match social_care::store(c, "api", &incoming)? {
                                Stored::New => report.new += 1,
                                Stored::Changed => report.changed += 1,
                                Stored::Unchanged => report.unchanged += 1,
                            }
                        }
                        Err(reason) => report.rejected.push(Rejected { index, reason }),
                    }
                }
                audit::record(
                    c,
                    None,
                    "api_social_care_push",
                    None,
                    &format!(
                        "token {name}: {} records stored",
                        report.new + report.changed + report.unchanged
                    ),
                )?;
                Ok(report)
            })
        })
        .await;
    match outcome {
        Ok(report) => HttpResponse::Ok().json(report),
        Err(e) => internal(e),
    }
}

fn internal(e: AppError) -> HttpResponse {
    let id = crate::db::new_id();
    log::error!("api error {id}: {e}");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        &format!("Nothing in this request was stored. Quote error {id} to the council."),
    )
}

/// The OpenAPI 3.1 description of this API.
pub fn openapi() -> serde_json::Value {
    let date = serde_json::json!({"type": ["string", "null"], "format": "date"});
    let text = serde_json::json!({"type": ["string", "null"]});
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "cnis social care push API",
            "version": "1",
            "description": "A children's social care system sends the records the nightly cross-check matches against the register of children not in school. Each request is stored whole or not at all; a record with a problem is rejected with its index and reason while the rest are stored. A bad identifier or date is dropped from its record with a warning. A record sent again replaces the earlier snapshot of that record_id."
        },
        "components": {
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer", "description": "Issued by an administrator with `cnis api-token issue --name NAME`; revoked with `cnis api-token revoke --id ID`." } },
            "schemas": {
                "Episode": { "type": "object", "required": ["kind"], "properties": {
                    "kind": { "type": "string", "enum": ["s47", "cp_plan", "cin"], "description": "Section 47 enquiry, child protection plan, or child in need" },
                    "start_date": date, "end_date": { "type": ["string", "null"], "format": "date", "description": "Empty while ongoing" } } },
                "Record": { "type": "object", "required": ["record_id"], "properties": {
                    "record_id": { "type": "string", "maxLength": 100 },
                    "given_names": text, "family_name": text, "date_of_birth": date,
                    "sex": { "type": ["string", "null"], "enum": ["F", "M", "U", null] },
                    "upn": text, "former_upn": text, "nhs_number": text,
                    "address_line_1": text, "town": text, "postcode": text,
                    "episodes": { "type": "array", "items": { "$ref": "#/components/schemas/Episode" } } } },
                "Problem": { "type": "object", "properties": { "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"} } },
                "Item": { "type": "object", "properties": { "index": {"type": "integer"}, "reason": {"type": "string"} } },
                "Report": { "type": "object", "properties": {
                    "new": {"type": "integer"}, "changed": {"type": "integer"}, "unchanged": {"type": "integer"},
                    "rejected": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } },
                    "warnings": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } } } }
            }
        },
        "security": [ { "token": [] } ],
        "paths": {
            "/api/v1/social-care-records": { "post": {
                "summary": "Store social care records for the cross-check",
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["records"], "properties": { "records": { "type": "array", "maxItems": MAX_RECORDS, "items": { "$ref": "#/components/schemas/Record" } } } } } } },
                "responses": {
                    "200": { "description": "Stored, with any rejected records and warnings", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Report" } } } },
                    "400": { "description": "The body is not JSON of this shape", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
                    "401": { "description": "No token, or a token that is unknown or revoked", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
                    "413": { "description": "More than the records allowed in one request", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
                } } }
        }
    })
}

async fn openapi_doc() -> HttpResponse {
    HttpResponse::Ok().json(openapi())
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
            .route("/openapi.json", web::get().to(openapi_doc))
            .route("/social-care-records", web::post().to(push))
            .default_service(web::to(|| async {
                problem(
                    StatusCode::NOT_FOUND,
                    "Not found",
                    "See /api/v1/openapi.json for what this API offers.",
                )
            })),
    );
}
