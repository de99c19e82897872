//! A property test of the API against its own OpenAPI document (issue 14), in the spirit of
//! schemathesis: bodies generated from each operation's schema, valid and then broken one way at
//! a time, are sent to the real server. Every answer must be a status the document lists for
//! that operation, every error a problem document with that status, nothing a 500; a body that
//! breaks the schema must be refused (4xx); any other method gets 405. Seeded, so a failure can
//! be replayed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

const CASES: usize = 120;

struct Doc(Value);

impl Doc {
    /// The schema, with a `$ref` followed.
    fn resolve<'a>(&'a self, s: &'a Value) -> &'a Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.trim_start_matches("#/components/schemas/");
                &self.0["components"]["schemas"][name]
            }
            None => s,
        }
    }

    fn types(s: &Value) -> Vec<&str> {
        match &s["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        }
    }

    /// A value the schema allows.
    fn valid(&self, s: &Value, rng: &mut StdRng) -> Value {
        let s = self.resolve(s);
        if let Some(choices) = s["enum"].as_array() {
            return choices[rng.gen_range(0..choices.len())].clone();
        }
        let types = Self::types(s);
        let t = types[rng.gen_range(0..types.len())];
        match t {
            "null" => Value::Null,
            "boolean" => Value::Bool(rng.gen()),
            "integer" => json!(rng.gen_range(0..1000)),
            "string" if s["format"] == "date" => json!(format!(
                "{:04}-{:02}-{:02}",
                rng.gen_range(2008..2027),
                rng.gen_range(1..13),
                rng.gen_range(1..29)
            )),
            "string" => {
                let min = s["minLength"].as_u64().unwrap_or(0) as usize;
                let max = s["maxLength"].as_u64().unwrap_or(40).min(40) as usize;
                let alphabet: Vec<char> =
                    "Ada Lovelace-O'Brien Zoë 07700 900982 DT1 4AB 12 Station Rd ÆØ Ł 中 \u{202e}"
                        .chars()
                        .collect();
                let len = rng.gen_range(min.max(1)..=max.max(min.max(1)));
                let mut v: String = (0..len)
                    .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                    .collect();
                if v.trim().is_empty() && min > 0 {
                    v = "A".into();
                }
                json!(v)
            }
            "array" => {
                let min = s["minItems"].as_u64().unwrap_or(0) as usize;
                let max = s["maxItems"].as_u64().unwrap_or(3).min(3) as usize;
                let n = rng.gen_range(min..=max.max(min));
                Value::Array((0..n).map(|_| self.valid(&s["items"], rng)).collect())
            }
            "object" => {
                let required: Vec<&str> = s["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut o = Map::new();
                if let Some(props) = s["properties"].as_object() {
                    for (k, p) in props {
                        if required.contains(&k.as_str()) || rng.gen_bool(0.6) {
                            o.insert(k.clone(), self.valid(p, rng));
                        }
                    }
                }
                Value::Object(o)
            }
            other => panic!("schema type {other} not generated"),
        }
    }

    /// Every place in `v` (by JSON pointer) with the schema that governs it.
    fn places<'a>(
        &'a self,
        s: &'a Value,
        v: &Value,
        at: String,
        out: &mut Vec<(String, &'a Value)>,
    ) {
        let s = self.resolve(s);
        out.push((at.clone(), s));
        match v {
            Value::Object(o) => {
                for (k, child) in o {
                    let ps = &s["properties"][k];
                    if !ps.is_null() {
                        self.places(ps, child, format!("{at}/{k}"), out);
                    }
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    self.places(&s["items"], child, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
}

/// Breaks `v` at one place, in one way the schema forbids; None when that place cannot be
/// broken that way.
fn break_one(doc: &Doc, root_schema: &Value, v: &mut Value, rng: &mut StdRng) -> Option<String> {
    let mut places = vec![];
    doc.places(root_schema, &v.clone(), String::new(), &mut places);
    let (at, s) = places[rng.gen_range(0..places.len())].clone();
    let target = v.pointer_mut(&at)?;
    let types = Doc::types(s);
    match rng.gen_range(0..5) {
        // A property the schema does not name.
        0 if s["additionalProperties"] == false && target.is_object() => {
            target
                .as_object_mut()?
                .insert("zz_unknown".into(), json!("x"));
            Some(format!("{at}: unknown property"))
        }
        // A required property left out.
        1 if target.is_object() => {
            let req = s["required"].as_array()?;
            let k = req[rng.gen_range(0..req.len())].as_str()?.to_string();
            target.as_object_mut()?.remove(&k);
            Some(format!("{at}/{k}: required, left out"))
        }
        // A value of a type the schema does not allow.
        2 if !types.is_empty() && !types.contains(&"object") && !types.contains(&"array") => {
            *target = if types.contains(&"integer") {
                json!("seven")
            } else {
                json!(7)
            };
            Some(format!("{at}: wrong type"))
        }
        // An empty string where one is required.
        3 if s["minLength"].as_u64().unwrap_or(0) > 0 => {
            *target = json!("");
            Some(format!("{at}: empty"))
        }
        // A value outside the enumeration.
        4 if s["enum"].is_array() && !s["enum"].as_array()?.contains(&Value::Null) => {
            *target = json!("zz_not_allowed");
            Some(format!("{at}: not in the enumeration"))
        }
        _ => None,
    }
}

fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (u16, String, String, Option<String>) {
    let client = reqwest::blocking::Client::new();
    let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let mut r = client
        .request(m, format!("{}{path}", app.base))
        .header("Authorization", format!("Bearer {token}"));
    if let Some(b) = body {
        r = r
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let r = r.send().unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let allow = r
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, ct, r.text().unwrap_or_default(), allow)
}

/// The checks every answer must pass.
fn conforms(op: &Value, status: u16, ct: &str, body: &str, case: &str) {
    assert_ne!(status, 500, "{case}: a server error: {body}");
    assert!(
        op["responses"].get(status.to_string()).is_some(),
        "{case}: status {status} is not in the document: {body}"
    );
    if status >= 400 {
        assert!(
            ct.starts_with("application/problem+json"),
            "{case}: {status} as {ct}"
        );
        let p: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{case}: {body}"));
        assert_eq!(p["status"], status, "{case}: {body}");
        assert!(p["title"].is_string(), "{case}: {body}");
    } else {
        assert!(ct.starts_with("application/json"), "{case}: {ct}");
    }
}

#[test]
fn the_api_answers_as_its_openapi_document_says() {
    let seed: u64 = std::env::var("CNIS_PROPERTY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(14);
    let mut rng = StdRng::seed_from_u64(seed);
    let app = TestApp::spawn_with(|c| c.api_requests_per_minute = 1_000_000);
    let (_, care) = cnis::store::api_tokens::issue(&mut app.conn(), "social care").unwrap();
    let school = cnis::store::schools::School {
        id: uuid::Uuid::new_v4().to_string(),
        urn: "100001".into(),
        name: "Church Lane School".into(),
        kind: "mainstream".into(),
        address: "Church Lane, Demoton DT1 2AA".into(),
        email: None,
        created_at: cnis::db::now(),
    };
    assert!(cnis::store::schools::create(&mut app.conn(), &school).unwrap());
    let (_, school_token) =
        cnis::store::api_tokens::issue_for_school(&mut app.conn(), "MIS", &school.id).unwrap();
    let doc: Value = serde_json::from_str(&app.browser().get("/api/v1/openapi.json").body).unwrap();
    let doc = Doc(doc);
    let paths = doc.0["paths"].as_object().unwrap().clone();
    let mut broken_refused = 0;
    for (path, ops) in &paths {
        let (method, op) = ops.as_object().unwrap().iter().next().unwrap();
        let token = if path.contains("school") {
            &school_token
        } else {
            &care
        };
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        for i in 0..CASES {
            let valid = doc.valid(schema, &mut rng);
            let case = format!("seed {seed}, {method} {path} case {i}, valid body {valid}");
            let (status, ct, body, _) = send(&app, method, path, token, Some(&valid));
            conforms(op, status, &ct, &body, &case);
            let mut broken = valid.clone();
            if let Some(how) = break_one(&doc, schema, &mut broken, &mut rng) {
                let case = format!("seed {seed}, {method} {path} case {i}, {how}: {broken}");
                let (status, ct, body, _) = send(&app, method, path, token, Some(&broken));
                conforms(op, status, &ct, &body, &case);
                assert!(
                    (400..500).contains(&status),
                    "{case}: accepted with {status}: {body}"
                );
                broken_refused += 1;
            }
        }
        // Not JSON at all, and the other kind of token.
        let (status, ct, body, _) = send(&app, method, path, token, Some(&json!("[")));
        conforms(op, status, &ct, &body, "a JSON string, not an object");
        let other = if token == &care { &school_token } else { &care };
        let (status, ct, body, _) = send(&app, method, path, other, Some(&json!({})));
        assert_eq!(status, 403, "{path} with the other kind of token");
        conforms(op, status, &ct, &body, "the other kind of token");
        let (status, ct, body, _) = send(&app, method, path, "cnis_unknown", Some(&json!({})));
        assert_eq!(status, 401);
        conforms(op, status, &ct, &body, "an unknown token");
        // Every other method: 405, saying which it takes.
        for m in ["GET", "PUT", "PATCH", "DELETE", "TRACE"] {
            let (status, ct, _, allow) = send(&app, m, path, token, None);
            assert_eq!(status, 405, "{m} {path}");
            assert!(ct.starts_with("application/problem+json"));
            assert_eq!(allow.as_deref(), Some("POST"), "{m} {path}");
        }
    }
    assert!(
        broken_refused > CASES / 2,
        "{broken_refused} broken bodies tried"
    );
}
