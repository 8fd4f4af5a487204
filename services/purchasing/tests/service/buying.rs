//! Buying against the real PostgreSQL and RabbitMQ: warehouse shortages become draft requests
//! (once per note line), requests approved by the purchasing manager, three supplier quotations
//! compared and the choice reviewed by project control, purchase orders made per supplier and
//! approved through the authority matrix by amount; who may do what; validation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use erp_auth::{CurrentUser, Role};
use erp_contracts::warehouse::{ItemChanged, SourceRef, StockShortage};
use erp_testkit::{Resp, TestEnv, TestService, eventually, fixtures};
use erp_testkit::{dec, id_of};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

struct People {
    buyer: CurrentUser,
    manager: CurrentUser,
    gm: CurrentUser,
    controller: CurrentUser,
    keeper: CurrentUser,
    technical: CurrentUser,
    seller: CurrentUser,
}

struct World {
    svc: TestService,
    env: TestEnv,
    p: People,
    /// Two active items and an inactive one.
    bolt: Uuid,
    cable: Uuid,
    retired: Uuid,
}

fn person(name: &str, roles: &[Role], department: Uuid) -> CurrentUser {
    fixtures::person(name).roles(roles).department(department).build()
}

fn today() -> String {
    erp_calendar::today().to_string()
}

fn item(id: Uuid, sku: &str, name: &str, unit: &str, active: bool) -> ItemChanged {
    fixtures::item(sku, name).id(id).unit(unit).active(active).build()
}

async fn world() -> World {
    let env = TestEnv::new();
    let svc = env.start(purchasing::service()).await;
    let dept = Uuid::now_v7();
    let p = People {
        buyer: person("buyer", &[Role::Purchaser], dept),
        manager: person("manager", &[Role::PurchasingManager], dept),
        gm: person("gm", &[Role::GeneralManager], dept),
        controller: person("controller", &[Role::ProjectController], dept),
        keeper: person("keeper", &[Role::WarehouseKeeper], dept),
        technical: person("technical", &[Role::Technical], dept),
        seller: person("seller", &[Role::Sales], dept),
    };
    let rows = [
        &p.buyer,
        &p.manager,
        &p.gm,
        &p.controller,
        &p.keeper,
        &p.technical,
        &p.seller,
    ]
    .iter()
    .map(|u| fixtures::employee_changed(u, "MH", "Phòng Mua Hàng"))
    .collect();
    svc.apply_employees(rows).await;
    let (bolt, cable, retired) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    for it in [
        item(bolt, "BU-LONG-M12", "Bu lông M12", "pcs", true),
        item(cable, "CAP-DIEN-3X4", "Cáp điện 3x4", "m", true),
        item(retired, "OLD-01", "Retired part", "pcs", false),
    ] {
        svc.publish_event("warehouse", &it).await;
    }
    let token = env.token(&[Role::Purchaser]);
    let seen = eventually(Duration::from_secs(15), &mut || async {
        let r = svc.get("/api/v1/catalogue/items", Some(&token)).await;
        r.body["items"].as_array().is_some_and(|a| a.len() == 3).then_some(())
    })
    .await;
    assert!(seen.is_some(), "the items reached purchasing's catalogue");
    World {
        svc,
        env,
        p,
        bolt,
        cable,
        retired,
    }
}

impl World {
    fn token(&self, who: &CurrentUser) -> String {
        self.env.token_for(who)
    }

    async fn post(&self, who: &CurrentUser, path: &str, body: &Value) -> Resp {
        self.svc.post(path, Some(&self.token(who)), body).await
    }

    async fn get(&self, who: &CurrentUser, path: &str) -> Resp {
        self.svc.get(path, Some(&self.token(who))).await
    }

