//! Email wording lives in `templates/email/NAME.txt`: `Subject:` and `Version:` header lines, a blank
//! line, then the body with `((placeholders))`. The built-in copies are compiled in; a council can
//! override any of them from `CNIS_TEMPLATES_DIR/email/NAME.txt`.
use std::collections::HashMap;

const BUILT_IN: &[(&str, &str)] = &[
    (
        "sign-in-code",
        include_str!("../../templates/email/sign-in-code.txt"),
    ),
    (
        "notification-received",
        include_str!("../../templates/email/notification-received.txt"),
    ),
    (
        "details-request",
        include_str!("../../templates/email/details-request.txt"),
    ),
    (
        "information-request",
        include_str!("../../templates/email/information-request.txt"),
    ),
    (
        "team-alert",
        include_str!("../../templates/email/team-alert.txt"),
    ),
    (
        "application-received",
        include_str!("../../templates/email/application-received.txt"),
    ),
    (
        "report-received",
        include_str!("../../templates/email/report-received.txt"),
    ),
    (
        "notice-served",
        include_str!("../../templates/email/notice-served.txt"),
    ),
    // Statutory notices (rendered to PDF); the Subject line is the notice's title.
    (
        "notices/consent-granted",
        include_str!("../../templates/notices/consent-granted.txt"),
    ),
    (
        "notices/consent-refused",
        include_str!("../../templates/notices/consent-refused.txt"),
    ),
    (
        "attendance-reminder",
        include_str!("../../templates/email/attendance-reminder.txt"),
    ),
    (
        "notices/attendance-preliminary-notice",
        include_str!("../../templates/notices/attendance-preliminary-notice.txt"),
    ),
    (
        "notices/attendance-school-notice",
        include_str!("../../templates/notices/attendance-school-notice.txt"),
    ),
    (
        "notices/attendance-nomination",
        include_str!("../../templates/notices/attendance-nomination.txt"),
    ),
    (
        "notices/attendance-order",
        include_str!("../../templates/notices/attendance-order.txt"),
    ),
    (
        "notices/attendance-order-school",
        include_str!("../../templates/notices/attendance-order-school.txt"),
    ),
    (
        "notices/attendance-amendment",
        include_str!("../../templates/notices/attendance-amendment.txt"),
    ),
    (
        "notices/attendance-revocation",
        include_str!("../../templates/notices/attendance-revocation.txt"),
    ),
    (
        "notices/attendance-revocation-refused",
        include_str!("../../templates/notices/attendance-revocation-refused.txt"),
    ),
];

#[derive(Clone, Debug)]
pub struct Templates {
    by_name: HashMap<String, String>,
    /// How to reach the home education team, `((team_contact))` in any template.
    team_contact: String,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            by_name: HashMap::new(),
            team_contact: NO_CONTACT.into(),
        }
    }
}

const NO_CONTACT: &str = "Contact the council and ask for the home education team.";

#[derive(Debug, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
    pub version: String,
}

impl Templates {
    /// Built-in templates, each replaced by the council's copy where `dir/email/NAME.txt` exists.
    pub fn load(dir: Option<&str>) -> anyhow::Result<Templates> {
        let mut by_name = HashMap::new();
        for (name, text) in BUILT_IN {
            // "notices/NAME" lives in notices/, everything else in email/.
            let file = if name.contains('/') {
                format!("{name}.txt")
            } else {
                format!("email/{name}.txt")
            };
            let text = match dir.map(|d| std::path::Path::new(d).join(&file)) {
                Some(p) if p.exists() => std::fs::read_to_string(&p)
                    .map_err(|e| anyhow::anyhow!("reading {}: {e}", p.display()))?,
                _ => text.to_string(),
            };
            parse(&text).map_err(|e| anyhow::anyhow!("template {name}: {e}"))?;
            by_name.insert(name.to_string(), text);
        }
        Ok(Templates {
            by_name,
            team_contact: NO_CONTACT.into(),
        })
    }

    /// The council's contact details (`config::TeamContact::text`) for `((team_contact))`.
    pub fn with_team_contact(mut self, text: String) -> Templates {
        self.team_contact = text;
        self
    }

