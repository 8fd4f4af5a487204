//! Sales invoices and the reports, against the real PostgreSQL and RabbitMQ, fed with the
//! events crm, warehouse and purchasing publish: invoices only for delivered quantities,
//! numbered without gaps, posted Dr 131 / Cr 511 / Cr 33311; aging, profit and loss, gross
//! margin and VAT with worked numbers in VND (no decimals) and CNY (cents).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use chrono::{Datelike, Duration as Days, NaiveDate};
use erp_contracts::crm::{
    DeliveredLine, OrderApproved, OrderApprovedLine, OutboundRequestLine, OutboundRequested, ShipmentDelivered,
};
use erp_contracts::purchasing::OrderApproved as PurchaseOrderApproved;
use erp_money::Currency;
use erp_testkit::{TestService, assert_status, dec};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

fn line(quantity: Decimal, unit_price: Decimal, rate_pct: Decimal, currency: Currency) -> OrderApprovedLine {
    let net = erp_money::round(quantity * unit_price, currency);
    OrderApprovedLine {
        line_id: Uuid::now_v7(),
        item_id: Uuid::now_v7(),
        quantity,
        unit_price,
        net,
        tax: erp_money::round(net * rate_pct / dec!(100), currency),
        delivery_date: None,
    }
}

fn sales_order(currency: Currency, lines: Vec<OrderApprovedLine>) -> OrderApproved {
    let mut o = order(Uuid::now_v7(), currency.code(), Decimal::ZERO);
    o.net = lines.iter().map(|l| l.net).sum();
    o.tax = lines.iter().map(|l| l.tax).sum();
    o.total = o.net + o.tax;
    o.lines = lines;
    o
}

fn delivery(o: &OrderApproved, lines: &[(usize, Decimal)]) -> ShipmentDelivered {
    ShipmentDelivered {
        shipment_id: Uuid::now_v7(),
        order_id: o.order_id,
        order_number: o.order_number.clone(),
        customer_id: o.customer_id,
        lines: lines
            .iter()
            .map(|(i, q)| DeliveredLine {
                order_line_id: o.lines[*i].line_id,
                item_id: o.lines[*i].item_id,
                quantity: *q,
            })
            .collect(),
        delivered_at: chrono::Utc::now(),
        signed_delivery_note_ref: "scan/PGH-0001.pdf".into(),
    }
}

/// Waits until finance's view of the order shows `delivered` per line.
async fn wait_delivered(svc: &TestService, token: &str, o: &OrderApproved, delivered: &[Decimal]) {
    let path = format!("/api/v1/sales-orders/{}", o.order_id);
    let want: Vec<Decimal> = delivered.to_vec();
    let got = svc
        .eventually(Duration::from_secs(30), || async {
            let r = svc.get(&path, Some(token)).await;
            if r.status != 200 {
                return None;
            }
            let have: Vec<Decimal> = o
                .lines
                .iter()
                .map(|l| {
                    r.body["lines"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|x| x["line_id"] == l.line_id.to_string())
                        .map(|x| dec(&x["delivered"]))
                        .unwrap_or_default()
                })
                .collect();
            (have == want).then_some(())
        })
        .await;
    assert!(
        got.is_some(),
        "order {} never showed delivered {want:?}",
        o.order_number
    );
}

async fn issue(svc: &TestService, token: &str, body: Value) -> Value {
    let r = svc.post("/api/v1/sales-invoices", Some(token), &body).await;
    assert_status(&r, 201);
    r.body
}

fn amounts(v: &Value) -> (Decimal, Decimal, Decimal) {
    (dec(&v["net"]), dec(&v["tax"]), dec(&v["total"]))
}

