//! Reading form posts: every value is text until checked, and every check has a GOV.UK message.
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::views::Errors;

/// A form post whose CSRF token has been checked before the handler runs. Handlers take forms only
/// as `CsrfForm` (clippy's `disallowed-types` refuses `web::Form` everywhere else), so no route
/// can forget the check.
pub struct CsrfForm(FormData);

impl CsrfForm {
    pub fn into_inner(self) -> FormData {
        self.0
    }
}

impl std::ops::Deref for CsrfForm {
    type Target = FormData;
    fn deref(&self) -> &FormData {
        &self.0
    }
}

/// A form post by someone in role `R` (`Caseworker`, `Administrator`, …): the role is settled
/// first, then the form is read and its CSRF token checked. A caller without the role is turned
/// away as by the role alone, whatever the form holds.
pub struct Post<R>(pub R, pub CsrfForm);

impl<R> actix_web::FromRequest for Post<R>
where
    R: actix_web::FromRequest + 'static,
    R::Error: Into<actix_web::Error>,
{
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        // Role extractors read no body: give them none, and keep the body for the form.
        let role = R::from_request(req, &mut actix_web::dev::Payload::None);
        let mut body = payload.take();
        let req = req.clone();
        Box::pin(async move {
            let role = role.await.map_err(Into::into)?;
            let form = CsrfForm::from_request(&req, &mut body).await?;
            Ok(Post(role, form))
        })
    }
}

impl actix_web::FromRequest for CsrfForm {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let content_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let url_encoded = content_type.starts_with("application/x-www-form-urlencoded");
        // Files only where a route says it takes them.
        let boundary = req
            .app_data::<AcceptsFiles>()
            .and_then(|_| multer::parse_boundary(&content_type).ok());
        let limit = req.app_data::<FormLimit>().map_or(MAX_FORM_BYTES, |l| l.0);
        let body = actix_web::web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let bad = |why: &str| -> actix_web::Error {
                crate::error::AppError::BadRequest(format!("The form could not be read: {why}"))
                    .into()
            };
            let bytes = body
                .await
                .map_err(|_| bad("it is too large or was cut short."))?;
            if bytes.len() > limit {
                return Err(bad("it is too large."));
            }
            let form = match boundary {
                Some(boundary) => parse_multipart(bytes, boundary).await.map_err(bad)?,
                None if url_encoded => parse_form(&bytes).map_err(bad)?,
                None => return Err(bad("it was not sent as a web form.")),
            };
            // No database can store a NUL in text (PostgreSQL refuses it outright): refused here,
            // for every form, before any query. Other control characters are each field's
            // reader's to refuse with its own message.
            if let Some(field) = form
                .0
                .iter()
                .find(|(k, v)| k.contains('\0') || v.contains('\0'))
                .map(|(k, _)| k)
            {
                return Err(bad(&format!(
                    "the field \u{201c}{}\u{201d} holds a NUL character. Go back, remove it and send the form again.",
                    field.chars().filter(|c| !c.is_control()).take(40).collect::<String>()
                )));
            }
            let state = req
                .app_data::<actix_web::web::Data<super::AppState>>()
                .ok_or_else(|| crate::error::AppError::Internal("no app state".into()))?;
            super::check_csrf(&req, state, form.csrf())?;
            Ok(CsrfForm(form))
        })
    }
}

/// A query string read strictly: a NUL or other control character anywhere in it refuses the
/// request with a 400 before any handler (or query) sees it, on both backends. Use this, never
/// actix's `web::Query` (clippy refuses it).
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned> actix_web::FromRequest for Query<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(
        req: &actix_web::HttpRequest,
        _payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let bad = || -> actix_web::Error {
            crate::error::AppError::BadRequest(
                "The address has a value that is not allowed.".into(),
            )
            .into()
        };
        let raw = req.query_string();
        let decoded: Vec<u8> = percent_encoding::percent_decode(raw.as_bytes()).collect();
        let ok = std::str::from_utf8(&decoded)
            .is_ok_and(|s| !crate::domain::register::has_disallowed_chars(s, false));
        std::future::ready(if !ok {
            Err(bad())
        } else {
            serde_urlencoded::from_str::<T>(raw)
                .map(Query)
                .map_err(|_| bad())
        })
    }
}

/// The largest form a page sends (a long plan for a child's education fits many times over);
/// a route that takes more says so with its own `FormLimit` (and `PayloadConfig`).
const MAX_FORM_BYTES: usize = 64 * 1024;

/// A route's own limit on the size of its form, in bytes.
#[derive(Clone, Copy)]
pub struct FormLimit(pub usize);

