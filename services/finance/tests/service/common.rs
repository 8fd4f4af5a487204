//! Helpers shared by finance's integration tests: a started service with tokens, events as
//! the other services publish them, trial balance reads and checks.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use diesel::prelude::*;
use erp_auth::Role;
use erp_contracts::crm::{OrderApproved, ReceiptConfirmed};
use erp_contracts::purchasing::{InvoiceReceived, PaymentRequested};
use erp_contracts::warehouse::{InboundConfirmed, IssuedLine, OutboundConfirmed, ReceivedLine, SourceRef};
use erp_money::Currency;
use erp_testkit::{TestEnv, TestService};
use erp_testkit::{assert_status, dec};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

pub fn today() -> NaiveDate {
    erp_calendar::today()
}

pub struct Fx {
    pub env: TestEnv,
    pub svc: TestService,
    pub manager: String,
    pub manager2: String,
    pub cashier: String,
    pub sales: String,
}

pub async fn fixture() -> Fx {
    let env = TestEnv::new();
    let svc = env.start(finance::service()).await;
    Fx {
        manager: env.token(&[Role::FinanceManager]),
        manager2: env.token(&[Role::FinanceManager]),
        cashier: env.token(&[Role::Cashier]),
        sales: env.token(&[Role::Sales]),
        svc,
        env,
    }
}

