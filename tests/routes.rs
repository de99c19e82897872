//! Every route the app registers, for every kind of caller: those it serves get past the door, and
//! everyone else is turned away (a redirect to sign in, 401, 403 or 404), never a page or a 5xx.
//! The routes are read from `src/web`, so a new route fails this test until its access is declared
//! in `access()` below: deny by default.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    Anonymous,
    Parent,
    SchoolStaff,
    Officer,
    Manager,
    Admin,
    SocialCareToken,
    SchoolToken,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::Parent,
    Who::SchoolStaff,
    Who::Officer,
    Who::Manager,
    Who::Admin,
    Who::SocialCareToken,
    Who::SchoolToken,
];

/// Who a route is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Access {
    /// Start pages, sign-in and sign-out, health checks, static files: nothing personal. Any
    /// answer but a server error will do.
    Public,
    /// Any signed-in account: officers, managers, administrators and school staff.
    AnyAccount,
    /// Officers and managers (children's records).
    Caseworker,
    /// Managers and administrators (the audit log).
    Auditor,
    /// Managers only (the DfE return and the dashboard).
    ManagerOnly,
    Administrator,
    SchoolStaff,
    /// A parent signed in with an emailed code.
    Parent,
    SocialCareApi,
    SchoolApi,
}

fn may(access: Access, who: Who) -> bool {
    use Who::*;
    match access {
        Access::Public => true,
        Access::AnyAccount => matches!(who, Officer | Manager | Admin | SchoolStaff),
        Access::Caseworker => matches!(who, Officer | Manager),
        Access::Auditor => matches!(who, Manager | Admin),
        Access::ManagerOnly => who == Manager,
        Access::Administrator => who == Admin,
        Access::SchoolStaff => who == SchoolStaff,
        Access::Parent => who == Parent,
        Access::SocialCareApi => who == SocialCareToken,
        Access::SchoolApi => who == SchoolToken,
    }
}

/// The declared access of every route. A route missing here fails the test.
fn access(method: &str, path: &str) -> Option<Access> {
    use Access::*;
    let public = [
        "/",
        "/healthz",
        "/readyz",
        "/assets/{file}",
        "/static/{file}",
        // The council's brand colour and logo, shown on every page including sign-in.
        "/static/brand.css",
        "/static/council-logo",
        "/officers/sign-in",
        "/officers/signed-out",
        // The second factor needs a half-finished sign-in; without one it sends the caller back.
        "/officers/two-factor",
        // A redirect to the council calendar page, which is for administrators.
        "/officers/admin/calendars",
        // Each sends its caller on to the same path with a slash, where the check is made.
        "/officers",
        "/schools",
        "/parents",
        "/parents/",
        // Signing out is harmless for anyone, signed in or not.
        "/officers/sign-out",
        "/officers/sign-out-everywhere",
        "/parents/sign-out",
        "/parents/sign-out-everywhere",
        "/parents/sign-in",
        "/parents/check-email",
        "/api/v1/openapi.json",
    ];
    if public.contains(&path) {
        return Some(Public);
    }
    Some(match path {
        "/officers/" | "/officers/account" | "/officers/account/password" => AnyAccount,
        "/officers/audit" | "/officers/audit.csv" => Auditor,
        "/officers/dashboard" | "/officers/dashboard/shareable" => ManagerOnly,
        p if p.ends_with("/legal-hold/release") => ManagerOnly,
        p if p.starts_with("/officers/returns") => ManagerOnly,
        p if p.starts_with("/officers/admin/") => Administrator,
        p if p.starts_with("/officers/") => Caseworker,
        p if p.starts_with("/schools") => SchoolStaff,
        p if p.starts_with("/parents/") => Parent,
        "/api/v1/social-care-records" if method == "POST" => SocialCareApi,
        "/api/v1/school-notices" if method == "POST" => SchoolApi,
        _ => return None,
    })
}