    pub fn render(&self, name: &str, vars: &[(&str, &str)]) -> anyhow::Result<Rendered> {
        let text = self
            .by_name
            .get(name)
            .ok_or_else(|| anyhow::anyhow!("no email template {name}"))?;
        let (subject, version, body) = parse(text)?;
        let mut all = vars.to_vec();
        all.push(("team_contact", &self.team_contact));
        let out = substitute(name, body, &all)?;
        Ok(Rendered {
            subject: subject.to_string(),
            body: out,
            version: format!("{name}/{version}"),
        })
    }
}

/// Fills each `((name))` of the template in one pass. Values are inserted as they are and never
/// read again, so a name that contains `((` is just text; an error names only the template's own
/// placeholder, never a value (values are personal data).
fn substitute(template: &str, body: &str, vars: &[(&str, &str)]) -> anyhow::Result<String> {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find("((") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("))") else {
            anyhow::bail!("email template {template}: a (( is not closed with ))");
        };
        let key = &after[..j];
        let Some((_, value)) = vars.iter().find(|(k, _)| *k == key) else {
            anyhow::bail!("email template {template}: no value for (({key}))");
        };
        out.push_str(value);
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// (subject, version, body). Subjects take no placeholders: they are seen on lock screens and in
/// mail logs, so they must never carry personal data.
fn parse(text: &str) -> anyhow::Result<(&str, &str, &str)> {
    let (head, body) = text
        .split_once("\n\n")
        .ok_or_else(|| anyhow::anyhow!("needs header lines, a blank line, then the body"))?;
    let mut subject = None;
    let mut version = "1";
    for line in head.lines() {
        if let Some(s) = line.strip_prefix("Subject:") {
            subject = Some(s.trim());
        } else if let Some(v) = line.strip_prefix("Version:") {
            version = v.trim();
        }
    }
    let subject = subject.ok_or_else(|| anyhow::anyhow!("has no Subject: line"))?;
    anyhow::ensure!(
        !subject.contains("(("),
        "the subject must not contain placeholders (no personal data in subjects)"
    );
    Ok((subject, version, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_with_brackets_is_inserted_as_it_is_and_never_read_again() {
        let t = Templates::load(None).unwrap();
        let tricky = "((council_name)) ((";
        let r = t
            .render(
                "sign-in-code",
                &[
                    ("code", tricky),
                    ("council_name", "Demo Council"),
                    ("minutes", "15"),
                ],
            )
            .unwrap();
        assert!(r.body.contains(tricky), "{}", r.body);
    }

    #[test]
    fn renders_placeholders_and_refuses_missing_ones() {
        let t = Templates::load(None).unwrap();
        let r = t
            .render(
                "sign-in-code",
                &[("code", "123456"), ("council_name", "Demo Council")],
            )
            .unwrap();
        assert!(r.body.contains("Your security code is 123456."));
        assert_eq!(r.version, "sign-in-code/2");
        assert!(!r.subject.contains("123456"));
        assert!(
            r.body.ends_with(&format!("Demo Council\n{NO_CONTACT}\n")),
            "{}",
            r.body
        );
        let t = t.with_team_contact("Home education team\nTelephone: 01632 960000".into());
        let r = t
            .render(
                "sign-in-code",
                &[("code", "123456"), ("council_name", "Demo Council")],
            )
            .unwrap();
        assert!(r
            .body
            .ends_with("Demo Council\nHome education team\nTelephone: 01632 960000\n"));
        let err = t
            .render("sign-in-code", &[("code", "1")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no value for ((council_name))"), "{err}");
    }

    #[test]
    fn subjects_may_not_carry_placeholders() {
        assert!(parse("Subject: About ((child_name))\n\nBody").is_err());
        assert!(parse("Subject: Fine\nVersion: 3\n\nBody").is_ok());
        assert!(parse("no header").is_err());
    }

    #[test]
    fn a_council_can_override_a_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("email")).unwrap();
        std::fs::write(
            dir.path().join("email/sign-in-code.txt"),
            "Subject: Code\nVersion: 7\n\nCode: ((code))",
        )
        .unwrap();
        let t = Templates::load(dir.path().to_str()).unwrap();
        let r = t.render("sign-in-code", &[("code", "9")]).unwrap();
        assert_eq!(
            (r.body.as_str(), r.version.as_str()),
            ("Code: 9", "sign-in-code/7")
        );
        std::fs::write(
            dir.path().join("email/sign-in-code.txt"),
            "Subject: Hi ((name))\n\nx",
        )
        .unwrap();
        assert!(
            Templates::load(dir.path().to_str()).is_err(),
            "a bad override is refused at start-up"
        );
    }
}
