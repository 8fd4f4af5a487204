//! Order to cash with all six services running as real processes on the real PostgreSQL and
//! RabbitMQ, driven only over HTTP as a third-party app would: hr's first admin hires the
//! people, who log in; the warehouse sets up its store, the item and the opening stock; crm
//! quotes, orders, gets the manager's approval and the customer's first payment (confirmed by
//! the finance manager); the warehouse issues the goods; crm ships and records the signed
//! delivery; finance invoices it; the rest is paid. The ledger is checked at the end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::event_chains;
use erp_scenarios::flows::{HOP, PASSWORD, balance, department, hire, id, known_everywhere, trial_balance, until};
use erp_scenarios::system::System;
use erp_scenarios::tap::EventTap;
use erp_testkit::dec;
use rust_decimal::Decimal;
use serde_json::json;
use std::time::Instant;

fn d(v: i64) -> Decimal {
    Decimal::from(v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_to_cash_across_all_six_processes() {
    let started = Instant::now();
    let sys = System::start().await;
    let boot = started.elapsed();
    let (hr, crm, wh, fin) = (sys.hr(), sys.crm(), sys.warehouse(), sys.finance());
    let admin = sys.admin().await;
    let tap = EventTap::open(&sys).await;

    // ① People, hired in hr; every other service learns them from hr's events.
    let sales = department(&sys, &admin, "KD", "Phòng Kinh Doanh").await;
    let office = department(&sys, &admin, "TC", "Phòng Tài chính - Kho").await;
    let board = department(&sys, &admin, "BGD", "Ban Giám đốc").await;
    let gm = hire(&sys, &admin, &board, "GD01", "Đỗ Minh Quân", &["general_manager"], None).await;
    let manager = hire(
        &sys,
        &admin,
        &sales,
        "QL01",
        "Trần Thị Bình",
        &["sales_manager"],
        Some(&gm),
    )
    .await;
    let seller_id = hire(
        &sys,
        &admin,
        &sales,
        "NV01",
        "Nguyễn Văn An",
        &["sales"],
        Some(&manager),
    )
    .await;
    hire(
        &sys,
        &admin,
        &office,
        "KHO01",
        "Phạm Văn Kho",
        &["warehouse_keeper"],
        None,
    )
    .await;
    hire(&sys, &admin, &office, "TQ01", "Vũ Thị Quỹ", &["cashier"], None).await;
    let chief = hire(&sys, &admin, &office, "KT01", "Lê Thu Hà", &["finance_manager"], None).await;
    let r = hr.get("/api/v1/employees?limit=200", Some(&admin)).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 7, "the admin and six people");
    let seller = sys.login("NV01", PASSWORD).await;
    let boss = sys.login("QL01", PASSWORD).await;
    let keeper = sys.login("KHO01", PASSWORD).await;
    let cashier = sys.login("TQ01", PASSWORD).await;
    let finance = sys.login("KT01", PASSWORD).await;
    let director = sys.login("GD01", PASSWORD).await;
    known_everywhere(&sys, &admin, &[&gm, &manager, &seller_id, &chief]).await;

    // ② The warehouse: a default store, the item, the opening stock.
    let store = id(&wh
        .post(
            "/api/v1/warehouses",
            Some(&keeper),
            &json!({"code": "HN", "name": "Kho Hà Nội", "is_default": true}),
        )
        .await);
    let item = id(&wh
        .post(
            "/api/v1/items",
            Some(&keeper),
            &json!({"sku": "BOM-CT-5HP", "name": "Bơm ly tâm 5HP", "unit": "pcs", "kind": "product",
                    "standard_cost": "3000000"}),
        )
        .await);
    let r = wh
        .post(
            "/api/v1/stock/adjustments",
            Some(&keeper),
            &json!({"warehouse_id": store, "reason": "tồn đầu kỳ", "lines": [{"item_id": item, "quantity": "10"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = wh.get(&format!("/api/v1/stock?item_id={item}"), Some(&keeper)).await;
    let unit_cost = dec(&r.body[0]["avg_cost"]);
    assert_eq!(unit_cost, d(3_000_000));

    // ③ crm: the item reaches the catalogue; the manager prices it; a customer; a quotation.
    until("crm's catalogue has the item", HOP, || async {
        let r = crm.get("/api/v1/catalogue/items?q=BOM-CT-5HP", Some(&seller)).await;
        r.body["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i["item_id"] == json!(item)))
            .then_some(())
    })
    .await;
    let r = crm
        .put(
            &format!("/api/v1/price-list/{item}/VND"),
            Some(&boss),
            &json!({"list_price": "5000000", "floor_price": "4500000"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let customer = id(&crm
        .post(
            "/api/v1/customers",
            Some(&seller),
            &json!({"code": "KH001", "name": "Công ty CP Nước sạch Sông Đà", "kind": "company", "currency": "VND",
                    "payment_terms": "prepayment", "tax_number": "0100109106"}),
        )
        .await);
    let q = id(&crm
        .post(
            "/api/v1/quotations",
            Some(&seller),
            &json!({"customer_id": customer, "valid_until": "2099-12-31",
                    "lines": [{"item_id": item, "quantity": "2", "tax_rate_pct": "10"}]}),
        )
        .await);
    for (who, action, status) in [
        (&seller, "submit", "pending_approval"),
        (&boss, "approve", "approved"),
        (&seller, "send", "sent"),
        (&seller, "accept", "accepted"),
    ] {
        let r = crm
            .post(&format!("/api/v1/quotations/{q}/{action}"), Some(who), &json!({}))
            .await;
        assert_eq!(r.body["status"], status, "{action}: {}", r.body);
    }

    // ④ The order: 2 × 5 000 000 + 10 % VAT = 11 000 000 VND, approved by the manager (not by
    // the seller, who may not approve their own).
    let r = crm
        .post(
            &format!("/api/v1/quotations/{q}/order"),
            Some(&seller),
            &json!({"seller": {"name": "Công ty TNHH Bơm Việt"}}),
        )
        .await;
    let order = id(&r);
    assert_eq!(dec(&r.body["total"]), d(11_000_000));
    let line = r.body["lines"][0]["id"].as_str().unwrap().to_owned();
    let r = crm
        .post(&format!("/api/v1/orders/{order}/submit"), Some(&seller), &json!({}))
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{}", r.body);
    let r = crm
        .post(&format!("/api/v1/orders/{order}/approve"), Some(&seller), &json!({}))
        .await;
    assert!(
        r.status == 403 || r.status == 409,
        "the seller approves their own order: {}",
        r.body
    );
    let r = crm
        .post(&format!("/api/v1/orders/{order}/approve"), Some(&boss), &json!({}))
        .await;
    assert_eq!(r.body["status"], "approved", "{}", r.body);

    // ⑤ The first payment: 6 000 000 recorded by the seller, confirmed by the finance manager.
    let r = crm
        .put(
            &format!("/api/v1/orders/{order}/payment-plan"),
            Some(&seller),
            &json!({"instalments": [{"due_date": "2099-01-31", "amount": "6000000"},
                                    {"due_date": "2099-02-28", "amount": "5000000"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let first = id(&crm
        .post(
            &format!("/api/v1/orders/{order}/receipts"),
            Some(&seller),
            &json!({"amount": "6000000", "received_on": "2026-11-02", "method": "bank_transfer", "reference": "UNC 001"}),
        )
        .await);
    crm.post(&format!("/api/v1/receipts/{first}/confirm"), Some(&seller), &json!({}))
        .await
        .assert_problem(403);
    let r = crm
        .post(&format!("/api/v1/receipts/{first}/confirm"), Some(&finance), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // ⑥ Goods: the outbound request becomes a warehouse note; the keeper confirms it.
    let r = crm
        .post(
            &format!("/api/v1/orders/{order}/outbound-requests"),
            Some(&seller),
            &json!({"lines": [{"order_line_id": line, "quantity": "2"}]}),
        )
        .await;
    let request = id(&r);
    let note = until("the outbound note in the warehouse", HOP, || async {
        let r = wh.get("/api/v1/outbound-notes?status=open", Some(&keeper)).await;
        r.body["items"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["source_id"] == json!(request)).cloned())
    })
    .await;
    let note_id = note["id"].as_str().unwrap();
    let detail = wh
        .get(&format!("/api/v1/outbound-notes/{note_id}"), Some(&keeper))
        .await;
    let r = wh
        .post(
            &format!("/api/v1/outbound-notes/{note_id}/confirm"),
            Some(&keeper),
            &json!({"lines": [{"line_id": detail.body["lines"][0]["id"], "quantity": "2"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    until("crm sees the goods issued", HOP, || async {
        let p = crm
            .get(&format!("/api/v1/orders/{order}/progress"), Some(&seller))
            .await;
        (dec(&p.body["totals"]["issued"]) == d(2)).then_some(())
    })
    .await;
    let r = wh.get(&format!("/api/v1/stock?item_id={item}"), Some(&keeper)).await;
    assert_eq!(dec(&r.body[0]["on_hand"]), d(8));

    // ⑦ Shipping and the signed delivery.
    let shipment = id(&crm
        .post(
            &format!("/api/v1/orders/{order}/shipments"),
            Some(&seller),
            &json!({"carrier": "Viettel Post", "tracking_number": "VTP123456",
                    "lines": [{"order_line_id": line, "quantity": "2"}]}),
        )
        .await);
    let r = crm
        .post(
            &format!("/api/v1/shipments/{shipment}/deliver"),
            Some(&seller),
            &json!({"delivered_at": "2026-11-03T09:00:00Z", "signed_delivery_note_ref": "scan://BBGN-0001.pdf"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // ⑧ Finance invoices what was delivered (once it has heard of the delivery): a salesperson
    // may not, the cashier may.
    fin.post("/api/v1/sales-invoices", Some(&seller), &json!({"order_id": order}))
        .await
        .assert_problem(403);
    let invoice = until("finance invoices the delivered goods", HOP, || async {
        let r = fin
            .post(
                "/api/v1/sales-invoices",
                Some(&cashier),
                &json!({"order_id": order, "issue_date": "2026-11-03"}),
            )
            .await;
        assert!(
            r.status == 201 || r.status == 409 || r.status == 422,
            "{} {}",
            r.status,
            r.body
        );
        (r.status == 201).then_some(r.body)
    })
    .await;
    assert_eq!(invoice["order_id"], json!(order));
    assert_eq!(invoice["currency"], "VND");
    assert_eq!(dec(&invoice["net"]), d(10_000_000));
    assert_eq!(dec(&invoice["tax"]), d(1_000_000));
    assert_eq!(dec(&invoice["total"]), d(11_000_000));
    until("crm sees the order invoiced", HOP, || async {
        let p = crm
            .get(&format!("/api/v1/orders/{order}/progress"), Some(&seller))
            .await;
        (dec(&p.body["totals"]["invoiced"]) == d(2)).then_some(())
    })
    .await;
    // Nothing is left to invoice.
    let again = fin
        .post("/api/v1/sales-invoices", Some(&cashier), &json!({"order_id": order}))
        .await;
    assert!(again.status == 409 || again.status == 422, "{}", again.body);

    // The ledger so far: the invoice 11 000 000 less the 6 000 000 received is still owed.
    let cogs = d(2) * unit_cost;
    let (tb, _) = until("finance has booked the receipt and the issue", HOP, || async {
        let (tb, body) = trial_balance(fin, &finance, "VND").await;
        (balance(&tb, "112") == d(6_000_000) && balance(&tb, "632") == cogs).then_some((tb, body))
    })
    .await;
    assert_eq!(balance(&tb, "131"), d(5_000_000));

    // ⑨ The rest is paid; the order is complete.
    let second = id(&crm
        .post(
            &format!("/api/v1/orders/{order}/receipts"),
            Some(&seller),
            &json!({"amount": "5000000", "received_on": "2026-11-04", "method": "bank_transfer", "reference": "UNC 002"}),
        )
        .await);
    let r = crm
        .post(
            &format!("/api/v1/receipts/{second}/confirm"),
            Some(&finance),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let p = crm
        .get(&format!("/api/v1/orders/{order}/progress"), Some(&seller))
        .await;
    assert_eq!(dec(&p.body["money"]["paid"]), d(11_000_000));
    assert_eq!(p.body["status"], "completed", "{}", p.body);

    // The trial balance, worked out: invoice 11 000 000 = net 10 000 000 + VAT 1 000 000;
    // receipts 6 000 000 + 5 000 000; cost of goods 2 × 3 000 000; the opening stock, found by
    // an adjustment, 10 × 3 000 000 in (Dr 156 / Cr 3381 awaiting resolution).
    let (tb, body) = until("finance has booked the second receipt", HOP, || async {
        let (tb, body) = trial_balance(fin, &finance, "VND").await;
        (balance(&tb, "112") == d(11_000_000)).then_some((tb, body))
    })
    .await;
    let receipts = d(11_000_000);
    let revenue: Decimal = tb
        .iter()
        .filter(|(code, _)| code.starts_with("511"))
        .map(|(_, b)| *b)
        .sum();
    assert_eq!(balance(&tb, "131"), d(11_000_000) - receipts, "{body}");
    assert_eq!(revenue, d(-10_000_000), "{body}");
    assert_eq!(balance(&tb, "33311"), d(-1_000_000), "{body}");
    assert_eq!(balance(&tb, "632"), cogs, "{body}");
    let inbound = d(10) * unit_cost;
    assert_eq!(balance(&tb, "156"), inbound - cogs, "{body}");
    assert_eq!(balance(&tb, "3381"), -inbound, "{body}");
    assert_eq!(balance(&tb, "112"), receipts, "{body}");
    assert_eq!(
        dec(&body["total_debit"]),
        inbound + d(6_000_000 + 6_000_000 + 11_000_000 + 5_000_000),
        "{body}"
    );
    // ⑨ On the bus, one correlation follows the quotation to the last receipt.
    let ids = event_chains::SalesFlow {
        quotation: &q,
        order: &order,
        outbound_request: &request,
        shipment: &shipment,
        receipts: [&first, &second],
    };
    event_chains::order_to_cash(tap, &ids).await;

    // The general manager sees no dead letters anywhere.
    for svc in sys.services() {
        let r = svc.get("/api/v1/dead-letters", Some(&director)).await;
        assert_eq!(r.status, 200, "{}: {}", svc.name, r.body);
        assert_eq!(r.body.as_array().map(Vec::len), Some(0), "{}: {}", svc.name, r.body);
    }
    eprintln!(
        "order to cash: system up in {:.1} s, whole test {:.1} s",
        boot.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
