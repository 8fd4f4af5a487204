//! The security matrix: for every operation of every service, who may call it. The test starts
//! all six services, reads their OpenAPI documents (a matrix row missing for an operation, or a
//! row naming an operation that no longer exists, fails the test) and calls every operation
//! without a token (401), with a token signed by someone else (401), and once as each role of
//! the business holding only that role: an allowed role must get past authorisation (never
//! 401/403, never 5xx; 404/409/422 are expected because ids are random and bodies minimal), a
//! role outside the set must get 403, or 404 where the service hides that a record exists.
//!
//! Bodies: the JSON extractor runs before the handler, so an empty `{}` would be refused with
//! 422 before the handler's role check ever runs. Each body is therefore built from the
//! operation's request schema (required fields only, `"1"` for strings so decimals parse, random
//! uuids, a fixed date): it deserialises, and is then refused or accepted by the handler itself.
//!
//! `WRITE_SECURITY_MATRIX=1` rewrites `docs/security-matrix.md` from the table below;
//! `--nocapture` prints it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_auth::{CurrentUser, JwtKeys, Role, SubjectKind};
use erp_testkit::{Resp, TestEnv, TestService, test_user};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use uuid::Uuid;

use Role::*;

/// Who may call an operation.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// No token needed.
    Public,
    /// Any valid token; what the caller sees may still be filtered to its own records.
    Authenticated,
    /// Any valid token at the door; the approval engine then lets only the role of the document's
    /// pending step decide (and never the submitter), so it cannot be checked with random ids.
    Approver,
    /// One of these roles; any other role gets 403.
    Roles(&'static [Role]),
    /// One of these roles; any other role gets 404, as if the record did not exist.
    Hidden(&'static [Role]),
}

impl Access {
    fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::Authenticated | Access::Approver => true,
            Access::Roles(r) | Access::Hidden(r) => r.contains(&role),
        }
    }

    /// The status a role outside the set gets.
    fn denied_status(self) -> u16 {
        match self {
            Access::Hidden(_) => 404,
            _ => 403,
        }
    }

    fn describe(self) -> String {
        let names = |r: &[Role]| r.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
        match self {
            Access::Public => "public".into(),
            Access::Authenticated => "any authenticated".into(),
            Access::Approver => "any authenticated; the approval engine checks the pending step's role".into(),
            Access::Roles(r) => names(r),
            Access::Hidden(r) => names(r),
        }
    }

    /// What the OpenAPI document must say of this door (`x-access`: kind and roles).
    fn documented(self) -> (String, Vec<String>) {
        let names = |r: &[Role]| {
            let mut n: Vec<String> = r.iter().map(|r| r.as_str().to_owned()).collect();
            n.sort();
            n
        };
        match self {
            Access::Public => ("public".into(), vec![]),
            Access::Authenticated => ("authenticated".into(), vec![]),
            Access::Approver => ("approver".into(), vec![]),
            Access::Roles(r) | Access::Hidden(r) => ("roles".into(), names(r)),
        }
    }

    fn denied_text(self) -> &'static str {
        match self {
            Access::Public | Access::Authenticated | Access::Approver => "—",
            Access::Hidden(_) => "404",
            Access::Roles(_) => "403",
        }
    }
}

/// One operation (on each of `services`) and who may call it.
struct Row {
    services: &'static [&'static str],
    method: &'static str,
    path: &'static str,
    access: Access,
}

const fn row(services: &'static [&'static str], method: &'static str, path: &'static str, access: Access) -> Row {
    Row {
        services,
        method,
        path,
        access,
    }
}

// Which services carry a shared group of endpoints.
const EVERY: &[&str] = &["hr", "crm", "purchasing", "warehouse", "production", "finance"];
const WITH_DIRECTORY: &[&str] = &["crm", "purchasing", "warehouse", "production", "finance"];
const WITH_APPROVALS: &[&str] = &["crm", "purchasing", "warehouse", "finance"];
const WITH_CATALOGUE: &[&str] = &["crm", "purchasing"];
const HR: &[&str] = &["hr"];
const CRM: &[&str] = &["crm"];
const PUR: &[&str] = &["purchasing"];
const WH: &[&str] = &["warehouse"];
const FIN: &[&str] = &["finance"];

