//! A cashier's direct entry is an approval request of the engine: it waits in the finance
//! managers' inbox, its decision closes the inbox item, and both are published.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use erp_testkit::assert_status;
use serde_json::{Value, json};

async fn waiting_for(fx: &Fx, token: &str, id: &str) -> bool {
    let r = fx.svc.get("/api/v1/approvals?mine=true", Some(token)).await;
    assert_status(&r, 200);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a: &Value| a["document_type"] == "direct_entry" && a["document_id"] == id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_entry_waits_in_the_finance_managers_inbox_until_decided() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let rules = svc.get("/api/v1/approval-rules", Some(&fx.manager)).await;
    assert_status(&rules, 200);
    assert!(
        rules.body.to_string().contains("direct_entry"),
        "the seeded matrix names direct entries: {}",
        rules.body
    );
    let expense = json!({"kind": "expense", "account": "642", "amount": "120000", "currency": "VND",
        "via": "cash", "memo": "Văn phòng phẩm"});
    let r = svc.post("/api/v1/direct-entries", Some(&fx.cashier), &expense).await;
    assert_status(&r, 201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert!(waiting_for(&fx, &fx.manager, &id).await);
    assert!(!waiting_for(&fx, &fx.cashier, &id).await, "not in the author's inbox");
    assert_eq!(svc.outbox("finance.approval.requested").await.len(), 1);

    let r = svc
        .post(
            &format!("/api/v1/direct-entries/{id}/approve"),
            Some(&fx.manager),
            &json!({"comment": "  đủ chứng từ  "}),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "posted");
    assert_eq!(r.body["review_comment"], "đủ chứng từ");
    assert!(r.body["reviewed_by"].is_string() && r.body["reviewed_at"].is_string());
    assert_eq!(r.body["version"], 2);
    assert!(!waiting_for(&fx, &fx.manager2, &id).await);
    assert_eq!(svc.outbox("finance.approval.decided").await.len(), 1);
    assert_eq!(entry_count(svc).await, 1);
}

/// An entry recorded before reviews were approval requests (no request yet) is submitted on its
/// author's behalf when a finance manager decides it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_recorded_before_the_engine_is_still_reviewed() {
    use diesel::prelude::*;
    let fx = fixture().await;
    let svc = &fx.svc;
    let (id, author) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let date = today();
    erp_db::with_conn(&svc.pool, move |c| {
        diesel::sql_query(
            "INSERT INTO direct_entries (id, number, kind, account_code, amount, currency, via, \
             entry_date, memo, status, created_by) \
             VALUES ($1, 'DE-OLD-1', 'income', '711', 250000, 'VND', 'bank', $2, 'Thanh lý', 'pending_review', $3)",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Date, _>(date)
        .bind::<diesel::sql_types::Text, _>(author.to_string())
        .execute(c)?;
        Ok(())
    })
    .await
    .unwrap();
    svc.post(
        &format!("/api/v1/direct-entries/{id}/reject"),
        Some(&fx.manager),
        &json!({}),
    )
    .await
    .assert_invalid_fields(&["comment"]);
    let r = svc
        .post(
            &format!("/api/v1/direct-entries/{id}/approve"),
            Some(&fx.manager),
            &json!({}),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "posted");
    let b = balances(svc, &fx.manager, "VND").await;
    assert_eq!(bal(&b, "112"), rust_decimal_macros::dec!(250000));
    assert_eq!(bal(&b, "711"), rust_decimal_macros::dec!(-250000));
    assert_eq!(svc.outbox("finance.approval.requested").await.len(), 1);
}
