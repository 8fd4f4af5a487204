//! crm's sales follow-up against the real PostgreSQL and RabbitMQ: marketing leads assigned,
//! converted into customers or disqualified; activities and the follow-ups they plan;
//! opportunities through their stages; the funnel as a manager and a salesperson see it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration as Days, Utc};
use erp_auth::Role;
use erp_testkit::fixtures::{self, employee_changed};
use erp_testkit::{Resp, TestEnv, TestService};
use erp_testkit::{assert_status, dec, id_of};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn items_of(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap_or_else(|| panic!("no items in {page}"))
}

/// Someone in the directory with a token.
struct Person {
    id: Uuid,
    token: String,
}

struct Fx {
    env: TestEnv,
    crm: TestService,
    dept_a: Uuid,
    dept_b: Uuid,
}

async fn fixture() -> Fx {
    let env = TestEnv::new();
    let crm = env.start(crm::service()).await;
    Fx {
        env,
        crm,
        dept_a: Uuid::now_v7(),
        dept_b: Uuid::now_v7(),
    }
}

impl Fx {
    /// An active employee in crm's directory with `roles`, and a token for them.
    async fn person(&self, name: &str, roles: &[Role], department: Option<Uuid>) -> Person {
        let code = format!("E{}", &Uuid::new_v4().simple().to_string()[..6]);
        let mut who = fixtures::person(name).code(&code).roles(roles);
        if let Some(d) = department {
            who = who.department(d);
        }
        let who = who.build();
        let department_code = if department == Some(self.dept_a) { "KD1" } else { "KD2" };
        self.crm
            .apply_employees(vec![employee_changed(&who, department_code, "Phòng Kinh Doanh")])
            .await;
        let (id, token) = (who.id, self.env.token_for(&who));
        Person { id, token }
    }

    async fn get(&self, path: &str, who: &Person) -> Resp {
        self.crm.get(path, Some(&who.token)).await
    }

    async fn post(&self, path: &str, who: &Person, body: Value) -> Resp {
        self.crm.post(path, Some(&who.token), &body).await
    }

    async fn lead(&self, who: &Person, name: &str) -> Value {
        let r = self
            .post(
                "/api/v1/leads",
                who,
                json!({
                    "channel": "facebook", "name": name, "contact_name": "Chị Lan",
                    "phone": "0903 123 456", "email": "Lan@Example.vn", "need": "Máy nén khí 37kW"
                }),
            )
            .await;
        assert_status(&r, 201);
        r.body
    }

    async fn customer(&self, who: &Person, code: &str, currency: &str) -> Uuid {
        let r = self
            .post(
                "/api/v1/customers",
                who,
                json!({
                    "code": code, "name": format!("Công ty {code}"), "kind": "company",
                    "currency": currency, "payment_terms": "prepayment"
                }),
            )
            .await;
        assert_status(&r, 201);
        id_of(&r.body)
    }

    async fn opportunity(&self, who: &Person, body: Value) -> Value {
        let r = self.post("/api/v1/opportunities", who, body).await;
        assert_status(&r, 201);
        r.body
    }

    async fn stage(&self, who: &Person, opp: Uuid, body: Value) -> Resp {
        self.post(&format!("/api/v1/opportunities/{opp}/stage"), who, body)
            .await
    }

    async fn funnel(&self, who: &Person, query: &str) -> Value {
        let r = self.get(&format!("/api/v1/opportunities/funnel{query}"), who).await;
        assert_status(&r, 200);
        r.body
    }
}

/// The funnel's entry for `stage`.
#[track_caller]
fn stage_of<'a>(funnel: &'a Value, stage: &str) -> &'a Value {
    funnel["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == stage)
        .unwrap_or_else(|| panic!("no {stage} in {funnel}"))
}

/// (count, [(currency, amount, weighted)]) of a funnel stage.
#[track_caller]
fn numbers(funnel: &Value, stage: &str) -> (i64, Vec<(String, Decimal, Decimal)>) {
    let s = stage_of(funnel, stage);
    let amounts = s["amounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["currency"].as_str().unwrap().to_owned(),
                dec(&a["amount"]),
                dec(&a["weighted_amount"]),
            )
        })
        .collect();
    (s["count"].as_i64().unwrap(), amounts)
}