// The role sets, written out here (not imported) so the matrix is a second, independent statement
// of the rules; named after the constants in the code.
/// libs/server OPERATOR_ROLES.
const OPERATORS: &[Role] = &[GeneralManager, HrAdmin];
/// libs/approval RULE_EDITORS.
const RULE_EDITORS: &[Role] = &[GeneralManager];
const HR_ADMIN: &[Role] = &[HrAdmin];
/// Who hires and changes people (the governing roles are the general manager's to grant).
const STAFFING: &[Role] = &[HrAdmin, GeneralManager];
/// crm SELLERS.
const SELLERS: &[Role] = &[Sales, SalesManager, VicePresident, GeneralManager];
/// crm: the roles whose visibility scope is not `Nothing` (domain/visibility.rs).
const CRM_VIEWERS: &[Role] = &[
    GeneralManager,
    VicePresident,
    FinanceManager,
    Cashier,
    SalesManager,
    Sales,
    Marketing,
];
/// crm: the roles whose selling scope (opportunities, quotations) is not `Nothing`: finance
/// follows the money, not the deals.
const SELLING_VIEWERS: &[Role] = &[GeneralManager, VicePresident, SalesManager, Sales, Marketing];
/// crm LEAD_ROLES.
const LEAD_ROLES: &[Role] = &[Marketing, Sales, SalesManager, VicePresident, GeneralManager];
/// crm PRICE_SETTERS.
const PRICE_SETTERS: &[Role] = &[SalesManager, VicePresident, GeneralManager];
/// crm and purchasing FINANCE_DECIDERS; finance MANAGERS.
const FINANCE_MANAGER: &[Role] = &[FinanceManager];
/// purchasing BUYERS.
const BUYERS: &[Role] = &[Purchaser, PurchasingManager, GeneralManager];
/// purchasing orders READERS.
const PO_READERS: &[Role] = &[
    Purchaser,
    PurchasingManager,
    GeneralManager,
    VicePresident,
    FinanceManager,
    Cashier,
    WarehouseKeeper,
    ProjectController,
];
/// purchasing ARRIVAL_READERS.
const ARRIVAL_READERS: &[Role] = &[
    Purchaser,
    PurchasingManager,
    GeneralManager,
    VicePresident,
    FinanceManager,
    Cashier,
    WarehouseKeeper,
];
/// purchasing SETTLEMENT_READERS.
const SETTLEMENT_READERS: &[Role] = &[
    Purchaser,
    PurchasingManager,
    GeneralManager,
    VicePresident,
    FinanceManager,
    Cashier,
];
/// purchasing REQUESTERS.
const REQUESTERS: &[Role] = &[
    Purchaser,
    PurchasingManager,
    GeneralManager,
    WarehouseKeeper,
    ProductionManager,
    Technical,
    ProjectManager,
];
/// purchasing: SEE_ALL and REQUESTERS, the roles whose request scope is not `Nothing`.
const PR_VIEWERS: &[Role] = &[
    Purchaser,
    PurchasingManager,
    GeneralManager,
    ProjectController,
    VicePresident,
    WarehouseKeeper,
    ProductionManager,
    Technical,
    ProjectManager,
];
/// purchasing INVOICE_DECIDERS.
const INVOICE_DECIDERS: &[Role] = &[PurchasingManager];
/// purchasing TOLERANCE_EDITORS; warehouse's rebuild.
const GENERAL_MANAGER: &[Role] = &[GeneralManager];
/// warehouse KEEPERS.
const KEEPERS: &[Role] = &[WarehouseKeeper, GeneralManager];
/// warehouse CATALOGUE_EDITORS.
const CATALOGUE_EDITORS: &[Role] = &[WarehouseKeeper, PurchasingManager, ProductionManager, GeneralManager];
/// warehouse COUNT_APPROVERS.
const COUNT_APPROVERS: &[Role] = &[GeneralManager, FinanceManager];
/// warehouse ledger check.
const LEDGER_CHECKERS: &[Role] = &[WarehouseKeeper, GeneralManager, FinanceManager];
/// finance READERS.
const BOOK_READERS: &[Role] = &[Cashier, FinanceManager, GeneralManager];
/// finance FINANCE.
const MONEY_RECORDERS: &[Role] = &[Cashier, FinanceManager];