fn last_month() -> NaiveDate {
    today().with_day(1).unwrap() - Days::days(1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_follow_deliveries_without_gaps_in_vnd() {
    let fx = fixture().await;
    let svc = &fx.svc;
    let year = today().year();
    // Line 0: 3 × 333,333 at 10 % (net 999,999, VAT 100,000); line 1: 2 × 1,500,000 at 10 %.
    let o = sales_order(
        Currency::Vnd,
        vec![
            line(dec!(3), dec!(333333), dec!(10), Currency::Vnd),
            line(dec!(2), dec!(1500000), dec!(10), Currency::Vnd),
        ],
    );
    assert_eq!((o.net, o.tax, o.total), (dec!(3999999), dec!(400000), dec!(4399999)));

    // Unknown order: 404. Known but nothing delivered: 422 on the order.
    let unknown = svc
        .post(
            "/api/v1/sales-invoices",
            Some(&fx.manager),
            &json!({"order_id": o.order_id}),
        )
        .await;
    unknown.assert_problem(404);
    svc.publish_event("crm", &o).await;
    wait_delivered(svc, &fx.manager, &o, &[dec!(0), dec!(0)]).await;
    let nothing = svc
        .post(
            "/api/v1/sales-invoices",
            Some(&fx.manager),
            &json!({"order_id": o.order_id}),
        )
        .await;
    nothing.assert_invalid_fields(&["order_id"]);

    // 2 + 2 delivered; the same shipment delivered again (another envelope) counts once.
    let first = delivery(&o, &[(0, dec!(2)), (1, dec!(2))]);
    svc.publish_event("crm", &first).await;
    svc.publish_event("crm", &first).await;
    wait_delivered(svc, &fx.manager, &o, &[dec!(2), dec!(2)]).await;

    // Above delivered: 422 naming the line; a foreign line, a repeated line: 422.
    let above = svc
        .post(
            "/api/v1/sales-invoices",
            Some(&fx.cashier),
            &json!({"order_id": o.order_id, "lines": [{"order_line_id": o.lines[0].line_id, "quantity": "3"}]}),
        )
        .await;
    above.assert_invalid_fields(&["lines[0].quantity"]);
    assert!(
        above.body.to_string().contains("not yet invoiced (2)"),
        "{}",
        above.body
    );
    let foreign = svc
        .post(
            "/api/v1/sales-invoices",
            Some(&fx.cashier),
            &json!({"order_id": o.order_id, "lines": [
                {"order_line_id": o.lines[0].line_id, "quantity": "1"},
                {"order_line_id": Uuid::now_v7(), "quantity": "1"},
                {"order_line_id": o.lines[0].line_id, "quantity": "1"}]}),
        )
        .await;
    foreign.assert_invalid_fields(&["lines[1].order_line_id", "lines[2].order_line_id"]);
    let future = svc
        .post(
            "/api/v1/sales-invoices",
            Some(&fx.cashier),
            &json!({"order_id": o.order_id, "issue_date": today() + Days::days(1)}),
        )
        .await;
    future.assert_invalid_fields(&["issue_date"]);
    // Not a finance role: 403.
    svc.post(
        "/api/v1/sales-invoices",
        Some(&fx.sales),
        &json!({"order_id": o.order_id}),
    )
    .await
    .assert_problem(403);

    // Invoice 1: one unit of line 0, proportional.
    let inv1 = issue(
        svc,
        &fx.cashier,
        json!({"order_id": o.order_id, "lines": [{"order_line_id": o.lines[0].line_id, "quantity": "1"}]}),
    )
    .await;
    assert_eq!(inv1["number"], format!("INV-{year}-000001"));
    assert_eq!(amounts(&inv1), (dec!(333333), dec!(33333), dec!(366666)));
    assert_eq!(inv1["due_date"], json!(today() + Days::days(30)));
    // Invoice 2: everything else delivered (1 of line 0, 2 of line 1).
    let inv2 = issue(svc, &fx.manager, json!({"order_id": o.order_id})).await;
    assert_eq!(inv2["number"], format!("INV-{year}-000002"));
    assert_eq!(amounts(&inv2), (dec!(3333333), dec!(333333), dec!(3666666)));
    assert_eq!(inv2["lines"].as_array().unwrap().len(), 2);

    // The last unit: an invoice dated in a closed month is refused and takes no number.
    svc.publish_event("crm", &delivery(&o, &[(0, dec!(1))])).await;
    wait_delivered(svc, &fx.manager, &o, &[dec!(3), dec!(2)]).await;
    let closed = last_month();
    let r = svc
        .post(
            &format!("/api/v1/periods/{}/close", closed.format("%Y-%m")),
            Some(&fx.manager),
            &json!({}),
        )
        .await;
    assert_status(&r, 200);
    svc.post(
        "/api/v1/sales-invoices",
        Some(&fx.manager),
        &json!({"order_id": o.order_id, "issue_date": closed}),
    )
    .await
    .assert_problem_type(409, "period-closed");
    let inv3 = issue(svc, &fx.manager, json!({"order_id": o.order_id})).await;
    assert_eq!(inv3["number"], format!("INV-{year}-000003"));
    // The rest of line 0: the three invoices add up to the line exactly.
    assert_eq!(amounts(&inv3), (dec!(333333), dec!(33334), dec!(366667)));
    svc.post(
        "/api/v1/sales-invoices",
        Some(&fx.manager),
        &json!({"order_id": o.order_id}),
    )
    .await
    .assert_invalid_fields(&["order_id"]);

    // The order is fully invoiced; crm is told three times, with the quantities.
    let view = svc
        .get(&format!("/api/v1/sales-orders/{}", o.order_id), Some(&fx.cashier))
        .await;
    assert_status(&view, 200);
    for l in view.body["lines"].as_array().unwrap() {
        let ordered = o.lines.iter().find(|x| x.line_id.to_string() == l["line_id"]).unwrap();
        assert_eq!(dec(&l["invoiced"]), ordered.quantity);
        assert_eq!(dec(&l["invoiced_net"]), ordered.net);
        assert_eq!(dec(&l["invoiced_tax"]), ordered.tax);
    }
    let issued = svc.outbox("finance.invoice.issued").await;
    assert_eq!(issued.len(), 3);
    let invoiced: Decimal = issued
        .iter()
        .flat_map(|e| e["lines"].as_array().unwrap().clone())
        .map(|l| dec(&l["quantity"]))
        .sum();
    assert_eq!(invoiced, dec!(5));
    assert_eq!(issued[2]["total"], "366667");

    // 2,000,000 received. Books: 131 = 4,399,999 invoiced − 2,000,000 received.
    svc.publish_event("crm", &receipt(&o, dec!(2000000), today())).await;
    wait_entries(svc, 4).await;
    let b = balances(svc, &fx.manager, "VND").await;
    assert_eq!(bal(&b, "131"), dec!(2399999));
    assert_eq!(bal(&b, "511"), dec!(-3999999));
    assert_eq!(bal(&b, "33311"), dec!(-400000));
    assert_eq!(bal(&b, "112"), dec!(2000000));
    assert_every_entry_balances(svc).await;

    // Listing and reading.
    let list = svc
        .get(
            &format!("/api/v1/sales-invoices?order_id={}&limit=2", o.order_id),
            Some(&fx.cashier),
        )
        .await;
    assert_status(&list, 200);
    assert_eq!(list.body["items"][0]["number"], format!("INV-{year}-000003"));
    let next = list.body["next_cursor"].as_str().unwrap();
    let rest = svc
        .get(
            &format!("/api/v1/sales-invoices?order_id={}&cursor={next}", o.order_id),
            Some(&fx.cashier),
        )
        .await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);
    let one = svc
        .get(
            &format!("/api/v1/sales-invoices/{}", inv1["id"].as_str().unwrap()),
            Some(&fx.cashier),
        )
        .await;
    assert_status(&one, 200);
    assert_eq!(one.body["order_number"], o.order_number.as_str());

    // Aging: the receipt settles invoice 1, then part of invoice 2.
    let aging = |as_of: NaiveDate, by: &'static str| {
        let path = format!("/api/v1/reports/receivables-aging?currency=VND&as_of={as_of}&group_by={by}");
        let token = fx.manager.clone();
        async move {
            let r = svc.get(&path, Some(&token)).await;
            assert_status(&r, 200);
            r.body
        }
    };
    let now = aging(today(), "customer").await;
    assert_eq!(now["rows"].as_array().unwrap().len(), 1);
    assert_eq!(now["rows"][0]["party_id"], o.customer_id.to_string());
    assert_eq!(dec(&now["rows"][0]["not_due"]), dec!(2399999));
    assert_eq!(now["rows"][0]["open_invoices"], 2);
    let late = aging(today() + Days::days(45), "salesperson").await;
    assert_eq!(late["rows"][0]["party_id"], o.owner_id.to_string());
    assert_eq!(dec(&late["rows"][0]["days_0_30"]), dec!(2399999));
    let later = aging(today() + Days::days(130), "customer").await;
    assert_eq!(dec(&later["totals"]["over_90"]), dec!(2399999));
    assert_eq!(dec(&later["totals"]["total"]), dec!(2399999));
    let before = aging(today() - Days::days(1), "customer").await;
    assert!(before["rows"].as_array().unwrap().is_empty());
    svc.get("/api/v1/reports/receivables-aging?group_by=supplier", Some(&fx.manager))
        .await
        .assert_invalid_fields(&["group_by"]);
    svc.get("/api/v1/reports/receivables-aging", Some(&fx.sales))
        .await
        .assert_problem(403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn margin_profit_and_vat_in_cny() {
    let fx = fixture().await;
    let svc = &fx.svc;
    set_book_currency(svc, Currency::Cny).await;
    // Sold: 10 × 88.50 at 13 % = 885.00 + 115.05.
    let o = sales_order(
        Currency::Cny,
        vec![line(dec!(10), dec!(88.50), dec!(13), Currency::Cny)],
    );
    assert_eq!((o.net, o.tax), (dec!(885.00), dec!(115.05)));
    svc.publish_event("crm", &o).await;
    // Issued from stock for the order's outbound request at 50.125 a unit: cost 501.25.
    let request = OutboundRequested {
        request_id: Uuid::now_v7(),
        order_id: o.order_id,
        order_number: o.order_number.clone(),
        customer_name: o.customer_name.clone(),
        warehouse_id: None,
        lines: vec![OutboundRequestLine {
            line_id: Uuid::now_v7(),
            order_line_id: Some(o.lines[0].line_id),
            item_id: o.lines[0].item_id,
            quantity: dec!(10),
        }],
    };
    svc.publish_event("crm", &request).await;
    // Bought: the same 10 at 50.125 received, invoiced with 13 % (65.16), 300.00 paid.
    let supplier = Uuid::now_v7();
    let mut bill = invoice(supplier, "CNY", dec!(501.25), dec!(65.16));
    let po = PurchaseOrderApproved {
        order_id: bill.order_id,
        number: "PO-2026-000042".into(),
        supplier_id: supplier,
        supplier_name: "深圳市华强电子有限公司".into(),
        currency: "CNY".into(),
        net: dec!(501.25),
        tax: dec!(65.16),
        total: dec!(566.41),
        payment_terms: "net_15".into(),
        payment_days: 15,
        expected_arrival: None,
        lines: vec![],
    };
    bill.due_date = Some(today() + Days::days(15));
    svc.publish_event("purchasing", &po).await;
    svc.publish_event("warehouse", &inbound(&[(dec!(10), dec!(50.125))]))
        .await;
    svc.publish_event("purchasing", &bill).await;
    let mut pr = payment_request(supplier, "CNY", dec!(300.00));
    pr.order_id = bill.order_id;
    svc.publish_event("purchasing", &pr).await;
    wait_entries(svc, 2).await;
    let mut out = outbound(&[(dec!(10), dec!(50.125))]);
    out.source.id = request.request_id;
    svc.publish_event("warehouse", &out).await;
    wait_entries(svc, 3).await;
    pay(&fx, pr.payment_request_id).await;
    svc.publish_event("crm", &delivery(&o, &[(0, dec!(10))])).await;
    wait_delivered(svc, &fx.manager, &o, &[dec!(10)]).await;
    let inv = issue(
        svc,
        &fx.manager,
        json!({"order_id": o.order_id, "memo": "Hóa đơn GTGT"}),
    )
    .await;
    assert_eq!(amounts(&inv), (dec!(885.00), dec!(115.05), dec!(1000.05)));

    let b = balances(svc, &fx.manager, "CNY").await;
    for (code, want) in [
        ("131", dec!(1000.05)),
        ("511", dec!(-885.00)),
        ("33311", dec!(-115.05)),
        ("632", dec!(501.25)),
        ("156", dec!(0)),
        ("3388", dec!(0)),
        ("1331", dec!(65.16)),
        ("331", dec!(-266.41)),
        ("112", dec!(-300.00)),
    ] {
        assert_eq!(bal(&b, code), want, "account {code}: {b:?}");
    }
    assert_every_entry_balances(svc).await;

    let get = |path: String| {
        let token = fx.manager.clone();
        async move {
            let r = svc.get(&path, Some(&token)).await;
            assert_status(&r, 200);
            r.body
        }
    };
    let from = today().with_day(1).unwrap();
    let to = today();

    // Profit and loss: 885.00 revenue, 501.25 cost, 383.75 gross and net profit.
    let pnl = get(format!("/api/v1/reports/profit-and-loss?from={from}&to={to}")).await;
    assert_eq!(pnl["currency"], "CNY");
    assert_eq!(dec(&pnl["total_revenue"]), dec!(885.00));
    assert_eq!(dec(&pnl["total_expenses"]), dec!(501.25));
    assert_eq!(dec(&pnl["gross_profit"]), dec!(383.75));
    assert_eq!(dec(&pnl["net_profit"]), dec!(383.75));
    assert_eq!(pnl["revenue"][0]["account_code"], "511");

    // Gross margin per order, customer and salesperson: 383.75 on 885.00 = 43.36 %.
    for (by, id) in [
        ("order", o.order_id),
        ("customer", o.customer_id),
        ("salesperson", o.owner_id),
    ] {
        let m = get(format!(
            "/api/v1/reports/gross-margin?currency=CNY&group_by={by}&from={from}&to={to}"
        ))
        .await;
        assert_eq!(m["rows"].as_array().unwrap().len(), 1, "{m}");
        let row = &m["rows"][0];
        assert_eq!(row["id"], id.to_string());
        assert_eq!(dec(&row["revenue"]), dec!(885.00));
        assert_eq!(dec(&row["cost"]), dec!(501.25));
        assert_eq!(dec(&row["margin"]), dec!(383.75));
        assert_eq!(dec(&row["margin_pct"]), dec!(43.36));
        assert_eq!(dec(&m["total"]["margin"]), dec!(383.75));
    }

    // VAT: 115.05 out, 65.16 in, 49.89 to pay.
    let vat = get(format!("/api/v1/reports/vat?currency=CNY&from={from}&to={to}")).await;
    assert_eq!(dec(&vat["output_vat"]), dec!(115.05));
    assert_eq!(dec(&vat["input_vat"]), dec!(65.16));
    assert_eq!(dec(&vat["payable"]), dec!(49.89));
    assert_eq!(vat["sales"].as_array().unwrap().len(), 1);
    assert_eq!(vat["purchases"][0]["party_name"], "深圳市华强电子有限公司");

    // Payables aging: 566.41 invoiced − 300.00 paid, not due; 20 days on, 0–30 days late.
    let ap = get(format!("/api/v1/reports/payables-aging?currency=CNY&as_of={}", today())).await;
    assert_eq!(ap["rows"][0]["party_id"], supplier.to_string());
    assert_eq!(ap["rows"][0]["party_name"], "深圳市华强电子有限公司");
    assert_eq!(dec(&ap["rows"][0]["not_due"]), dec!(266.41));
    let ap_late = get(format!(
        "/api/v1/reports/payables-aging?currency=CNY&as_of={}",
        today() + Days::days(20)
    ))
    .await;
    assert_eq!(dec(&ap_late["totals"]["days_0_30"]), dec!(266.41));

    // Bad input: a report period upside down, an unknown currency.
    svc.get(
        &format!("/api/v1/reports/vat?from={to}&to={}", from - Days::days(1)),
        Some(&fx.manager),
    )
    .await
    .assert_invalid_fields(&["to"]);
    svc.get("/api/v1/reports/profit-and-loss?currency=XYZ", Some(&fx.manager))
        .await
        .assert_invalid_fields(&["currency"]);
}
