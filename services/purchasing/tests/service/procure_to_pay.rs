//! Procure to pay across purchasing and warehouse on one bus (DOMAIN.md §2, seed 001 §2): an
//! outbound note the warehouse cannot fill becomes a draft purchase request, approved by the
//! purchasing manager; three supplier quotations, the choice reviewed by project control; the
//! purchase order approved; a deposit approved by finance; the arrival counted in by the
//! warehouse keeper (stock rises in warehouse, received rises on the order); the supplier's
//! invoice matched; the final payment requested and, once finance has paid, the order closed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_auth::{CurrentUser, Role};
use erp_contracts::finance::PaymentMade;
use erp_testkit::{TestEnv, TestService, fixtures};
use erp_testkit::{assert_status, dec, id_of};
use rust_decimal_macros::dec;
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

fn person(code: &str, name: &str, roles: &[Role], dept: Uuid) -> CurrentUser {
    fixtures::person(name).code(code).roles(roles).department(dept).build()
}

/// Polls `check` for up to 15 s.
async fn wait<T, F, Fut>(svc: &TestService, what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    svc.eventually(Duration::from_secs(15), check)
        .await
        .unwrap_or_else(|| panic!("{what}: not reached within 15 s"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procure_to_pay_from_a_warehouse_shortage_to_the_final_payment() {
    let env = TestEnv::new();
    let pur = env.start(purchasing::service()).await;
    let wh = env.start(warehouse::service()).await;

    // People, known to purchasing's directory as hr would publish them.
    let dept = Uuid::now_v7();
    let buyer = person("MH01", "Phạm Thị Mai", &[Role::Purchaser], dept);
    let manager = person("MH00", "Đỗ Văn Hùng", &[Role::PurchasingManager], dept);
    let controller = person("KS01", "Lý Minh Châu", &[Role::ProjectController], dept);
    let finance = person("TC01", "Hoàng Thu Trang", &[Role::FinanceManager], dept);
    let keeper = person("KHO1", "Vũ Đức Thắng", &[Role::WarehouseKeeper], dept);
    pur.apply_employees(
        [&buyer, &manager, &controller, &finance, &keeper]
            .iter()
            .map(|u| fixtures::employee_changed(u, "MH", "Phòng Mua Hàng"))
            .collect(),
    )
    .await;
    let t_buyer = env.token_for(&buyer);
    let t_manager = env.token_for(&manager);
    let t_controller = env.token_for(&controller);
    let t_finance = env.token_for(&finance);
    let t_keeper = env.token_for(&keeper);

    // The warehouse: a default warehouse and an item, which reaches purchasing's catalogue.
    let r = wh
        .post(
            "/api/v1/warehouses",
            Some(&t_keeper),
            &json!({ "code": "MAIN", "name": "Kho chính Bình Dương", "is_default": true }),
        )
        .await;
    assert_status(&r, 201);
    let main = id_of(&r.body);
    let r = wh
        .post(
            "/api/v1/items",
            Some(&t_keeper),
            &json!({ "sku": "VAN-DN50", "name": "Van bướm DN50", "unit": "pcs", "kind": "material", "standard_cost": "450000" }),
        )
        .await;
    assert_status(&r, 201);
    let item = id_of(&r.body);
    wait(&pur, "the item in purchasing's catalogue", || async {
        let r = pur.get("/api/v1/catalogue/items?q=VAN-DN50", Some(&t_buyer)).await;
        r.body["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i["item_id"] == json!(item)))
            .then_some(())
    })
    .await;

    // ① The warehouse cannot issue 20 valves: the note stays open and purchasing hears of it.
    let r = wh
        .post(
            "/api/v1/outbound-notes",
            Some(&t_keeper),
            &json!({ "note": "xuất cho công trình Nhà máy nước Thủ Đức", "party": "Ban QLDA Thủ Đức",
                     "lines": [{ "item_id": item, "quantity": "20" }] }),
        )
        .await;
    assert_status(&r, 201);
    let note = id_of(&r.body);
    let note_line = r.body["lines"][0]["id"].clone();
    let r = wh
        .post(
            &format!("/api/v1/outbound-notes/{note}/confirm"),
            Some(&t_keeper),
            &json!({ "lines": [{ "line_id": note_line, "quantity": "20" }] }),
        )
        .await;
    r.assert_problem_type(409, "insufficient-stock");
    let request = wait(&pur, "a draft request from the shortage", || async {
        let r = pur
            .get("/api/v1/purchase-requests?source=stock_shortage", Some(&t_buyer))
            .await;
        r.body["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["source_ref"]["note_line_id"] == note_line).cloned())
    })
    .await;
    assert_eq!(request["status"], "draft");
    let request_id = id_of(&request);
    let r = pur
        .get(&format!("/api/v1/purchase-requests/{request_id}"), Some(&t_buyer))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["lines"][0]["item_id"], json!(item));
    assert_eq!(dec(&r.body["lines"][0]["quantity"]), dec!(20));

    // The purchaser submits it; the purchasing manager approves.
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/submit"),
            Some(&t_buyer),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{}", r.body);
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/approve"),
            Some(&t_manager),
            &json!({ "comment": "đồng ý mua" }),
        )
        .await;
    assert_eq!(r.body["status"], "approved", "{}", r.body);
    let request = r.body.clone();
    let request_line = request["lines"][0]["id"].clone();

    // ② Three suppliers quote; the cheapest is chosen and project control approves the choice.
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
        let r = pur
            .post(
                "/api/v1/suppliers",
                Some(&t_buyer),
                &json!({ "code": code, "name": name, "currency": "VND", "tax_number": "0301234567",
                         "bank_name": "Vietcombank", "bank_account": bank,
                         "payment_terms": "30% đặt cọc, 70% sau khi nhận hàng và hoá đơn", "payment_days": 30 }),
            )
            .await;
        assert_status(&r, 201);
        let supplier = id_of(&r.body);
        let r = pur
            .post(
                &format!("/api/v1/purchase-requests/{request_id}/quotations"),
                Some(&t_buyer),
                &json!({ "supplier_id": supplier, "reference": format!("BG-{code}"), "quoted_on": erp_calendar::today(),
                         "lead_time_days": 7, "terms": "giao tại kho bên mua",
                         "lines": [{ "request_line_id": request_line, "unit_price": price, "tax_rate_pct": "10" }] }),
            )
            .await;
        assert_status(&r, 201);
        quotations.push((supplier, id_of(&r.body)));
    }
    let (supplier, chosen) = quotations[1];
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/selection"),
            Some(&t_buyer),
            &json!({ "chosen_quotation_id": chosen, "note": "giá thấp nhất, giao 7 ngày" }),
        )
        .await;
    assert_status(&r, 201);
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/selection/approve"),
            Some(&t_controller),
            &json!({ "comment": "đã so sánh 3 báo giá" }),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "approved");

    // ③ The purchase order from the request, approved by the purchasing manager.
    let r = pur
        .post(
            &format!("/api/v1/purchase-requests/{request_id}/orders"),
            Some(&t_buyer),
            &json!({}),
        )
        .await;
    assert_status(&r, 201);
    let po = r.body["orders"][0].clone();
    let po_id = id_of(&po);
    assert_eq!(po["supplier_id"], json!(supplier));
    // 20 × 455 000 = 9 100 000 + 10 % = 10 010 000 VND.
    assert_eq!(dec(&po["total"]), dec!(10010000));
    let po_line = po["lines"][0]["id"].clone();
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/submit"),
            Some(&t_buyer),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{}", r.body);
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/approve"),
            Some(&t_manager),
            &json!({ "comment": "duyệt" }),
        )
        .await;
    assert_eq!(r.body["status"], "approved", "{}", r.body);

    // ④ The deposit: 30 %, approved by finance, who is told to pay it.
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/payment-requests"),
            Some(&t_buyer),
            &json!({ "kind": "deposit", "amount": "3003000", "due_date": erp_calendar::today(), "note": "đặt cọc 30%" }),
        )
        .await;
    assert_status(&r, 201);
    let deposit = id_of(&r.body);
    let r = pur
        .post(
            &format!("/api/v1/payment-requests/{deposit}/approve"),
            Some(&t_finance),
            &json!({}),
        )
        .await;
    assert_status(&r, 200);
    let asked = pur.outbox("purchasing.payment.requested").await;
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["supplier_name"], "Công ty CP Thiết bị nước Sài Gòn");
    assert_eq!(asked[0]["supplier_bank_account"], "0071000222222");
    assert_eq!(dec(&asked[0]["amount"]), dec!(3003000));
    pur.publish_event(
        "finance",
        &PaymentMade {
            payment_request_id: deposit,
            amount: dec!(3003000),
            currency: "VND".into(),
            paid_on: erp_calendar::today(),
            reference: Some("UNC 000123 Vietcombank".into()),
        },
    )
    .await;

    // ⑤ The goods arrive; the purchaser asks the warehouse to count them in.
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/arrivals"),
            Some(&t_buyer),
            &json!({ "note": "xe 51C-888.88", "lines": [{ "order_line_id": po_line, "quantity": "20" }] }),
        )
        .await;
    assert_status(&r, 201);
    let arrival = id_of(&r.body);

    // ⑥ The keeper finds the inbound note and confirms it: stock rises, the order is received.
    let inbound = wait(&wh, "the inbound note in warehouse", || async {
        let r = wh.get("/api/v1/inbound-notes?status=open", Some(&t_keeper)).await;
        r.body["items"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["source_id"] == json!(arrival)).cloned())
    })
    .await;
    assert_eq!(inbound["kind"], "purchase");
    assert_eq!(inbound["party"], "Công ty CP Thiết bị nước Sài Gòn");
    assert_eq!(inbound["warehouse_id"], json!(main));
    let inbound_id = id_of(&inbound);
    let r = wh
        .get(&format!("/api/v1/inbound-notes/{inbound_id}"), Some(&t_keeper))
        .await;
    assert_status(&r, 200);
    let line = &r.body["lines"][0];
    assert_eq!(dec(&line["expected"]), dec!(20));
    assert_eq!(dec(&line["unit_cost"]), dec!(455000));
    let r = wh
        .post(
            &format!("/api/v1/inbound-notes/{inbound_id}/confirm"),
            Some(&t_keeper),
            &json!({ "lines": [{ "line_id": line["id"], "received": "20" }] }),
        )
        .await;
    assert_status(&r, 200);
    let r = wh.get(&format!("/api/v1/stock?item_id={item}"), Some(&t_keeper)).await;
    assert_status(&r, 200);
    assert_eq!(dec(&r.body[0]["on_hand"]), dec!(20));
    let settled = wait(&pur, "the order received in purchasing", || async {
        let r = pur
            .get(&format!("/api/v1/purchase-orders/{po_id}/settlement"), Some(&t_buyer))
            .await;
        (r.body["status"] == "received").then_some(r.body)
    })
    .await;
    assert_eq!(dec(&settled["lines"][0]["received"]), dec!(20));
    assert_eq!(settled["fully_received"], true);
    let r = pur.get(&format!("/api/v1/arrivals/{arrival}"), Some(&t_buyer)).await;
    assert_eq!(r.body["status"], "confirmed");
    assert_eq!(r.body["note_id"], json!(inbound_id));
    // The note that was short can now be issued.
    let r = wh
        .post(
            &format!("/api/v1/outbound-notes/{note}/confirm"),
            Some(&t_keeper),
            &json!({ "lines": [{ "line_id": note_line, "quantity": "20" }] }),
        )
        .await;
    assert_status(&r, 200);

    // ⑦ The supplier's invoice matches the order and the receipt.
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/invoices"),
            Some(&t_buyer),
            &json!({ "invoice_number": "0000457", "invoice_date": erp_calendar::today(),
                     "lines": [{ "order_line_id": po_line, "quantity": "20", "unit_price": "455000", "tax_rate_pct": "10" }] }),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "matched", "{}", r.body);
    assert_eq!(dec(&r.body["total"]), dec!(10010000));
    let invoiced = pur.outbox("purchasing.invoice.received").await;
    assert_eq!(invoiced.len(), 1);
    assert_eq!(invoiced[0]["order_id"], json!(po_id));

    // ⑧ The final payment: the rest, approved by finance; paid, the order closes.
    let r = pur
        .post(
            &format!("/api/v1/purchase-orders/{po_id}/payment-requests"),
            Some(&t_buyer),
            &json!({ "kind": "final", "amount": "7007000" }),
        )
        .await;
    assert_status(&r, 201);
    let last = id_of(&r.body);
    let r = pur
        .post(
            &format!("/api/v1/payment-requests/{last}/approve"),
            Some(&t_finance),
            &json!({}),
        )
        .await;
    assert_status(&r, 200);
    let asked = pur.outbox("purchasing.payment.requested").await;
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[1]["kind"], "final");
    assert_eq!(dec(&asked[1]["amount"]), dec!(7007000));
    pur.publish_event(
        "finance",
        &PaymentMade {
            payment_request_id: last,
            amount: dec!(7007000),
            currency: "VND".into(),
            paid_on: erp_calendar::today(),
            reference: Some("UNC 000124 Vietcombank".into()),
        },
    )
    .await;
    let closed = wait(&pur, "the order closed", || async {
        let r = pur
            .get(&format!("/api/v1/purchase-orders/{po_id}/settlement"), Some(&t_finance))
            .await;
        (r.body["status"] == "closed").then_some(r.body)
    })
    .await;
    assert_eq!(dec(&closed["paid"]), dec!(10010000));
    assert_eq!(closed["fully_paid"], true);
}