use Access::{Approver, Authenticated, Hidden, Public, Roles};

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    // Platform, on every service.
    row(EVERY, "GET", "/healthz", Public),
    row(EVERY, "GET", "/readyz", Public),
    // Prometheus scrapes without a token; route names and counts only, no business data.
    row(EVERY, "GET", "/metrics", Public),
    row(EVERY, "GET", "/api/v1/events/catalog", Public),
    row(EVERY, "GET", "/api/v1/events/asyncapi.json", Public),
    row(EVERY, "GET", "/api/v1/dead-letters", Roles(OPERATORS)),
    row(EVERY, "POST", "/api/v1/dead-letters/{id}/replay", Roles(OPERATORS)),
    row(WITH_DIRECTORY, "GET", "/api/v1/directory/employees", Authenticated),
    row(WITH_DIRECTORY, "GET", "/api/v1/directory/employees/{id}", Authenticated),
    row(WITH_CATALOGUE, "GET", "/api/v1/catalogue/items", Authenticated),
    // The approval engine (libs/approval): the matrix is read by anyone signed in.
    row(WITH_APPROVALS, "GET", "/api/v1/approval-rules", Authenticated),
    row(WITH_APPROVALS, "POST", "/api/v1/approval-rules", Roles(RULE_EDITORS)),
    row(WITH_APPROVALS, "PUT", "/api/v1/approval-rules/{id}", Roles(RULE_EDITORS)),
    row(WITH_APPROVALS, "POST", "/api/v1/approval-rules/{id}/deactivate", Roles(RULE_EDITORS)),
    // Filtered to the requests one submitted or may decide; one outside that is a 404.
    row(WITH_APPROVALS, "GET", "/api/v1/approvals", Authenticated),
    row(WITH_APPROVALS, "GET", "/api/v1/approvals/{id}", Authenticated),

    // hr
    row(HR, "POST", "/api/v1/auth/login", Public),
    row(HR, "POST", "/api/v1/auth/refresh", Public),
    row(HR, "POST", "/api/v1/auth/logout", Public),
    row(HR, "POST", "/api/v1/auth/token", Public),
    row(HR, "GET", "/api/v1/me", Authenticated),
    row(HR, "POST", "/api/v1/me/password", Authenticated),
    row(HR, "GET", "/api/v1/roles", Authenticated),
    row(HR, "GET", "/api/v1/api-keys", Roles(HR_ADMIN)),
    row(HR, "POST", "/api/v1/api-keys", Roles(HR_ADMIN)),
    row(HR, "POST", "/api/v1/api-keys/{id}/revoke", Roles(HR_ADMIN)),
    row(HR, "GET", "/api/v1/departments", Authenticated),
    row(HR, "GET", "/api/v1/departments/tree", Authenticated),
    row(HR, "GET", "/api/v1/departments/{id}", Authenticated),
    row(HR, "POST", "/api/v1/departments", Roles(HR_ADMIN)),
    row(HR, "PUT", "/api/v1/departments/{id}", Roles(HR_ADMIN)),
    row(HR, "GET", "/api/v1/employees", Authenticated),
    row(HR, "GET", "/api/v1/employees/{id}", Authenticated),
    row(HR, "POST", "/api/v1/employees", Roles(STAFFING)),
    row(HR, "PUT", "/api/v1/employees/{id}", Roles(STAFFING)),
    row(HR, "POST", "/api/v1/employees/{id}/activate", Roles(HR_ADMIN)),
    row(HR, "POST", "/api/v1/employees/{id}/deactivate", Roles(HR_ADMIN)),
    row(HR, "POST", "/api/v1/employees/{id}/password", Roles(HR_ADMIN)),
    row(HR, "POST", "/api/v1/employees/{id}/unlock", Roles(HR_ADMIN)),
    row(HR, "POST", "/api/v1/employees/republish", Roles(HR_ADMIN)),

    // crm: customers and the pipeline. Lists refuse a role without a scope (403); a record
    // outside one's scope is a 404.
    row(CRM, "GET", "/api/v1/customers", Roles(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/customers", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/customers/{id}", Hidden(CRM_VIEWERS)),
    row(CRM, "PUT", "/api/v1/customers/{id}", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/customers/{id}/deactivate", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/customers/{id}/contacts", Roles(SELLERS)),
    row(CRM, "DELETE", "/api/v1/customers/{id}/contacts/{contact_id}", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/customers/{id}/activities", Hidden(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/customers/{id}/activities", Roles(CRM_VIEWERS)),
    row(CRM, "GET", "/api/v1/activities/follow-ups", Roles(CRM_VIEWERS)),
    row(CRM, "GET", "/api/v1/leads", Roles(LEAD_ROLES)),
    row(CRM, "POST", "/api/v1/leads", Roles(LEAD_ROLES)),
    row(CRM, "GET", "/api/v1/leads/{id}", Hidden(LEAD_ROLES)),
    row(CRM, "PUT", "/api/v1/leads/{id}", Roles(LEAD_ROLES)),
    row(CRM, "POST", "/api/v1/leads/{id}/assign", Roles(LEAD_ROLES)),
    row(CRM, "POST", "/api/v1/leads/{id}/convert", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/leads/{id}/disqualify", Roles(LEAD_ROLES)),
    // Finance sees customers and orders (it collects the money, and logs its collection calls as
    // activities), not opportunities and quotations.
    row(CRM, "GET", "/api/v1/opportunities", Roles(SELLING_VIEWERS)),
    row(CRM, "GET", "/api/v1/opportunities/funnel", Roles(SELLING_VIEWERS)),
    row(CRM, "GET", "/api/v1/opportunities/{id}", Hidden(SELLING_VIEWERS)),
    row(CRM, "POST", "/api/v1/opportunities", Roles(SELLERS)),
    row(CRM, "PUT", "/api/v1/opportunities/{id}", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/opportunities/{id}/stage", Roles(SELLERS)),
    // crm: prices.
    row(CRM, "GET", "/api/v1/price-list", Authenticated),
    row(CRM, "PUT", "/api/v1/price-list/{item_id}/{currency}", Roles(PRICE_SETTERS)),
    // crm: quotations.
    row(CRM, "GET", "/api/v1/quotations", Roles(SELLING_VIEWERS)),
    row(CRM, "POST", "/api/v1/quotations", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/quotations/{id}", Hidden(SELLING_VIEWERS)),
    row(CRM, "PUT", "/api/v1/quotations/{id}", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/quotations/{id}/submit", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/quotations/{id}/approve", Approver),
    row(CRM, "POST", "/api/v1/quotations/{id}/reject", Approver),
    row(CRM, "POST", "/api/v1/quotations/{id}/send", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/quotations/{id}/accept", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/quotations/{id}/decline", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/quotations/{id}/cancel", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/quotations/{id}/revise", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/quotations/{id}/order", Roles(SELLERS)),
    // crm: sales orders and what hangs off them.
    row(CRM, "GET", "/api/v1/orders", Roles(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/orders", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/orders/{id}", Hidden(CRM_VIEWERS)),
    row(CRM, "PUT", "/api/v1/orders/{id}", Roles(SELLERS)),
    row(CRM, "PUT", "/api/v1/orders/{id}/review", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/orders/{id}/submit", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/orders/{id}/approve", Approver),
    row(CRM, "POST", "/api/v1/orders/{id}/reject", Approver),
    row(CRM, "POST", "/api/v1/orders/{id}/cancel", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/orders/{id}/progress", Hidden(CRM_VIEWERS)),
    row(CRM, "GET", "/api/v1/orders/{id}/change-requests", Hidden(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/orders/{id}/change-requests", Roles(SELLERS)),
    row(CRM, "PUT", "/api/v1/change-requests/{id}/review", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/change-requests/{id}/submit", Roles(SELLERS)),
    row(CRM, "POST", "/api/v1/change-requests/{id}/approve", Approver),
    row(CRM, "POST", "/api/v1/change-requests/{id}/reject", Approver),
    row(CRM, "POST", "/api/v1/change-requests/{id}/cancel", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/orders/{id}/payment-plan", Hidden(CRM_VIEWERS)),
    row(CRM, "PUT", "/api/v1/orders/{id}/payment-plan", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/orders/{id}/receipts", Hidden(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/orders/{id}/receipts", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/receipts", Roles(CRM_VIEWERS)),
    row(CRM, "GET", "/api/v1/receipts/{id}", Hidden(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/receipts/{id}/confirm", Roles(FINANCE_MANAGER)),
    row(CRM, "POST", "/api/v1/receipts/{id}/reject", Roles(FINANCE_MANAGER)),
    row(CRM, "GET", "/api/v1/orders/{id}/outbound-requests", Hidden(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/orders/{id}/outbound-requests", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/outbound-requests/{id}", Hidden(CRM_VIEWERS)),
    row(CRM, "GET", "/api/v1/orders/{id}/shipments", Hidden(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/orders/{id}/shipments", Roles(SELLERS)),
    row(CRM, "GET", "/api/v1/shipments/{id}", Hidden(CRM_VIEWERS)),
    row(CRM, "POST", "/api/v1/shipments/{id}/deliver", Roles(SELLERS)),

    // purchasing: suppliers (read by anyone signed in, bank details included).
    row(PUR, "GET", "/api/v1/suppliers", Authenticated),
    row(PUR, "GET", "/api/v1/suppliers/{id}", Authenticated),
    row(PUR, "POST", "/api/v1/suppliers", Roles(BUYERS)),
    row(PUR, "PUT", "/api/v1/suppliers/{id}", Roles(BUYERS)),
    row(PUR, "POST", "/api/v1/suppliers/{id}/deactivate", Roles(BUYERS)),
    // purchasing: requests, supplier quotations and the selection.
    row(PUR, "GET", "/api/v1/purchase-requests", Roles(PR_VIEWERS)),
    row(PUR, "POST", "/api/v1/purchase-requests", Roles(REQUESTERS)),
    row(PUR, "GET", "/api/v1/purchase-requests/{id}", Hidden(PR_VIEWERS)),
    row(PUR, "PUT", "/api/v1/purchase-requests/{id}", Roles(REQUESTERS)),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/submit", Roles(REQUESTERS)),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/approve", Approver),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/reject", Approver),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/cancel", Roles(REQUESTERS)),
    row(PUR, "GET", "/api/v1/purchase-requests/{id}/quotations", Hidden(PR_VIEWERS)),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/quotations", Roles(BUYERS)),
    row(PUR, "GET", "/api/v1/purchase-requests/{id}/quotations/comparison", Hidden(PR_VIEWERS)),
    row(PUR, "GET", "/api/v1/purchase-requests/{id}/selection", Hidden(PR_VIEWERS)),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/selection", Roles(BUYERS)),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/selection/approve", Approver),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/selection/reject", Approver),
    row(PUR, "POST", "/api/v1/purchase-requests/{id}/orders", Roles(BUYERS)),
    // purchasing: orders, arrivals, invoices, payment requests.
    row(PUR, "GET", "/api/v1/purchase-orders", Roles(PO_READERS)),
    row(PUR, "POST", "/api/v1/purchase-orders", Roles(BUYERS)),
    row(PUR, "GET", "/api/v1/purchase-orders/{id}", Hidden(PO_READERS)),
    row(PUR, "PUT", "/api/v1/purchase-orders/{id}", Roles(BUYERS)),
    row(PUR, "POST", "/api/v1/purchase-orders/{id}/submit", Roles(BUYERS)),
    row(PUR, "POST", "/api/v1/purchase-orders/{id}/approve", Approver),
    row(PUR, "POST", "/api/v1/purchase-orders/{id}/reject", Approver),
    row(PUR, "POST", "/api/v1/purchase-orders/{id}/send", Roles(BUYERS)),
    row(PUR, "POST", "/api/v1/purchase-orders/{id}/cancel", Roles(BUYERS)),
    // The scheduler's API key needs a buyer role too.
    row(PUR, "POST", "/api/v1/purchase-orders/arrival-reminders", Roles(BUYERS)),
    row(PUR, "GET", "/api/v1/purchase-orders/{id}/arrivals", Roles(ARRIVAL_READERS)),
    row(PUR, "POST", "/api/v1/purchase-orders/{id}/arrivals", Roles(BUYERS)),
    row(PUR, "GET", "/api/v1/arrivals/{id}", Hidden(ARRIVAL_READERS)),
    row(PUR, "GET", "/api/v1/purchase-orders/{id}/invoices", Roles(SETTLEMENT_READERS)),
    row(PUR, "POST", "/api/v1/purchase-orders/{id}/invoices", Roles(BUYERS)),
    row(PUR, "GET", "/api/v1/supplier-invoices", Roles(SETTLEMENT_READERS)),
    row(PUR, "GET", "/api/v1/supplier-invoices/{id}", Hidden(SETTLEMENT_READERS)),
    row(PUR, "POST", "/api/v1/supplier-invoices/{id}/accept", Roles(INVOICE_DECIDERS)),
    row(PUR, "POST", "/api/v1/supplier-invoices/{id}/reject", Roles(INVOICE_DECIDERS)),
    row(PUR, "GET", "/api/v1/purchase-orders/{id}/settlement", Roles(SETTLEMENT_READERS)),
    row(PUR, "GET", "/api/v1/settlement-tolerances", Authenticated),
    row(PUR, "PUT", "/api/v1/settlement-tolerances", Roles(GENERAL_MANAGER)),
    row(PUR, "GET", "/api/v1/purchase-orders/{id}/payment-requests", Roles(SETTLEMENT_READERS)),
    row(PUR, "POST", "/api/v1/purchase-orders/{id}/payment-requests", Roles(BUYERS)),
    row(PUR, "GET", "/api/v1/payment-requests", Roles(SETTLEMENT_READERS)),
    row(PUR, "GET", "/api/v1/payment-requests/{id}", Hidden(SETTLEMENT_READERS)),
    row(PUR, "POST", "/api/v1/payment-requests/{id}/approve", Roles(FINANCE_MANAGER)),
    row(PUR, "POST", "/api/v1/payment-requests/{id}/reject", Roles(FINANCE_MANAGER)),

    // warehouse: everything is readable by anyone signed in (stock, costs, notes, counts).
    row(WH, "GET", "/api/v1/warehouses", Authenticated),
    row(WH, "GET", "/api/v1/warehouses/{id}", Authenticated),
    row(WH, "POST", "/api/v1/warehouses", Roles(KEEPERS)),
    row(WH, "PUT", "/api/v1/warehouses/{id}", Roles(KEEPERS)),
    row(WH, "GET", "/api/v1/items", Authenticated),
    row(WH, "GET", "/api/v1/items/{id}", Authenticated),
    row(WH, "POST", "/api/v1/items", Roles(CATALOGUE_EDITORS)),
    row(WH, "PUT", "/api/v1/items/{id}", Roles(CATALOGUE_EDITORS)),
    row(WH, "POST", "/api/v1/items/{id}/activate", Roles(CATALOGUE_EDITORS)),
    row(WH, "POST", "/api/v1/items/{id}/deactivate", Roles(CATALOGUE_EDITORS)),
    row(WH, "GET", "/api/v1/stock", Authenticated),
    row(WH, "GET", "/api/v1/stock/movements", Authenticated),
    row(WH, "POST", "/api/v1/stock/transfers", Roles(KEEPERS)),
    row(WH, "POST", "/api/v1/stock/adjustments", Roles(KEEPERS)),
    row(WH, "GET", "/api/v1/stock/ledger-check", Roles(LEDGER_CHECKERS)),
    row(WH, "POST", "/api/v1/stock/rebuild", Roles(GENERAL_MANAGER)),
    row(WH, "GET", "/api/v1/reports/stale-stock", Authenticated),
    row(WH, "GET", "/api/v1/outbound-notes", Authenticated),
    row(WH, "GET", "/api/v1/outbound-notes/{id}", Authenticated),
    row(WH, "POST", "/api/v1/outbound-notes", Roles(KEEPERS)),
    row(WH, "POST", "/api/v1/outbound-notes/{id}/confirm", Roles(KEEPERS)),
    row(WH, "POST", "/api/v1/outbound-notes/{id}/cancel-rest", Roles(KEEPERS)),
    row(WH, "GET", "/api/v1/inbound-notes", Authenticated),
    row(WH, "GET", "/api/v1/inbound-notes/{id}", Authenticated),
    row(WH, "POST", "/api/v1/inbound-notes", Roles(KEEPERS)),
    row(WH, "POST", "/api/v1/inbound-notes/{id}/confirm", Roles(KEEPERS)),
    row(WH, "POST", "/api/v1/inbound-notes/{id}/cancel", Roles(KEEPERS)),
    row(WH, "GET", "/api/v1/stock-counts", Authenticated),
    row(WH, "GET", "/api/v1/stock-counts/{id}", Authenticated),
    row(WH, "POST", "/api/v1/stock-counts", Roles(KEEPERS)),
    row(WH, "PUT", "/api/v1/stock-counts/{id}/lines", Roles(KEEPERS)),
    row(WH, "POST", "/api/v1/stock-counts/{id}/submit", Roles(KEEPERS)),
    row(WH, "POST", "/api/v1/stock-counts/{id}/cancel", Roles(KEEPERS)),
    row(WH, "POST", "/api/v1/stock-counts/{id}/approve", Roles(COUNT_APPROVERS)),
    row(WH, "POST", "/api/v1/stock-counts/{id}/reject", Roles(COUNT_APPROVERS)),

    // finance: the books are read by cashier, finance_manager and general_manager; a denied
    // read of one record is a 403 given before the record is looked up.
    row(FIN, "GET", "/api/v1/accounts", Roles(BOOK_READERS)),
    row(FIN, "POST", "/api/v1/accounts", Roles(FINANCE_MANAGER)),
    row(FIN, "PUT", "/api/v1/accounts/{code}", Roles(FINANCE_MANAGER)),
    row(FIN, "GET", "/api/v1/journal", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/journal/{id}", Roles(BOOK_READERS)),
    row(FIN, "POST", "/api/v1/journal", Roles(FINANCE_MANAGER)),
    row(FIN, "POST", "/api/v1/journal/{id}/reverse", Roles(FINANCE_MANAGER)),
    row(FIN, "GET", "/api/v1/direct-entries", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/direct-entries/{id}", Roles(BOOK_READERS)),
    row(FIN, "POST", "/api/v1/direct-entries", Roles(MONEY_RECORDERS)),
    row(FIN, "POST", "/api/v1/direct-entries/{id}/approve", Approver),
    row(FIN, "POST", "/api/v1/direct-entries/{id}/reject", Approver),
    row(FIN, "GET", "/api/v1/payments", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/payments/{id}", Roles(BOOK_READERS)),
    row(FIN, "POST", "/api/v1/payments/{id}/pay", Roles(FINANCE_MANAGER)),
    row(FIN, "GET", "/api/v1/periods", Roles(BOOK_READERS)),
    row(FIN, "POST", "/api/v1/periods/{period}/close", Roles(FINANCE_MANAGER)),
    row(FIN, "GET", "/api/v1/reports/trial-balance", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/reports/profit-and-loss", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/reports/receivables-aging", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/reports/payables-aging", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/reports/gross-margin", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/reports/vat", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/sales-invoices", Roles(BOOK_READERS)),
    row(FIN, "GET", "/api/v1/sales-invoices/{id}", Roles(BOOK_READERS)),
    row(FIN, "POST", "/api/v1/sales-invoices", Roles(MONEY_RECORDERS)),
    row(FIN, "GET", "/api/v1/sales-orders/{id}", Roles(BOOK_READERS)),
];

/// Served by every service but not operations of its OpenAPI document: the document itself and
/// the docs page. Public.
const UNDOCUMENTED_PUBLIC: &[&str] = &["/api-docs/openapi.json", "/docs/"];

pub(crate) fn service_defs() -> Vec<erp_server::ServiceDef> {
    vec![
        hr::service(),
        crm::service(),
        purchasing::service(),
        warehouse::service(),
        production::service(),
        finance::service(),
    ]
}

/// One operation as the OpenAPI document describes it.
struct Operation {
    service: &'static str,
    method: String,
    path: String,
    /// Documented without a security requirement (`security: [{}]`).
    open: bool,
    /// The door the document states (`x-access`): its kind and roles.
    access: (String, Vec<String>),
    /// The concrete path with its parameters filled in.
    url: String,
    body: Option<Value>,
}

fn operations(def: &erp_server::ServiceDef) -> Vec<Operation> {
    let doc = serde_json::to_value(erp_server::openapi(def)).unwrap();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let open = op["security"]
                .as_array()
                .is_some_and(|a| a.iter().all(|s| s.as_object().is_some_and(Map::is_empty)));
            let mut url = path.clone();
            let mut query = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str() {
                    Some("path") => {
                        let v = path_value(name, &p["schema"]);
                        url = url.replace(&format!("{{{name}}}"), &v);
                    }
                    Some("query") if p["required"].as_bool() == Some(true) => {
                        let v = example(&doc, &p["schema"], 0);
                        let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        query.push(format!("{name}={v}"));
                    }
                    _ => {}
                }
            }
            if !query.is_empty() {
                url = format!("{url}?{}", query.join("&"));
            }
            let body = op["requestBody"]["content"]["application/json"]["schema"]
                .as_object()
                .map(|s| example(&doc, &Value::Object(s.clone()), 0));
            let roles = op["x-access"]["roles"].as_array().into_iter().flatten();
            ops.push(Operation {
                service: def.name,
                method: method.to_uppercase(),
                path: path.clone(),
                open,
                access: (op["x-access"]["kind"].as_str().unwrap_or("missing").to_owned(), {
                    let mut r: Vec<String> = roles.filter_map(Value::as_str).map(str::to_owned).collect();
                    r.sort();
                    r
                }),
                url,
                body,
            });
        }
    }
    ops
}

/// A value for a path parameter: fresh uuids, and plausible values for the few textual ones.
fn path_value(name: &str, schema: &Value) -> String {
    if schema["format"] == "uuid" {
        return Uuid::now_v7().to_string();
    }
    match name {
        "period" => "2026-01".into(),
        "currency" => "VND".into(),
        "code" => "999".into(),
        _ => "x".into(),
    }
}

/// The smallest value that deserialises into the schema's type: required properties only,
/// `"1"` for strings (a decimal parses it), empty arrays, the first enum value.
fn example(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 12 {
        return Value::Null;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return example(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    if let Some(all) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for s in all {
            if let Value::Object(o) = example(doc, s, depth + 1) {
                merged.extend(o);
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema[key].as_array() {
            let chosen = variants.iter().find(|v| v["type"] != "null").unwrap_or(&variants[0]);
            return example(doc, chosen, depth + 1);
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        return values.iter().find(|v| !v.is_null()).cloned().unwrap_or(Value::Null);
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match ty {
        "object" => {
            let mut o = Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                o.insert(name.to_owned(), example(doc, &schema["properties"][name], depth + 1));
            }
            Value::Object(o)
        }
        "array" => {
            let min = schema["minItems"].as_u64().unwrap_or(0);
            Value::Array((0..min).map(|_| example(doc, &schema["items"], depth + 1)).collect())
        }
        "string" => match schema["format"].as_str() {
            Some("uuid") => json!(Uuid::now_v7()),
            Some("date") => json!("2026-01-15"),
            Some("date-time") => json!("2026-01-15T08:00:00Z"),
            _ => json!("1"),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

/// Who calls: nobody, a forged token, or one role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    ForeignToken,
    Role(Role),
    ApiKey(Role),
}

struct Outcome {
    row: usize,
    service: &'static str,
    method: String,
    path: String,
    caller: Caller,
    resp: Resp,
    /// The security headers the answer lacks, if any.
    headers: Option<String>,
}

async fn send(
    client: reqwest::Client,
    base: String,
    method: String,
    url: String,
    token: Option<String>,
    body: Option<Value>,
) -> (Resp, Option<String>) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client.request(method, format!("{base}{url}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status().as_u16();
    let headers = missing_headers(res.headers());
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = res.bytes().await.unwrap_or_default();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).chars().take(200).collect()));
    (
        Resp {
            status,
            content_type,
            body,
        },
        headers,
    )
}

/// What every response must carry so that a browser never runs what it holds (docs/security.md):
/// `nosniff` and a Content-Security-Policy that allows no script from anywhere else.
fn missing_headers(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut missing = Vec::new();
    if get("x-content-type-options") != "nosniff" {
        missing.push("X-Content-Type-Options: nosniff");
    }
    let csp = get("content-security-policy");
    if !csp.contains("default-src 'none'") && !csp.contains("default-src 'self'") {
        missing.push("a Content-Security-Policy with default-src 'none' or 'self'");
    }
    if !csp.contains("frame-ancestors 'none'") {
        missing.push("frame-ancestors 'none'");
    }
    (!missing.is_empty()).then(|| format!("missing {}", missing.join(", ")))
}

/// What is wrong with `resp` as the answer to `caller` on a row with `access`, if anything.
fn judge(access: Access, caller: Caller, resp: &Resp) -> Option<String> {
    if resp.status >= 500 {
        return Some(format!("server error {}", resp.status));
    }
    let problem = |status: u16| {
        if resp.status != status {
            Some(format!("expected {status}, got {}", resp.status))
        } else if !resp.is_problem() {
            Some(format!("{status} is not problem+json ({})", resp.content_type))
        } else {
            None
        }
    };
    match (access, caller) {
        // A public operation may refuse bad credentials in its body with 401, but never asks
        // for a bearer token.
        (Access::Public, _) => (resp.status == 401 && resp.body.to_string().contains("Bearer"))
            .then(|| "a public operation asked for a token".to_owned()),
        (_, Caller::Anonymous | Caller::ForeignToken) => problem(401),
        (_, Caller::Role(role) | Caller::ApiKey(role)) if !access.allows(role) => problem(access.denied_status()),
        (_, _) => [401, 403]
            .contains(&resp.status)
            .then(|| format!("allowed role refused with {}", resp.status)),
    }
}

fn key_of(service: &str, method: &str, path: &str) -> (String, String, String) {
    (service.to_owned(), method.to_owned(), path.to_owned())
}

fn markdown(expanded: &[(&'static str, &Row)]) -> String {
    let mut md = String::from(
        "# Security matrix\n\n\
         Who may call each operation of each service. Generated from the table in \
         `tests/tests/system/security_matrix.rs` (`WRITE_SECURITY_MATRIX=1 cargo nextest run -p \
         erp-scenarios --test system security_matrix::`); that test calls every operation without a token (401), with a \
         forged token (401) and as each role alone (an allowed role gets past authorisation, any \
         other gets the status in the last column).\n\n\
         - *public*: no token needed.\n\
         - *any authenticated*: any valid token; lists and records may still be filtered to what the \
         caller may see.\n\
         - *approval engine*: any valid token at the door; the engine lets only the role of the \
         document's pending step decide, never the submitter.\n\
         - 404 in the last column: the service hides that the record exists (DOMAIN.md: a denied read \
         is 404).\n\n\
         Every service also serves `/api-docs/openapi.json` and `/docs/` without a token.\n",
    );
    let mut current = "";
    for (service, r) in expanded {
        if *service != current {
            current = service;
            let _ = write!(
                md,
                "\n## {service}\n\n| method | path | who may call | others get |\n|---|---|---|---|\n"
            );
        }
        let who = match r.access {
            Access::Approver => "any authenticated; approval engine".to_owned(),
            a => a.describe(),
        };
        let _ = writeln!(
            md,
            "| {} | `{}` | {} | {} |",
            r.method,
            r.path,
            who,
            r.access.denied_text()
        );
    }
    md
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_refuses_callers_outside_its_roles() {
    // The matrix against the documents: every operation has exactly one row.
    let mut documented: BTreeMap<(String, String, String), Operation> = BTreeMap::new();
    for def in service_defs() {
        for op in operations(&def) {
            documented.insert(key_of(op.service, &op.method, &op.path), op);
        }
    }
    let mut expanded: Vec<(&'static str, &Row)> = Vec::new();
    let mut rows_by_key: HashMap<(String, String, String), usize> = HashMap::new();
    let mut problems = Vec::new();
    for service in EVERY {
        for r in MATRIX.iter().filter(|r| r.services.contains(service)) {
            let key = key_of(service, r.method, r.path);
            if rows_by_key.insert(key.clone(), expanded.len()).is_some() {
                problems.push(format!("{service} {} {}: two rows", r.method, r.path));
            }
            expanded.push((service, r));
            match documented.get(&key) {
                None => problems.push(format!(
                    "{service} {} {}: in the matrix but not in the OpenAPI document",
                    r.method, r.path
                )),
                Some(op) if op.open != matches!(r.access, Access::Public) => problems.push(format!(
                    "{service} {} {}: the matrix says {}, the document {}",
                    r.method,
                    r.path,
                    r.access.describe(),
                    if op.open { "public" } else { "secured" }
                )),
                Some(op) if op.access != r.access.documented() => problems.push(format!(
                    "{service} {} {}: the matrix says {:?}, the document's door {:?}",
                    r.method,
                    r.path,
                    r.access.documented(),
                    op.access
                )),
                Some(_) => {}
            }
        }
    }
    for (service, method, path) in documented.keys() {
        if !rows_by_key.contains_key(&(service.clone(), method.clone(), path.clone())) {
            problems.push(format!("{service} {method} {path}: no row in the security matrix"));
        }
    }
    assert!(
        problems.is_empty(),
        "the security matrix and the OpenAPI documents differ:\n{}",
        problems.join("\n")
    );

    // The table, for people.
    let md = markdown(&expanded);
    if std::env::var("WRITE_SECURITY_MATRIX").is_ok_and(|v| v == "1") {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/security-matrix.md");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &md).unwrap();
    }
    for (service, r) in &expanded {
        println!("{service:<11} {:<6} {:<58} {}", r.method, r.path, r.access.describe());
    }

    // Every service, hr last so the others' queues exist before its first events.
    let env = TestEnv::new();
    let mut services: Vec<TestService> = Vec::new();
    for def in service_defs().into_iter().rev() {
        services.push(env.start(def).await);
    }
    let bases: HashMap<&str, String> = services.iter().map(|s| (service_name(s), s.base.clone())).collect();

    let mut tokens: BTreeMap<Caller, Option<String>> = BTreeMap::new();
    tokens.insert(Caller::Anonymous, None);
    tokens.insert(
        Caller::ForeignToken,
        Some(
            JwtKeys::new("not-the-shared-secret")
                .issue(&test_user(&[GeneralManager]), Duration::from_secs(600))
                .unwrap()
                .0,
        ),
    );
    for role in Role::ALL {
        tokens.insert(Caller::Role(role), Some(env.token(&[role])));
    }
    let api_key = CurrentUser {
        kind: SubjectKind::ApiKey,
        ..test_user(&[Employee])
    };
    tokens.insert(Caller::ApiKey(Employee), Some(env.token_for(&api_key)));

    // The calls: 16 at a time.
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(16));
    let mut tasks = tokio::task::JoinSet::new();
    let mut calls = 0usize;
    for (i, (service, r)) in expanded.iter().enumerate() {
        let op = &documented[&key_of(service, r.method, r.path)];
        let callers: Vec<Caller> = match r.access {
            Access::Public => vec![Caller::Anonymous],
            // API keys are held to their roles like employees.
            _ => tokens.keys().copied().collect(),
        };
        for caller in callers {
            let (gate, client, base) = (gate.clone(), env.client.clone(), bases[service].clone());
            let (method, url, body, path) = (op.method.clone(), op.url.clone(), op.body.clone(), op.path.clone());
            let token = tokens[&caller].clone();
            let service: &'static str = service;
            calls += 1;
            tasks.spawn(async move {
                let _permit = gate.acquire_owned().await.unwrap();
                let (resp, headers) = send(client, base, method.clone(), url, token, body).await;
                Outcome {
                    row: i,
                    service,
                    method,
                    path,
                    caller,
                    resp,
                    headers,
                }
            });
        }
    }
    // The pages every service serves outside its document.
    let mut undocumented = Vec::new();
    for (service, base) in &bases {
        for path in UNDOCUMENTED_PUBLIC {
            let (r, headers) = send(
                env.client.clone(),
                base.clone(),
                "GET".into(),
                (*path).into(),
                None,
                None,
            )
            .await;
            if r.status != 200 {
                undocumented.push(format!("{service} GET {path} without a token: {}", r.status));
            }
            if let Some(why) = headers {
                undocumented.push(format!("{service} GET {path}: {why}"));
            }
        }
    }

    let mut failures = undocumented;
    let mut per_service: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        let o = done.unwrap();
        per_service.entry(o.service).or_default().insert(o.row);
        *statuses.entry(o.resp.status).or_default() += 1;
        if let Some(why) = judge(expanded[o.row].1.access, o.caller, &o.resp).or(o.headers) {
            failures.push(format!(
                "{} {} {} as {:?}: {why}; body {}",
                o.service, o.method, o.path, o.caller, o.resp.body
            ));
        }
    }
    failures.sort();
    let counts: Vec<String> = per_service
        .iter()
        .map(|(s, rows)| format!("{s} {}", rows.len()))
        .collect();
    println!(
        "security matrix: {} operations ({}), {calls} calls in {:.1} s, {} failures; answers by status {statuses:?}",
        expanded.len(),
        counts.join(", "),
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    drop(services);
    assert!(
        failures.is_empty(),
        "{} calls broke the security matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn service_name(s: &TestService) -> &'static str {
    EVERY.iter().copied().find(|n| *n == s.config.service).unwrap()
}
