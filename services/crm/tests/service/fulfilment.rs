//! crm's order to cash after approval, with warehouse running beside it on the same bus and the
//! real PostgreSQL and RabbitMQ: the payment plan, receipts confirmed by finance, outbound
//! requests that become warehouse notes, the warehouse's confirmations coming back as issued
//! quantities (and its cancellations freeing what was requested), shipments, the signed
//! delivery, completion, progress at each step, roles and visibility.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration as Days, Utc};
use erp_auth::Role;
use erp_testkit::fixtures::{customer, employee_changed, person};
use erp_testkit::{Resp, TestEnv, TestService};
use erp_testkit::{assert_status, dec, id_of};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn items_of(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap_or_else(|| panic!("no items in {page}"))
}

/// crm and warehouse on one bus; a sales department with its manager, a salesperson and a
/// colleague; finance; a keeper with a default warehouse.
struct Fx {
    _env: TestEnv,
    crm: TestService,
    wh: TestService,
    keeper: String,
    seller: String,
    manager: String,
    colleague: String,
    finance: String,
    main: Uuid,
}

async fn fixture() -> Fx {
    let env = TestEnv::new();
    let crm = env.start(crm::service()).await;
    let wh = env.start(warehouse::service()).await;

    let dept = Uuid::now_v7();
    let manager = person("Trần Thị Hoa")
        .code("NV001")
        .roles(&[Role::SalesManager])
        .department(dept)
        .build();
    let in_sales = |name: &str, code: &str| {
        person(name)
            .code(code)
            .roles(&[Role::Sales])
            .department(dept)
            .manager(manager.id)
            .build()
    };
    let (seller, colleague) = (in_sales("Nguyễn Văn An", "NV002"), in_sales("Lê Văn Bình", "NV003"));
    crm.apply_employees(
        [&manager, &seller, &colleague]
            .iter()
            .map(|p| employee_changed(p, "KD1", "Phòng Kinh Doanh 1"))
            .collect(),
    )
    .await;
    let (seller, manager, colleague) = (
        env.token_for(&seller),
        env.token_for(&manager),
        env.token_for(&colleague),
    );
    let finance = env.token(&[Role::FinanceManager]);
    let keeper = env.token(&[Role::WarehouseKeeper]);

    let r = wh
        .post(
            "/api/v1/warehouses",
            Some(&keeper),
            &json!({ "code": "MAIN", "name": "Kho chính", "is_default": true }),
        )
        .await;
    assert_status(&r, 201);
    Fx {
        main: id_of(&r.body),
        _env: env,
        crm,
        wh,
        keeper,
        seller,
        manager,
        colleague,
        finance,
    }
}

impl Fx {
    /// An item created in warehouse with `stock` on hand in MAIN, once crm's catalogue has it.
    async fn stocked_item(&self, sku: &str, cost: &str, stock: &str) -> Uuid {
        let r = self
            .wh
            .post(
                "/api/v1/items",
                Some(&self.keeper),
                &json!({ "sku": sku, "name": format!("Máy bơm {sku}"), "unit": "pcs", "kind": "product", "standard_cost": cost }),
            )
            .await;
        assert_status(&r, 201);
        let item = id_of(&r.body);
        let r = self
            .wh
            .post(
                "/api/v1/stock/adjustments",
                Some(&self.keeper),
                &json!({ "warehouse_id": self.main, "reason": "tồn đầu kỳ", "lines": [{ "item_id": item, "quantity": stock }] }),
            )
            .await;
        assert_status(&r, 201);
        let known = self
            .crm
            .eventually(Duration::from_secs(10), || async move {
                let r = self
                    .crm
                    .get(&format!("/api/v1/catalogue/items?q={sku}"), Some(&self.seller))
                    .await;
                assert_status(&r, 200);
                items_of(&r.body)
                    .iter()
                    .any(|i| i["item_id"] == json!(item))
                    .then_some(())
            })
            .await;
        assert!(known.is_some(), "item {sku} did not reach crm's catalogue within 10 s");
        item
    }

    async fn customer(&self) -> Uuid {
        let r = self
            .crm
            .post(
                "/api/v1/customers",
                Some(&self.seller),
                &customer(
                    "KH-ANHDUONG",
                    json!({ "name": "Công ty TNHH Ánh Dương", "address": "12 Lê Lợi, Quận 1, TP.HCM" }),
                ),
            )
            .await;
        assert_status(&r, 201);
        id_of(&r.body)
    }