pub async fn set_book_currency(svc: &TestService, c: Currency) {
    erp_db::with_conn(&svc.pool, move |conn| {
        // The service keeps its schema to itself; the test writes the setting as SQL.
        diesel::sql_query("UPDATE ledger_settings SET book_currency = $1")
            .bind::<diesel::sql_types::Text, _>(c.code())
            .execute(conn)?;
        Ok(())
    })
    .await
    .unwrap();
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct LineSums {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    entry_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    debit: Decimal,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    credit: Decimal,
    #[diesel(sql_type = diesel::sql_types::Text)]
    currency: String,
}

pub async fn entry_count(svc: &TestService) -> i64 {
    erp_db::with_conn(&svc.pool, |c| {
        Ok(diesel::sql_query("SELECT count(*) AS n FROM journal_entries")
            .get_result::<Count>(c)?
            .n)
    })
    .await
    .unwrap()
}

pub async fn wait_entries(svc: &TestService, n: i64) {
    let got = svc
        .eventually(Duration::from_secs(30), || async {
            let c = entry_count(svc).await;
            (c >= n).then_some(c)
        })
        .await;
    assert_eq!(
        got,
        Some(n),
        "expected {n} journal entries, have {}",
        entry_count(svc).await
    );
}

/// Balances (debit minus credit) per account of the trial balance in `currency`, after
/// checking that its totals are equal and match the accounts.
pub async fn balances(svc: &TestService, token: &str, currency: &str) -> BTreeMap<String, Decimal> {
    let r = svc
        .get(
            &format!("/api/v1/reports/trial-balance?currency={currency}"),
            Some(token),
        )
        .await;
    assert_status(&r, 200);
    let (mut d, mut c) = (Decimal::ZERO, Decimal::ZERO);
    let mut out = BTreeMap::new();
    for a in r.body["accounts"].as_array().unwrap() {
        d += dec(&a["debit"]);
        c += dec(&a["credit"]);
        assert_eq!(dec(&a["balance"]), dec(&a["debit"]) - dec(&a["credit"]));
        out.insert(a["account_code"].as_str().unwrap().to_owned(), dec(&a["balance"]));
    }
    assert_eq!(dec(&r.body["total_debit"]), d);
    assert_eq!(dec(&r.body["total_credit"]), c);
    assert_eq!(d, c, "trial balance is not zero-sum: {}", r.body);
    out
}

pub fn bal(b: &BTreeMap<String, Decimal>, code: &str) -> Decimal {
    b.get(code).copied().unwrap_or(Decimal::ZERO)
}

/// Every entry balances per currency at the currency's scale.
pub async fn assert_every_entry_balances(svc: &TestService) {
    let lines: Vec<LineSums> = erp_db::with_conn(&svc.pool, |c| {
        Ok(diesel::sql_query("SELECT entry_id, debit, credit, currency FROM journal_lines").load(c)?)
    })
    .await
    .unwrap();
    let lines = lines.into_iter().map(|l| (l.entry_id, l.debit, l.credit, l.currency));
    let mut sums: HashMap<(Uuid, String), Decimal> = HashMap::new();
    for (e, d, c, cur) in lines {
        let scale = Currency::parse(&cur).unwrap().scale();
        assert!(
            d.scale() <= scale && c.scale() <= scale,
            "{d} / {c} not at {cur}'s scale"
        );
        assert!((d.is_zero()) != (c.is_zero()));
        *sums.entry((e, cur)).or_default() += d - c;
    }
    for ((e, cur), s) in sums {
        assert!(s.is_zero(), "entry {e} is off by {s} in {cur}");
    }
}

pub fn order(customer: Uuid, currency: &str, total: Decimal) -> OrderApproved {
    OrderApproved {
        order_id: Uuid::now_v7(),
        order_number: format!("SO-{}", &Uuid::new_v4().simple().to_string()[..6]),
        customer_id: customer,
        customer_name: Some("Công ty TNHH Ánh Dương".into()),
        owner_id: Uuid::now_v7(),
        currency: currency.into(),
        net: total,
        tax: Decimal::ZERO,
        total,
        payment_terms: "net_30".into(),
        payment_days: 30,
        order_date: today(),
        lines: vec![],
    }
}

pub fn receipt(o: &OrderApproved, amount: Decimal, on: NaiveDate) -> ReceiptConfirmed {
    ReceiptConfirmed {
        receipt_id: Uuid::now_v7(),
        order_id: o.order_id,
        order_number: o.order_number.clone(),
        customer_id: o.customer_id,
        currency: o.currency.clone(),
        amount,
        received_on: on,
        method: "bank_transfer".into(),
        reference: Some("UNC-001".into()),
    }
}

pub fn outbound(lines: &[(Decimal, Decimal)]) -> OutboundConfirmed {
    OutboundConfirmed {
        note_id: Uuid::now_v7(),
        note_number: "OUT-2026-000001".into(),
        source: SourceRef {
            kind: "crm.outbound_request".into(),
            id: Uuid::now_v7(),
            number: Some("SO-1".into()),
        },
        warehouse_id: Uuid::now_v7(),
        lines: lines
            .iter()
            .map(|(q, c)| IssuedLine {
                line_id: Uuid::now_v7(),
                source_line_id: None,
                item_id: Uuid::now_v7(),
                quantity: *q,
                unit_cost: *c,
            })
            .collect(),
        status: "issued".into(),
    }
}

pub fn inbound(lines: &[(Decimal, Decimal)]) -> InboundConfirmed {
    InboundConfirmed {
        note_id: Uuid::now_v7(),
        note_number: "IN-2026-000001".into(),
        kind: "purchase".into(),
        source: SourceRef {
            kind: "purchasing.inbound_request".into(),
            id: Uuid::now_v7(),
            number: Some("PO-1".into()),
        },
        warehouse_id: Uuid::now_v7(),
        lines: lines
            .iter()
            .map(|(q, c)| ReceivedLine {
                line_id: Uuid::now_v7(),
                source_line_id: None,
                item_id: Uuid::now_v7(),
                expected: *q,
                received: *q,
                unit_cost: *c,
                discrepancy: None,
            })
            .collect(),
    }
}

pub fn invoice(supplier: Uuid, currency: &str, net: Decimal, tax: Decimal) -> InvoiceReceived {
    InvoiceReceived {
        invoice_id: Uuid::now_v7(),
        invoice_number: "HD-0001234".into(),
        invoice_date: today(),
        due_date: None,
        order_id: Uuid::now_v7(),
        order_number: "PO-1".into(),
        supplier_id: supplier,
        currency: currency.into(),
        net,
        tax,
        total: net + tax,
        lines: vec![],
    }
}

pub fn payment_request(supplier: Uuid, currency: &str, amount: Decimal) -> PaymentRequested {
    PaymentRequested {
        payment_request_id: Uuid::now_v7(),
        number: format!("PAY-{}", &Uuid::new_v4().simple().to_string()[..6]),
        order_id: Uuid::now_v7(),
        order_number: "PO-1".into(),
        supplier_id: supplier,
        supplier_name: "深圳市华强电子有限公司".into(),
        supplier_bank_name: None,
        supplier_bank_account: None,
        kind: "final".into(),
        currency: currency.into(),
        amount,
        due_date: None,
    }
}

/// Waits for the awaiting payment of `request` and pays it.
pub async fn pay(fx: &Fx, request: Uuid) -> Value {
    let id = fx
        .svc
        .eventually(Duration::from_secs(30), || async {
            let r = fx
                .svc
                .get("/api/v1/payments?status=awaiting&limit=200", Some(&fx.manager))
                .await;
            r.body["items"]
                .as_array()?
                .iter()
                .find(|p| p["payment_request_id"] == request.to_string())
                .map(|p| p["id"].as_str().unwrap().to_owned())
        })
        .await
        .expect("payment awaiting");
    let r = fx
        .svc
        .post(
            &format!("/api/v1/payments/{id}/pay"),
            Some(&fx.manager),
            &json!({"paid_on": today(), "reference": "VCB-778899"}),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "paid");
    r.body
}