/// Reads `a=1&b=two+words` strictly: a value that is not UTF-8 text refuses the whole form rather
/// than being changed and saved. (Control characters, NUL included, are each field's reader's to
/// refuse with its own message, before any query.) A repeated name keeps its last value.
/// A route that takes a file in its form (`multipart/form-data`) says so with this; every other
/// route refuses such a post. A file's text is the field's value, so it is checked like the rest.
#[derive(Clone, Copy)]
pub struct AcceptsFiles;

/// The fields of a `multipart/form-data` post, each file read as UTF-8 text (the only files the
/// service takes are text), with the file's own name under `{field}.filename`; a file that is
/// not text is left out and marked `{field}.not_text`.
async fn parse_multipart(
    body: actix_web::web::Bytes,
    boundary: String,
) -> Result<FormData, &'static str> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut map = HashMap::new();
    loop {
        let field = match parts.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err("it was cut short or is not laid out as a form with a file."),
        };
        let name = field.name().unwrap_or("").to_string();
        if let Some(file) = field.file_name().filter(|f| !f.is_empty()) {
            map.insert(format!("{name}.filename"), file.to_string());
        }
        let bytes = field
            .bytes()
            .await
            .map_err(|_| "it was cut short or is not laid out as a form with a file.")?;
        match String::from_utf8(bytes.to_vec()) {
            Ok(text) => map.insert(name, text),
            // The page says so against its field, rather than refusing the whole form.
            Err(_) => map.insert(format!("{name}.not_text"), "yes".into()),
        };
    }
    Ok(FormData(map))
}

pub fn parse_form(body: &[u8]) -> Result<FormData, &'static str> {
    let decode = |part: &[u8]| -> Result<String, &'static str> {
        let spaced: Vec<u8> = part
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        let raw: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
        String::from_utf8(raw).map_err(|_| "it holds bytes that are not text.")
    };
    let mut map = HashMap::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        map.insert(decode(k)?, decode(v)?);
    }
    Ok(FormData(map))
}

#[derive(Debug, Default, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct FormData(pub HashMap<String, String>);

/// The one-time token a form that must act once carries (see `store::submissions`): made when
/// the form is first shown, and kept when it is shown again with errors.
pub struct OnceToken(String);

impl OnceToken {
    /// The token the posted form carried, if it is one of ours.
    pub fn posted(f: &FormData) -> Option<OnceToken> {
        uuid::Uuid::parse_str(f.get(ONCE_FIELD))
            .ok()
            .map(|u| OnceToken(u.to_string()))
    }