    /// A direct order: 10 of `a` at 150 000 and 5 of `b` at 200 000, VAT 10 % (total 2 750 000 VND).
    async fn draft_order(&self, customer: Uuid, a: Uuid, b: Uuid) -> Value {
        let r = self
            .crm
            .post(
                "/api/v1/orders",
                Some(&self.seller),
                &json!({
                    "customer_id": customer,
                    "seller": { "name": "Công ty CP Thiết bị Minh Phát", "tax_number": "0312345678" },
                    "lines": [
                        { "item_id": a, "quantity": "10", "unit_price": "150000", "tax_rate_pct": "10" },
                        { "item_id": b, "quantity": "5", "unit_price": "200000", "tax_rate_pct": "10" }
                    ]
                }),
            )
            .await;
        assert_status(&r, 201);
        assert_eq!(r.body["status"], "draft");
        assert_eq!(dec(&r.body["total"]), dec!(2750000));
        r.body
    }

    /// Submitted by the owner, approved by the sales manager above them.
    async fn approve(&self, order: Uuid) {
        let r = self
            .crm
            .post(
                &format!("/api/v1/orders/{order}/submit"),
                Some(&self.seller),
                &json!({}),
            )
            .await;
        assert_status(&r, 200);
        assert_eq!(r.body["status"], "pending_approval");
        let r = self
            .crm
            .post(
                &format!("/api/v1/orders/{order}/approve"),
                Some(&self.manager),
                &json!({ "comment": "đồng ý" }),
            )
            .await;
        assert_status(&r, 200);
        assert_eq!(r.body["status"], "approved");
    }

    async fn progress(&self, order: Uuid) -> Value {
        let r = self
            .crm
            .get(&format!("/api/v1/orders/{order}/progress"), Some(&self.seller))
            .await;
        assert_status(&r, 200);
        r.body
    }

    /// Waits (10 s) until the progress satisfies `check`.
    async fn progress_until(&self, order: Uuid, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let check = &check;
        let found = self
            .crm
            .eventually(Duration::from_secs(10), || async move {
                let p = self.progress(order).await;
                check(&p).then_some(p)
            })
            .await;
        match found {
            Some(p) => p,
            None => panic!(
                "{what}: not reached within 10 s; progress {}",
                self.progress(order).await
            ),
        }
    }

    async fn request(&self, order: Uuid, lines: Value) -> Resp {
        self.crm
            .post(
                &format!("/api/v1/orders/{order}/outbound-requests"),
                Some(&self.seller),
                &json!({ "lines": lines }),
            )
            .await
    }

    async fn ship(&self, order: Uuid, lines: Value) -> Resp {
        self.crm
            .post(
                &format!("/api/v1/orders/{order}/shipments"),
                Some(&self.seller),
                &json!({ "carrier": "Viettel Post", "tracking_number": "VTP123456789", "lines": lines }),
            )
            .await
    }

    async fn record_receipt(&self, order: Uuid, amount: &str) -> Resp {
        self.crm
            .post(
                &format!("/api/v1/orders/{order}/receipts"),
                Some(&self.seller),
                &json!({
                    "amount": amount, "received_on": erp_calendar::today(),
                    "method": "bank_transfer", "reference": "UNC 0001 Vietcombank"
                }),
            )
            .await
    }

    async fn decide_receipt(&self, receipt: Uuid, verb: &str, token: &str, comment: Option<&str>) -> Resp {
        self.crm
            .post(
                &format!("/api/v1/receipts/{receipt}/{verb}"),
                Some(token),
                &json!({ "comment": comment }),
            )
            .await
    }

    /// Waits (10 s) for the open warehouse note made from crm request `request` and returns its
    /// detail.
    async fn note_for(&self, request: Uuid) -> Value {
        let found = self
            .wh
            .eventually(Duration::from_secs(10), || async move {
                let r = self
                    .wh
                    .get("/api/v1/outbound-notes?status=open", Some(&self.keeper))
                    .await;
                assert_status(&r, 200);
                items_of(&r.body)
                    .iter()
                    .find(|n| n["source_id"] == json!(request))
                    .cloned()
            })
            .await
            .unwrap_or_else(|| panic!("no warehouse note for request {request} within 10 s"));
        let r = self
            .wh
            .get(&format!("/api/v1/outbound-notes/{}", id_of(&found)), Some(&self.keeper))
            .await;
        assert_status(&r, 200);
        r.body
    }