// ---------------------------------------------------------------------------------------------
// Leads
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_goes_from_marketing_to_a_salesperson_and_becomes_its_customer() {
    let fx = fixture().await;
    let marketing = fx.person("Trần Thị Marketing", &[Role::Marketing], None).await;
    let an = fx.person("Nguyễn Văn An", &[Role::Sales], Some(fx.dept_a)).await;
    let binh = fx.person("Lê Văn Bình", &[Role::Sales], Some(fx.dept_a)).await;
    let manager = fx.person("Phạm Quản Lý", &[Role::SalesManager], Some(fx.dept_a)).await;
    let other_manager = fx.person("Hoàng Quản Lý", &[Role::SalesManager], Some(fx.dept_b)).await;
    let far_seller = fx.person("Đỗ Văn Xa", &[Role::Sales], Some(fx.dept_b)).await;
    let keeper = fx.person("Thủ Kho", &[Role::WarehouseKeeper], None).await;

    let lead = fx.lead(&marketing, "Công ty TNHH Đại Phát").await;
    let id = id_of(&lead);
    assert_eq!(lead["status"], "new");
    assert_eq!(lead["channel"], "facebook");
    assert_eq!(lead["email"], "lan@example.vn");
    assert!(lead["assigned_to"].is_null());

    // Who sees a new lead: its creator and the managers who hand leads out.
    assert_status(&fx.get(&format!("/api/v1/leads/{id}"), &marketing).await, 200);
    assert_status(&fx.get(&format!("/api/v1/leads/{id}"), &other_manager).await, 200);
    fx.get(&format!("/api/v1/leads/{id}"), &an).await.assert_problem(404);
    fx.get(&format!("/api/v1/leads/{id}"), &keeper)
        .await
        .assert_problem(404);
    fx.get("/api/v1/leads", &keeper).await.assert_problem(403);
    let r = fx.get("/api/v1/leads?q=dai%20phat", &marketing).await;
    assert_status(&r, 200);
    assert_eq!(items_of(&r.body).len(), 1, "search ignores diacritics");

    // Nobody owns it yet: nothing to convert.
    let convert = json!({ "code": "KH-DP", "currency": "VND", "payment_terms": "prepayment" });
    fx.post(&format!("/api/v1/leads/{id}/convert"), &manager, convert.clone())
        .await
        .assert_problem_type(409, "wrong-state");

    // Only an active salesperson takes a lead, and a sales manager hands out within its department.
    let assign = |who: Uuid| json!({ "assignee_id": who });
    fx.post(&format!("/api/v1/leads/{id}/assign"), &marketing, assign(keeper.id))
        .await
        .assert_invalid_fields(&["assignee_id"]);
    fx.post(
        &format!("/api/v1/leads/{id}/assign"),
        &marketing,
        assign(Uuid::now_v7()),
    )
    .await
    .assert_invalid_fields(&["assignee_id"]);
    fx.post(&format!("/api/v1/leads/{id}/assign"), &manager, assign(far_seller.id))
        .await
        .assert_invalid_fields(&["assignee_id"]);
    fx.post(&format!("/api/v1/leads/{id}/assign"), &an, assign(an.id))
        .await
        .assert_problem(404);
    let r = fx
        .post(&format!("/api/v1/leads/{id}/assign"), &marketing, assign(an.id))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "assigned");
    assert_eq!(r.body["assigned_to"], json!(an.id));
    assert_eq!(r.body["assigned_to_name"], "Nguyễn Văn An");
    assert_eq!(r.body["department_id"], json!(fx.dept_a));

    // Now the salesperson and its manager see it; a colleague and the other department don't.
    assert_status(&fx.get(&format!("/api/v1/leads/{id}"), &an).await, 200);
    assert_status(&fx.get(&format!("/api/v1/leads/{id}"), &manager).await, 200);
    fx.get(&format!("/api/v1/leads/{id}"), &binh).await.assert_problem(404);
    fx.get(&format!("/api/v1/leads/{id}"), &other_manager)
        .await
        .assert_problem(404);
    let r = fx.get("/api/v1/leads?status=assigned", &an).await;
    assert_eq!(items_of(&r.body).len(), 1);
    let r = fx.get("/api/v1/leads", &binh).await;
    assert!(items_of(&r.body).is_empty(), "{}", r.body);

    // Marketing hands over; it does not convert. A colleague cannot even see the lead.
    fx.post(&format!("/api/v1/leads/{id}/convert"), &marketing, convert.clone())
        .await
        .assert_problem(403);
    fx.post(&format!("/api/v1/leads/{id}/convert"), &binh, convert.clone())
        .await
        .assert_problem(404);

    // Bad values are named.
    let r = fx
        .post(
            &format!("/api/v1/leads/{id}/convert"),
            &an,
            json!({
                "code": "mã sai!", "currency": "XYZ", "payment_terms": "net_days",
                "opportunity": { "name": " ", "amount": "1000", "probability": 120 }
            }),
        )
        .await;
    r.assert_invalid_fields(&[
        "code",
        "currency",
        "payment_days",
        "opportunity.name",
        "opportunity.currency",
        "opportunity.probability",
    ]);
    let r = fx
        .post(
            &format!("/api/v1/leads/{id}/convert"),
            &an,
            json!({ "code": "KH-DP", "currency": "VND", "payment_terms": "prepayment",
                    "opportunity": { "name": "Máy nén", "amount": "1.5" } }),
        )
        .await;
    r.assert_invalid_fields(&["opportunity.amount"]);
    fx.post(
        &format!("/api/v1/leads/{id}/convert"),
        &an,
        json!({ "currency": "VND", "payment_terms": "prepayment" }),
    )
    .await
    .assert_invalid_fields(&["code"]);

    // The salesperson converts it: a customer it owns, with the lead's contact, and an opportunity.
    let r = fx
        .post(
            &format!("/api/v1/leads/{id}/convert"),
            &an,
            json!({
                "code": "KH-DP", "currency": "VND", "payment_terms": "prepayment", "grade": "B",
                "opportunity": { "name": "Máy nén khí 37kW", "amount": "250000000",
                                 "expected_close_date": "2026-12-31" }
            }),
        )
        .await;
    assert_status(&r, 201);
    let customer = &r.body["customer"];
    let customer_id = id_of(customer);
    assert_eq!(customer["owner_id"], json!(an.id));
    assert_eq!(customer["department_id"], json!(fx.dept_a));
    assert_eq!(customer["name"], "Công ty TNHH Đại Phát");
    assert_eq!(customer["phone"], "0903 123 456");
    assert_eq!(customer["grade"], "B");
    assert_eq!(r.body["lead"]["status"], "converted");
    assert_eq!(r.body["lead"]["customer_id"], json!(customer_id));
    assert_eq!(r.body["lead"]["closed_by"], json!(an.id));
    let opp = &r.body["opportunity"];
    assert_eq!(opp["stage"], "qualification");
    assert_eq!(opp["probability"], 10);
    assert_eq!(opp["currency"], "VND");
    assert_eq!(dec(&opp["amount"]), dec!(250000000));
    assert_eq!(opp["owner_id"], json!(an.id));
    assert_eq!(opp["lead_id"], json!(id));
    assert_eq!(r.body["lead"]["opportunity_id"], opp["id"]);

    let r = fx.get(&format!("/api/v1/customers/{customer_id}"), &an).await;
    assert_status(&r, 200);
    assert_eq!(r.body["contacts"][0]["name"], "Chị Lan");
    assert_status(
        &fx.get(&format!("/api/v1/customers/{customer_id}"), &manager).await,
        200,
    );
    fx.get(&format!("/api/v1/customers/{customer_id}"), &binh)
        .await
        .assert_problem(404);
    let r = fx.get(&format!("/api/v1/opportunities/{}", id_of(opp)), &an).await;
    assert_status(&r, 200);
    assert_eq!(r.body["customer_code"], "KH-DP");

    // A converted lead is done.
    fx.post(&format!("/api/v1/leads/{id}/convert"), &an, convert.clone())
        .await
        .assert_problem_type(409, "wrong-state");
    fx.post(&format!("/api/v1/leads/{id}/assign"), &marketing, assign(binh.id))
        .await
        .assert_problem_type(409, "wrong-state");
    fx.post(
        &format!("/api/v1/leads/{id}/disqualify"),
        &an,
        json!({ "reason": "trùng" }),
    )
    .await
    .assert_problem_type(409, "wrong-state");

    // A second lead converted with a code already taken is refused, and changes nothing.
    let second = id_of(&fx.lead(&marketing, "Cửa hàng Minh Châu").await);
    assert_status(
        &fx.post(&format!("/api/v1/leads/{second}/assign"), &manager, assign(binh.id))
            .await,
        200,
    );
    fx.post(&format!("/api/v1/leads/{second}/convert"), &binh, convert.clone())
        .await
        .assert_problem(409);
    let r = fx.get(&format!("/api/v1/leads/{second}"), &binh).await;
    assert_eq!(r.body["status"], "assigned");
    // A manager converts for its salesperson: the customer is still the salesperson's.
    let r = fx
        .post(
            &format!("/api/v1/leads/{second}/convert"),
            &manager,
            json!({ "code": "KH-MC", "kind": "person", "currency": "USD", "payment_terms": "prepayment" }),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["customer"]["owner_id"], json!(binh.id));
    assert_eq!(r.body["customer"]["kind"], "person");
    assert!(r.body["opportunity"].is_null());
    fx.get(&format!("/api/v1/customers/{}", id_of(&r.body["customer"])), &an)
        .await
        .assert_problem(404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leads_are_validated_disqualified_with_a_reason_and_edited_while_open() {
    let fx = fixture().await;
    let marketing = fx.person("Marketing", &[Role::Marketing], None).await;
    let an = fx.person("An", &[Role::Sales], Some(fx.dept_a)).await;
    let gm = fx.person("Tổng Giám đốc", &[Role::GeneralManager], None).await;
    let keeper = fx.person("Thủ Kho", &[Role::WarehouseKeeper], None).await;

    let r = fx
        .post(
            "/api/v1/leads",
            &marketing,
            json!({ "channel": "zalo", "name": " ", "email": "not-an-address" }),
        )
        .await;
    r.assert_invalid_fields(&["name", "email"]);
    fx.post(
        "/api/v1/leads",
        &marketing,
        json!({ "channel": "zalo", "name": "Anh Tư" }),
    )
    .await
    .assert_invalid_fields(&["phone"]);
    fx.post(
        "/api/v1/leads",
        &marketing,
        json!({ "channel": "tiktok", "name": "Anh Tư", "phone": "0909" }),
    )
    .await
    .assert_invalid_fields(&["channel"]);
    fx.post(
        "/api/v1/leads",
        &keeper,
        json!({ "channel": "zalo", "name": "Anh Tư", "phone": "0909" }),
    )
    .await
    .assert_problem(403);

    // A salesperson's own lead is its own at once.
    let r = fx
        .post(
            "/api/v1/leads",
            &an,
            json!({ "channel": "referral", "kind": "person", "name": "Anh Tư", "phone": "0909" }),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "assigned");
    assert_eq!(r.body["assigned_to"], json!(an.id));
    assert_eq!(r.body["department_id"], json!(fx.dept_a));

    // Marketing withdraws its own new lead, with a reason.
    let lead = id_of(&fx.lead(&marketing, "Spam Co").await);
    let path = |action: &str| format!("/api/v1/leads/{lead}/{action}");
    fx.post(&path("disqualify"), &marketing, json!({ "reason": "  " }))
        .await
        .assert_invalid_fields(&["reason"]);
    fx.post(&path("disqualify"), &marketing, json!({}))
        .await
        .assert_invalid_fields(&["reason"]);
    fx.post(&path("disqualify"), &an, json!({ "reason": "rác" }))
        .await
        .assert_problem(404);
    let r = fx
        .post(
            &path("disqualify"),
            &marketing,
            json!({ "reason": "số điện thoại giả" }),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "disqualified");
    assert_eq!(r.body["disqualify_reason"], "số điện thoại giả");
    fx.post(&path("assign"), &gm, json!({ "assignee_id": an.id }))
        .await
        .assert_problem_type(409, "wrong-state");
    fx.post(
        &path("convert"),
        &gm,
        json!({ "code": "X1", "currency": "VND", "payment_terms": "prepayment" }),
    )
    .await
    .assert_problem_type(409, "wrong-state");
    fx.post(&path("disqualify"), &gm, json!({ "reason": "again" }))
        .await
        .assert_problem_type(409, "wrong-state");
    let r = fx.get("/api/v1/leads?status=disqualified", &marketing).await;
    assert_eq!(items_of(&r.body).len(), 1);

    // Once assigned, the salesperson (or a manager) decides, not marketing.
    let lead = id_of(&fx.lead(&marketing, "Nhà máy Thép Việt").await);
    let path = |action: &str| format!("/api/v1/leads/{lead}/{action}");
    assert_status(
        &fx.post(&path("assign"), &gm, json!({ "assignee_id": an.id })).await,
        200,
    );
    fx.post(&path("disqualify"), &marketing, json!({ "reason": "không cần" }))
        .await
        .assert_problem(403);

    // Details are corrected with the current version, while the lead is open.
    let v = fx.get(&format!("/api/v1/leads/{lead}"), &an).await.body["version"].clone();
    let edit = |version: Value| {
        json!({ "channel": "exhibition", "name": "Nhà máy Thép Việt (KCN Tân Tạo)",
                "phone": "028 3750 0000", "version": version })
    };
    let r = fx
        .crm
        .put(&format!("/api/v1/leads/{lead}"), Some(&an.token), &edit(v.clone()))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["channel"], "exhibition");
    fx.crm
        .put(&format!("/api/v1/leads/{lead}"), Some(&an.token), &edit(v))
        .await
        .assert_problem_type(409, "stale-version");

    let r = fx
        .post(&path("disqualify"), &an, json!({ "reason": "chỉ hỏi giá" }))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["closed_by"], json!(an.id));
    let v = r.body["version"].clone();
    fx.crm
        .put(&format!("/api/v1/leads/{lead}"), Some(&an.token), &edit(v))
        .await
        .assert_problem_type(409, "wrong-state");
}

