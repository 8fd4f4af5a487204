//! The chart of accounts: everyone in finance reads it, a finance manager adds and renames
//! accounts or retires them. Code, type and normal side never change once created.

use crate::db::accounts::{self as rows, AccountRow};
use crate::domain::chart;
use diesel::PgConnection;
use erp_problem::{AppError, Validator};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAccountInput {
    /// 3 to 8 digits, e.g. `1121`.
    pub code: String,
    pub name: String,
    /// `asset`, `liability`, `equity`, `revenue` or `expense`.
    pub account_type: String,
    /// `debit` or `credit`.
    pub normal_side: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountUpdate {
    pub name: String,
    pub active: bool,
    pub version: i64,
}

pub fn list(c: &mut PgConnection) -> Result<Vec<AccountRow>, AppError> {
    rows::all(c)
}

pub fn create(c: &mut PgConnection, input: &NewAccountInput) -> Result<AccountRow, AppError> {
    let code = input.code.trim();
    let mut v = Validator::new();
    v.check(chart::valid_code(code), "code", "must be 3 to 8 digits");
    v.text("name", &input.name, 200);
    if !chart::ACCOUNT_TYPES.contains(&input.account_type.as_str()) {
        v.add(
            "account_type",
            format!("must be one of {}", chart::ACCOUNT_TYPES.join(", ")),
        );
    }
    if !chart::SIDES.contains(&input.normal_side.as_str()) {
        v.add("normal_side", "must be debit or credit");
    }
    v.finish()?;
    if rows::find_account(c, code)?.is_some() {
        return Err(AppError::Conflict {
            slug: "duplicate",
            detail: format!("account {code} already exists"),
        });
    }
    rows::insert(c, code, input.name.trim(), &input.account_type, &input.normal_side)?;
    rows::find_account(c, code)?.ok_or_else(|| AppError::internal("account vanished"))
}

/// Renames an account or (de)activates it; `version` must be the one read.
pub fn update(c: &mut PgConnection, code: &str, input: &AccountUpdate) -> Result<AccountRow, AppError> {
    let mut v = Validator::new();
    v.text("name", &input.name, 200);
    v.finish()?;
    if !rows::update(c, code, input.name.trim(), input.active, input.version)? {
        return match rows::find_account(c, code)? {
            Some(_) => Err(AppError::stale_version("the account")),
            None => Err(AppError::not_found("account")),
        };
    }
    rows::find_account(c, code)?.ok_or_else(|| AppError::internal("account vanished"))
}
