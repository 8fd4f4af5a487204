//! Procure to pay with all six services running as real processes on the real PostgreSQL and
//! RabbitMQ, only over HTTP: the warehouse cannot fill a note, purchasing hears of the shortage
//! and drafts a request; three suppliers quote; project control reviews the choice; the order
//! is approved; finance approves the deposit and pays it; the goods arrive and the keeper counts
//! them in; the supplier's invoice matches; the final payment is approved and paid, and the
//! order closes. The ledger is checked at the end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::event_chains;
use erp_scenarios::flows::{HOP, PASSWORD, balance, department, hire, id, known_everywhere, trial_balance, until};
use erp_scenarios::system::{Service, System};
use erp_scenarios::tap::EventTap;
use erp_testkit::dec;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::time::Instant;

fn d(v: i64) -> Decimal {
    Decimal::from(v)
}

/// Waits for finance's payment of a payment request, pays it as the finance manager, and
/// waits until purchasing knows it was paid.
async fn pay(fin: &Service, pur: &Service, finance: &str, buyer: &str, request: &str, reference: &str) -> Value {
    let payment = until("finance has the approved payment request", HOP, || async {
        let r = fin.get("/api/v1/payments?status=awaiting", Some(finance)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["items"]
            .as_array()
            .and_then(|a| a.iter().find(|p| p["payment_request_id"] == json!(request)).cloned())
    })
    .await;
    let pid = payment["id"].as_str().unwrap();
    let r = fin
        .post(
            &format!("/api/v1/payments/{pid}/pay"),
            Some(buyer),
            &json!({"paid_on": "2026-11-10", "reference": reference}),
        )
        .await;
    r.assert_problem(403);
    let r = fin
        .post(
            &format!("/api/v1/payments/{pid}/pay"),
            Some(finance),
            &json!({"paid_on": "2026-11-10", "reference": reference}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "paid");
    let again = fin
        .post(
            &format!("/api/v1/payments/{pid}/pay"),
            Some(finance),
            &json!({"paid_on": "2026-11-10", "reference": reference}),
        )
        .await;
    again.assert_problem(409);
    until("purchasing hears the request was paid", HOP, || async {
        let r = pur
            .get(&format!("/api/v1/payment-requests/{request}"), Some(buyer))
            .await;
        (r.body["status"] == "paid").then_some(())
    })
    .await;
    r.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procure_to_pay_across_all_six_processes() {
    let started = Instant::now();
    let sys = System::start().await;
    let boot = started.elapsed();
    let (pur, wh, fin) = (sys.purchasing(), sys.warehouse(), sys.finance());
    let admin = sys.admin().await;
    let tap = EventTap::open(&sys).await;

    // ① People, hired in hr.
    let buying = department(&sys, &admin, "MH", "Phòng Mua Hàng").await;
    let office = department(&sys, &admin, "TC", "Phòng Tài chính - Kho").await;
    let head = hire(
        &sys,
        &admin,
        &buying,
        "MH00",
        "Đỗ Văn Hùng",
        &["purchasing_manager"],
        None,
    )
    .await;
    let buyer_id = hire(
        &sys,
        &admin,
        &buying,
        "MH01",
        "Phạm Thị Mai",
        &["purchaser"],
        Some(&head),
    )
    .await;
    let controller_id = hire(
        &sys,
        &admin,
        &office,
        "KS01",
        "Lý Minh Châu",
        &["project_controller"],
        None,
    )
    .await;
    let chief = hire(
        &sys,
        &admin,
        &office,
        "TC01",
        "Hoàng Thu Trang",
        &["finance_manager"],
        None,
    )
    .await;
    let keeper_id = hire(
        &sys,
        &admin,
        &office,
        "KHO1",
        "Vũ Đức Thắng",
        &["warehouse_keeper"],
        None,
    )
    .await;
    let buyer = sys.login("MH01", PASSWORD).await;
    let manager = sys.login("MH00", PASSWORD).await;
    let controller = sys.login("KS01", PASSWORD).await;
    let finance = sys.login("TC01", PASSWORD).await;
    let keeper = sys.login("KHO1", PASSWORD).await;
    known_everywhere(&sys, &admin, &[&head, &buyer_id, &controller_id, &chief, &keeper_id]).await;

    // ② The warehouse and the item, which reaches purchasing's catalogue.
    let main = id(&wh
        .post(
            "/api/v1/warehouses",
            Some(&keeper),
            &json!({"code": "MAIN", "name": "Kho chính Bình Dương", "is_default": true}),
        )
        .await);
    let item = id(&wh
        .post(
            "/api/v1/items",
            Some(&keeper),
            &json!({"sku": "VAN-DN50", "name": "Van bướm DN50", "unit": "pcs", "kind": "material",
                    "standard_cost": "450000"}),
        )
        .await);
    until("purchasing's catalogue has the item", HOP, || async {
        let r = pur.get("/api/v1/catalogue/items?q=VAN-DN50", Some(&buyer)).await;
        r.body["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i["item_id"] == json!(item)))
            .then_some(())
    })
    .await;

    // ③ The warehouse cannot issue 20 valves; purchasing drafts a request from the shortage.
    let r = wh
        .post(
            "/api/v1/outbound-notes",
            Some(&keeper),
            &json!({"note": "xuất cho công trình Nhà máy nước Thủ Đức", "party": "Ban QLDA Thủ Đức",
                    "lines": [{"item_id": item, "quantity": "20"}]}),
        )
        .await;
    let note = id(&r);
    let note_line = r.body["lines"][0]["id"].clone();
    wh.post(
        &format!("/api/v1/outbound-notes/{note}/confirm"),
        Some(&keeper),
        &json!({"lines": [{"line_id": note_line, "quantity": "20"}]}),
    )
    .await
    .assert_problem_type(409, "insufficient-stock");
    let request = until("a draft purchase request from the shortage", HOP, || async {
        let r = pur
            .get("/api/v1/purchase-requests?source=stock_shortage", Some(&buyer))
            .await;
        r.body["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["source_ref"]["note_line_id"] == note_line).cloned())
    })
    .await;
    assert_eq!(request["status"], "draft");
    let request_id = request["id"].as_str().unwrap().to_owned();
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/submit"),
            Some(&buyer),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{}", r.body);
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/approve"),
            Some(&manager),
            &json!({"comment": "đồng ý mua"}),
        )
        .await;
    assert_eq!(r.body["status"], "approved", "{}", r.body);
    let request_line = r.body["lines"][0]["id"].clone();
    assert_eq!(dec(&r.body["lines"][0]["quantity"]), d(20));

    // ④ Three quotations; the cheapest is chosen and project control approves the choice.
    let mut quotations = Vec::new();
    for (code, name, price, bank) in [
        ("NCC-VAN-01", "Công ty TNHH Van Tân Thành", "480000", "0071000111111"),
        (
            "NCC-VAN-02",
            "Công ty CP Thiết bị nước Sài Gòn",
            "455000",
            "0071000222222",
        ),
        ("NCC-VAN-03", "上海阀门有限公司", "470000", "6222020000333"),
    ] {
        let supplier = id(&pur
            .post(
                "/api/v1/suppliers",
                Some(&buyer),
                &json!({"code": code, "name": name, "currency": "VND", "tax_number": "0301234567",
                        "bank_name": "Vietcombank", "bank_account": bank,
                        "payment_terms": "30% đặt cọc, 70% sau khi nhận hàng và hoá đơn", "payment_days": 30}),
            )
            .await);
        let quotation = id(&pur
            .post(
                &format!("/api/v1/purchase-requests/{request_id}/quotations"),
                Some(&buyer),
                &json!({"supplier_id": supplier, "reference": format!("BG-{code}"), "quoted_on": "2026-11-05",
                        "lead_time_days": 7, "terms": "giao tại kho bên mua",
                        "lines": [{"request_line_id": request_line, "unit_price": price, "tax_rate_pct": "10"}]}),
            )
            .await);
        quotations.push((supplier, quotation));
    }
    let (supplier, chosen) = quotations[1].clone();
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/selection"),
            Some(&buyer),
            &json!({"chosen_quotation_id": chosen, "note": "giá thấp nhất, giao 7 ngày"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/selection/approve"),
            Some(&controller),
            &json!({"comment": "đã so sánh 3 báo giá"}),
        )
        .await;
    assert_eq!(r.body["status"], "approved", "{}", r.body);

    // ⑤ The purchase order: 20 × 455 000 = 9 100 000 + 10 % = 10 010 000 VND, approved.
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/orders"),
            Some(&buyer),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let po = r.body["orders"][0].clone();
    let po_id = po["id"].as_str().unwrap().to_owned();
    assert_eq!(po["supplier_id"], json!(supplier));
    assert_eq!(dec(&po["total"]), d(10_010_000));
    let po_line = po["lines"][0]["id"].clone();
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/submit"),
            Some(&buyer),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{}", r.body);
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/approve"),
            Some(&manager),
            &json!({"comment": "duyệt"}),
        )
        .await;
    assert_eq!(r.body["status"], "approved", "{}", r.body);

    // ⑥ The 30 % deposit: approved by finance in purchasing, then paid in finance.
    let deposit = id(&pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/payment-requests"),
            Some(&buyer),
            &json!({"kind": "deposit", "amount": "3003000", "due_date": "2026-11-10", "note": "đặt cọc 30%"}),
        )
        .await);
    let r = pur
        .post(
            &format!("/api/v1/payment-requests/{deposit}/approve"),
            Some(&finance),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let paid = pay(fin, pur, &finance, &buyer, &deposit, "UNC 000123 Vietcombank").await;
    assert_eq!(dec(&paid["amount"]), d(3_003_000));
    assert_eq!(paid["supplier_bank_account"], "0071000222222");

    // ⑦ The goods arrive; the keeper counts them in: stock rises, the order is received.
    let arrival = id(&pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/arrivals"),
            Some(&buyer),
            &json!({"note": "xe 51C-888.88", "lines": [{"order_line_id": po_line, "quantity": "20"}]}),
        )
        .await);
    let inbound = until("the inbound note in the warehouse", HOP, || async {
        let r = wh.get("/api/v1/inbound-notes?status=open", Some(&keeper)).await;
        r.body["items"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["source_id"] == json!(arrival)).cloned())
    })
    .await;
    assert_eq!(inbound["warehouse_id"], json!(main));
    let inbound_id = inbound["id"].as_str().unwrap();
    let r = wh
        .get(&format!("/api/v1/inbound-notes/{inbound_id}"), Some(&keeper))
        .await;
    let line = r.body["lines"][0].clone();
    assert_eq!(dec(&line["unit_cost"]), d(455_000));
    let r = wh
        .post(
            &format!("/api/v1/inbound-notes/{inbound_id}/confirm"),
            Some(&keeper),
            &json!({"lines": [{"line_id": line["id"], "received": "20"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = wh.get(&format!("/api/v1/stock?item_id={item}"), Some(&keeper)).await;
    assert_eq!(dec(&r.body[0]["on_hand"]), d(20));
    until("purchasing sees the order received", HOP, || async {
        let r = pur
            .get(&format!("/api/v1/purchase-orders/{po_id}/settlement"), Some(&buyer))
            .await;
        (r.body["status"] == "received").then_some(())
    })
    .await;
    // Goods received, not invoiced yet: inventory against 3388.
    until("finance books the goods received", HOP, || async {
        let (tb, _) = trial_balance(fin, &finance, "VND").await;
        (balance(&tb, "156") == d(9_100_000) && balance(&tb, "3388") == d(-9_100_000)).then_some(())
    })
    .await;

    // ⑧ The supplier's invoice matches the order and the receipt.
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/invoices"),
            Some(&buyer),
            &json!({"invoice_number": "0000457", "invoice_date": "2026-11-12",
                    "lines": [{"order_line_id": po_line, "quantity": "20", "unit_price": "455000", "tax_rate_pct": "10"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "matched", "{}", r.body);

    // ⑨ The final payment: the rest, approved and paid; the order closes.
    let last = id(&pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/payment-requests"),
            Some(&buyer),
            &json!({"kind": "final", "amount": "7007000"}),
        )
        .await);
    let r = pur
        .post(
            &format!("/api/v1/payment-requests/{last}/approve"),
            Some(&finance),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    pay(fin, pur, &finance, &buyer, &last, "UNC 000124 Vietcombank").await;
    let closed = until("the purchase order closed", HOP, || async {
        let r = pur
            .get(&format!("/api/v1/purchase-orders/{po_id}/settlement"), Some(&finance))
            .await;
        (r.body["status"] == "closed").then_some(r.body)
    })
    .await;
    assert_eq!(dec(&closed["paid"]), d(10_010_000));

    // The trial balance, worked out: received 20 × 455 000 = 9 100 000 (Dr 156 / Cr 3388);
    // the invoice clears 3388 and adds VAT 910 000 (Dr 3388, Dr 1331 / Cr 331 10 010 000);
    // paid 3 003 000 + 7 007 000 (Dr 331 / Cr 112).
    let (tb, body) = until("finance has booked the invoice", HOP, || async {
        let (tb, body) = trial_balance(fin, &finance, "VND").await;
        (balance(&tb, "1331") == d(910_000)).then_some((tb, body))
    })
    .await;
    assert_eq!(balance(&tb, "156"), d(9_100_000), "{body}");
    assert_eq!(balance(&tb, "3388"), Decimal::ZERO, "{body}");
    assert_eq!(balance(&tb, "1331"), d(910_000), "{body}");
    assert_eq!(balance(&tb, "331"), Decimal::ZERO, "{body}");
    assert_eq!(balance(&tb, "112"), d(-10_010_000), "{body}");
    assert_eq!(
        dec(&body["total_debit"]),
        d(3_003_000 + 9_100_000 + 9_100_000 + 910_000 + 7_007_000),
        "{body}"
    );
    let r = fin.get("/api/v1/payments?status=paid", Some(&finance)).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(2), "{}", r.body);
    let ids = event_chains::PurchaseFlow {
        outbound_note: &note,
        request: &request_id,
        order: &po_id,
        arrival: &arrival,
        inbound_note: inbound_id,
        payment_requests: [&deposit, &last],
    };
    event_chains::procure_to_pay(tap, &ids).await;
    eprintln!(
        "procure to pay: system up in {:.1} s, whole test {:.1} s",
        boot.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
