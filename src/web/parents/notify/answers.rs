//! The parent's notification as typed so far: every page's answers, the pages of the flow, and
//! which pages are reachable. Kept as JSON on the draft so a parent can come back to it.
use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::error::{AppError, AppResult};
use crate::store::notifications;
use crate::web::forms::FormData;

/// Upper bounds that keep one notification a sensible size.
pub(super) const MAX_CHILDREN: usize = 10;
pub(super) const MAX_PROVIDERS: usize = 6;
pub(super) const MAX_OTHER_PARENTS: usize = 6;

/// Everything typed so far, page by page, exactly as typed. Pages are checked again before sending.
#[derive(serde::Serialize, serde::Deserialize, Default, Clone)]
pub(super) struct Answers {
    #[serde(default)]
    pub(super) pages: BTreeMap<String, FormData>,
    #[serde(default)]
    pub(super) children: Vec<ChildAnswers>,
    #[serde(default)]
    pub(super) other_parents: Vec<FormData>,
}

#[derive(serde::Serialize, serde::Deserialize, Default, Clone)]
pub(super) struct ChildAnswers {
    #[serde(default)]
    pub(super) pages: BTreeMap<String, FormData>,
    #[serde(default)]
    pub(super) providers: Vec<FormData>,
}

/// The pages of the flow; each has a path under /parents/notify/.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Step {
    You,
    YourAddress,
    Name(usize),
    DateOfBirth(usize),
    Address(usize),
    /// Asked only when the child does not live at the parent's address.
    HomeAddress(usize),
    PreviousAddress(usize),
    /// Asked only when the child has been at the home address under 12 months (s.436C(1)(a)).
    EarlierAddress(usize),
    Education(usize),
    Time(usize),
    OtherEducators(usize),
    Provider(usize, usize),
    Optional(usize),
    Children,
    OtherParents,
    /// Another parent's name and relationship; then their role, then how to reach them.
    OtherParent(usize),
    OtherParentRole(usize),
    OtherParentContact(usize),
    Check,
}

const CHILD_PAGES: &[&str] = &[
    "name",
    "date-of-birth",
    "address",
    "home-address",
    "previous-address",
    "earlier-address",
    "education",
    "time",
    "other-educators",
    "optional",
];