// ---------------------------------------------------------------------------------------------
// Activities
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activities_are_logged_on_visible_customers_and_plan_follow_ups() {
    let fx = fixture().await;
    let an = fx.person("An", &[Role::Sales], Some(fx.dept_a)).await;
    let binh = fx.person("Bình", &[Role::Sales], Some(fx.dept_a)).await;
    let manager = fx.person("Quản lý", &[Role::SalesManager], Some(fx.dept_a)).await;
    let keeper = fx.person("Thủ Kho", &[Role::WarehouseKeeper], None).await;
    let first = fx.customer(&an, "KH-001", "VND").await;
    let second = fx.customer(&an, "KH-002", "VND").await;
    let third = fx.customer(&an, "KH-003", "VND").await;
    let binhs = fx.customer(&binh, "KH-B01", "VND").await;
    let today = erp_calendar::today();
    let at = |days_ago: i64| (Utc::now() - Days::days(days_ago)).to_rfc3339();

    let activities = |c: Uuid| format!("/api/v1/customers/{c}/activities");
    let r = fx
        .post(
            &activities(first),
            &an,
            json!({
                "kind": "call", "subject": "Gọi giới thiệu", "outcome": "Hẹn gửi báo giá",
                "occurred_at": at(3), "next_follow_up": (today - Days::days(1)).to_string(),
                "attachments": ["recordings/2026/call-0001.mp3"]
            }),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["kind"], "call");
    assert_eq!(r.body["created_by"], json!(an.id));
    assert_eq!(r.body["attachments"], json!(["recordings/2026/call-0001.mp3"]));
    let planned = id_of(&r.body);

    // Only those who see the customer.
    let note = json!({ "kind": "note", "subject": "x" });
    fx.post(&activities(first), &binh, note.clone())
        .await
        .assert_problem(404);
    fx.post(&activities(first), &keeper, note.clone())
        .await
        .assert_problem(403);
    fx.get(&activities(first), &keeper).await.assert_problem(404);
    fx.get(&activities(first), &binh).await.assert_problem(404);
    fx.post(&activities(Uuid::now_v7()), &an, note.clone())
        .await
        .assert_problem(404);

    // Bad values are named.
    let r = fx
        .post(
            &activities(first),
            &an,
            json!({
                "kind": "visit", "subject": "", "occurred_at": at(0),
                "next_follow_up": (today - Days::days(2)).to_string(), "attachments": ["ok.jpg", " "]
            }),
        )
        .await;
    r.assert_invalid_fields(&["subject", "next_follow_up", "attachments[1]"]);
    fx.post(&activities(first), &an, json!({ "kind": "fax", "subject": "x" }))
        .await
        .assert_invalid_fields(&["kind"]);
    let opp = fx
        .opportunity(
            &binh,
            json!({ "customer_id": binhs, "name": "Của Bình", "amount": "1000" }),
        )
        .await;
    fx.post(
        &activities(first),
        &an,
        json!({ "kind": "note", "subject": "x", "opportunity_id": opp["id"] }),
    )
    .await
    .assert_invalid_fields(&["opportunity_id"]);

    // A visit on an opportunity of the customer, a meeting and an e-mail with later follow-ups.
    let mine = fx
        .opportunity(
            &an,
            json!({ "customer_id": second, "name": "Dây chuyền", "amount": "5000000" }),
        )
        .await;
    let r = fx
        .post(
            &activities(second),
            &an,
            json!({ "kind": "visit", "subject": "Khảo sát nhà máy", "occurred_at": at(2),
                    "opportunity_id": mine["id"], "next_follow_up": (today + Days::days(5)).to_string() }),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["opportunity_id"], mine["id"]);
    assert_status(
        &fx.post(
            &activities(third),
            &an,
            json!({ "kind": "email", "subject": "Gửi catalogue", "occurred_at": at(1),
                    "next_follow_up": today.to_string() }),
        )
        .await,
        201,
    );
    assert_status(
        &fx.post(
            &activities(first),
            &an,
            json!({ "kind": "meeting", "subject": "Họp", "occurred_at": at(1) }),
        )
        .await,
        201,
    );

    // The history, newest first, page by page; the manager reads it too.
    let r = fx.get(&format!("{}?limit=1", activities(first)), &an).await;
    assert_status(&r, 200);
    assert_eq!(items_of(&r.body)[0]["kind"], "meeting");
    let cursor = r.body["next_cursor"].as_str().unwrap().to_owned();
    let r = fx
        .get(&format!("{}?limit=1&cursor={cursor}", activities(first)), &manager)
        .await;
    assert_status(&r, 200);
    assert_eq!(items_of(&r.body)[0]["id"], json!(planned));
    assert!(r.body["next_cursor"].is_null());
    let r = fx
        .get(
            &format!("{}?opportunity_id={}", activities(second), mine["id"].as_str().unwrap()),
            &an,
        )
        .await;
    assert_eq!(items_of(&r.body).len(), 1);

    // Follow-ups: the meeting on the first customer settled its call's plan (the meeting is the
    // newest activity there and plans nothing); the e-mail's is due today; the visit's in 5 days.
    let due = |r: &Resp| -> Vec<String> {
        items_of(&r.body)
            .iter()
            .map(|f| f["customer_code"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = fx.get("/api/v1/activities/follow-ups", &an).await;
    assert_status(&r, 200);
    assert_eq!(due(&r), vec!["KH-003"]);
    let until = (today + Days::days(10)).to_string();
    let r = fx
        .get(&format!("/api/v1/activities/follow-ups?until={until}"), &an)
        .await;
    assert_eq!(due(&r), vec!["KH-003", "KH-002"]);
    assert_eq!(
        items_of(&r.body)[1]["next_follow_up"],
        (today + Days::days(5)).to_string()
    );
    let r = fx
        .get(&format!("/api/v1/activities/follow-ups?until={until}&limit=1"), &an)
        .await;
    assert_eq!(due(&r), vec!["KH-003"]);
    let cursor = r.body["next_cursor"].as_str().unwrap().to_owned();
    let r = fx
        .get(
            &format!("/api/v1/activities/follow-ups?until={until}&limit=1&cursor={cursor}"),
            &an,
        )
        .await;
    assert_eq!(due(&r), vec!["KH-002"]);

    // A new follow-up plan on the first customer is due again; others' plans are theirs.
    assert_status(
        &fx.post(
            &activities(first),
            &an,
            json!({ "kind": "call", "subject": "Nhắc báo giá", "next_follow_up": today.to_string() }),
        )
        .await,
        201,
    );
    let r = fx.get("/api/v1/activities/follow-ups", &an).await;
    let mut got = due(&r);
    got.sort();
    assert_eq!(got, vec!["KH-001", "KH-003"]);
    assert_status(
        &fx.post(
            &activities(first),
            &manager,
            json!({ "kind": "visit", "subject": "Đi cùng An", "next_follow_up": today.to_string() }),
        )
        .await,
        201,
    );
    assert_eq!(
        due(&fx.get("/api/v1/activities/follow-ups", &manager).await),
        vec!["KH-001"]
    );
    assert!(due(&fx.get("/api/v1/activities/follow-ups", &binh).await).is_empty());
    fx.get("/api/v1/activities/follow-ups", &keeper)
        .await
        .assert_problem(403);
}

// ---------------------------------------------------------------------------------------------
// Opportunities and the funnel
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opportunities_move_through_the_stage_table_and_won_or_lost_is_final() {
    let fx = fixture().await;
    let an = fx.person("An", &[Role::Sales], Some(fx.dept_a)).await;
    let binh = fx.person("Bình", &[Role::Sales], Some(fx.dept_a)).await;
    let manager = fx.person("Quản lý", &[Role::SalesManager], Some(fx.dept_a)).await;
    let finance = fx.person("Kế toán", &[Role::FinanceManager], None).await;
    let keeper = fx.person("Thủ Kho", &[Role::WarehouseKeeper], None).await;
    let customer = fx.customer(&an, "KH-OPP", "VND").await;

    // Bad values are named; a customer one does not see is a 404.
    let r = fx
        .post(
            "/api/v1/opportunities",
            &an,
            json!({ "customer_id": customer, "name": "", "amount": "1.5", "currency": "VND",
                    "probability": 150, "stage": "won" }),
        )
        .await;
    r.assert_invalid_fields(&["name", "amount", "probability", "stage"]);
    fx.post(
        "/api/v1/opportunities",
        &an,
        json!({ "customer_id": customer, "name": "x", "amount": "-5" }),
    )
    .await
    .assert_invalid_fields(&["amount"]);
    fx.post(
        "/api/v1/opportunities",
        &an,
        json!({ "customer_id": customer, "name": "x", "amount": "10.5" }),
    )
    .await
    .assert_invalid_fields(&["amount"]);
    fx.post(
        "/api/v1/opportunities",
        &binh,
        json!({ "customer_id": customer, "name": "x", "amount": "10" }),
    )
    .await
    .assert_problem(404);
    fx.post(
        "/api/v1/opportunities",
        &keeper,
        json!({ "customer_id": customer, "name": "x", "amount": "10" }),
    )
    .await
    .assert_problem(403);
    // Only managers give an opportunity to someone other than the customer's owner.
    fx.post(
        "/api/v1/opportunities",
        &an,
        json!({ "customer_id": customer, "name": "x", "amount": "10", "owner_id": binh.id }),
    )
    .await
    .assert_problem(403);

    let o = fx
        .opportunity(
            &an,
            json!({ "customer_id": customer, "name": "Hệ thống khí nén", "amount": "120000000" }),
        )
        .await;
    let id = id_of(&o);
    assert_eq!(o["stage"], "qualification");
    assert_eq!(o["probability"], 10);
    assert_eq!(o["currency"], "VND", "the customer's currency");
    assert_eq!(o["owner_id"], json!(an.id));
    assert_eq!(o["department_id"], json!(fx.dept_a));
    assert_eq!(dec(&o["weighted_amount"]), dec!(12000000));
    assert_eq!(o["stages"].as_array().unwrap().len(), 1);

    // Visibility as customers, except that finance follows the money, not the deals.
    assert_status(&fx.get(&format!("/api/v1/opportunities/{id}"), &manager).await, 200);
    fx.get(&format!("/api/v1/opportunities/{id}"), &finance)
        .await
        .assert_problem(404);
    fx.get("/api/v1/opportunities", &finance).await.assert_problem(403);
    fx.get(&format!("/api/v1/opportunities/{id}"), &binh)
        .await
        .assert_problem(404);
    fx.get("/api/v1/opportunities", &keeper).await.assert_problem(403);
    fx.stage(&binh, id, json!({ "stage": "needs" }))
        .await
        .assert_problem(404);
    fx.stage(&finance, id, json!({ "stage": "needs" }))
        .await
        .assert_problem(403);

    // Forward, forward, back; each stage's default probability unless one is given.
    let r = fx.stage(&an, id, json!({ "stage": "needs" })).await;
    assert_status(&r, 200);
    assert_eq!(r.body["probability"], 25);
    let r = fx
        .stage(&an, id, json!({ "stage": "negotiation", "probability": 80 }))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["probability"], 80);
    assert_eq!(dec(&r.body["weighted_amount"]), dec!(96000000));
    let r = fx
        .stage(&an, id, json!({ "stage": "proposal", "reason": "khách đổi cấu hình" }))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["probability"], 50);
    fx.stage(&an, id, json!({ "stage": "proposal" }))
        .await
        .assert_problem_type(409, "wrong-state");
    fx.stage(&an, id, json!({ "stage": "closed" }))
        .await
        .assert_invalid_fields(&["stage"]);
    fx.stage(&an, id, json!({ "stage": "lost" }))
        .await
        .assert_invalid_fields(&["reason"]);
    fx.stage(&an, id, json!({ "stage": "needs", "probability": -1 }))
        .await
        .assert_invalid_fields(&["probability"]);

    // Editing needs the current version and an open opportunity.
    let version = r.body["version"].clone();
    let edit = |v: Value| {
        json!({ "name": "Hệ thống khí nén (2 máy)", "amount": "150000000", "currency": "VND",
                "expected_close_date": "2027-01-15", "version": v })
    };
    let put = fx
        .crm
        .put(
            &format!("/api/v1/opportunities/{id}"),
            Some(&an.token),
            &edit(version.clone()),
        )
        .await;
    assert_status(&put, 200);
    assert_eq!(dec(&put.body["amount"]), dec!(150000000));
    assert_eq!(put.body["probability"], 50, "kept");
    fx.crm
        .put(&format!("/api/v1/opportunities/{id}"), Some(&an.token), &edit(version))
        .await
        .assert_problem_type(409, "stale-version");

    // Won: 100 %, closed, final.
    let r = fx.stage(&an, id, json!({ "stage": "won", "probability": 40 })).await;
    assert_status(&r, 200);
    assert_eq!(r.body["stage"], "won");
    assert_eq!(r.body["probability"], 100);
    assert!(!r.body["closed_at"].is_null());
    let stages: Vec<&str> = r.body["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["to_stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, vec!["qualification", "needs", "negotiation", "proposal", "won"]);
    assert_eq!(r.body["stages"][3]["reason"], "khách đổi cấu hình");
    assert_eq!(r.body["stages"][3]["from_stage"], "negotiation");
    for to in ["qualification", "needs", "proposal", "negotiation", "won", "lost"] {
        fx.stage(&an, id, json!({ "stage": to, "reason": "thử" }))
            .await
            .assert_problem_type(409, "wrong-state");
    }
    let v = r.body["version"].clone();
    fx.crm
        .put(&format!("/api/v1/opportunities/{id}"), Some(&an.token), &edit(v))
        .await
        .assert_problem_type(409, "wrong-state");

    // Lost with its reason: 0 %, final.
    let lost = id_of(
        &fx.opportunity(
            &an,
            json!({ "customer_id": customer, "name": "Bảo trì", "amount": "8000000", "stage": "proposal" }),
        )
        .await,
    );
    let r = fx
        .stage(&an, lost, json!({ "stage": "lost", "reason": "giá cao hơn đối thủ" }))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["probability"], 0);
    assert_eq!(r.body["lost_reason"], "giá cao hơn đối thủ");
    fx.stage(&an, lost, json!({ "stage": "proposal" }))
        .await
        .assert_problem_type(409, "wrong-state");

    // Lists filter by stage, openness, customer and owner, within what one sees.
    let ids = |r: &Resp| -> Vec<Uuid> { items_of(&r.body).iter().map(id_of).collect() };
    assert_eq!(ids(&fx.get("/api/v1/opportunities?stage=won", &an).await), vec![id]);
    assert_eq!(
        ids(&fx.get("/api/v1/opportunities?open=false", &an).await),
        vec![lost, id]
    );
    assert!(ids(&fx.get("/api/v1/opportunities?open=true", &an).await).is_empty());
    assert_eq!(
        ids(&fx
            .get(&format!("/api/v1/opportunities?customer_id={customer}"), &manager)
            .await),
        vec![lost, id]
    );
    assert!(ids(&fx.get("/api/v1/opportunities", &binh).await).is_empty());
    let r = fx.get("/api/v1/opportunities?q=KHÍ%20NÉN&limit=1", &an).await;
    assert_eq!(ids(&r), vec![id]);
    assert_eq!(items_of(&r.body)[0]["customer_code"], "KH-OPP");

    // A manager gives an opportunity to a salesperson of its department.
    let r = fx
        .post(
            "/api/v1/opportunities",
            &manager,
            json!({ "customer_id": customer, "name": "Phụ tùng", "amount": "1000000", "owner_id": binh.id }),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["owner_id"], json!(binh.id));
    assert_status(
        &fx.get(&format!("/api/v1/opportunities/{}", id_of(&r.body)), &binh)
            .await,
        200,
    );
    fx.post(
        "/api/v1/opportunities",
        &manager,
        json!({ "customer_id": customer, "name": "x", "amount": "1", "owner_id": keeper.id }),
    )
    .await
    .assert_invalid_fields(&["owner_id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_funnel_counts_totals_and_weighs_what_each_caller_sees() {
    let fx = fixture().await;
    let an = fx.person("An", &[Role::Sales], Some(fx.dept_a)).await;
    let binh = fx.person("Bình", &[Role::Sales], Some(fx.dept_a)).await;
    let cuong = fx.person("Cường", &[Role::Sales], Some(fx.dept_b)).await;
    let manager = fx.person("Quản lý", &[Role::SalesManager], Some(fx.dept_a)).await;
    let gm = fx.person("Tổng Giám đốc", &[Role::GeneralManager], None).await;
    let keeper = fx.person("Thủ Kho", &[Role::WarehouseKeeper], None).await;
    let an_vnd = fx.customer(&an, "KH-A1", "VND").await;
    let binh_usd = fx.customer(&binh, "KH-B1", "USD").await;
    let cuong_vnd = fx.customer(&cuong, "KH-C1", "VND").await;

    // An: 30,000,001 VND in qualification (10 %: 3,000,000.1 → 3,000,000), 20,000,000 at 30 %
    // in qualification, 100,000,000 won, 40,000,000 lost.
    let create = |who: &'static str, body: Value| (who, body);
    let plan = vec![
        create(
            "an",
            json!({ "customer_id": an_vnd, "name": "A1", "amount": "30000001" }),
        ),
        create(
            "an",
            json!({ "customer_id": an_vnd, "name": "A2", "amount": "20000000", "probability": 30 }),
        ),
        create(
            "an",
            json!({ "customer_id": an_vnd, "name": "A3", "amount": "100000000", "stage": "negotiation" }),
        ),
        create(
            "an",
            json!({ "customer_id": an_vnd, "name": "A4", "amount": "40000000", "stage": "needs" }),
        ),
        // Bình: 1,000.50 USD and 999.99 USD in negotiation (75 %).
        create(
            "binh",
            json!({ "customer_id": binh_usd, "name": "B1", "amount": "1000.50", "stage": "negotiation" }),
        ),
        create(
            "binh",
            json!({ "customer_id": binh_usd, "name": "B2", "amount": "999.99", "stage": "negotiation" }),
        ),
        // Cường, another department: 10,000,000 VND in qualification.
        create(
            "cuong",
            json!({ "customer_id": cuong_vnd, "name": "C1", "amount": "10000000" }),
        ),
    ];
    let mut made = Vec::new();
    for (who, body) in plan {
        let person = match who {
            "an" => &an,
            "binh" => &binh,
            _ => &cuong,
        };
        made.push(id_of(&fx.opportunity(person, body).await));
    }
    assert_status(&fx.stage(&an, made[2], json!({ "stage": "won" })).await, 200);
    assert_status(
        &fx.stage(&an, made[3], json!({ "stage": "lost", "reason": "hết ngân sách" }))
            .await,
        200,
    );

    let vnd = |amount: Decimal, weighted: Decimal| ("VND".to_owned(), amount, weighted);
    let usd = |amount: Decimal, weighted: Decimal| ("USD".to_owned(), amount, weighted);

    // The salesperson: its own only, whatever it asks for.
    let f = fx.funnel(&an, "").await;
    let stages: Vec<&str> = f["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        vec!["qualification", "needs", "proposal", "negotiation", "won", "lost"]
    );
    assert_eq!(
        numbers(&f, "qualification"),
        (2, vec![vnd(dec!(50000001), dec!(9000000))])
    );
    assert_eq!(numbers(&f, "needs"), (0, vec![]));
    assert_eq!(numbers(&f, "negotiation"), (0, vec![]));
    assert_eq!(numbers(&f, "won"), (1, vec![vnd(dec!(100000000), dec!(100000000))]));
    assert_eq!(numbers(&f, "lost"), (1, vec![vnd(dec!(40000000), dec!(0))]));
    let f = fx.funnel(&an, &format!("?owner_id={}", binh.id)).await;
    assert_eq!(numbers(&f, "negotiation"), (0, vec![]), "not An's to see");

    // The department's manager: An's and Bình's, amounts per currency, not Cường's.
    let f = fx.funnel(&manager, "").await;
    assert_eq!(
        numbers(&f, "qualification"),
        (2, vec![vnd(dec!(50000001), dec!(9000000))])
    );
    // (1000.50 + 999.99) × 75 % = 1500.3675 → 1500.37.
    assert_eq!(numbers(&f, "negotiation"), (2, vec![usd(dec!(2000.49), dec!(1500.37))]));
    let f = fx.funnel(&manager, &format!("?owner_id={}", binh.id)).await;
    assert_eq!(numbers(&f, "qualification"), (0, vec![]));
    assert_eq!(numbers(&f, "negotiation").0, 2);
    let f = fx.funnel(&manager, &format!("?department_id={}", fx.dept_b)).await;
    assert!(
        f["stages"].as_array().unwrap().iter().all(|s| s["count"] == 0),
        "another department's funnel is empty for this manager: {f}"
    );

    // The general manager: everyone, narrowed on request.
    let f = fx.funnel(&gm, "").await;
    assert_eq!(
        numbers(&f, "qualification"),
        (3, vec![vnd(dec!(60000001), dec!(10000000))])
    );
    assert_eq!(numbers(&f, "negotiation"), (2, vec![usd(dec!(2000.49), dec!(1500.37))]));
    let f = fx.funnel(&gm, &format!("?department_id={}", fx.dept_b)).await;
    assert_eq!(
        numbers(&f, "qualification"),
        (1, vec![vnd(dec!(10000000), dec!(1000000))])
    );
    assert_eq!(numbers(&f, "won"), (0, vec![]));

    // A currency mix in one stage stays apart.
    let an_usd = fx.customer(&an, "KH-A2", "USD").await;
    fx.opportunity(
        &an,
        json!({ "customer_id": an_usd, "name": "A5", "amount": "10.02", "probability": 25 }),
    )
    .await;
    let f = fx.funnel(&an, "").await;
    assert_eq!(
        numbers(&f, "qualification"),
        (
            3,
            vec![usd(dec!(10.02), dec!(2.51)), vnd(dec!(50000001), dec!(9000000))]
        )
    );

    fx.get("/api/v1/opportunities/funnel", &keeper)
        .await
        .assert_problem(403);
}