    /// The note line made from crm request line `source_line`.
    fn note_line(note: &Value, source_line: &Value) -> Uuid {
        let l = note["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["source_line_id"] == *source_line)
            .unwrap_or_else(|| panic!("no note line from {source_line} in {note}"));
        id_of(l)
    }

    async fn confirm_note(&self, note: &Value, lines: Value) -> Value {
        let r = self
            .wh
            .post(
                &format!("/api/v1/outbound-notes/{}/confirm", id_of(note)),
                Some(&self.keeper),
                &json!({ "lines": lines }),
            )
            .await;
        assert_status(&r, 200);
        r.body
    }
}

/// (ordered, requested, issued, shipped) of progress line `i`.
#[track_caller]
fn line_state(p: &Value, i: usize) -> (Decimal, Decimal, Decimal, Decimal) {
    let l = &p["lines"][i];
    (
        dec(&l["ordered"]),
        dec(&l["requested"]),
        dec(&l["issued"]),
        dec(&l["shipped"]),
    )
}

// ---------------------------------------------------------------------------------------------
// The whole flow
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_to_cash_plan_receipts_outbound_shipment_delivery_and_completion() {
    let fx = fixture().await;
    let pump = fx.stocked_item("BOM-A", "100000", "100").await;
    let motor = fx.stocked_item("BOM-B", "120000", "3").await;
    let customer = fx.customer().await;
    let order = fx.draft_order(customer, pump, motor).await;
    let oid = id_of(&order);
    let number = order["number"].as_str().unwrap().to_owned();
    let (line_a, line_b) = (id_of(&order["lines"][0]), id_of(&order["lines"][1]));

    // A draft asks nothing of the warehouse.
    let r = fx
        .request(oid, json!([{ "order_line_id": line_a, "quantity": "1" }]))
        .await;
    r.assert_problem_type(409, "wrong-state");

    // --- Payment plan (allowed on the draft) ---
    let plan_path = format!("/api/v1/orders/{oid}/payment-plan");
    let today = erp_calendar::today();
    let yesterday = today - Days::days(1);
    let later = today + Days::days(30);
    let r = fx
        .crm
        .put(
            &plan_path,
            Some(&fx.seller),
            &json!({ "instalments": [
                { "due_date": yesterday, "amount": "1000000.5" },
                { "due_date": yesterday, "amount": "1749999" }
            ] }),
        )
        .await;
    r.assert_invalid_fields(&["instalments[0].amount", "instalments[1].due_date", "instalments"]);
    let r = fx
        .crm
        .put(
            &plan_path,
            Some(&fx.seller),
            &json!({ "instalments": [{ "due_date": later, "amount": "2750001" }] }),
        )
        .await;
    r.assert_invalid_fields(&["instalments"]);
    let r = fx
        .crm
        .put(&plan_path, Some(&fx.seller), &json!({ "instalments": [] }))
        .await;
    r.assert_invalid_fields(&["instalments"]);
    let r = fx
        .crm
        .put(
            &plan_path,
            Some(&fx.seller),
            &json!({ "instalments": [
                { "due_date": yesterday, "amount": "1000000", "note": "Đặt cọc 1.000.000 đồng" },
                { "due_date": later, "amount": "1750000", "note": "Thanh toán khi giao hàng" }
            ] }),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(dec(&r.body["planned"]), dec!(2750000));
    let inst = r.body["instalments"].as_array().unwrap();
    assert_eq!(inst.len(), 2);
    assert_eq!(inst[0]["seq"], 1);
    assert_eq!(inst[0]["note"], "Đặt cọc 1.000.000 đồng");
    assert_eq!(inst[0]["overdue"], true, "due yesterday, nothing paid");
    assert_eq!(inst[1]["overdue"], false);
    assert_eq!(dec(&inst[0]["paid"]), dec!(0));

    // No receipts before approval.
    let r = fx.record_receipt(oid, "1000000").await;
    r.assert_problem_type(409, "wrong-state");

    fx.approve(oid).await;

    // --- Visibility: a colleague of the same department sees nothing ---
    for path in [
        format!("/api/v1/orders/{oid}"),
        format!("/api/v1/orders/{oid}/progress"),
        format!("/api/v1/orders/{oid}/payment-plan"),
        format!("/api/v1/orders/{oid}/receipts"),
        format!("/api/v1/orders/{oid}/outbound-requests"),
        format!("/api/v1/orders/{oid}/shipments"),
    ] {
        fx.crm
            .get(&path, Some(&fx.colleague))
            .await
            .assert_problem_type(404, "not-found");
    }
    let r = fx
        .crm
        .post(
            &format!("/api/v1/orders/{oid}/outbound-requests"),
            Some(&fx.colleague),
            &json!({ "lines": [{ "order_line_id": line_a, "quantity": "1" }] }),
        )
        .await;
    r.assert_problem_type(404, "not-found");
    let r = fx
        .crm
        .put(
            &plan_path,
            Some(&fx.colleague),
            &json!({ "instalments": [{ "due_date": later, "amount": "2750000" }] }),
        )
        .await;
    r.assert_problem_type(404, "not-found");
    // The manager of the department sees it.
    let r = fx
        .crm
        .get(&format!("/api/v1/orders/{oid}/progress"), Some(&fx.manager))
        .await;
    assert_status(&r, 200);
    // Writes need a seller's role.
    let r = fx
        .crm
        .post(
            &format!("/api/v1/orders/{oid}/receipts"),
            Some(&fx.keeper),
            &json!({ "amount": "1", "received_on": today, "method": "cash" }),
        )
        .await;
    r.assert_problem_type(403, "forbidden");

    // --- Receipts ---
    let r = fx.record_receipt(oid, "2750001").await;
    r.assert_invalid_fields(&["amount"]);
    let r = fx.record_receipt(oid, "10.5").await;
    r.assert_invalid_fields(&["amount"]);
    let r = fx
        .crm
        .post(
            &format!("/api/v1/orders/{oid}/receipts"),
            Some(&fx.seller),
            &json!({ "amount": "1000", "received_on": today + Days::days(2), "method": "crypto" }),
        )
        .await;
    r.assert_invalid_fields(&["method"]);
    let r = fx
        .crm
        .post(
            &format!("/api/v1/orders/{oid}/receipts"),
            Some(&fx.seller),
            &json!({ "amount": "1000", "received_on": today + Days::days(2), "method": "cash" }),
        )
        .await;
    r.assert_invalid_fields(&["received_on"]);

    let r = fx.record_receipt(oid, "1000000").await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "recorded");
    assert_eq!(r.body["order_number"], json!(number));
    assert_eq!(r.body["method"], "bank_transfer");
    assert!(r.body["number"].as_str().unwrap().starts_with("RC-"), "{}", r.body);
    let deposit = id_of(&r.body);
    // Recorded money counts against the total: 1 750 001 more would be too much.
    let r = fx.record_receipt(oid, "1750001").await;
    r.assert_invalid_fields(&["amount"]);

    // Finance's work list.
    let r = fx.crm.get("/api/v1/receipts?status=recorded", Some(&fx.finance)).await;
    assert_status(&r, 200);
    assert!(items_of(&r.body).iter().any(|x| id_of(x) == deposit), "{}", r.body);
    let r = fx
        .crm
        .get("/api/v1/receipts?status=recorded", Some(&fx.colleague))
        .await;
    assert_status(&r, 200);
    assert!(items_of(&r.body).is_empty(), "a colleague sees none: {}", r.body);
    let r = fx.crm.get("/api/v1/receipts?status=paid", Some(&fx.finance)).await;
    r.assert_invalid_fields(&["status"]);

    // Only a finance manager decides.
    fx.decide_receipt(deposit, "confirm", &fx.seller, None)
        .await
        .assert_problem_type(403, "forbidden");
    fx.decide_receipt(deposit, "confirm", &fx.manager, None)
        .await
        .assert_problem_type(403, "forbidden");
    let r = fx
        .decide_receipt(deposit, "confirm", &fx.finance, Some("đã nhận tiền"))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "confirmed");
    assert_eq!(r.body["decision_comment"], "đã nhận tiền");
    fx.decide_receipt(deposit, "confirm", &fx.finance, None)
        .await
        .assert_problem_type(409, "wrong-state");
    fx.decide_receipt(deposit, "reject", &fx.finance, Some("nhầm"))
        .await
        .assert_problem_type(409, "wrong-state");
    let confirmed: Vec<Value> = fx
        .crm
        .outbox("crm.receipt.confirmed")
        .await
        .into_iter()
        .filter(|e| e["receipt_id"] == json!(deposit))
        .collect();
    assert_eq!(confirmed.len(), 1, "{confirmed:?}");
    let e = &confirmed[0];
    assert_eq!(e["order_id"], json!(oid));
    assert_eq!(e["order_number"], json!(number));
    assert_eq!(e["customer_id"], json!(customer));
    assert_eq!(e["currency"], "VND");
    assert_eq!(dec(&e["amount"]), dec!(1000000));
    assert_eq!(e["method"], "bank_transfer");
    assert_eq!(e["reference"], "UNC 0001 Vietcombank");