    async fn supplier(&self, code: &str, name: &str) -> Uuid {
        let r = self
            .post(
                &self.p.buyer,
                "/api/v1/suppliers",
                &json!({"code": code, "name": name, "currency": "VND", "tax_number": "0301234567",
                        "payment_terms": "30% đặt cọc, 70% trong 30 ngày", "payment_days": 30, "rating": 4,
                        "contacts": [{"name": "Nguyễn Văn An", "title": "Sales", "phone": "0903 111 222",
                                      "email": "An@Example.vn"}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        id_of(&r.body)
    }

    /// A request of `who` for 10 bolts and 2.5 m of cable, submitted and approved by the
    /// purchasing manager.
    async fn approved_request(&self, who: &CurrentUser) -> Value {
        let r = self
            .post(
                who,
                "/api/v1/purchase-requests",
                &json!({"needed_by": "2099-06-30", "note": "Vật tư cho công trình",
                        "lines": [{"item_id": self.bolt, "quantity": "10"},
                                  {"item_id": self.cable, "quantity": "2.5", "note": "loại chống cháy"}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = id_of(&r.body);
        let r = self.act(who, &format!("/api/v1/purchase-requests/{id}/submit")).await;
        assert_eq!(r.body["status"], "pending_approval", "{:?}", r.body);
        let r = self
            .act(&self.p.manager, &format!("/api/v1/purchase-requests/{id}/approve"))
            .await;
        assert_eq!(r.body["status"], "approved", "{:?}", r.body);
        r.body
    }

    async fn act(&self, who: &CurrentUser, path: &str) -> Resp {
        self.post(who, path, &json!({})).await
    }

    async fn quote(&self, request: &Value, supplier: Uuid, bolt_price: &str, cable_price: &str, lead: i32) -> Resp {
        let id = id_of(request);
        let lines = request["lines"].as_array().unwrap();
        self.post(
            &self.p.buyer,
            &format!("/api/v1/purchase-requests/{id}/quotations"),
            &json!({"supplier_id": supplier, "reference": "BG-01", "quoted_on": today(), "valid_until": "2099-01-31",
                    "lead_time_days": lead, "terms": "giao tại kho",
                    "lines": [{"request_line_id": lines[0]["id"], "unit_price": bolt_price, "tax_rate_pct": "10"},
                              {"request_line_id": lines[1]["id"], "unit_price": cable_price, "tax_rate_pct": "10"}]}),
        )
        .await
    }

    async fn outbox_order(&self, order_id: Uuid) -> Vec<Value> {
        self.svc
            .outbox("purchasing.order.approved")
            .await
            .into_iter()
            .filter(|e| e["order_id"] == json!(order_id))
            .collect()
    }
}

/// The event ids purchasing's inbox has recorded.
async fn inbox(svc: &TestService) -> Vec<Uuid> {
    use erp_bus::schema::bus_inbox;
    erp_db::with_conn(&svc.pool, |c| {
        Ok(bus_inbox::table.select(bus_inbox::event_id).load::<Uuid>(c)?)
    })
    .await
    .unwrap()
}

fn shortage(item: Uuid, note_line: Uuid, missing: &str) -> StockShortage {
    StockShortage {
        item_id: item,
        sku: "BU-LONG-M12".into(),
        warehouse_id: Uuid::now_v7(),
        quantity_missing: Decimal::from_str(missing).unwrap(),
        source: SourceRef {
            kind: "crm.outbound_request".into(),
            id: Uuid::now_v7(),
            number: Some("OUT-2026-000007".into()),
        },
        note_id: Uuid::now_v7(),
        note_line_id: note_line,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shortage_becomes_exactly_one_draft_request_however_often_it_arrives() {
    let w = world().await;
    let line = Uuid::now_v7();
    let event = shortage(w.bolt, line, "7.5");
    let first = w.svc.publish_event("warehouse", &event).await;
    // The same envelope redelivered, and the same shortage published again as a new envelope.
    w.svc.publish_envelope(&first).await;
    let again = w.svc.publish_event("warehouse", &event).await;
    let other = w
        .svc
        .publish_event("warehouse", &shortage(w.cable, Uuid::now_v7(), "3"))
        .await;
    let handled = eventually(Duration::from_secs(15), &mut || async {
        let seen = inbox(&w.svc).await;
        [first.id, again.id, other.id]
            .iter()
            .all(|id| seen.contains(id))
            .then_some(())
    })
    .await;
    assert!(handled.is_some(), "the shortages were handled");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let r = w
        .get(&w.p.keeper, "/api/v1/purchase-requests?source=stock_shortage")
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "one request per note line: {:?}", r.body);
    let mine = items
        .iter()
        .find(|i| i["source_ref"]["note_line_id"] == json!(line))
        .expect("the request of the first note line");
    assert_eq!(mine["status"], "draft");
    assert_eq!(mine["source"], "stock_shortage");
    assert_eq!(mine["requested_by"], "service:warehouse");
    assert_eq!(mine["source_ref"]["note_id"], json!(event.note_id));
    assert_eq!(mine["source_ref"]["warehouse_id"], json!(event.warehouse_id));
    assert_eq!(mine["source_ref"]["source"]["number"], "OUT-2026-000007");
    let d = w
        .get(&w.p.buyer, &format!("/api/v1/purchase-requests/{}", id_of(mine)))
        .await;
    assert_eq!(d.status, 200, "{:?}", d.body);
    let lines = d.body["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["item_id"], json!(w.bolt));
    assert_eq!(dec(&lines[0]["quantity"]), Decimal::from_str("7.5").unwrap());
    assert_eq!(lines[0]["sku"], "BU-LONG-M12");

    // A purchaser completes the draft and submits it; the purchasing manager approves.
    let id = id_of(mine);
    let r = w
        .act(&w.p.buyer, &format!("/api/v1/purchase-requests/{id}/submit"))
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{:?}", r.body);
    let r = w
        .act(&w.p.manager, &format!("/api/v1/purchase-requests/{id}/approve"))
        .await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
    // The approval is decided only once.
    w.act(&w.p.manager, &format!("/api/v1/purchase-requests/{id}/approve"))
        .await
        .assert_problem(409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_request_to_purchase_order_through_three_quotations_and_project_control() {
    let w = world().await;
    let p = &w.p;

    // Nobody approves their own request: the purchasing manager's own goes to another manager.
    let r = w
        .post(
            &p.manager,
            "/api/v1/purchase-requests",
            &json!({"lines": [{"item_id": w.bolt, "quantity": "1"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let own = id_of(&r.body);
    w.act(&p.manager, &format!("/api/v1/purchase-requests/{own}/submit"))
        .await;
    let r = w
        .act(&p.manager, &format!("/api/v1/purchase-requests/{own}/approve"))
        .await;
    r.assert_problem(403);
    assert!(r.body["detail"].as_str().unwrap().contains("own"), "{:?}", r.body);

    // The buyer's request: submitted, not approvable by the buyer, approved by the manager.
    let r = w
        .post(
            &p.buyer,
            "/api/v1/purchase-requests",
            &json!({"needed_by": "2099-06-30",
                    "lines": [{"item_id": w.bolt, "quantity": "10"}, {"item_id": w.cable, "quantity": "2.5"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["source"], "manual");
    let id = id_of(&r.body);
    // A draft is edited with its version.
    let r = w
        .svc
        .put(
            &format!("/api/v1/purchase-requests/{id}"),
            Some(&w.token(&p.buyer)),
            &json!({"needed_by": "2099-06-30", "note": "bổ sung", "version": r.body["version"],
                    "lines": [{"item_id": w.bolt, "quantity": "10"}, {"item_id": w.cable, "quantity": "2.5"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["note"], "bổ sung");
    w.svc
        .put(
            &format!("/api/v1/purchase-requests/{id}"),
            Some(&w.token(&p.buyer)),
            &json!({"version": 1, "lines": [{"item_id": w.bolt, "quantity": "10"}]}),
        )
        .await
        .assert_problem_type(409, "stale-version");
    let r = w.act(&p.buyer, &format!("/api/v1/purchase-requests/{id}/submit")).await;
    assert_eq!(r.body["status"], "pending_approval", "{:?}", r.body);
    w.act(&p.buyer, &format!("/api/v1/purchase-requests/{id}/approve"))
        .await
        .assert_problem(403);
    // No quotations before approval.
    let s0 = w.supplier("NCC-00", "Công ty Sớm").await;
    let pending = w.get(&p.buyer, &format!("/api/v1/purchase-requests/{id}")).await.body;
    w.quote(&pending, s0, "1", "1", 1).await.assert_problem(409);
    let request = w
        .act(&p.manager, &format!("/api/v1/purchase-requests/{id}/approve"))
        .await
        .body;
    assert_eq!(request["status"], "approved", "{request:?}");

    // Three suppliers quote; the second quotation of one supplier is a 409.
    let s1 = w.supplier("NCC-01", "Công ty TNHH Thép Việt").await;
    let s2 = w.supplier("NCC-02", "Công ty Cổ phần Điện Sài Gòn").await;
    let s3 = w.supplier("NCC-03", "上海五金有限公司").await;
    let q1 = w.quote(&request, s1, "100000", "50000", 7).await;
    assert_eq!(q1.status, 201, "{:?}", q1.body);
    assert_eq!(dec(&q1.body["net"]), Decimal::from(1_125_000));
    assert_eq!(dec(&q1.body["tax"]), Decimal::from(112_500));
    assert_eq!(dec(&q1.body["total"]), Decimal::from(1_237_500));
    let q2 = w.quote(&request, s2, "95000", "60000", 14).await;
    assert_eq!(q2.status, 201, "{:?}", q2.body);
    let q3 = w.quote(&request, s3, "110000", "45000", 3).await;
    assert_eq!(q3.status, 201, "{:?}", q3.body);
    w.quote(&request, s1, "90000", "40000", 7)
        .await
        .assert_problem_type(409, "duplicate");
    // A line that is not the request's is a 422.
    let r = w
        .post(
            &p.buyer,
            &format!("/api/v1/purchase-requests/{id}/quotations"),
            &json!({"supplier_id": s0, "quoted_on": today(), "lead_time_days": 5,
                    "lines": [{"request_line_id": Uuid::now_v7(), "unit_price": "1"}]}),
        )
        .await;
    r.assert_invalid_fields(&["lines[0].request_line_id"]);

    // The comparison: per line each supplier's price with the cheapest marked; per supplier totals.
    let r = w
        .get(
            &p.controller,
            &format!("/api/v1/purchase-requests/{id}/quotations/comparison"),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let cmp = &r.body;
    assert_eq!(cmp["quotations"], 3);
    assert_eq!(cmp["enough_quotations"], true);
    let lines = cmp["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    let cheapest = |line: &Value| -> Vec<Value> {
        line["offers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["cheapest"] == true)
            .map(|o| o["supplier_id"].clone())
            .collect()
    };
    assert_eq!(lines[0]["offers"].as_array().unwrap().len(), 3);
    assert_eq!(cheapest(&lines[0]), vec![json!(s2)], "bolts: {:?}", lines[0]);
    assert_eq!(cheapest(&lines[1]), vec![json!(s3)], "cable: {:?}", lines[1]);
    let first = &lines[0]["offers"][0];
    assert_eq!(first["supplier_id"], json!(s2), "cheapest first");
    assert_eq!(dec(&first["net"]), Decimal::from(950_000));
    assert_eq!(first["lead_time_days"], 14);
    assert_eq!(first["terms"], "giao tại kho");
    let totals = cmp["suppliers"].as_array().unwrap();
    assert_eq!(totals.len(), 3);
    let best: Vec<&Value> = totals.iter().filter(|t| t["cheapest"] == true).collect();
    assert_eq!(best.len(), 1);
    assert_eq!(best[0]["supplier_id"], json!(s2));
    assert_eq!(dec(&best[0]["total"]), Decimal::from(1_210_000));

    // Three quotations: no reason needed. Project control reviews; the buyer cannot.
    let chosen = id_of(&q2.body);
    let r = w
        .post(
            &p.buyer,
            &format!("/api/v1/purchase-requests/{id}/selection"),
            &json!({"chosen_quotation_id": chosen, "note": "giá tốt nhất"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["status"], "pending_review");
    assert_eq!(r.body["quotations"], 3);
    w.act(&p.buyer, &format!("/api/v1/purchase-requests/{id}/selection/approve"))
        .await
        .assert_problem(403);
    // No orders before project control approved the choice.
    w.act(&p.buyer, &format!("/api/v1/purchase-requests/{id}/orders"))
        .await
        .assert_problem(409);
    let r = w
        .post(
            &p.controller,
            &format!("/api/v1/purchase-requests/{id}/selection/approve"),
            &json!({"comment": "đồng ý"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "approved");
    assert_eq!(r.body["approval"]["steps"][0]["approver_role"], "project_controller");
    assert_eq!(r.body["approval"]["steps"][0]["comment"], "đồng ý");

    // The orders: one for the chosen supplier at its prices; the request is ordered.
    let r = w.act(&p.buyer, &format!("/api/v1/purchase-requests/{id}/orders")).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let orders = r.body["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "one order per supplier");
    let po = &orders[0];
    assert_eq!(po["supplier_id"], json!(s2));
    assert_eq!(po["status"], "draft");
    assert_eq!(po["request_id"], json!(id));
    assert_eq!(po["quotation_id"], json!(chosen));
    assert_eq!(po["payment_days"], 30);
    assert_eq!(dec(&po["total"]), Decimal::from(1_210_000));
    let po_lines = po["lines"].as_array().unwrap();
    assert_eq!(po_lines.len(), 2);
    assert_eq!(po_lines[0]["request_line_id"], request["lines"][0]["id"]);
    assert_eq!(dec(&po_lines[0]["unit_price"]), Decimal::from(95_000));
    assert_eq!(po_lines[1]["unit"], "m");
    let r = w.get(&p.buyer, &format!("/api/v1/purchase-requests/{id}")).await;
    assert_eq!(r.body["status"], "ordered", "{:?}", r.body);
    assert_eq!(dec(&r.body["lines"][1]["ordered"]), Decimal::from_str("2.5").unwrap());
    w.act(&p.buyer, &format!("/api/v1/purchase-requests/{id}/orders"))
        .await
        .assert_problem(409);

    // Cancelling the order opens the request's lines again; ordering again makes a new one.
    let r = w
        .act(&p.buyer, &format!("/api/v1/purchase-orders/{}/cancel", id_of(po)))
        .await;
    assert_eq!(r.body["status"], "cancelled", "{:?}", r.body);
    let r = w.get(&p.buyer, &format!("/api/v1/purchase-requests/{id}")).await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
    assert_eq!(dec(&r.body["lines"][1]["ordered"]), Decimal::ZERO);
    let r = w.act(&p.buyer, &format!("/api/v1/purchase-requests/{id}/orders")).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let po = &r.body["orders"][0];
    assert_ne!(po["id"], orders[0]["id"]);
    assert_eq!(dec(&po["total"]), Decimal::from(1_210_000));
    let again = w.get(&p.buyer, &format!("/api/v1/purchase-requests/{id}")).await;
    assert_eq!(again.body["status"], "ordered", "{:?}", again.body);

    // The buyer submits; it cannot approve its own order; the purchasing manager approves.
    let po_id = id_of(po);
    let r = w
        .act(&p.buyer, &format!("/api/v1/purchase-orders/{po_id}/submit"))
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{:?}", r.body);
    w.act(&p.buyer, &format!("/api/v1/purchase-orders/{po_id}/approve"))
        .await
        .assert_problem(403);
    assert!(w.outbox_order(po_id).await.is_empty());
    let r = w
        .act(&p.manager, &format!("/api/v1/purchase-orders/{po_id}/approve"))
        .await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
    let events = w.outbox_order(po_id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["supplier_name"], "Công ty Cổ phần Điện Sài Gòn");
    assert_eq!(dec(&events[0]["total"]), Decimal::from(1_210_000));
    assert_eq!(events[0]["lines"].as_array().unwrap().len(), 2);
    assert_eq!(dec(&events[0]["lines"][0]["tax_rate"]), Decimal::from(10));
    let r = w.act(&p.buyer, &format!("/api/v1/purchase-orders/{po_id}/send")).await;
    assert_eq!(r.body["status"], "sent", "{:?}", r.body);
    let r = w
        .get(
            &p.keeper,
            &format!("/api/v1/purchase-orders?request_id={id}&status=sent"),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fewer_than_three_quotations_need_a_reason_the_reviewer_sees() {
    let w = world().await;
    let p = &w.p;
    let request = w.approved_request(&p.technical).await;
    let id = id_of(&request);
    let s1 = w.supplier("A-1", "Nhà cung cấp Một").await;
    let s2 = w.supplier("A-2", "Nhà cung cấp Hai").await;
    let q1 = w.quote(&request, s1, "100", "200", 5).await;
    assert_eq!(q1.status, 201, "{:?}", q1.body);
    assert_eq!(w.quote(&request, s2, "90", "210", 9).await.status, 201);
    let path = format!("/api/v1/purchase-requests/{id}/selection");
    let r = w
        .post(&p.buyer, &path, &json!({"chosen_quotation_id": id_of(&q1.body)}))
        .await;
    r.assert_invalid_fields(&["fewer_quotes_reason"]);
    assert!(r.body["detail"].as_str().unwrap().contains("only 2"), "{:?}", r.body);
    let r = w
        .post(
            &p.buyer,
            &path,
            &json!({"chosen_quotation_id": id_of(&q1.body), "fewer_quotes_reason": "  "}),
        )
        .await;
    r.assert_invalid_fields(&["fewer_quotes_reason"]);
    let reason = "Chỉ hai nhà cung cấp có hàng đạt chuẩn";
    let r = w
        .post(
            &p.buyer,
            &path,
            &json!({"chosen_quotation_id": id_of(&q1.body), "fewer_quotes_reason": reason}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    // A second choice while one waits is a 409; the reviewer sees the reason.
    w.post(
        &p.buyer,
        &path,
        &json!({"chosen_quotation_id": id_of(&q1.body), "fewer_quotes_reason": reason}),
    )
    .await
    .assert_problem(409);
    let r = w.get(&p.controller, &path).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["fewer_quotes_reason"], reason);
    assert_eq!(r.body["quotations"], 2);
    assert_eq!(r.body["chosen"]["supplier_id"], json!(s1));
    assert_eq!(r.body["approval"]["status"], "pending");
    assert_eq!(r.body["approval"]["steps"][0]["approver_role"], "project_controller");
    // The requester (technical) sees its request's selection too; a salesperson does not.
    assert_eq!(w.get(&p.technical, &path).await.status, 200);
    w.get(&p.seller, &path).await.assert_problem(404);
    // Project control rejects; a new choice may be made and approved.
    let r = w
        .post(
            &p.controller,
            &format!("{path}/reject"),
            &json!({"comment": "hỏi thêm giá"}),
        )
        .await;
    assert_eq!(r.body["status"], "rejected", "{:?}", r.body);
    let r = w
        .post(
            &p.buyer,
            &path,
            &json!({"chosen_quotation_id": id_of(&q1.body), "fewer_quotes_reason": reason}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = w.act(&p.controller, &format!("{path}/approve")).await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_above_one_hundred_million_need_the_purchasing_then_the_general_manager() {
    let w = world().await;
    let p = &w.p;
    let s = w.supplier("BIG-01", "Tổng công ty Máy").await;
    // 10 × 12,000,000 = 120,000,000 net, 10 % VAT.
    let r = w
        .post(
            &p.buyer,
            "/api/v1/purchase-orders",
            &json!({"supplier_id": s, "expected_arrival": "2099-03-01", "warehouse_id": Uuid::now_v7(),
                    "lines": [{"item_id": w.bolt, "quantity": "10", "unit_price": "12000000", "tax_rate_pct": "10"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(dec(&r.body["net"]), Decimal::from(120_000_000));
    assert_eq!(dec(&r.body["total"]), Decimal::from(132_000_000));
    assert_eq!(r.body["currency"], "VND");
    assert_eq!(r.body["payment_terms"], "30% đặt cọc, 70% trong 30 ngày");
    let id = id_of(&r.body);
    let version = r.body["version"].clone();
    // A draft is changed with its version.
    let r = w
        .svc
        .put(
            &format!("/api/v1/purchase-orders/{id}"),
            Some(&w.token(&p.buyer)),
            &json!({"supplier_id": s, "expected_arrival": "2099-03-01", "version": version, "payment_days": 45,
                    "lines": [{"item_id": w.bolt, "quantity": "10", "unit_price": "12000000", "tax_rate_pct": "10"},
                              {"item_id": w.cable, "quantity": "1.5", "unit_price": "33333", "tax_rate_pct": "8"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // 1.5 × 33,333 = 49,999.5 → 50,000; 8 % → 4,000.
    assert_eq!(dec(&r.body["net"]), Decimal::from(120_050_000));
    assert_eq!(dec(&r.body["tax"]), Decimal::from(12_004_000));
    assert_eq!(r.body["payment_days"], 45);

    let r = w.act(&p.buyer, &format!("/api/v1/purchase-orders/{id}/submit")).await;
    assert_eq!(r.body["status"], "pending_approval", "{:?}", r.body);
    let steps = r.body["approval"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "{:?}", r.body);
    // The general manager's step is not reached before the purchasing manager's.
    w.act(&p.gm, &format!("/api/v1/purchase-orders/{id}/approve"))
        .await
        .assert_problem(409);
    let r = w
        .act(&p.manager, &format!("/api/v1/purchase-orders/{id}/approve"))
        .await;
    assert_eq!(r.body["status"], "pending_approval", "{:?}", r.body);
    assert!(w.outbox_order(id).await.is_empty(), "not approved yet");
    w.act(&p.manager, &format!("/api/v1/purchase-orders/{id}/approve"))
        .await
        .assert_problem(409);
    let r = w.act(&p.gm, &format!("/api/v1/purchase-orders/{id}/approve")).await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
    let events = w.outbox_order(id).await;
    assert_eq!(events.len(), 1);
    assert_eq!(dec(&events[0]["total"]), Decimal::from(132_054_000));
    assert_eq!(events[0]["payment_days"], 45);
    assert_eq!(events[0]["expected_arrival"], "2099-03-01");
    // An approved order is no longer edited, and cancelled only before goods arrive.
    w.svc
        .put(
            &format!("/api/v1/purchase-orders/{id}"),
            Some(&w.token(&p.buyer)),
            &json!({"supplier_id": s, "expected_arrival": "2099-03-01", "version": 99,
                    "lines": [{"item_id": w.bolt, "quantity": "1", "unit_price": "1"}]}),
        )
        .await
        .assert_problem(409);
    let r = w.act(&p.buyer, &format!("/api/v1/purchase-orders/{id}/cancel")).await;
    assert_eq!(r.body["status"], "cancelled", "{:?}", r.body);

    // The purchasing manager's own order: the engine refuses its own approval.
    let r = w
        .post(
            &p.manager,
            "/api/v1/purchase-orders",
            &json!({"supplier_id": s, "expected_arrival": "2099-03-01",
                    "lines": [{"item_id": w.bolt, "quantity": "1", "unit_price": "1000"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let own = id_of(&r.body);
    w.act(&p.manager, &format!("/api/v1/purchase-orders/{own}/submit"))
        .await;
    let r = w
        .act(&p.manager, &format!("/api/v1/purchase-orders/{own}/approve"))
        .await;
    r.assert_problem(403);
    assert!(r.body["detail"].as_str().unwrap().contains("own"), "{:?}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suppliers_validation_and_who_may_do_what() {
    let w = world().await;
    let p = &w.p;
    let s = w.supplier("thep-01", "Công ty Thép Đông Á").await;
    // Codes are unique whatever their case; search ignores Vietnamese diacritics.
    let r = w
        .post(
            &p.buyer,
            "/api/v1/suppliers",
            &json!({"code": "THEP-01", "name": "Khác", "currency": "VND", "payment_terms": "ngay"}),
        )
        .await;
    r.assert_problem_type(409, "duplicate");
    let r = w.get(&p.seller, "/api/v1/suppliers?q=thep%20dong").await;
    assert_eq!(r.status, 200, "any employee reads suppliers: {:?}", r.body);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["items"][0]["contacts"][0]["email"], "an@example.vn");
    let r = w.get(&p.seller, "/api/v1/suppliers?q=nguyen%20van%20an").await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "contacts are searched");
    let r = w
        .post(
            &p.buyer,
            "/api/v1/suppliers",
            &json!({"code": "bad code!", "name": " ", "currency": "XYZ", "payment_terms": "", "rating": 6,
                    "payment_days": -1, "contacts": [{"name": "", "email": "nope"}]}),
        )
        .await;
    r.assert_invalid_fields(&[
        "code",
        "name",
        "currency",
        "payment_terms",
        "rating",
        "payment_days",
        "contacts[0].name",
        "contacts[0].email",
    ]);
    // Editing needs the version; deactivation stops new orders.
    let current = w.get(&p.buyer, &format!("/api/v1/suppliers/{s}")).await.body;
    let r = w
        .svc
        .put(
            &format!("/api/v1/suppliers/{s}"),
            Some(&w.token(&p.manager)),
            &json!({"code": "THEP-01", "name": "Công ty Thép Đông Á", "currency": "USD", "payment_terms": "net 30",
                    "payment_days": 30, "rating": 5, "version": current["version"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["currency"], "USD");
    let r = w.act(&p.buyer, &format!("/api/v1/suppliers/{s}/deactivate")).await;
    assert_eq!(r.body["active"], false);
    let r = w
        .post(
            &p.buyer,
            "/api/v1/purchase-orders",
            &json!({"supplier_id": s, "expected_arrival": "2099-01-01",
                    "lines": [{"item_id": w.bolt, "quantity": "1", "unit_price": "1"}]}),
        )
        .await;
    r.assert_invalid_fields(&["supplier_id"]);

    // Requests: items must be known and active, quantities positive with at most 4 decimals.
    let r = w
        .post(
            &p.keeper,
            "/api/v1/purchase-requests",
            &json!({"lines": [{"item_id": Uuid::now_v7(), "quantity": "1"},
                              {"item_id": w.retired, "quantity": "1"},
                              {"item_id": w.bolt, "quantity": "0"},
                              {"item_id": w.cable, "quantity": "1.00001"}]}),
        )
        .await;
    r.assert_invalid_fields(&[
        "lines[0].item_id",
        "lines[1].item_id",
        "lines[2].quantity",
        "lines[3].quantity",
    ]);
    w.post(&p.keeper, "/api/v1/purchase-requests", &json!({"lines": []}))
        .await
        .assert_invalid_fields(&["lines"]);
    w.post(
        &p.technical,
        "/api/v1/purchase-requests",
        &json!({"source": "technical_spec", "lines": [{"item_id": w.bolt, "quantity": "1"}]}),
    )
    .await
    .assert_invalid_fields(&["source_ref"]);
    let r = w
        .post(
            &p.technical,
            "/api/v1/purchase-requests",
            &json!({"source": "technical_spec", "source_ref": {"drawing": "BV-102"},
                    "lines": [{"item_id": w.bolt, "quantity": "4", "needed_by": "2099-01-01"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let technical_request = id_of(&r.body);
    // Someone else's request is not the warehouse keeper's to see; buyers see it.
    w.get(&p.keeper, &format!("/api/v1/purchase-requests/{technical_request}"))
        .await
        .assert_problem(404);
    assert_eq!(
        w.get(&p.buyer, &format!("/api/v1/purchase-requests/{technical_request}"))
            .await
            .status,
        200
    );
    // Cancelling withdraws the pending approval.
    w.act(
        &p.technical,
        &format!("/api/v1/purchase-requests/{technical_request}/submit"),
    )
    .await;
    let r = w
        .act(
            &p.technical,
            &format!("/api/v1/purchase-requests/{technical_request}/cancel"),
        )
        .await;
    assert_eq!(r.body["status"], "cancelled", "{:?}", r.body);
    w.act(
        &p.manager,
        &format!("/api/v1/purchase-requests/{technical_request}/approve"),
    )
    .await
    .assert_problem(409);
    w.get(&p.buyer, "/api/v1/purchase-requests?status=nonsense")
        .await
        .assert_invalid_fields(&["status"]);

    // Purchase orders: money rules per line, the arrival date is required.
    let s2 = w.supplier("MAY-02", "Công ty Máy").await;
    let r = w
        .post(
            &p.buyer,
            "/api/v1/purchase-orders",
            &json!({"supplier_id": s2, "currency": "JPY",
                    "lines": [{"item_id": w.bolt, "quantity": "-1", "unit_price": "-5", "tax_rate_pct": "101"}]}),
        )
        .await;
    r.assert_invalid_fields(&["expected_arrival"]);
    let r = w
        .post(
            &p.buyer,
            "/api/v1/purchase-orders",
            &json!({"supplier_id": s2, "expected_arrival": "2099-01-01",
                    "lines": [{"item_id": w.bolt, "quantity": "-1", "unit_price": "-5", "tax_rate_pct": "101"},
                              {"item_id": w.retired, "quantity": "1", "unit_price": "1"}]}),
        )
        .await;
    r.assert_invalid_fields(&[
        "lines[0].quantity",
        "lines[0].unit_price",
        "lines[0].tax_rate_pct",
        "lines[1].item_id",
    ]);

    // A salesperson buys nothing and sees no purchasing documents; no token is a 401.
    let seller = Some(w.token(&p.seller));
    let seller = seller.as_deref();
    for (path, body) in [
        (
            "/api/v1/suppliers",
            json!({"code": "X", "name": "X", "currency": "VND", "payment_terms": "x"}),
        ),
        (
            "/api/v1/purchase-requests",
            json!({"lines": [{"item_id": w.bolt, "quantity": "1"}]}),
        ),
        (
            "/api/v1/purchase-orders",
            json!({"supplier_id": s2, "expected_arrival": "2099-01-01",
                   "lines": [{"item_id": w.bolt, "quantity": "1", "unit_price": "1"}]}),
        ),
    ] {
        w.svc.post(path, seller, &body).await.assert_problem(403);
    }
    w.svc.get("/api/v1/purchase-requests", seller).await.assert_problem(403);
    w.svc.get("/api/v1/purchase-orders", seller).await.assert_problem(403);
    w.svc
        .get(&format!("/api/v1/purchase-requests/{technical_request}"), seller)
        .await
        .assert_problem(404);
    w.svc.get("/api/v1/purchase-orders", None).await.assert_problem(401);
}