    /// The posted token when the form is shown again, or a new one.
    pub fn for_form(f: &FormData) -> OnceToken {
        Self::posted(f).unwrap_or_else(|| OnceToken(uuid::Uuid::new_v4().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The hidden field that carries it.
    pub fn field(&self) -> maud::Markup {
        maud::html! { input type="hidden" name=(ONCE_FIELD) value=(self.0); }
    }
}

pub const ONCE_FIELD: &str = "once";

impl FormData {
    pub fn get(&self, k: &str) -> &str {
        self.0.get(k).map(|s| s.trim()).unwrap_or("")
    }
    pub fn opt(&self, k: &str) -> Option<String> {
        let v = self.get(k);
        (!v.is_empty()).then(|| v.to_string())
    }
    pub fn checked(&self, k: &str) -> bool {
        matches!(self.get(k), "yes" | "on" | "true")
    }
    pub fn csrf(&self) -> &str {
        self.get("csrf_token")
    }
    pub fn date_parts(&self, id: &str) -> (String, String, String) {
        (
            self.get(&format!("{id}-day")).to_string(),
            self.get(&format!("{id}-month")).to_string(),
            self.get(&format!("{id}-year")).to_string(),
        )
    }
}

/// The parts of a date as typed, for re-showing the form.
pub fn date_strings(d: Option<NaiveDate>) -> (String, String, String) {
    match d {
        Some(d) => (
            d.format("%-d").to_string(),
            d.format("%-m").to_string(),
            d.format("%Y").to_string(),
        ),
        None => Default::default(),
    }
}

/// GOV.UK date input rules: say which part is missing or why the date is not real.
pub fn parse_date(
    form: &FormData,
    id: &str,
    what: &str,
    required: bool,
    errors: &mut Errors,
) -> Option<NaiveDate> {
    let (d, m, y) = form.date_parts(id);
    if d.is_empty() && m.is_empty() && y.is_empty() {
        if required {
            errors.add(id, format!("Enter {what}"));
        }
        return None;
    }
    let missing: Vec<&str> = [("a day", &d), ("a month", &m), ("a year", &y)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        errors.add(
            id,
            format!(
                "{} must include {}",
                capitalise(what),
                missing.join(" and ")
            ),
        );
        return None;
    }
    let (Ok(dn), Ok(mn), Ok(yn)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) else {
        errors.add(id, format!("{} must be a real date", capitalise(what)));
        return None;
    };
    if y.len() != 4 {
        errors.add(id, "Year must include 4 numbers");
        return None;
    }
    match NaiveDate::from_ymd_opt(yn, mn, dn) {
        Some(date) if (1900..=2100).contains(&yn) => Some(date),
        _ => {
            errors.add(id, format!("{} must be a real date", capitalise(what)));
            None
        }
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Hours per week: optional, a number from 0 to 168.
pub fn parse_hours(
    form: &FormData,
    id: &str,
    what: &str,
    required: bool,
    errors: &mut Errors,
) -> Option<f64> {
    let v = form.get(id);
    if v.is_empty() {
        if required {
            errors.add(id, format!("Enter {what}"));
        }
        return None;
    }
    match v.parse::<f64>() {
        Ok(h) if h.is_finite() && (0.0..=168.0).contains(&h) => Some((h * 10.0).round() / 10.0),
        Ok(_) => {
            errors.add(
                id,
                format!(
                    "{} must be between 0 and 168 hours a week",
                    capitalise(what)
                ),
            );
            None
        }
        Err(_) => {
            errors.add(
                id,
                format!("{} must be a number, like 12 or 7.5", capitalise(what)),
            );
            None
        }
    }
}

/// Required text with a length limit.
pub fn text(form: &FormData, id: &str, what: &str, max: usize, errors: &mut Errors) -> String {
    let v = form.get(id);
    if v.is_empty() {
        errors.add(id, format!("Enter {what}"));
    } else if crate::domain::register::has_disallowed_chars(v, max > 500) {
        errors.add(
            id,
            format!(
                "{} must not contain control or text-direction characters",
                capitalise(what)
            ),
        );
    } else if v.chars().count() > max {
        errors.add(
            id,
            format!("{} must be {max} characters or fewer", capitalise(what)),
        );
    }
    v.to_string()
}

/// Optional text with a length limit.
pub fn opt_text(
    form: &FormData,
    id: &str,
    what: &str,
    max: usize,
    errors: &mut Errors,
) -> Option<String> {
    let v = form.opt(id);
    if let Some(s) = &v {
        if crate::domain::register::has_disallowed_chars(s, max > 500) {
            errors.add(
                id,
                format!(
                    "{} must not contain control or text-direction characters",
                    capitalise(what)
                ),
            );
        } else if s.chars().count() > max {
            errors.add(
                id,
                format!("{} must be {max} characters or fewer", capitalise(what)),
            );
        }
    }
    v
}

pub fn choice(
    form: &FormData,
    id: &str,
    choices: &[(&str, &str)],
    message: &str,
    errors: &mut Errors,
) -> String {
    let v = form.get(id);
    if !crate::domain::register::is_choice(choices, v) {
        errors.add(id, message);
    }
    v.to_string()
}

pub fn email(form: &FormData, id: &str, errors: &mut Errors) -> Option<String> {
    use validator::ValidateEmail;
    let v = form.opt(id)?;
    if !v.validate_email() || v.len() > 254 {
        errors.add(
            id,
            "Enter an email address in the correct format, like name@example.com",
        );
    }
    Some(v.to_lowercase())
}

pub fn phone(form: &FormData, id: &str, errors: &mut Errors) -> Option<String> {
    let v = form.opt(id)?;
    let digits = v.chars().filter(|c| c.is_ascii_digit()).count();
    if !(10..=15).contains(&digits) || !v.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c))
    {
        errors.add(
            id,
            "Enter a telephone number, like 01632 960 001 or 07700 900 982",
        );
    }
    Some(v)
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn forms_are_read_strictly() {
        let Ok(f) = parse_form(b"a=1&b=two+words&c=%C3%A9t%C3%A9&d=&e") else {
            panic!("a good form is read");
        };
        assert_eq!(f.get("a"), "1");
        assert_eq!(f.get("b"), "two words");
        assert_eq!(f.get("c"), "\u{e9}t\u{e9}");
        assert_eq!(f.get("d"), "");
        assert_eq!(f.get("e"), "");
        assert!(parse_form(b"name=%FF").is_err(), "not UTF-8");
        let nul = parse_form(b"email=a%00b").map(|f| f.get("email").to_string());
        assert_eq!(
            nul,
            Ok("a\0b".to_string()),
            "a NUL is the field reader's to refuse"
        );
        let twice = parse_form(b"a=1&a=2").map(|f| f.get("a").to_string());
        assert_eq!(twice, Ok("2".to_string()));
    }
}