    // A second receipt, rejected: a comment is required.
    let r = fx.record_receipt(oid, "500000").await;
    assert_status(&r, 201);
    let bounced = id_of(&r.body);
    fx.decide_receipt(bounced, "reject", &fx.finance, None)
        .await
        .assert_invalid_fields(&["comment"]);
    let r = fx
        .decide_receipt(bounced, "reject", &fx.finance, Some("không thấy tiền về tài khoản"))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "rejected");
    fx.decide_receipt(bounced, "confirm", &fx.finance, None)
        .await
        .assert_problem_type(409, "wrong-state");

    // The deposit pays the first instalment; nothing is overdue any more.
    let r = fx.crm.get(&plan_path, Some(&fx.seller)).await;
    assert_status(&r, 200);
    assert_eq!(dec(&r.body["paid"]), dec!(1000000));
    let inst = r.body["instalments"].as_array().unwrap();
    assert_eq!(dec(&inst[0]["paid"]), dec!(1000000));
    assert_eq!(inst[0]["overdue"], false);
    assert_eq!(dec(&inst[1]["paid"]), dec!(0));
    assert_eq!(dec(&inst[1]["outstanding"]), dec!(1750000));
    let r = fx
        .crm
        .get(&format!("/api/v1/orders/{oid}/receipts"), Some(&fx.seller))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 2);

    let p = fx.progress(oid).await;
    assert_eq!(p["status"], "approved");
    assert_eq!(dec(&p["money"]["total"]), dec!(2750000));
    assert_eq!(dec(&p["money"]["paid"]), dec!(1000000));
    assert_eq!(dec(&p["money"]["unpaid"]), dec!(1750000));
    assert_eq!(line_state(&p, 0), (dec!(10), dec!(0), dec!(0), dec!(0)));

    // --- Outbound request ---
    let r = fx
        .request(oid, json!([{ "order_line_id": line_a, "quantity": "11" }]))
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);
    let r = fx
        .request(
            oid,
            json!([
                { "order_line_id": line_a, "quantity": "0" },
                { "order_line_id": Uuid::now_v7(), "quantity": "1" }
            ]),
        )
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);
    let r = fx
        .request(
            oid,
            json!([
                { "order_line_id": line_a, "quantity": "1" },
                { "order_line_id": Uuid::now_v7(), "quantity": "1" },
                { "order_line_id": line_a, "quantity": "1" }
            ]),
        )
        .await;
    r.assert_invalid_fields(&["lines[1].order_line_id", "lines[2].order_line_id"]);
    let r = fx.request(oid, json!([])).await;
    r.assert_invalid_fields(&["lines"]);

    let r = fx
        .request(
            oid,
            json!([
                { "order_line_id": line_a, "quantity": "6" },
                { "order_line_id": line_b, "quantity": "5" }
            ]),
        )
        .await;
    assert_status(&r, 201);
    let first = r.body.clone();
    let first_id = id_of(&first);
    assert!(first["number"].as_str().unwrap().starts_with("OR-"), "{first}");
    assert_eq!(first["status"], "open");
    assert_eq!(first["lines"].as_array().unwrap().len(), 2);
    // Partial: 4 of line A are left to request.
    let r = fx
        .request(oid, json!([{ "order_line_id": line_a, "quantity": "4.0001" }]))
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);
    let r = fx.crm.get(&format!("/api/v1/orders/{oid}"), Some(&fx.seller)).await;
    assert_eq!(r.body["status"], "in_fulfilment");
    let p = fx.progress(oid).await;
    assert_eq!(line_state(&p, 0), (dec!(10), dec!(6), dec!(0), dec!(0)));
    assert_eq!(line_state(&p, 1), (dec!(5), dec!(5), dec!(0), dec!(0)));
    let published: Vec<Value> = fx
        .crm
        .outbox("crm.outbound.requested")
        .await
        .into_iter()
        .filter(|e| e["request_id"] == json!(first_id))
        .collect();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0]["order_number"], json!(number));
    assert_eq!(published[0]["customer_name"], "Công ty TNHH Ánh Dương");
    assert_eq!(published[0]["lines"][0]["line_id"], first["lines"][0]["id"]);
    assert_eq!(published[0]["lines"][0]["order_line_id"], json!(line_a));
    assert_eq!(published[0]["lines"][0]["item_id"], json!(pump));
    assert_eq!(dec(&published[0]["lines"][0]["quantity"]), dec!(6));

    // Nothing issued yet: nothing to ship.
    let r = fx
        .ship(oid, json!([{ "order_line_id": line_a, "quantity": "1" }]))
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);

    // --- The warehouse issues all of A and the 3 motors it has ---
    let note = fx.note_for(first_id).await;
    assert_eq!(note["source_kind"], "crm.outbound_request");
    assert_eq!(note["party"], "Công ty TNHH Ánh Dương");
    let (req_a, req_b) = if first["lines"][0]["order_line_id"] == json!(line_a) {
        (&first["lines"][0]["id"], &first["lines"][1]["id"])
    } else {
        (&first["lines"][1]["id"], &first["lines"][0]["id"])
    };
    let (note_a, note_b) = (Fx::note_line(&note, req_a), Fx::note_line(&note, req_b));
    let confirmed = fx
        .confirm_note(
            &note,
            json!([{ "line_id": note_a, "quantity": "6" }, { "line_id": note_b, "quantity": "3" }]),
        )
        .await;
    assert_eq!(confirmed["status"], "partially_issued");
    let p = fx
        .progress_until(oid, "issued 6 and 3", |p| {
            dec(&p["lines"][0]["issued"]) == dec!(6) && dec(&p["lines"][1]["issued"]) == dec!(3)
        })
        .await;
    assert_eq!(line_state(&p, 0), (dec!(10), dec!(6), dec!(6), dec!(0)));
    assert_eq!(line_state(&p, 1), (dec!(5), dec!(5), dec!(3), dec!(0)));
    assert_eq!(dec(&p["totals"]["issued"]), dec!(9));
    let r = fx.crm.get(&format!("/api/v1/orders/{oid}"), Some(&fx.seller)).await;
    assert_eq!(dec(&r.body["lines"][0]["issued"]), dec!(6));
    let r = fx
        .crm
        .get(&format!("/api/v1/orders/{oid}/outbound-requests"), Some(&fx.seller))
        .await;
    assert_status(&r, 200);
    let req = &r.body[0];
    assert_eq!(req["status"], "partially_issued");
    assert!(req["note_number"].as_str().is_some(), "{req}");
    // The note it became, read at the warehouse by its id.
    let reported = fx
        .wh
        .get(
            &format!("/api/v1/outbound-notes/{}", req["note_id"].as_str().unwrap()),
            Some(&fx.keeper),
        )
        .await;
    assert_status(&reported, 200);
    assert_eq!(reported.body["number"], req["note_number"]);
    let issued_a = req["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == *req_a)
        .unwrap();
    assert_eq!(dec(&issued_a["issued"]), dec!(6));
    assert!(dec(&issued_a["issued_cost"]) > dec!(0), "{issued_a}");

    // The keeper gives up on the 2 missing motors: they may be requested again.
    let r = fx
        .wh
        .post(
            &format!("/api/v1/outbound-notes/{}/cancel-rest", id_of(&note)),
            Some(&fx.keeper),
            &json!({ "reason": "hết hàng, chờ nhập" }),
        )
        .await;
    assert_status(&r, 200);
    let p = fx
        .progress_until(oid, "motors no longer requested", |p| {
            dec(&p["lines"][1]["requested"]) == dec!(3)
        })
        .await;
    assert_eq!(line_state(&p, 1), (dec!(5), dec!(3), dec!(3), dec!(0)));
    let r = fx
        .crm
        .get(&format!("/api/v1/outbound-requests/{first_id}"), Some(&fx.seller))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "issued");
    let cancelled_b = r.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == *req_b)
        .unwrap();
    assert_eq!(dec(&cancelled_b["cancelled"]), dec!(2));

    // --- Shipment ---
    let r = fx
        .ship(oid, json!([{ "order_line_id": line_a, "quantity": "7" }]))
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);
    let r = fx
        .crm
        .post(
            &format!("/api/v1/orders/{oid}/shipments"),
            Some(&fx.seller),
            &json!({ "carrier": " ", "lines": [{ "order_line_id": line_a, "quantity": "1" }] }),
        )
        .await;
    r.assert_invalid_fields(&["carrier"]);
    let r = fx
        .crm
        .post(
            &format!("/api/v1/orders/{oid}/shipments"),
            Some(&fx.colleague),
            &json!({ "carrier": "GHN", "lines": [{ "order_line_id": line_a, "quantity": "1" }] }),
        )
        .await;
    r.assert_problem_type(404, "not-found");
    let r = fx
        .ship(
            oid,
            json!([{ "order_line_id": line_a, "quantity": "6" }, { "order_line_id": line_b, "quantity": "3" }]),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "shipped");
    assert_eq!(r.body["carrier"], "Viettel Post");
    assert_eq!(r.body["tracking_number"], "VTP123456789");
    let shipment = id_of(&r.body);
    let p = fx.progress(oid).await;
    assert_eq!(line_state(&p, 0), (dec!(10), dec!(6), dec!(6), dec!(6)));
    assert_eq!(line_state(&p, 1), (dec!(5), dec!(3), dec!(3), dec!(3)));
    assert_eq!(dec(&p["totals"]["shipped"]), dec!(9));
    assert_eq!(dec(&p["totals"]["delivered"]), dec!(0));
    assert_eq!(p["status"], "in_fulfilment");
    // Shipped is shipped: nothing more of A until the warehouse issues more.
    let r = fx
        .ship(oid, json!([{ "order_line_id": line_a, "quantity": "1" }]))
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);

    // --- Delivery ---
    let deliver = format!("/api/v1/shipments/{shipment}/deliver");
    let r = fx
        .crm
        .post(
            &deliver,
            Some(&fx.seller),
            &json!({ "delivered_at": Utc::now() + Days::days(1), "signed_delivery_note_ref": "" }),
        )
        .await;
    r.assert_invalid_fields(&["delivered_at", "signed_delivery_note_ref"]);
    let r = fx
        .crm
        .post(
            &deliver,
            Some(&fx.colleague),
            &json!({ "delivered_at": Utc::now(), "signed_delivery_note_ref": "x" }),
        )
        .await;
    r.assert_problem_type(404, "not-found");
    let delivered_at = Utc::now();
    let r = fx
        .crm
        .post(
            &deliver,
            Some(&fx.seller),
            &json!({ "delivered_at": delivered_at, "signed_delivery_note_ref": "files/BBGN-0001-ky-nhan.pdf" }),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "delivered");
    assert_eq!(r.body["signed_delivery_note_ref"], "files/BBGN-0001-ky-nhan.pdf");
    let r = fx
        .crm
        .post(
            &deliver,
            Some(&fx.seller),
            &json!({ "delivered_at": delivered_at, "signed_delivery_note_ref": "again" }),
        )
        .await;
    r.assert_problem_type(409, "wrong-state");
    let events: Vec<Value> = fx
        .crm
        .outbox("crm.shipment.delivered")
        .await
        .into_iter()
        .filter(|e| e["shipment_id"] == json!(shipment))
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e["order_id"], json!(oid));
    assert_eq!(e["order_number"], json!(number));
    assert_eq!(e["customer_id"], json!(customer));
    assert_eq!(e["signed_delivery_note_ref"], "files/BBGN-0001-ky-nhan.pdf");
    let lines = e["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let a = lines.iter().find(|l| l["order_line_id"] == json!(line_a)).unwrap();
    assert_eq!(a["item_id"], json!(pump));
    assert_eq!(dec(&a["quantity"]), dec!(6));
    let p = fx.progress(oid).await;
    assert_eq!(dec(&p["lines"][0]["delivered"]), dec!(6));
    assert_eq!(dec(&p["totals"]["delivered"]), dec!(9));

    // --- The rest: request, issue, ship; then the last money completes the order ---
    let r = fx
        .wh
        .post(
            "/api/v1/stock/adjustments",
            Some(&fx.keeper),
            &json!({ "warehouse_id": fx.main, "reason": "nhập bổ sung", "lines": [{ "item_id": motor, "quantity": "2" }] }),
        )
        .await;
    assert_status(&r, 201);
    let r = fx
        .request(
            oid,
            json!([
                { "order_line_id": line_a, "quantity": "4" },
                { "order_line_id": line_b, "quantity": "2" }
            ]),
        )
        .await;
    assert_status(&r, 201);
    let second = r.body.clone();
    let note = fx.note_for(id_of(&second)).await;
    let lines: Vec<Value> = second["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({ "line_id": Fx::note_line(&note, &l["id"]), "quantity": l["quantity"] }))
        .collect();
    let confirmed = fx.confirm_note(&note, Value::Array(lines)).await;
    assert_eq!(confirmed["status"], "issued");
    fx.progress_until(oid, "everything issued", |p| dec(&p["totals"]["issued"]) == dec!(15))
        .await;
    let r = fx
        .ship(
            oid,
            json!([{ "order_line_id": line_a, "quantity": "4" }, { "order_line_id": line_b, "quantity": "2" }]),
        )
        .await;
    assert_status(&r, 201);
    let p = fx.progress(oid).await;
    assert_eq!(line_state(&p, 0), (dec!(10), dec!(10), dec!(10), dec!(10)));
    assert_eq!(line_state(&p, 1), (dec!(5), dec!(5), dec!(5), dec!(5)));
    assert_eq!(p["status"], "in_fulfilment", "shipped but not paid");
    let r = fx
        .request(oid, json!([{ "order_line_id": line_a, "quantity": "1" }]))
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);

    let r = fx.record_receipt(oid, "1750000").await;
    assert_status(&r, 201);
    let rest = id_of(&r.body);
    let r = fx.decide_receipt(rest, "confirm", &fx.finance, None).await;
    assert_status(&r, 200);
    let p = fx.progress(oid).await;
    assert_eq!(p["status"], "completed");
    assert_eq!(dec(&p["money"]["paid"]), dec!(2750000));
    assert_eq!(dec(&p["money"]["unpaid"]), dec!(0));
    assert_eq!(dec(&p["totals"]["ordered"]), dec!(15));
    assert_eq!(dec(&p["totals"]["shipped"]), dec!(15));
    assert_eq!(dec(&p["totals"]["invoiced"]), dec!(0));
    let r = fx.crm.get(&plan_path, Some(&fx.finance)).await;
    assert!(
        r.body["instalments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| dec(&i["outstanding"]).is_zero())
    );

    // A completed order takes no more requests, receipts or plan changes.
    let r = fx
        .request(oid, json!([{ "order_line_id": line_a, "quantity": "1" }]))
        .await;
    r.assert_problem_type(409, "wrong-state");
    let r = fx.record_receipt(oid, "1").await;
    r.assert_problem_type(409, "wrong-state");
    let r = fx
        .crm
        .put(
            &plan_path,
            Some(&fx.seller),
            &json!({ "instalments": [{ "due_date": later, "amount": "2750000" }] }),
        )
        .await;
    r.assert_problem_type(409, "wrong-state");
}

/// A warehouse confirmation delivered twice counts once (the inbox), and one for a request crm
/// does not know, or from another source, changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_confirmations_count_once_and_never_above_requested() {
    use erp_contracts::warehouse::{IssuedLine, OutboundConfirmed, SourceRef};
    let fx = fixture().await;
    let pump = fx.stocked_item("BOM-C", "100000", "100").await;
    let motor = fx.stocked_item("BOM-D", "120000", "100").await;
    let customer = fx.customer().await;
    let order = fx.draft_order(customer, pump, motor).await;
    let oid = id_of(&order);
    let line_a = id_of(&order["lines"][0]);
    fx.approve(oid).await;
    let r = fx
        .request(oid, json!([{ "order_line_id": line_a, "quantity": "4" }]))
        .await;
    assert_status(&r, 201);
    let request = r.body.clone();
    // Let the warehouse make its note first, so that only our hand-made events move crm.
    fx.note_for(id_of(&request)).await;

    let confirmation = |qty: Decimal| OutboundConfirmed {
        note_id: Uuid::now_v7(),
        note_number: "OUT-2026-999999".into(),
        source: SourceRef {
            kind: "crm.outbound_request".into(),
            id: id_of(&request),
            number: None,
        },
        warehouse_id: fx.main,
        lines: vec![IssuedLine {
            line_id: Uuid::now_v7(),
            source_line_id: Some(id_of(&request["lines"][0])),
            item_id: pump,
            quantity: qty,
            unit_cost: dec!(100000),
        }],
        status: "partially_issued".into(),
    };
    let envelope = fx.crm.publish_event("warehouse", &confirmation(dec!(3))).await;
    fx.progress_until(oid, "3 issued", |p| dec(&p["lines"][0]["issued"]) == dec!(3))
        .await;
    // The same envelope again, then half a pump: 3.5, not 4 (the duplicate would add 1).
    fx.crm.publish_envelope(&envelope).await;
    fx.crm.publish_event("warehouse", &confirmation(dec!(0.5))).await;
    fx.progress_until(oid, "3.5 issued", |p| dec(&p["lines"][0]["issued"]) == dec!(3.5))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(dec(&fx.progress(oid).await["lines"][0]["issued"]), dec!(3.5));
    // More than was requested: capped at the 4 requested.
    fx.crm.publish_event("warehouse", &confirmation(dec!(5))).await;
    // Another source, an unknown request: ignored.
    let mut foreign = confirmation(dec!(1));
    foreign.source.kind = "production.requisition".into();
    fx.crm.publish_event("warehouse", &foreign).await;
    let mut unknown = confirmation(dec!(1));
    unknown.source.id = Uuid::now_v7();
    fx.crm.publish_event("warehouse", &unknown).await;
    let p = fx
        .progress_until(oid, "4 issued", |p| dec(&p["lines"][0]["issued"]) == dec!(4))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = fx.progress(oid).await;
    assert_eq!(line_state(&again, 0), line_state(&p, 0));
    assert_eq!(line_state(&again, 0), (dec!(10), dec!(4), dec!(4), dec!(0)));
    let r = fx
        .crm
        .get(
            &format!("/api/v1/outbound-requests/{}", id_of(&request)),
            Some(&fx.seller),
        )
        .await;
    assert_eq!(dec(&r.body["lines"][0]["issued"]), dec!(4));
    assert_eq!(dec(&r.body["lines"][0]["issued_cost"]), dec!(400000));
}
