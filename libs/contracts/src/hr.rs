//! Events published by hr.

use crate::Event;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DepartmentRef {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

/// `hr.employee.changed` v1: the employee as it is now, after a create or any change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EmployeeChanged {
    pub employee_id: Uuid,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub department: Option<DepartmentRef>,
    #[serde(default)]
    pub manager_id: Option<Uuid>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    pub active: bool,
    /// The employee record's version; consumers keep the highest they have seen, so a late
    /// redelivery of an older change cannot overwrite a newer one.
    pub revision: i64,
    pub changed_at: DateTime<Utc>,
}

impl Event for EmployeeChanged {
    const TYPE: &'static str = "hr.employee.changed";
    const VERSION: u32 = 1;
}