/// (method, path) of every `.route(...)` under src/web; routes in the API scope get its prefix.
fn registered_routes() -> Vec<(String, String)> {
    let mut out = vec![];
    let mut files = vec![];
    let mut dirs = vec![std::path::PathBuf::from("src/web")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let prefix = if f.ends_with("api.rs") { "/api/v1" } else { "" };
        let mut rest = text.as_str();
        while let Some(i) = rest.find(".route(") {
            rest = &rest[i + ".route(".len()..];
            let Some(open) = rest.find('"') else { break };
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else { break };
            let path = &after[..close];
            let tail = after[close + 1..].trim_start_matches([',', ' ', '\n']);
            let method = ["get", "post", "put", "delete", "patch"]
                .into_iter()
                .find(|m| tail.starts_with(&format!("web::{m}()")));
            if let Some(m) = method {
                out.push((m.to_uppercase(), format!("{prefix}{path}")));
            }
        }
        // `web::resource("PATH")…route(web::METHOD()…)`: a route with its own settings.
        let mut rest = text.as_str();
        while let Some(i) = rest.find("web::resource(\"") {
            rest = &rest[i + "web::resource(\"".len()..];
            let Some(close) = rest.find('"') else { break };
            let path = &rest[..close];
            let chain = &rest[close..rest.find(';').unwrap_or(rest.len())];
            for m in ["get", "post", "put", "delete", "patch"] {
                if chain.contains(&format!(".route(web::{m}()")) {
                    out.push((m.to_uppercase(), format!("{prefix}{path}")));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A concrete address for a route pattern: unknown ids, so allowed callers reach a 404 at most.
fn concrete(path: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    path.replace("{tail:.*}", "you")
        .replace("{file}", "app.css")
        .replace("{part}", "addresses")
        .replace("{action}", "note")
        .replace("{kind}", "change")
        .replace("{id}", &id)
        .replace("{pid}", &id)
        .replace("{key}", "council")
        .replace("{child}", &id)
        .replace("{record}", &id)
}

struct Caller {
    browser: Browser,
    bearer: Option<String>,
    /// Post forms with a wrong CSRF token.
    bad_token: bool,
}

impl Caller {
    fn send(&mut self, method: &str, path: &str) -> Page {
        let url = format!("{}{}", self.browser.base, path);
        if let Some(token) = &self.bearer {
            if self.browser.last_csrf.is_empty() {
                self.browser.get("/officers/sign-in");
            }
            let req = if method == "GET" {
                self.browser.client.get(&url)
            } else if path.starts_with("/api/") {
                self.browser
                    .client
                    .post(&url)
                    .header("Content-Type", "application/json")
                    .body("{}")
            } else {
                let csrf = self.browser.last_csrf.clone();
                self.browser.client.post(&url).form(&[("csrf_token", csrf)])
            };
            let r = req.bearer_auth(token).send().expect("send");
            return Page {
                status: r.status().as_u16(),
                location: r
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                headers: r.headers().clone(),
                body: r.text().unwrap_or_default(),
            };
        }
        if method == "GET" {
            self.browser.get(path)
        } else if self.bad_token {
            self.browser
                .post_raw(path, &[("csrf_token", "not-the-token")])
        } else {
            // A valid CSRF token, so the role check is what answers.
            if self.browser.last_csrf.is_empty() {
                self.browser.get("/officers/sign-in");
            }
            self.browser.post(path, &[])
        }
    }
}

fn caller(app: &TestApp, who: Who, school_id: &str) -> Caller {
    let browser_only = |browser| Caller {
        browser,
        bearer: None,
        bad_token: false,
    };
    match who {
        Who::Anonymous => {
            let mut b = app.browser();
            b.get("/officers/sign-in");
            browser_only(b)
        }
        Who::Parent => browser_only(parent_signed_in(app, "a.parent@example.com").0),
        Who::Officer => browser_only(app.signed_in("officer")),
        Who::Manager => browser_only(app.signed_in("manager")),
        Who::Admin => browser_only(app.signed_in("admin")),
        Who::SchoolStaff => {
            let email = "head@school.test";
            let password = "a long test password 123";
            cnis::store::users::create_school_user(
                &mut app.conn(),
                email,
                "Head",
                password,
                school_id,
            )
            .unwrap();
            let mut b = app.browser();
            b.sign_in(email, password);
            browser_only(b)
        }
        Who::SocialCareToken => Caller {
            bad_token: false,
            browser: app.browser(),
            bearer: Some(
                cnis::store::api_tokens::issue(&mut app.conn(), "social care")
                    .unwrap()
                    .1,
            ),
        },
        Who::SchoolToken => Caller {
            bad_token: false,
            browser: app.browser(),
            bearer: Some(
                cnis::store::api_tokens::issue_for_school(&mut app.conn(), "school mis", school_id)
                    .unwrap()
                    .1,
            ),
        },
    }
}

/// A school for the school staff and the school's token.
fn test_school(app: &TestApp) -> String {
    let school_id = uuid::Uuid::new_v4().to_string();
    cnis::store::schools::create(
        &mut app.conn(),
        &cnis::store::schools::School {
            id: school_id.clone(),
            urn: "100001".into(),
            name: "Route Test School".into(),
            kind: "mainstream".into(),
            address: "Church Lane".into(),
            email: Some("office@school.test".into()),
            created_at: cnis::db::now(),
        },
    )
    .unwrap();
    school_id
}

fn is_sign_in(location: Option<&str>) -> bool {
    location.is_some_and(|l| {
        l.starts_with("/officers/sign-in") || l.starts_with("/parents/sign-in") || l == "/parents/"
    })
}

/// Signing out ends the caller's session, so those routes go last.
fn signs_out(path: &str) -> bool {
    path.ends_with("/sign-out") || path.ends_with("/sign-out-everywhere")
}

#[test]
fn every_route_serves_only_those_it_is_for() {
    let app = TestApp::spawn();
    let school_id = test_school(&app);
    let mut routes = registered_routes();
    assert!(routes.len() > 100, "found only {} routes", routes.len());
    assert!(
        routes.contains(&(
            "POST".into(),
            "/officers/admin/calendars/{key}/import".into()
        )),
        "routes declared with web::resource are read too"
    );
    routes.sort_by_key(|(_, p)| signs_out(p));

    let undeclared: Vec<String> = routes
        .iter()
        .filter(|(m, p)| access(m, p).is_none())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        undeclared.is_empty(),
        "routes with no declared access (add them to access()): {undeclared:?}"
    );

    let mut wrong = vec![];
    for who in EVERYONE {
        let mut c = caller(&app, who, &school_id);
        for (method, pattern) in &routes {
            let access = access(method, pattern).unwrap();
            let page = c.send(method, &concrete(pattern));
            let s = page.status;
            let signed_out = s == 303 && is_sign_in(page.location.as_deref());
            let denied = matches!(s, 401 | 403 | 404) || signed_out;
            let served = !matches!(s, 401 | 403) && !signed_out;
            let ok = if s >= 500 {
                false
            } else if access == Access::Public {
                true
            } else if may(access, who) {
                served
            } else {
                denied
            };
            if !ok {
                wrong.push(format!(
                    "{who:?} {method} {pattern} ({access:?}): {s} {:?}",
                    page.location
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A form posted with a wrong CSRF token: those the route is not for are still turned away by
/// their role (`Post<Role>` settles the role before it reads the form), and those it is for get a
/// 400. Three rounds, because the order used to depend on timing.
#[test]
fn the_role_is_checked_before_the_form_token() {
    let app = TestApp::spawn();
    let routes: Vec<(String, String)> = registered_routes()
        .into_iter()
        .filter(|(m, p)| m == "POST" && !p.starts_with("/api/") && !signs_out(p))
        .collect();
    let school_id = test_school(&app);
    let mut wrong = vec![];
    for who in [
        Who::Parent,
        Who::SchoolStaff,
        Who::Officer,
        Who::Manager,
        Who::Admin,
    ] {
        let mut c = caller(&app, who, &school_id);
        c.bad_token = true;
        for _round in 0..3 {
            for (method, pattern) in &routes {
                let access = access(method, pattern).unwrap();
                if access == Access::Public {
                    continue;
                }
                let page = c.send(method, &concrete(pattern));
                let s = page.status;
                let signed_out = s == 303 && is_sign_in(page.location.as_deref());
                let ok = if may(access, who) {
                    s == 400
                } else if access == Access::Parent {
                    // A parent's session is checked in the handler, after the form: either
                    // refusal will do, since neither reads or changes anything.
                    matches!(s, 400 | 401 | 403 | 404) || signed_out
                } else {
                    matches!(s, 401 | 403 | 404) || signed_out
                };
                if !ok {
                    wrong.push(format!("{who:?} {method} {pattern} ({access:?}): {s}"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
