//! The information EA 1996 s.436C(2) prescribes for the register "to the extent that [the
//! council] has the information or can reasonably obtain it" (law.md §2.2), beyond what the entry
//! already holds (special educational needs (b), reasons (h), social care (d), (e) from the
//! cross-check, support (k) and attendance actions (l) from their own records). Each is optional
//! for parents (PQ 29632), so every question has "Prefer not to say", kept apart from "Not known":
//! a parent who declined is not a gap for an officer to chase.
use chrono::NaiveDate;

crate::text_enum! {
    /// s.436C(2)(a), race: the DfE's main ethnic groups (school census), and the two answers
    /// that are not a group.
    pub enum Ethnicity {
        White = "white" => "White",
        Mixed = "mixed" => "Mixed or multiple ethnic groups",
        Asian = "asian" => "Asian or Asian British",
        Black = "black" => "Black, African, Caribbean or Black British",
        Chinese = "chinese" => "Chinese",
        Other = "other" => "Any other ethnic group",
        Refused = "refused" => "Prefer not to say",
        NotKnown = "not_known" => "Not known",
    }
}

crate::text_enum! {
    /// A yes or no the parent may decline: s.436C(2)(a) disability, s.436C(2)(m) young carer.
    pub enum Answer {
        Yes = "yes" => "Yes",
        No = "no" => "No",
        Refused = "refused" => "Prefer not to say",
        NotKnown = "not_known" => "Not known",
    }
}

crate::text_enum! {
    /// s.436C(2)(g): whether the child is, or has ever been, looked after (Children Act 1989
    /// s.22(1)). Recorded by officers from children's social care, not asked of parents.
    pub enum LookedAfter {
        Now = "now" => "Looked after now",
        Previously = "previously" => "Looked after in the past",
        Never = "never" => "Never looked after",
        NotKnown = "not_known" => "Not known",
    }
}

/// One child's s.436C(2) information.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prescribed {
    pub ethnicity: Ethnicity,
    pub disability: Answer,
    pub young_carer: Answer,
    pub looked_after: LookedAfter,
    /// s.436C(2)(j): schools or institutions attended, now or in the past, or their type.
    pub schools_attended: Option<String>,
    /// s.436C(2)(i): the day the child was identified as missing education under s.436A.
    pub missing_education_from: Option<NaiveDate>,
}

impl Default for Prescribed {
    fn default() -> Self {
        Prescribed {
            ethnicity: Ethnicity::NotKnown,
            disability: Answer::NotKnown,
            young_carer: Answer::NotKnown,
            looked_after: LookedAfter::NotKnown,
            schools_attended: None,
            missing_education_from: None,
        }
    }
}

impl Prescribed {
    /// Each field as (history name, shown value), for the history of changes and the transfer
    /// package.
    pub fn fields(&self) -> [(&'static str, String); 6] {
        [
            ("ethnicity", self.ethnicity.label().into()),
            ("disability", self.disability.label().into()),
            ("young carer", self.young_carer.label().into()),
            ("looked after", self.looked_after.label().into()),
            (
                "schools attended",
                self.schools_attended.clone().unwrap_or_default(),
            ),
            (
                "identified as missing education",
                self.missing_education_from
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
        ]
    }

    /// What a parent's later answer adds to what the council holds: a parent's answer fills a
    /// field the council does not know, and never overwrites what it does (an officer decides).
    pub fn filled_from(&self, parent: &Prescribed) -> Prescribed {
        Prescribed {
            ethnicity: if self.ethnicity == Ethnicity::NotKnown {
                parent.ethnicity
            } else {
                self.ethnicity
            },
            disability: if self.disability == Answer::NotKnown {
                parent.disability
            } else {
                self.disability
            },
            young_carer: if self.young_carer == Answer::NotKnown {
                parent.young_carer
            } else {
                self.young_carer
            },
            looked_after: self.looked_after,
            schools_attended: self
                .schools_attended
                .clone()
                .or_else(|| parent.schools_attended.clone()),
            missing_education_from: self.missing_education_from,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s436c_2_a_and_m_prefer_not_to_say_is_kept_apart_from_not_known() {
        assert_ne!(Answer::Refused, Answer::NotKnown);
        assert_eq!(
            Answer::parse("refused").map(Answer::label),
            Some("Prefer not to say")
        );
        assert_eq!(
            Ethnicity::parse("refused").map(Ethnicity::label),
            Some("Prefer not to say")
        );
    }

    #[test]
    fn s436c_2_a_parent_fills_only_what_the_council_does_not_know() {
        let held = Prescribed {
            young_carer: Answer::No,
            looked_after: LookedAfter::Previously,
            ..Prescribed::default()
        };
        let parent = Prescribed {
            young_carer: Answer::Yes,
            ethnicity: Ethnicity::Refused,
            schools_attended: Some("Demoton Primary".into()),
            ..Prescribed::default()
        };
        let out = held.filled_from(&parent);
        assert_eq!(out.young_carer, Answer::No, "an officer's answer stands");
        assert_eq!(out.ethnicity, Ethnicity::Refused);
        assert_eq!(out.looked_after, LookedAfter::Previously);
        assert_eq!(out.schools_attended.as_deref(), Some("Demoton Primary"));
    }
}
