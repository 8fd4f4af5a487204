//! The people, items, customers and suppliers tests need, built once: a test names only what
//! matters to it (`person("seller").roles(&[Role::Sales]).manager(boss.id).build()`) and the
//! rest takes a default.

use crate::{Resp, TestService, id_of};
use chrono::Utc;
use erp_auth::{CurrentUser, Role, SubjectKind};
use erp_contracts::hr::{DepartmentRef, EmployeeChanged};
use erp_contracts::warehouse::ItemChanged;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

/// A person of the company, as a token and the directory see them.
#[derive(Debug, Clone)]
pub struct PersonBuilder {
    user: CurrentUser,
}

/// Starts a person called `name` (code: the name in capitals, no department, no roles).
pub fn person(name: &str) -> PersonBuilder {
    PersonBuilder {
        user: CurrentUser {
            id: Uuid::now_v7(),
            kind: SubjectKind::Employee,
            code: name.to_uppercase(),
            name: name.to_owned(),
            department_id: None,
            manager_id: None,
            roles: Vec::new(),
        },
    }
}

impl PersonBuilder {
    pub fn id(mut self, id: Uuid) -> Self {
        self.user.id = id;
        self
    }
    pub fn code(mut self, code: &str) -> Self {
        self.user.code = code.to_owned();
        self
    }
    /// An integrator's API key rather than an employee.
    pub fn api_key(mut self) -> Self {
        self.user.kind = SubjectKind::ApiKey;
        self
    }
    pub fn roles(mut self, roles: &[Role]) -> Self {
        self.user.roles = roles.to_vec();
        self
    }
    pub fn department(mut self, department: Uuid) -> Self {
        self.user.department_id = Some(department);
        self
    }
    pub fn manager(mut self, manager: Uuid) -> Self {
        self.user.manager_id = Some(manager);
        self
    }
    pub fn build(self) -> CurrentUser {
        self.user
    }
}

/// hr's event for `person`, with the department's code and name when it has one.
pub fn employee_changed(person: &CurrentUser, department_code: &str, department_name: &str) -> EmployeeChanged {
    EmployeeChanged {
        employee_id: person.id,
        code: person.code.clone(),
        name: person.name.clone(),
        email: None,
        department: person.department_id.map(|id| DepartmentRef {
            id,
            code: department_code.to_owned(),
            name: department_name.to_owned(),
        }),
        manager_id: person.manager_id,
        position: None,
        roles: person.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        active: true,
        revision: 1,
        changed_at: Utc::now(),
    }
}

/// A catalogue item as warehouse announces it: a material costing 1,000, active.
#[derive(Debug, Clone)]
pub struct ItemBuilder {
    item: ItemChanged,
}

/// Starts an item with this SKU and name, counted in pieces (`cái`).
pub fn item(sku: &str, name: &str) -> ItemBuilder {
    ItemBuilder {
        item: ItemChanged {
            item_id: Uuid::now_v7(),
            sku: sku.to_owned(),
            name: name.to_owned(),
            specification: None,
            unit: "cái".to_owned(),
            kind: "material".to_owned(),
            category: None,
            min_stock: None,
            max_stock: None,
            standard_cost: Decimal::from(1000),
            active: true,
            revision: 1,
            changed_at: Utc::now(),
        },
    }
}

impl ItemBuilder {
    pub fn id(mut self, id: Uuid) -> Self {
        self.item.item_id = id;
        self
    }
    pub fn unit(mut self, unit: &str) -> Self {
        self.item.unit = unit.to_owned();
        self
    }
    pub fn specification(mut self, specification: &str) -> Self {
        self.item.specification = Some(specification.to_owned());
        self
    }
    pub fn kind(mut self, kind: &str) -> Self {
        self.item.kind = kind.to_owned();
        self
    }
    pub fn standard_cost(mut self, cost: Decimal) -> Self {
        self.item.standard_cost = cost;
        self
    }
    pub fn active(mut self, active: bool) -> Self {
        self.item.active = active;
        self
    }
    pub fn build(self) -> ItemChanged {
        self.item
    }
}

/// The body of a customer as a salesperson creates it in crm: a company "Công ty <code>" in
/// VND on prepayment; `extra` fields are merged over these.
pub fn customer(code: &str, extra: Value) -> Value {
    merge(
        json!({
            "code": code, "name": format!("Công ty {code}"), "kind": "company",
            "currency": "VND", "payment_terms": "prepayment",
        }),
        extra,
    )
}

/// The body of a supplier as a purchaser creates it in purchasing: "Nhà cung cấp <code>" in
/// VND, paid in 30 days; `extra` fields are merged over these.
pub fn supplier(code: &str, extra: Value) -> Value {
    merge(
        json!({
            "code": code, "name": format!("Nhà cung cấp {code}"), "currency": "VND",
            "payment_terms": "30 ngày", "payment_days": 30,
        }),
        extra,
    )
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

impl TestService {
    /// Puts `people` in this service's employee directory, as hr's events would, all in one
    /// department (`KD`, "Phòng Kinh Doanh") where they have one.
    pub async fn add_to_directory(&self, people: &[&CurrentUser]) {
        let rows: Vec<EmployeeChanged> = people
            .iter()
            .map(|p| employee_changed(p, "KD", "Phòng Kinh Doanh"))
            .collect();
        self.apply_employees(rows).await;
    }

    /// Applies hr's employee events to this service's directory.
    pub async fn apply_employees(&self, rows: Vec<EmployeeChanged>) {
        let applied = erp_db::with_conn(&self.pool, move |c| {
            for e in &rows {
                erp_directory::apply_employee_changed(c, e)?;
            }
            Ok(())
        })
        .await;
        assert!(applied.is_ok(), "directory: {applied:?}");
    }

    /// Creates a record with `POST path` as `token` and returns its id (asserting 201).
    pub async fn create(&self, path: &str, token: &str, body: &Value) -> Uuid {
        let resp: Resp = self.post(path, Some(token), body).await;
        crate::assert_status(&resp, 201);
        id_of(&resp.body)
    }
}