impl Step {
    pub(super) fn parse(tail: &str) -> Option<Step> {
        let parts: Vec<&str> = tail.trim_matches('/').split('/').collect();
        let num = |s: &str| s.parse::<usize>().ok().filter(|n| *n < 100);
        Some(match parts.as_slice() {
            ["you"] => Step::You,
            ["your-address"] => Step::YourAddress,
            ["children"] => Step::Children,
            ["other-parents"] => Step::OtherParents,
            ["other-parents", k] => Step::OtherParent(num(k)?),
            ["other-parents", k, "role"] => Step::OtherParentRole(num(k)?),
            ["other-parents", k, "contact"] => Step::OtherParentContact(num(k)?),
            ["check"] => Step::Check,
            ["child", n, "other-educators", k] => Step::Provider(num(n)?, num(k)?),
            ["child", n, page] => {
                let n = num(n)?;
                match *page {
                    "name" => Step::Name(n),
                    "date-of-birth" => Step::DateOfBirth(n),
                    "address" => Step::Address(n),
                    "home-address" => Step::HomeAddress(n),
                    "previous-address" => Step::PreviousAddress(n),
                    "earlier-address" => Step::EarlierAddress(n),
                    "education" => Step::Education(n),
                    "time" => Step::Time(n),
                    "other-educators" => Step::OtherEducators(n),
                    "optional" => Step::Optional(n),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }

    pub(super) fn path(self) -> String {
        let p = match self {
            Step::You => "you".to_string(),
            Step::YourAddress => "your-address".into(),
            Step::Children => "children".into(),
            Step::OtherParents => "other-parents".into(),
            Step::OtherParent(k) => format!("other-parents/{k}"),
            Step::OtherParentRole(k) => format!("other-parents/{k}/role"),
            Step::OtherParentContact(k) => format!("other-parents/{k}/contact"),
            Step::Check => "check".into(),
            Step::Provider(n, k) => format!("child/{n}/other-educators/{k}"),
            s => format!("child/{}/{}", s.child().unwrap_or(0), s.page_key()),
        };
        format!("/parents/notify/{p}")
    }

    pub(super) fn child(self) -> Option<usize> {
        match self {
            Step::Name(n)
            | Step::DateOfBirth(n)
            | Step::Address(n)
            | Step::HomeAddress(n)
            | Step::PreviousAddress(n)
            | Step::EarlierAddress(n)
            | Step::Education(n)
            | Step::Time(n)
            | Step::OtherEducators(n)
            | Step::Provider(n, _)
            | Step::Optional(n) => Some(n),
            _ => None,
        }
    }

    /// The key the page's answers are kept under.
    pub(super) fn page_key(self) -> &'static str {
        match self {
            Step::You => "you",
            Step::YourAddress => "your-address",
            Step::Name(_) => "name",
            Step::DateOfBirth(_) => "date-of-birth",
            Step::Address(_) => "address",
            Step::HomeAddress(_) => "home-address",
            Step::PreviousAddress(_) => "previous-address",
            Step::EarlierAddress(_) => "earlier-address",
            Step::Education(_) => "education",
            Step::Time(_) => "time",
            Step::OtherEducators(_) => "other-educators",
            Step::Optional(_) => "optional",
            Step::Children => "children",
            Step::OtherParents => "other-parents",
            Step::Provider(..)
            | Step::OtherParent(_)
            | Step::OtherParentRole(_)
            | Step::OtherParentContact(_)
            | Step::Check => "",
        }
    }

    /// The other parent a page is about.
    pub(super) fn other_parent(self) -> Option<usize> {
        match self {
            Step::OtherParent(k) | Step::OtherParentRole(k) | Step::OtherParentContact(k) => {
                Some(k)
            }
            _ => None,
        }
    }

    pub(super) fn from_child_page(n: usize, key: &str) -> Step {
        Step::parse(&format!("child/{n}/{key}")).unwrap_or(Step::Name(n))
    }
}

impl Answers {
    pub(super) fn page(&self, step: Step) -> FormData {
        self.found(step).cloned().unwrap_or_default()
    }

    pub(super) fn found(&self, step: Step) -> Option<&FormData> {
        match step {
            Step::Provider(n, k) => self.children.get(n).and_then(|c| c.providers.get(k)),
            s => match (s.other_parent(), s.child()) {
                (Some(k), _) => self.other_parents.get(k),
                (None, Some(n)) => self.children.get(n).and_then(|c| c.pages.get(s.page_key())),
                (None, None) => self.pages.get(s.page_key()),
            },
        }
    }

    /// Whether a page may be shown now: children, providers and other parents are added in order.
    pub(super) fn reachable(&self, step: Step) -> bool {
        match step {
            Step::Name(n) => n <= self.children.len() && n < MAX_CHILDREN,
            Step::Provider(n, k) => self
                .children
                .get(n)
                .is_some_and(|c| k <= c.providers.len() && k < MAX_PROVIDERS),
            Step::OtherParent(k) => k <= self.other_parents.len() && k < MAX_OTHER_PARENTS,
            Step::OtherParentRole(k) | Step::OtherParentContact(k) => k < self.other_parents.len(),
            s => s.child().is_none_or(|n| n < self.children.len()),
        }
    }

    pub(super) fn set(&mut self, step: Step, mut form: FormData) {
        form.0.remove("csrf_token");
        form.0.remove("return");
        match step {
            Step::Provider(n, k) => {
                if let Some(c) = self.children.get_mut(n) {
                    set_at(&mut c.providers, k, form);
                }
            }
            // A parent's three pages keep their answers together, each page adding its own.
            Step::OtherParent(k) | Step::OtherParentRole(k) | Step::OtherParentContact(k) => {
                match self.other_parents.get_mut(k) {
                    Some(p) => p.0.extend(form.0),
                    None => set_at(&mut self.other_parents, k, form),
                }
            }
            s => match s.child() {
                Some(n) => {
                    if n == self.children.len() {
                        self.children.push(ChildAnswers::default());
                    }
                    if let Some(c) = self.children.get_mut(n) {
                        c.pages.insert(s.page_key().into(), form);
                    }
                }
                None => {
                    self.pages.insert(s.page_key().into(), form);
                }
            },
        }
    }

    pub(super) fn child_name(&self, n: usize) -> String {
        let f = self.page(Step::Name(n));
        let g = f.get("given_names");
        if g.is_empty() {
            "your child".into()
        } else {
            g.to_string()
        }
    }

    pub(super) fn child_full_name(&self, n: usize) -> String {
        let f = self.page(Step::Name(n));
        format!("{} {}", f.get("given_names"), f.get("family_name"))
    }

    /// Every page a complete notification has, in the order the parent meets them.
    pub(super) fn all_steps(&self) -> Vec<Step> {
        let mut steps = vec![Step::You, Step::YourAddress];
        for (n, c) in self.children.iter().enumerate() {
            for key in CHILD_PAGES {
                let page = |k: &str| {
                    c.pages
                        .get(k)
                        .map(|f| f.get("same_as_yours").to_string() + f.get("long_enough"))
                };
                let skip = match *key {
                    "home-address" => page("address").as_deref() != Some("no"),
                    "earlier-address" => page("previous-address").as_deref() != Some("no"),
                    _ => false,
                };
                if skip {
                    continue;
                }
                steps.push(Step::from_child_page(n, key));
                if *key == "other-educators" {
                    steps.extend((0..c.providers.len()).map(|k| Step::Provider(n, k)));
                }
            }
        }
        if self.children.is_empty() {
            steps.push(Step::Name(0));
        }
        steps.push(Step::Children);
        steps.push(Step::OtherParents);
        for k in 0..self.other_parents.len() {
            steps.extend([
                Step::OtherParent(k),
                Step::OtherParentRole(k),
                Step::OtherParentContact(k),
            ]);
        }
        steps
    }

    /// The first page not yet answered well enough to send.
    pub(super) fn first_incomplete(&self, on: NaiveDate) -> Option<Step> {
        self.all_steps().into_iter().find(|s| {
            self.found(*s)
                .is_none_or(|f| !crate::web::parents::notify::check(*s, f, self, on).is_empty())
        })
    }
}

fn set_at(list: &mut Vec<FormData>, k: usize, form: FormData) {
    if k < list.len() {
        list[k] = form;
    } else if k == list.len() {
        list.push(form);
    }
}

/// After sign-in: put back a page typed when the session lapsed, and say where to carry on.
pub(crate) fn resume_after_sign_in(
    conn: &mut crate::db::AnyConnection,
    email: &str,
) -> AppResult<Option<String>> {
    let Some(d) = notifications::open_draft(conn, email)? else {
        return Ok(None);
    };
    let (Some(path), Some(form)) = (d.pending_step.clone(), d.pending_form.clone()) else {
        return Ok(None);
    };
    let mut a: Answers = serde_json::from_str(&d.answers).unwrap_or_default();
    let step = path.strip_prefix("/parents/notify/").and_then(Step::parse);
    if let (Some(step), Ok(form)) = (step, serde_json::from_str::<FormData>(&form)) {
        if a.reachable(step) && step != Step::Check {
            a.set(step, form);
            let json = serde_json::to_string(&a).map_err(|e| AppError::Internal(e.to_string()))?;
            notifications::save_answers(conn, &d.id, &json)?;
        }
    }
    notifications::save_pending(conn, &d.id, None, None)?;
    Ok(Some(path))
}
