//! Activities logged on a customer: their kinds, attachments and the follow-ups they plan.

use chrono::NaiveDate;
use erp_problem::Validator;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Visit,
    Email,
    Meeting,
    Note,
}

impl ActivityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Visit => "visit",
            ActivityKind::Email => "email",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Note => "note",
        }
    }
}

pub const MAX_ATTACHMENTS: usize = 20;

/// Attachment references: at most 20, each a non-blank reference of at most 500 characters.
pub fn check_attachments(v: &mut Validator, attachments: &[String]) {
    v.check(
        attachments.len() <= MAX_ATTACHMENTS,
        "attachments",
        "must have at most 20 references",
    );
    for (i, a) in attachments.iter().enumerate() {
        let field = format!("attachments[{i}]");
        v.text(&field, a, 500);
    }
}

/// A next follow-up is planned on or after the day of the activity.
pub fn check_follow_up(v: &mut Validator, occurred_on: NaiveDate, next: Option<NaiveDate>) {
    if let Some(n) = next {
        v.check(
            n >= occurred_on,
            "next_follow_up",
            "must not be before the day of the activity",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_ups_are_not_planned_in_the_past() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let mut v = Validator::new();
        check_follow_up(&mut v, day, Some(day));
        check_follow_up(&mut v, day, None);
        assert!(v.is_empty());
        check_follow_up(&mut v, day, day.pred_opt());
        assert!(!v.is_empty());
    }
}
