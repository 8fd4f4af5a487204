//! Quotations and orders through the authority matrix, against the real PostgreSQL and
//! RabbitMQ: who must approve what, in which order, and who may not; visibility; totals and the
//! total in words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_auth::{CurrentUser, Role};
use erp_testkit::dec;
use erp_testkit::{TestEnv, TestService, eventually, fixtures};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

struct People {
    seller: CurrentUser,
    colleague: CurrentUser,
    manager: CurrentUser,
    vp: CurrentUser,
    gm: CurrentUser,
}

struct World {
    crm: TestService,
    env: TestEnv,
    people: People,
    item: Uuid,
}

fn person(name: &str, roles: &[Role], department: Uuid, manager: Option<Uuid>) -> CurrentUser {
    let p = fixtures::person(name).roles(roles).department(department);
    match manager {
        Some(m) => p.manager(m).build(),
        None => p.build(),
    }
}

async fn world() -> World {
    let env = TestEnv::new();
    let crm = env.start(crm::service()).await;
    let dept = Uuid::now_v7();
    let manager = person("manager", &[Role::SalesManager], dept, None);
    let seller = person("seller", &[Role::Sales], dept, Some(manager.id));
    let colleague = person("colleague", &[Role::Sales], dept, Some(manager.id));
    let vp = person("vp", &[Role::VicePresident], dept, None);
    let gm = person("gm", &[Role::GeneralManager], dept, None);
    crm.add_to_directory(&[&manager, &seller, &colleague, &vp, &gm]).await;
    // The catalogue arrives from warehouse.
    let item = Uuid::now_v7();
    crm.publish_event(
        "warehouse",
        &fixtures::item("VAN-DN50", "Van bướm DN50")
            .id(item)
            .specification("PN16")
            .unit("pcs")
            .kind("product")
            .standard_cost(Decimal::from(600_000))
            .build(),
    )
    .await;
    let seen = eventually(Duration::from_secs(10), &mut || async {
        let r = crm
            .get("/api/v1/catalogue/items", Some(&env.token(&[Role::Sales])))
            .await;
        (r.body["items"].as_array().is_some_and(|a| !a.is_empty())).then_some(())
    })
    .await;
    assert!(seen.is_some(), "the item reached crm's catalogue");
    let w = World {
        crm,
        people: People {
            seller,
            colleague,
            manager,
            vp,
            gm,
        },
        env,
        item,
    };
    let r = w
        .crm
        .put(
            &format!("/api/v1/price-list/{item}/VND"),
            Some(&w.token(&w.people.manager)),
            &json!({"list_price": "1000000", "floor_price": "900000"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    w
}

impl World {
    fn token(&self, who: &CurrentUser) -> String {
        self.env.token_for(who)
    }

    async fn customer(&self, owner: &CurrentUser, credit_limit: &str, terms: &str) -> Uuid {
        let code = format!("KH{}", &Uuid::new_v4().simple().to_string()[..6]);
        let r = self
            .crm
            .post(
                "/api/v1/customers",
                Some(&self.token(owner)),
                &json!({"code": code, "name": "Công ty TNHH Đại Phát", "kind": "company", "currency": "VND",
                        "credit_limit": credit_limit, "payment_terms": terms, "payment_days": 30}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        Uuid::from_str(r.body["id"].as_str().unwrap()).unwrap()
    }

    async fn quotation(&self, owner: &CurrentUser, customer: Uuid, price: &str, qty: &str) -> Value {
        let r = self
            .crm
            .post(
                "/api/v1/quotations",
                Some(&self.token(owner)),
                &json!({"customer_id": customer, "valid_until": "2099-12-31",
                        "lines": [{"item_id": self.item, "quantity": qty, "unit_price": price, "tax_rate_pct": "10"}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body
    }

    async fn act(&self, who: &CurrentUser, path: &str) -> erp_testkit::Resp {
        self.crm.post(path, Some(&self.token(who)), &json!({})).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_normal_quotation_goes_to_the_salespersons_manager_and_becomes_an_order() {
    let w = world().await;
    let p = &w.people;
    let customer = w.customer(&p.seller, "0", "prepayment").await;
    let q = w.quotation(&p.seller, customer, "1000000", "3").await;
    assert_eq!(dec(&q["net"]), Decimal::from(3_000_000));
    assert_eq!(dec(&q["tax"]), Decimal::from(300_000));
    assert_eq!(q["below_floor"], false);
    let id = q["id"].as_str().unwrap();

    let r = w.act(&p.seller, &format!("/api/v1/quotations/{id}/submit")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "pending_approval");
    // The salesperson cannot approve it, nor can a vice president: the step is the manager's.
    w.act(&p.seller, &format!("/api/v1/quotations/{id}/approve"))
        .await
        .assert_problem(403);
    w.act(&p.vp, &format!("/api/v1/quotations/{id}/approve"))
        .await
        .assert_problem(403);
    let r = w.act(&p.manager, &format!("/api/v1/quotations/{id}/approve")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "approved");
    w.act(&p.manager, &format!("/api/v1/quotations/{id}/approve"))
        .await
        .assert_problem(409);

    assert_eq!(
        w.act(&p.seller, &format!("/api/v1/quotations/{id}/send")).await.body["status"],
        "sent"
    );
    assert_eq!(
        w.act(&p.seller, &format!("/api/v1/quotations/{id}/accept")).await.body["status"],
        "accepted"
    );
    let order = w
        .crm
        .post(
            &format!("/api/v1/quotations/{id}/order"),
            Some(&w.token(&p.seller)),
            &json!({"seller": {"name": "Công ty CP Thiết bị Minh Long", "tax_number": "0101234567"}}),
        )
        .await;
    assert_eq!(order.status, 201, "{:?}", order.body);
    assert_eq!(dec(&order.body["total"]), Decimal::from(3_300_000));
    assert_eq!(order.body["total_in_words"], "Ba triệu ba trăm nghìn đồng");
    assert_eq!(order.body["buyer"]["name"], "Công ty TNHH Đại Phát");
    // A quotation becomes one order only.
    let again = w
        .crm
        .post(
            &format!("/api/v1/quotations/{id}/order"),
            Some(&w.token(&p.seller)),
            &json!({"seller": {"name": "X"}}),
        )
        .await;
    again.assert_problem(409);

    let oid = order.body["id"].as_str().unwrap();
    assert_eq!(
        w.act(&p.seller, &format!("/api/v1/orders/{oid}/submit")).await.body["status"],
        "pending_approval"
    );
    let r = w.act(&p.manager, &format!("/api/v1/orders/{oid}/approve")).await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
    let approved = w.crm.outbox("crm.order.approved").await;
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0]["order_number"], order.body["number"]);
    assert_eq!(w.crm.outbox("crm.approval.requested").await.len(), 2);
    assert_eq!(w.crm.outbox("crm.approval.decided").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_below_the_floor_needs_a_vice_president() {
    let w = world().await;
    let p = &w.people;
    let customer = w.customer(&p.seller, "0", "prepayment").await;
    let q = w.quotation(&p.seller, customer, "850000", "1").await;
    assert_eq!(q["below_floor"], true);
    let id = q["id"].as_str().unwrap();
    assert_eq!(
        w.act(&p.seller, &format!("/api/v1/quotations/{id}/submit")).await.body["status"],
        "pending_approval"
    );
    w.act(&p.manager, &format!("/api/v1/quotations/{id}/approve"))
        .await
        .assert_problem(403);
    let r = w.act(&p.vp, &format!("/api/v1/quotations/{id}/approve")).await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_over_the_limit_needs_the_general_manager_after_the_vice_president() {
    let w = world().await;
    let p = &w.people;
    // Monthly settlement with a limit far below the order: credit terms and over the limit.
    let customer = w.customer(&p.seller, "1000000", "monthly_settlement").await;
    let order = w
        .crm
        .post(
            "/api/v1/orders",
            Some(&w.token(&p.seller)),
            &json!({"customer_id": customer, "seller": {"name": "Minh Long"},
                    "lines": [{"item_id": w.item, "quantity": "2", "unit_price": "800000", "tax_rate_pct": "10",
                               "delivery_date": "2099-01-31"}]}),
        )
        .await;
    assert_eq!(order.status, 201, "{:?}", order.body);
    assert_eq!(order.body["below_floor"], true);
    let id = order.body["id"].as_str().unwrap();
    assert_eq!(
        w.act(&p.seller, &format!("/api/v1/orders/{id}/submit")).await.body["status"],
        "pending_approval"
    );
    // Step 2 cannot go first: it is not its turn.
    w.act(&p.gm, &format!("/api/v1/orders/{id}/approve"))
        .await
        .assert_problem_type(409, "wrong-state");
    let r = w.act(&p.vp, &format!("/api/v1/orders/{id}/approve")).await;
    assert_eq!(
        r.body["status"], "pending_approval",
        "the general manager still has to approve: {:?}",
        r.body
    );
    let r = w.act(&p.gm, &format!("/api/v1/orders/{id}/approve")).await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
    let history = w
        .crm
        .get("/api/v1/approvals?status=approved", Some(&w.token(&p.gm)))
        .await;
    assert_eq!(history.status, 200, "{:?}", history.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_approves_their_own_document_and_colleagues_see_nothing() {
    let w = world().await;
    let p = &w.people;
    // The manager sells too; the matrix sends a normal quotation to a sales manager.
    let customer = w.customer(&p.manager, "0", "prepayment").await;
    let q = w.quotation(&p.manager, customer, "1000000", "1").await;
    let id = q["id"].as_str().unwrap();
    w.act(&p.manager, &format!("/api/v1/quotations/{id}/submit")).await;
    w.act(&p.manager, &format!("/api/v1/quotations/{id}/approve"))
        .await
        .assert_problem(403);

    // A salesperson's customer is invisible to a colleague (404, not 403).
    let mine = w.customer(&p.seller, "0", "prepayment").await;
    let r = w
        .crm
        .get(&format!("/api/v1/customers/{mine}"), Some(&w.token(&p.colleague)))
        .await;
    r.assert_problem(404);
    let list = w.crm.get("/api/v1/customers", Some(&w.token(&p.colleague))).await;
    assert!(list.body["items"].as_array().unwrap().is_empty());
    // The manager sees the department's; the vice president everything.
    assert_eq!(
        w.crm
            .get(&format!("/api/v1/customers/{mine}"), Some(&w.token(&p.manager)))
            .await
            .status,
        200
    );
    assert_eq!(
        w.crm
            .get(&format!("/api/v1/customers/{mine}"), Some(&w.token(&p.vp)))
            .await
            .status,
        200
    );
    // A quotation on a customer one cannot see is a 404 too.
    let r = w
        .crm
        .post(
            "/api/v1/quotations",
            Some(&w.token(&p.colleague)),
            &json!({"customer_id": mine, "valid_until": "2099-12-31", "lines": [{"item_id": w.item, "quantity": "1"}]}),
        )
        .await;
    r.assert_problem(404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_inactive_items_and_bad_lines_are_422() {
    let w = world().await;
    let p = &w.people;
    let customer = w.customer(&p.seller, "0", "prepayment").await;
    let r = w
        .crm
        .post(
            "/api/v1/quotations",
            Some(&w.token(&p.seller)),
            &json!({"customer_id": customer, "valid_until": "2099-12-31",
                    "lines": [{"item_id": Uuid::now_v7(), "quantity": "1", "unit_price": "1"},
                              {"item_id": w.item, "quantity": "0", "discount_pct": "120"}]}),
        )
        .await;
    r.assert_invalid_fields(&["lines[0].item_id", "lines[1].quantity", "lines[1].discount_pct"]);
    let r = w
        .crm
        .put(
            &format!("/api/v1/price-list/{}/VND", Uuid::now_v7()),
            Some(&w.token(&p.manager)),
            &json!({"list_price": "1", "floor_price": "1"}),
        )
        .await;
    r.assert_invalid_fields(&["item_id"]);
    let r = w
        .crm
        .put(
            &format!("/api/v1/price-list/{}/VND", w.item),
            Some(&w.token(&p.seller)),
            &json!({"list_price": "1", "floor_price": "1"}),
        )
        .await;
    r.assert_problem(403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_an_approved_order_has_its_own_review_and_approval() {
    let w = world().await;
    let p = &w.people;
    let customer = w.customer(&p.seller, "0", "prepayment").await;
    let order = w
        .crm
        .post(
            "/api/v1/orders",
            Some(&w.token(&p.seller)),
            &json!({"customer_id": customer, "seller": {"name": "Minh Long"},
                    "lines": [{"item_id": w.item, "quantity": "2", "unit_price": "1000000", "tax_rate_pct": "10"}]}),
        )
        .await;
    let oid = order.body["id"].as_str().unwrap().to_owned();
    let line = order.body["lines"][0]["id"].as_str().unwrap().to_owned();
    // A draft is edited, not changed through a change request.
    let change = json!({"reason": "khách tăng số lượng", "changes": [{"order_line_id": line, "quantity": "5", "unit_price": "880000"}]});
    w.crm
        .post(
            &format!("/api/v1/orders/{oid}/change-requests"),
            Some(&w.token(&p.seller)),
            &change,
        )
        .await
        .assert_problem_type(409, "wrong-state");
    w.act(&p.seller, &format!("/api/v1/orders/{oid}/submit")).await;
    assert_eq!(
        w.act(&p.manager, &format!("/api/v1/orders/{oid}/approve")).await.body["status"],
        "approved"
    );

    let r = w
        .crm
        .post(
            &format!("/api/v1/orders/{oid}/change-requests"),
            Some(&w.token(&p.seller)),
            &change,
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["below_floor"], true);
    assert_eq!(dec(&r.body["total"]), Decimal::from(4_840_000));
    let cid = r.body["id"].as_str().unwrap().to_owned();
    // The order has not changed yet.
    let o = w
        .crm
        .get(&format!("/api/v1/orders/{oid}"), Some(&w.token(&p.seller)))
        .await;
    assert_eq!(dec(&o.body["total"]), Decimal::from(2_200_000));
    // No review, no submission.
    w.act(&p.seller, &format!("/api/v1/change-requests/{cid}/submit"))
        .await
        .assert_invalid_fields(&["review"]);
    let review =
        json!({"items": [{"item": "A", "result": "pass"}, {"item": "C", "result": "pass", "note": "đủ hàng"}]});
    let r = w
        .crm
        .put(
            &format!("/api/v1/change-requests/{cid}/review"),
            Some(&w.token(&p.seller)),
            &review,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let bad = json!({"items": [{"item": "Z", "result": "maybe"}]});
    w.crm
        .put(
            &format!("/api/v1/change-requests/{cid}/review"),
            Some(&w.token(&p.seller)),
            &bad,
        )
        .await
        .assert_invalid_fields(&["items[0].item", "items[0].result"]);
    assert_eq!(
        w.act(&p.seller, &format!("/api/v1/change-requests/{cid}/submit"))
            .await
            .body["status"],
        "pending_approval"
    );
    // Below the floor: the vice president decides, not the manager.
    w.act(&p.manager, &format!("/api/v1/change-requests/{cid}/approve"))
        .await
        .assert_problem(403);
    let r = w.act(&p.vp, &format!("/api/v1/change-requests/{cid}/approve")).await;
    assert_eq!(r.body["status"], "approved", "{:?}", r.body);
    let o = w
        .crm
        .get(&format!("/api/v1/orders/{oid}"), Some(&w.token(&p.seller)))
        .await;
    assert_eq!(dec(&o.body["total"]), Decimal::from(4_840_000));
    assert_eq!(dec(&o.body["lines"][0]["quantity"]), Decimal::from(5));
    assert_eq!(o.body["total_in_words"], "Bốn triệu tám trăm bốn mươi nghìn đồng");
    let changed = w.crm.outbox("crm.order.changed").await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["change_request_id"], cid.as_str());
    w.act(&p.vp, &format!("/api/v1/change-requests/{cid}/approve"))
        .await
        .assert_problem(409);
}
