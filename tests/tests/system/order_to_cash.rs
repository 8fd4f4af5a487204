//! Order to cash across hr, crm, warehouse and finance, over HTTP only and through RabbitMQ,
//! with real logins: hr creates the people (crm and warehouse learn them from hr's events), warehouse the
//! item and its stock (crm learns the catalogue from warehouse's events); then customer →
//! quotation → approval → order → approval → receipt confirmed → outbound request → the
//! warehouse confirms → shipment delivered → finance invoices what was delivered, with the
//! order's progress checked at each step and finance's books at the end.
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
async fn order_to_cash_across_hr_crm_warehouse_and_finance() {
    let env = TestEnv::new();
    let crm = env.start(crm::service()).await;
    let wh = env.start(warehouse::service()).await;
    let fin = env.start(finance::service()).await;
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

    // Finance invoices what the customer signed for (2 × 5,000,000 + 10 % VAT), once.
    let delivered = eventually(Duration::from_secs(10), &mut || async {
        let r = fin.get(&format!("/api/v1/sales-orders/{o}"), Some(&finance)).await;
        (r.status == 200 && dec(&r.body["lines"][0]["delivered"]) == two).then_some(())
    })
    .await;
    assert!(delivered.is_some(), "finance knows the delivery");
    let invoice = fin
        .post("/api/v1/sales-invoices", Some(&finance), &json!({"order_id": o}))
        .await;
    assert_eq!(invoice.status, 201, "{}", invoice.body);
    assert_eq!(
        [&invoice.body["net"], &invoice.body["tax"], &invoice.body["total"]].map(dec),
        [10_000_000, 1_000_000, 11_000_000].map(Decimal::from)
    );
    fin.post("/api/v1/sales-invoices", Some(&finance), &json!({"order_id": o}))
        .await
        .assert_invalid_fields(&["order_id"]);
    let invoiced = eventually(Duration::from_secs(10), &mut || async {
        let p = crm.get(&format!("/api/v1/orders/{o}/progress"), Some(&seller)).await;
        (dec(&p.body["totals"]["invoiced"]) == two).then_some(())
    })
    .await;
    assert!(invoiced.is_some(), "crm shows the invoiced quantity");

    // The books: opening stock 10 × 3,000,000 found (3381), 2 issued at cost, the invoice,
    // the money received.
    let want = [
        ("112", 11_000_000),
        ("131", 0),
        ("156", 24_000_000),
        ("3381", -30_000_000),
        ("33311", -1_000_000),
        ("511", -10_000_000),
        ("632", 6_000_000),
    ];
    let books = eventually(Duration::from_secs(10), &mut || async {
        let tb = fin
            .get("/api/v1/reports/trial-balance?currency=VND", Some(&finance))
            .await;
        let have: Vec<(String, Decimal)> = tb.body["accounts"]
            .as_array()?
            .iter()
            .map(|a| {
                (
                    a["account_code"].as_str().unwrap_or_default().to_owned(),
                    dec(&a["balance"]),
                )
            })
            .collect();
        let of = |code: &str| have.iter().find(|(c, _)| c == code).map_or(Decimal::ZERO, |(_, b)| *b);
        want.iter()
            .all(|(code, b)| of(code) == Decimal::from(*b))
            .then_some(tb.body)
    })
    .await;
    let tb = books.expect("finance's trial balance");
    assert_eq!(tb["total_debit"], tb["total_credit"]);
    let aging = fin
        .get("/api/v1/reports/receivables-aging?currency=VND", Some(&finance))
        .await;
    assert!(aging.body["rows"].as_array().unwrap().is_empty(), "{}", aging.body);
    let margin = fin
        .get("/api/v1/reports/gross-margin?currency=VND", Some(&finance))
        .await;
    assert_eq!(dec(&margin.body["total"]["margin"]), Decimal::from(4_000_000));
}
