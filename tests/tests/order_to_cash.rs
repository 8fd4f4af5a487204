//! Order to cash across hr, crm and warehouse, over HTTP only and through RabbitMQ, with real
//! logins: hr creates the people (crm and warehouse learn them from hr's events), warehouse the
//! item and its stock (crm learns the catalogue from warehouse's events); then customer →
//! quotation → approval → order → approval → receipt confirmed → outbound request → the
//! warehouse confirms → shipment delivered, with the order's progress checked at each step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_testkit::dec;
use erp_testkit::{Resp, TestEnv, TestService, eventually};
use rust_decimal::Decimal;
use serde_json::json;
use std::time::Duration;

fn id(r: &Resp) -> String {
    assert!(r.status == 200 || r.status == 201, "{} {}", r.status, r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn login(hr: &TestService, code: &str, password: &str) -> String {
    let r = hr
        .post("/api/v1/auth/login", None, &json!({"code": code, "password": password}))
        .await;
    assert_eq!(r.status, 200, "{code}: {}", r.body);
    r.body["access_token"].as_str().unwrap().to_owned()
}

/// (ordered, requested, issued, shipped, delivered) of the order's totals, and its money.
async fn progress(crm: &TestService, token: &str, order: &str) -> ([Decimal; 5], Decimal, String) {
    let p = crm.get(&format!("/api/v1/orders/{order}/progress"), Some(token)).await;
    assert_eq!(p.status, 200, "{}", p.body);
    let t = &p.body["totals"];
    (
        ["ordered", "requested", "issued", "shipped", "delivered"].map(|k| dec(&t[k])),
        dec(&p.body["money"]["paid"]),
        p.body["status"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_to_cash_across_hr_crm_and_warehouse() {
    let env = TestEnv::new();
    let crm = env.start(crm::service()).await;
    let wh = env.start(warehouse::service()).await;
    let hr = env
        .start_with(hr::service(), |c| c.admin_password = Some("admin-pass-1".into()))
        .await;
    let admin = login(&hr, "admin", "admin-pass-1").await;

    // People, made in hr.
    let dept = id(&hr
        .post(
            "/api/v1/departments",
            Some(&admin),
            &json!({"code": "KD", "name": "Phòng Kinh Doanh"}),
        )
        .await);
    let mk = |code: &str, name: &str, roles: Vec<&str>, manager: Option<String>| json!({"code": code, "name": name, "department_id": dept, "roles": roles, "manager_id": manager, "password": "password-1"});
    let manager = id(&hr
        .post(
            "/api/v1/employees",
            Some(&admin),
            &mk("QL01", "Trần Thị Bình", vec!["sales_manager"], None),
        )
        .await);
    id(&hr
        .post(
            "/api/v1/employees",
            Some(&admin),
            &mk("NV01", "Nguyễn Văn An", vec!["sales"], Some(manager.clone())),
        )
        .await);
    id(&hr
        .post(
            "/api/v1/employees",
            Some(&admin),
            &mk("KT01", "Lê Thu Hà", vec!["finance_manager"], None),
        )
        .await);
    id(&hr
        .post(
            "/api/v1/employees",
            Some(&admin),
            &mk("KHO01", "Phạm Văn Kho", vec!["warehouse_keeper"], None),
        )
        .await);
    let seller = login(&hr, "NV01", "password-1").await;
    let boss = login(&hr, "QL01", "password-1").await;
    let finance = login(&hr, "KT01", "password-1").await;
    let keeper = login(&hr, "KHO01", "password-1").await;

    // The warehouse: a default store, an item, stock.
    id(&wh
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
            &json!({"sku": "BOM-CT-5HP", "name": "Bơm ly tâm 5HP", "unit": "pcs", "kind": "product", "standard_cost": "3000000"}),
        )
        .await);
    let wh_id = wh.get("/api/v1/warehouses", Some(&keeper)).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let adj = wh
        .post(
            "/api/v1/stock/adjustments",
            Some(&keeper),
            &json!({"warehouse_id": wh_id, "reason": "tồn đầu kỳ", "lines": [{"item_id": item, "quantity": "10"}]}),
        )
        .await;
    assert_eq!(adj.status, 201, "{}", adj.body);

    // crm learns the item from warehouse's event and the people from hr's.
    let known = eventually(Duration::from_secs(10), &mut || async {
        let c = crm.get("/api/v1/catalogue/items", Some(&seller)).await;
        let d = crm
            .get(&format!("/api/v1/directory/employees/{manager}"), Some(&seller))
            .await;
        (c.body["items"].as_array().is_some_and(|a| !a.is_empty()) && d.status == 200).then_some(())
    })
    .await;
    assert!(known.is_some(), "crm knows the item and the manager");
    let price = crm
        .put(
            &format!("/api/v1/price-list/{item}/VND"),
            Some(&boss),
            &json!({"list_price": "5000000", "floor_price": "4500000"}),
        )
        .await;
    assert_eq!(price.status, 200, "{}", price.body);

    // Customer and quotation.
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

    // The order, approved by the manager.
    let order = crm
        .post(
            &format!("/api/v1/quotations/{q}/order"),
            Some(&seller),
            &json!({"seller": {"name": "Công ty TNHH Bơm Việt"}}),
        )
        .await;
    let o = id(&order);
    assert_eq!(dec(&order.body["total"]), Decimal::from(11_000_000));
    assert_eq!(order.body["total_in_words"], "Mười một triệu đồng");
    crm.post(&format!("/api/v1/orders/{o}/submit"), Some(&seller), &json!({}))
        .await;
    let r = crm
        .post(&format!("/api/v1/orders/{o}/approve"), Some(&boss), &json!({}))
        .await;
    assert_eq!(r.body["status"], "approved", "{}", r.body);
    let two = Decimal::from(2);
    let zero = Decimal::ZERO;
    assert_eq!(
        progress(&crm, &seller, &o).await,
        ([two, zero, zero, zero, zero], zero, "approved".into())
    );

    // Money first (prepayment): plan, receipt, finance confirms.
    let plan = crm
        .put(
            &format!("/api/v1/orders/{o}/payment-plan"),
            Some(&seller),
            &json!({"instalments": [{"due_date": "2099-01-31", "amount": "11000000"}]}),
        )
        .await;
    assert_eq!(plan.status, 200, "{}", plan.body);
    let receipt = id(&crm
        .post(
            &format!("/api/v1/orders/{o}/receipts"),
            Some(&seller),
            &json!({"amount": "11000000", "received_on": "2026-01-05", "method": "bank_transfer", "reference": "UNC 123"}),
        )
        .await);
    crm.post(
        &format!("/api/v1/receipts/{receipt}/confirm"),
        Some(&seller),
        &json!({}),
    )
    .await
    .assert_problem(403);
    let r = crm
        .post(
            &format!("/api/v1/receipts/{receipt}/confirm"),
            Some(&finance),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(progress(&crm, &seller, &o).await.1, Decimal::from(11_000_000));

    // Goods: the outbound request becomes a warehouse note; the keeper confirms it.
    let line = crm.get(&format!("/api/v1/orders/{o}"), Some(&seller)).await.body["lines"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    crm.post(
        &format!("/api/v1/orders/{o}/outbound-requests"),
        Some(&seller),
        &json!({"lines": [{"order_line_id": line, "quantity": "3"}]}),
    )
    .await
    .assert_invalid_fields(&["lines[0].quantity"]);
    let req = crm
        .post(
            &format!("/api/v1/orders/{o}/outbound-requests"),
            Some(&seller),
            &json!({"lines": [{"order_line_id": line, "quantity": "2"}]}),
        )
        .await;
    assert_eq!(req.status, 201, "{}", req.body);
    assert_eq!(
        progress(&crm, &seller, &o).await,
        (
            [two, two, zero, zero, zero],
            Decimal::from(11_000_000),
            "in_fulfilment".into()
        )
    );
    let note = eventually(Duration::from_secs(10), &mut || async {
        let r = wh.get("/api/v1/outbound-notes?status=open", Some(&keeper)).await;
        r.body["items"].as_array().and_then(|a| a.first().cloned())
    })
    .await
    .expect("the outbound note reached the warehouse");
    let note_id = note["id"].as_str().unwrap();
    let detail = wh
        .get(&format!("/api/v1/outbound-notes/{note_id}"), Some(&keeper))
        .await
        .body;
    let confirm = wh
        .post(
            &format!("/api/v1/outbound-notes/{note_id}/confirm"),
            Some(&keeper),
            &json!({"lines": [{"line_id": detail["lines"][0]["id"], "quantity": "2"}]}),
        )
        .await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let issued = eventually(Duration::from_secs(10), &mut || async {
        let p = progress(&crm, &seller, &o).await;
        (p.0[2] == two).then_some(p)
    })
    .await
    .expect("crm sees the issued quantity");
    assert_eq!(issued.0, [two, two, two, zero, zero]);
    let stock = wh
        .get(&format!("/api/v1/stock?item_id={item}"), Some(&keeper))
        .await
        .body;
    assert_eq!(dec(&stock[0]["on_hand"]), Decimal::from(8));

    // Shipping and the signed delivery.
    let shipment = id(&crm
        .post(
            &format!("/api/v1/orders/{o}/shipments"),
            Some(&seller),
            &json!({"carrier": "Viettel Post", "tracking_number": "VTP123456", "lines": [{"order_line_id": line, "quantity": "2"}]}),
        )
        .await);
    assert_eq!(progress(&crm, &seller, &o).await.0, [two, two, two, two, zero]);
    let d = crm
        .post(
            &format!("/api/v1/shipments/{shipment}/deliver"),
            Some(&seller),
            &json!({"delivered_at": "2026-01-06T09:00:00Z", "signed_delivery_note_ref": "scan://BBGN-0001.pdf"}),
        )
        .await;
    assert_eq!(d.status, 200, "{}", d.body);
    let done = progress(&crm, &seller, &o).await;
    assert_eq!(done.0, [two, two, two, two, two]);
    assert_eq!(done.2, "completed", "shipped and paid: the order is complete");
    for event in [
        "crm.order.approved",
        "crm.receipt.confirmed",
        "crm.outbound.requested",
        "crm.shipment.delivered",
    ] {
        assert_eq!(crm.outbox(event).await.len(), 1, "{event}");
    }
    assert_eq!(wh.outbox("warehouse.outbound.confirmed").await.len(), 1);
}
