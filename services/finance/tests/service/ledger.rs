//! finance against the real PostgreSQL and RabbitMQ: postings from the other services' events
//! (each balanced, each once however often it is delivered), worked order-to-cash and
//! procure-to-pay numbers in VND and CNY, closed periods, unbalanced entries, reversals, roles
//! and the review of cashiers' entries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use chrono::NaiveDate;
use diesel::prelude::*;
use erp_auth::Role;
use erp_contracts::crm::OrderApproved;
use erp_money::Currency;
use erp_testkit::test_user;
use erp_testkit::{assert_status, dec};
use rand::{Rng, SeedableRng, rngs::StdRng};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Worked numbers
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_to_cash_and_procure_to_pay_in_vnd() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let (customer, supplier) = (Uuid::now_v7(), Uuid::now_v7());

    // Procure to pay: 10 units at 150,000 received, invoiced with 10 % VAT, paid.
    svc.publish_event("warehouse", &inbound(&[(dec!(10), dec!(150000))]))
        .await;
    svc.publish_event("purchasing", &invoice(supplier, "VND", dec!(1500000), dec!(150000)))
        .await;
    let pr = payment_request(supplier, "VND", dec!(1650000));
    svc.publish_event("purchasing", &pr).await;
    wait_entries(svc, 2).await;
    let paid = pay(&fx, pr.payment_request_id).await;
    assert_eq!(paid["amount"], "1650000");
    let made = svc.outbox("finance.payment.made").await;
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["payment_request_id"], pr.payment_request_id.to_string());
    assert_eq!(made[0]["amount"], "1650000");
    assert_eq!(made[0]["reference"], "VCB-778899");
    // Paying twice is refused.
    let again = svc
        .post(
            &format!("/api/v1/payments/{}/pay", paid["id"].as_str().unwrap()),
            Some(&fx.manager),
            &json!({"paid_on": today()}),
        )
        .await;
    again.assert_problem(409);

    // Order to cash: 2,200,000 approved and received; 4 units issued at 150,000, one at
    // 33,333.5 (half-up to 33,334).
    let o = order(customer, "VND", dec!(2200000));
    svc.publish_event("crm", &o).await;
    svc.publish_event("crm", &receipt(&o, dec!(2200000), today())).await;
    svc.publish_event(
        "warehouse",
        &outbound(&[(dec!(4), dec!(150000)), (dec!(1), dec!(33333.5))]),
    )
    .await;
    wait_entries(svc, 5).await;

    let b = balances(svc, &fx.manager, "VND").await;
    assert_eq!(bal(&b, "156"), dec!(1500000) - dec!(633334));
    assert_eq!(bal(&b, "632"), dec!(633334));
    assert_eq!(bal(&b, "3388"), dec!(0));
    assert_eq!(bal(&b, "1331"), dec!(150000));
    assert_eq!(bal(&b, "331"), dec!(0));
    // Money received before the sales invoice sits on 131 as the customer's advance.
    assert_eq!(bal(&b, "131"), dec!(-2200000));
    assert_eq!(bal(&b, "112"), dec!(2200000) - dec!(1650000));
    assert_every_entry_balances(svc).await;

    // crm hears the customer's open balance: the order, then the order paid.
    let changes = svc
        .eventually(Duration::from_secs(10), || async {
            let c = svc.outbox("finance.customer.balance.changed").await;
            (c.len() >= 2).then_some(c)
        })
        .await
        .unwrap();
    assert_eq!(changes[0]["customer_id"], customer.to_string());
    assert_eq!(changes[0]["open_amount"], "2200000");
    assert_eq!(changes[1]["open_amount"], "0");
    assert!(changes[1]["revision"].as_i64().unwrap() > changes[0]["revision"].as_i64().unwrap());

    // The journal shows the receipt with the customer as party.
    let r = svc.get("/api/v1/journal?account=131", Some(&fx.manager)).await;
    assert_status(&r, 200);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["source_kind"], "crm.receipt");
    let party = items[0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["account_code"] == "131")
        .unwrap();
    assert_eq!(party["party_kind"], "customer");
    assert_eq!(party["party_id"], customer.to_string());
    let one = svc
        .get(
            &format!("/api/v1/journal/{}", items[0]["id"].as_str().unwrap()),
            Some(&fx.manager),
        )
        .await;
    assert_status(&one, 200);
    assert_eq!(one.body["lines"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_to_cash_and_procure_to_pay_in_cny() {
    let fx = fixture().await;
    let svc = &fx.svc;
    set_book_currency(svc, Currency::Cny).await;
    let (customer, supplier) = (Uuid::now_v7(), Uuid::now_v7());

    // 3 × 12.345 = 37.035 → 37.04 into stock; invoiced 37.04 + 13 % VAT 4.82; paid 41.86.
    svc.publish_event("warehouse", &inbound(&[(dec!(3), dec!(12.345))]))
        .await;
    svc.publish_event("purchasing", &invoice(supplier, "CNY", dec!(37.04), dec!(4.82)))
        .await;
    let pr = payment_request(supplier, "CNY", dec!(41.86));
    svc.publish_event("purchasing", &pr).await;
    wait_entries(svc, 2).await;
    pay(&fx, pr.payment_request_id).await;

    // An order of 113.00, 50.00 received; 2 × 12.345 = 24.69 issued.
    let o = order(customer, "CNY", dec!(113.00));
    svc.publish_event("crm", &o).await;
    svc.publish_event("crm", &receipt(&o, dec!(50), today())).await;
    svc.publish_event("warehouse", &outbound(&[(dec!(2), dec!(12.345))]))
        .await;
    wait_entries(svc, 5).await;

    let b = balances(svc, &fx.manager, "CNY").await;
    assert_eq!(bal(&b, "156").to_string(), "12.35");
    assert_eq!(bal(&b, "632").to_string(), "24.69");
    assert_eq!(bal(&b, "1331").to_string(), "4.82");
    assert_eq!(bal(&b, "331").to_string(), "0.00");
    assert_eq!(bal(&b, "131").to_string(), "-50.00");
    assert_eq!(bal(&b, "112").to_string(), "8.14");
    assert!(balances(svc, &fx.manager, "VND").await.is_empty());
    assert_every_entry_balances(svc).await;

    let changes = svc
        .eventually(Duration::from_secs(10), || async {
            let c = svc.outbox("finance.customer.balance.changed").await;
            (c.len() >= 2).then_some(c)
        })
        .await
        .unwrap();
    assert_eq!(changes[1]["currency"], "CNY");
    assert_eq!(dec(&changes[1]["open_amount"]), dec!(63));
}

// ---------------------------------------------------------------------------------------------
// Properties: random event sequences balance, and replays change nothing
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_event_sequences_balance_and_replays_change_nothing() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let vnd = Currency::Vnd;
    let mut expected: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut postings = 0i64;
    let mut envelopes = Vec::new();
    let mut to_pay = Vec::new();
    for seed in [7u64, 42, 2026] {
        let mut rng = StdRng::seed_from_u64(seed);
        let customers: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let supplier = Uuid::now_v7();
        let mut orders: Vec<OrderApproved> = Vec::new();
        for _ in 0..12 {
            let amount = |rng: &mut StdRng| Decimal::from(rng.random_range(1..5000) * 1000);
            let cost = |rng: &mut StdRng| Decimal::new(rng.random_range(1000..900000), 1);
            let qty = |rng: &mut StdRng| Decimal::new(rng.random_range(1..200), 1);
            match rng.random_range(0..6) {
                0 => {
                    let o = order(customers[rng.random_range(0..3)], "VND", amount(&mut rng));
                    envelopes.push(svc.publish_event("crm", &o).await);
                    orders.push(o);
                }
                1 if !orders.is_empty() => {
                    let o = &orders[rng.random_range(0..orders.len())];
                    let a = amount(&mut rng);
                    envelopes.push(svc.publish_event("crm", &receipt(o, a, today())).await);
                    *expected.entry("112").or_default() += a;
                    *expected.entry("131").or_default() -= a;
                    postings += 1;
                }
                2 => {
                    let lines: Vec<(Decimal, Decimal)> = (0..rng.random_range(1..4))
                        .map(|_| (qty(&mut rng), cost(&mut rng)))
                        .collect();
                    let v: Decimal = lines.iter().map(|(q, c)| erp_money::round(q * c, vnd)).sum();
                    envelopes.push(svc.publish_event("warehouse", &outbound(&lines)).await);
                    *expected.entry("632").or_default() += v;
                    *expected.entry("156").or_default() -= v;
                    postings += 1;
                }
                3 => {
                    let lines: Vec<(Decimal, Decimal)> = (0..rng.random_range(1..4))
                        .map(|_| (qty(&mut rng), cost(&mut rng)))
                        .collect();
                    let v: Decimal = lines.iter().map(|(q, c)| erp_money::round(q * c, vnd)).sum();
                    envelopes.push(svc.publish_event("warehouse", &inbound(&lines)).await);
                    *expected.entry("156").or_default() += v;
                    *expected.entry("3388").or_default() -= v;
                    postings += 1;
                }
                4 => {
                    let net = amount(&mut rng);
                    let tax = erp_money::round(net * dec!(0.08), vnd);
                    envelopes.push(
                        svc.publish_event("purchasing", &invoice(supplier, "VND", net, tax))
                            .await,
                    );
                    *expected.entry("3388").or_default() += net;
                    *expected.entry("1331").or_default() += tax;
                    *expected.entry("331").or_default() -= net + tax;
                    postings += 1;
                }
                _ => {
                    let a = amount(&mut rng);
                    let pr = payment_request(supplier, "VND", a);
                    envelopes.push(svc.publish_event("purchasing", &pr).await);
                    to_pay.push(pr.payment_request_id);
                    *expected.entry("331").or_default() += a;
                    *expected.entry("112").or_default() -= a;
                    postings += 1;
                }
            }
        }
    }
    for pr in &to_pay {
        pay(&fx, *pr).await;
    }
    wait_entries(svc, postings).await;
    let before = balances(svc, &fx.manager, "VND").await;
    for (code, amount) in &expected {
        assert_eq!(bal(&before, code), *amount, "account {code}");
    }
    assert_every_entry_balances(svc).await;

    // Every event again, then a marker: once the marker is booked the replays were handled.
    for env in &envelopes {
        svc.publish_envelope(env).await;
    }
    let marker = order(Uuid::now_v7(), "VND", dec!(1000));
    svc.publish_event("crm", &marker).await;
    svc.publish_event("crm", &receipt(&marker, dec!(1000), today())).await;
    wait_entries(svc, postings + 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(entry_count(svc).await, postings + 1);
    let mut after = balances(svc, &fx.manager, "VND").await;
    *after.entry("112".into()).or_default() -= dec!(1000);
    *after.entry("131".into()).or_default() += dec!(1000);
    for (code, amount) in &before {
        assert_eq!(bal(&after, code), *amount, "account {code} changed on replay");
    }
    let _ = &fx.env;
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

fn manual(date: NaiveDate, debit: &str, credit: &str) -> Value {
    json!({
        "entry_date": date,
        "memo": "Góp vốn chủ sở hữu",
        "lines": [
            {"account": "112", "debit": debit, "currency": "VND"},
            {"account": "411", "credit": credit, "currency": "VND"},
        ]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_entries_balance_reverse_once_and_stay_immutable() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let r = svc
        .post(
            "/api/v1/journal",
            Some(&fx.manager),
            &manual(today(), "100000000", "90000000"),
        )
        .await;
    r.assert_invalid_fields(&["lines"]);
    assert!(
        r.body["detail"].as_str().unwrap().contains("Góp vốn chủ sở hữu"),
        "{}",
        r.body
    );
    let r = svc
        .post("/api/v1/journal", Some(&fx.manager), &manual(today(), "100.5", "100.5"))
        .await;
    r.assert_invalid_fields(&["lines[0].debit", "lines[1].credit"]);
    let bad = json!({"entry_date": today(), "memo": "x", "lines": [
        {"account": "999", "debit": "1", "currency": "VND"},
        {"account": "411", "debit": "1", "credit": "1", "currency": "VND", "party_kind": "customer"},
    ]});
    let r = svc.post("/api/v1/journal", Some(&fx.manager), &bad).await;
    r.assert_invalid_fields(&["lines[1].party_id"]);

    let r = svc
        .post(
            "/api/v1/journal",
            Some(&fx.manager),
            &manual(today(), "100000000", "100000000"),
        )
        .await;
    assert_status(&r, 201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let rev = svc
        .post(
            &format!("/api/v1/journal/{id}/reverse"),
            Some(&fx.manager),
            &json!({"reason": "nhập sai số tiền"}),
        )
        .await;
    assert_status(&rev, 201);
    assert_eq!(rev.body["reverses_id"], id);
    assert_eq!(rev.body["lines"][0]["credit"], "100000000");
    let again = svc
        .post(
            &format!("/api/v1/journal/{id}/reverse"),
            Some(&fx.manager),
            &json!({"reason": "again"}),
        )
        .await;
    again.assert_problem_type(409, "already-reversed");
    let rev_id = rev.body["id"].as_str().unwrap();
    let back = svc
        .post(
            &format!("/api/v1/journal/{rev_id}/reverse"),
            Some(&fx.manager),
            &json!({"reason": "x"}),
        )
        .await;
    back.assert_problem_type(409, "already-reversed");
    let original = svc.get(&format!("/api/v1/journal/{id}"), Some(&fx.manager)).await;
    assert_eq!(original.body["reversed_by"], rev_id);
    let b = balances(svc, &fx.manager, "VND").await;
    assert_eq!(bal(&b, "112"), Decimal::ZERO);
    assert_eq!(bal(&b, "411"), Decimal::ZERO);

    // The database itself refuses to change a posted entry.
    let refused = erp_db::with_conn(&svc.pool, |c| {
        Ok(diesel::sql_query("UPDATE journal_lines SET debit = debit + 1").execute(c)?)
    })
    .await;
    assert!(refused.is_err());
    let refused = erp_db::with_conn(&svc.pool, |c| {
        Ok(diesel::sql_query("DELETE FROM journal_entries").execute(c)?)
    })
    .await;
    assert!(refused.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_periods_refuse_postings() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let r = svc
        .post("/api/v1/periods/2020-01/close", Some(&fx.cashier), &json!({}))
        .await;
    r.assert_problem(403);
    let r = svc
        .post("/api/v1/periods/2020-13/close", Some(&fx.manager), &json!({}))
        .await;
    r.assert_invalid_fields(&["period"]);
    let r = svc
        .post("/api/v1/periods/2020-01/close", Some(&fx.manager), &json!({}))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "closed");
    let r = svc
        .post("/api/v1/periods/2020-01/close", Some(&fx.manager), &json!({}))
        .await;
    r.assert_problem(409);
    let jan = NaiveDate::from_ymd_opt(2020, 1, 15).unwrap();
    let r = svc
        .post("/api/v1/journal", Some(&fx.manager), &manual(jan, "5000", "5000"))
        .await;
    r.assert_problem_type(409, "period-closed");
    let r = svc
        .post(
            "/api/v1/journal",
            Some(&fx.manager),
            &manual(NaiveDate::from_ymd_opt(2020, 2, 1).unwrap(), "5000", "5000"),
        )
        .await;
    assert_status(&r, 201);
    let periods = svc.get("/api/v1/periods", Some(&fx.cashier)).await;
    assert_status(&periods, 200);
    let list = periods.body.as_array().unwrap();
    assert!(list.iter().any(|p| p["period"] == "2020-01" && p["status"] == "closed"));
    assert!(list.iter().any(|p| p["period"] == "2020-02" && p["status"] == "open"));

    // An event dated in a closed period is booked today, in the open period.
    let o = order(Uuid::now_v7(), "VND", dec!(7000));
    svc.publish_event("crm", &receipt(&o, dec!(7000), jan)).await;
    wait_entries(svc, 2).await;
    let r = svc
        .get("/api/v1/journal?source_kind=crm.receipt", Some(&fx.manager))
        .await;
    assert_eq!(r.body["items"][0]["entry_date"], today().to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_finance_posts() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let entry = manual(today(), "1000", "1000");
    svc.post("/api/v1/journal", Some(&fx.sales), &entry)
        .await
        .assert_problem(403);
    svc.post("/api/v1/journal", Some(&fx.cashier), &entry)
        .await
        .assert_problem(403);
    svc.post("/api/v1/journal", None, &entry).await.assert_problem(401);
    let direct = json!({"kind": "expense", "account": "642", "amount": "1000", "currency": "VND",
        "via": "cash", "memo": "Văn phòng phẩm"});
    svc.post("/api/v1/direct-entries", Some(&fx.sales), &direct)
        .await
        .assert_problem(403);
    let keeper = fx.env.token(&[Role::WarehouseKeeper, Role::GeneralManager]);
    svc.post("/api/v1/direct-entries", Some(&keeper), &direct)
        .await
        .assert_problem(403);
    svc.post("/api/v1/periods/2026-01/close", Some(&fx.sales), &json!({}))
        .await
        .assert_problem(403);
    svc.post(
        "/api/v1/accounts",
        Some(&fx.cashier),
        &json!({"code": "1121", "name": "VCB", "account_type": "asset", "normal_side": "debit"}),
    )
    .await
    .assert_problem(403);
    svc.get("/api/v1/journal", Some(&fx.sales)).await.assert_problem(403);
    svc.get("/api/v1/reports/trial-balance?currency=VND", Some(&fx.sales))
        .await
        .assert_problem(403);
    // The general manager reads the books.
    assert_status(&svc.get("/api/v1/journal", Some(&keeper)).await, 200);
    svc.get("/api/v1/reports/trial-balance", Some(&fx.manager))
        .await
        .assert_invalid_fields(&["currency"]);
    assert_eq!(entry_count(svc).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cashier_entries_are_reviewed_by_another_finance_manager() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let both = test_user(&[Role::Cashier, Role::FinanceManager]);
    let both_token = fx.env.token_for(&both);
    let expense = json!({"kind": "expense", "account": "642", "amount": "500000", "currency": "VND",
        "via": "bank", "memo": "Tiền điện tháng 11"});
    let r = svc
        .post(
            "/api/v1/direct-entries",
            Some(&fx.cashier),
            &json!({"kind": "gift", "account": "111",
            "amount": "-1", "currency": "VND", "via": "card", "memo": ""}),
        )
        .await;
    r.assert_invalid_fields(&["kind", "account", "amount", "via", "memo"]);
    let r = svc.post("/api/v1/direct-entries", Some(&both_token), &expense).await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "pending_review");
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(entry_count(svc).await, 0);

    // Not by its author, not by a cashier.
    svc.post(
        &format!("/api/v1/direct-entries/{id}/approve"),
        Some(&both_token),
        &json!({}),
    )
    .await
    .assert_problem(403);
    svc.post(
        &format!("/api/v1/direct-entries/{id}/approve"),
        Some(&fx.cashier),
        &json!({}),
    )
    .await
    .assert_problem(403);
    let r = svc
        .post(
            &format!("/api/v1/direct-entries/{id}/approve"),
            Some(&fx.manager),
            &json!({}),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "posted");
    assert!(r.body["journal_entry_id"].is_string());
    svc.post(
        &format!("/api/v1/direct-entries/{id}/approve"),
        Some(&fx.manager2),
        &json!({}),
    )
    .await
    .assert_problem(409);
    let b = balances(svc, &fx.manager, "VND").await;
    assert_eq!(bal(&b, "642"), dec!(500000));
    assert_eq!(bal(&b, "112"), dec!(-500000));

    // Income, rejected with a comment.
    let income = json!({"kind": "income", "account": "711", "amount": "250000", "currency": "VND",
        "via": "cash", "memo": "Thanh lý phế liệu"});
    let r = svc.post("/api/v1/direct-entries", Some(&fx.cashier), &income).await;
    let id2 = r.body["id"].as_str().unwrap().to_owned();
    svc.post(
        &format!("/api/v1/direct-entries/{id2}/reject"),
        Some(&fx.manager),
        &json!({}),
    )
    .await
    .assert_invalid_fields(&["comment"]);
    let r = svc
        .post(
            &format!("/api/v1/direct-entries/{id2}/reject"),
            Some(&fx.manager2),
            &json!({"comment": "thiếu chứng từ"}),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "rejected");
    let pending = svc
        .get("/api/v1/direct-entries?status=pending_review", Some(&fx.manager))
        .await;
    assert_eq!(pending.body["items"].as_array().unwrap().len(), 0);
    assert_eq!(entry_count(svc).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chart_of_accounts_is_seeded_and_kept_by_finance_managers() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let r = svc.get("/api/v1/accounts", Some(&fx.cashier)).await;
    assert_status(&r, 200);
    let list = r.body.as_array().unwrap();
    for code in [
        "111", "112", "131", "1331", "156", "331", "3388", "33311", "334", "411", "511", "632", "641", "642",
    ] {
        assert!(list.iter().any(|a| a["code"] == code), "{code} missing");
    }
    let vat = list.iter().find(|a| a["code"] == "33311").unwrap();
    assert_eq!(vat["account_type"], "liability");
    assert_eq!(vat["normal_side"], "credit");

    let new = json!({"code": "1121", "name": "Tiền gửi VCB", "account_type": "asset", "normal_side": "debit"});
    assert_status(&svc.post("/api/v1/accounts", Some(&fx.manager), &new).await, 201);
    svc.post("/api/v1/accounts", Some(&fx.manager), &new)
        .await
        .assert_problem(409);
    svc.post(
        "/api/v1/accounts",
        Some(&fx.manager),
        &json!({"code": "12a", "name": "", "account_type": "cash", "normal_side": "left"}),
    )
    .await
    .assert_invalid_fields(&["code", "name", "account_type", "normal_side"]);
    let r = svc
        .put(
            "/api/v1/accounts/1121",
            Some(&fx.manager),
            &json!({"name": "Tiền gửi Vietcombank", "active": false, "version": 1}),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["version"], 2);
    svc.put(
        "/api/v1/accounts/1121",
        Some(&fx.manager),
        &json!({"name": "x", "active": true, "version": 1}),
    )
    .await
    .assert_problem_type(409, "stale-version");
    svc.put(
        "/api/v1/accounts/9999",
        Some(&fx.manager),
        &json!({"name": "x", "active": true, "version": 1}),
    )
    .await
    .assert_problem(404);
    // An inactive account takes no postings.
    let entry = json!({"entry_date": today(), "memo": "test", "lines": [
        {"account": "1121", "debit": "10", "currency": "VND"},
        {"account": "411", "credit": "10", "currency": "VND"},
    ]});
    svc.post("/api/v1/journal", Some(&fx.manager), &entry)
        .await
        .assert_invalid_fields(&["lines[0].account"]);
}
