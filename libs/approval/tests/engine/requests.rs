//! The approval engine against the real database and broker, through a small test service
//! that keeps `test_documents`, submits them for approval and decides them through its own
//! endpoints (as crm will), with the authority-matrix and approval endpoints mounted and the
//! directory filled directly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{HttpResponse, get, post, web};
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_approval::{Condition, Decision, Facts, RuleSeed};
use erp_auth::{CurrentUser, Role};
use erp_problem::{AppError, Json};
use erp_server::{AppContext, ServiceDef};
use erp_testkit::{TestEnv, TestService, fixtures};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub(crate) const TEST_MIGRATIONS: EmbeddedMigrations = embed_migrations!("tests/test_migrations");
const NAME: &str = "docsvc";
pub(crate) const DOC: &str = "test_document";
const REQUESTED: &str = "docsvc.approval.requested";
const DECIDED: &str = "docsvc.approval.decided";

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct DocumentInput {
    document_type: Option<String>,
    number: String,
    currency: String,
    #[schema(value_type = String)]
    total: Decimal,
    #[serde(default)]
    below_floor: bool,
    #[serde(default)]
    credit_terms: bool,
    #[serde(default)]
    over_credit_limit: bool,
    #[schema(value_type = Option<String>)]
    margin_pct: Option<Decimal>,
}

#[derive(QueryableByName)]
struct DocRow {
    #[diesel(sql_type = Text)]
    document_type: String,
    #[diesel(sql_type = Text)]
    status: String,
}

fn load_doc(c: &mut PgConnection, id: Uuid) -> Result<DocRow, AppError> {
    diesel::sql_query("SELECT document_type, status FROM test_documents WHERE id = $1")
        .bind::<SqlUuid, _>(id)
        .get_result::<DocRow>(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("document"))
}

fn set_status(c: &mut PgConnection, id: Uuid, status: &str) -> Result<(), AppError> {
    diesel::sql_query("UPDATE test_documents SET status = $2 WHERE id = $1")
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(status)
        .execute(c)?;
    Ok(())
}

/// Submits the document in its own transaction: `approved` at once or `pending_approval`.
fn submit_doc(
    c: &mut PgConnection,
    id: Uuid,
    d: &DocumentInput,
    user: &CurrentUser,
    meta: &erp_bus::EventMeta,
) -> Result<erp_approval::Submission, AppError> {
    let document_type = d.document_type.clone().unwrap_or_else(|| DOC.to_owned());
    diesel::sql_query(
        "INSERT INTO test_documents (id, document_type, number, status, created_by) VALUES ($1, $2, $3, 'draft', $4) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(&document_type)
    .bind::<Text, _>(&d.number)
    .bind::<SqlUuid, _>(user.id)
    .execute(c)?;
    let facts = Facts {
        submitter_department: user.department_id,
        below_floor: d.below_floor,
        credit_terms: d.credit_terms,
        over_credit_limit: d.over_credit_limit,
        margin_pct: d.margin_pct,
        ..Facts::new(&document_type, id, &d.number, user.id, &d.currency, d.total)
    };
    let submission = erp_approval::submit(c, &facts, meta)?;
    set_status(
        c,
        id,
        if submission.auto_approved {
            "approved"
        } else {
            "pending_approval"
        },
    )?;
    Ok(submission)
}

#[utoipa::path(request_body = DocumentInput, responses((status = 201)))]
#[post("/test/documents")]
async fn create_document(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<DocumentInput>,
) -> Result<HttpResponse, AppError> {
    let d = body.into_inner();
    let meta = ctx.event_meta(&user);
    let id = Uuid::now_v7();
    let submission = erp_db::transaction(&ctx.pool, move |c| submit_doc(c, id, &d, &user, &meta)).await?;
    Ok(HttpResponse::Created().json(json!({ "id": id, "submission": submission })))
}

#[utoipa::path(request_body = DocumentInput, responses((status = 200)))]
#[post("/test/documents/{id}/submit")]
async fn resubmit_document(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<DocumentInput>,
) -> Result<HttpResponse, AppError> {
    let d = body.into_inner();
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let submission = erp_db::transaction(&ctx.pool, move |c| {
        load_doc(c, id)?;
        submit_doc(c, id, &d, &user, &meta)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "id": id, "submission": submission })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct DecisionInput {
    approve: bool,
    comment: Option<String>,
}

/// The document's own approve/reject endpoint: the engine decides, the document follows.
#[utoipa::path(request_body = DecisionInput, responses((status = 200)))]
#[post("/test/documents/{id}/decide")]
async fn decide_document(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
    body: Json<DecisionInput>,
) -> Result<web::Json<Decision>, AppError> {
    let id = id.into_inner();
    let input = body.into_inner();
    let meta = ctx.event_meta(&user);
    let decision = erp_db::transaction(&ctx.pool, move |c| {
        let doc = load_doc(c, id)?;
        let decision = erp_approval::decide(
            c,
            (doc.document_type.as_str(), id),
            &user,
            input.approve,
            input.comment.as_deref(),
            &meta,
        )?;
        if decision.is_final {
            set_status(c, id, decision.status().as_str())?;
        }
        Ok(decision)
    })
    .await?;
    Ok(web::Json(decision))
}

#[utoipa::path(responses((status = 200)))]
#[post("/test/documents/{id}/withdraw")]
async fn withdraw_document(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let meta = ctx.event_meta(&user);
    let request = erp_db::transaction(&ctx.pool, move |c| {
        let doc = load_doc(c, id)?;
        let request = erp_approval::withdraw(c, &doc.document_type, id, &user, &meta)?;
        set_status(c, id, "draft")?;
        Ok(request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(request))
}

#[utoipa::path(responses((status = 200)))]
#[get("/test/documents/{id}")]
async fn get_document(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let doc = erp_db::with_conn(&ctx.pool, move |c| load_doc(c, id)).await?;
    Ok(HttpResponse::Ok().json(json!({ "id": id, "status": doc.status })))
}

fn test_routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    erp_approval::routes(cfg);
    cfg.service(create_document)
        .service(resubmit_document)
        .service(decide_document)
        .service(withdraw_document)
        .service(get_document);
}

pub(crate) fn test_service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "approval test service",
        migrations: || vec![erp_directory::MIGRATIONS, erp_approval::MIGRATIONS, TEST_MIGRATIONS],
        routes: test_routes,
        doors: Vec::new,
        subscriptions: erp_directory::subscriptions,
        init: None,
        jobs: &[],
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

pub(crate) struct Staff<'a> {
    pub(crate) env: &'a TestEnv,
    pub(crate) svc: &'a TestService,
}

impl Staff<'_> {
    /// Puts an employee into the service's directory (as hr's event would) and returns them as
    /// a signed-in user.
    pub(crate) async fn hire(
        &self,
        name: &str,
        roles: &[Role],
        department: Option<Uuid>,
        manager: Option<Uuid>,
    ) -> User {
        let id = Uuid::now_v7();
        let mut who = fixtures::person(name)
            .id(id)
            .code(&format!("E{}", &id.simple().to_string()[24..]))
            .roles(roles);
        if let Some(d) = department {
            who = who.department(d);
        }
        if let Some(m) = manager {
            who = who.manager(m);
        }
        let user = who.build();
        let department_code = department.map(|d| format!("D{}", &d.simple().to_string()[26..]));
        self.svc
            .apply_employees(vec![fixtures::employee_changed(
                &user,
                department_code.as_deref().unwrap_or_default(),
                "Phòng Kinh Doanh",
            )])
            .await;
        User {
            token: self.env.token_for(&user),
            id,
        }
    }
}

pub(crate) struct User {
    pub(crate) id: Uuid,
    pub(crate) token: String,
}

pub(crate) async fn seed(svc: &TestService, seeds: Vec<RuleSeed>) -> usize {
    erp_db::transaction(&svc.pool, move |c| erp_approval::seed_rules(c, &seeds))
        .await
        .unwrap()
}

/// Creates and submits a document; returns (document id, request id, submission json).
pub(crate) async fn submit(svc: &TestService, by: &User, body: Value) -> (Uuid, Uuid, Value) {
    let res = svc.post("/test/documents", Some(&by.token), &body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.body["id"].as_str().unwrap().parse().unwrap();
    let request = res.body["submission"]["request"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    (id, request, res.body["submission"].clone())
}

async fn decide(svc: &TestService, by: &User, doc: Uuid, approve: bool, comment: Option<&str>) -> erp_testkit::Resp {
    svc.post(
        &format!("/test/documents/{doc}/decide"),
        Some(&by.token),
        &json!({ "approve": approve, "comment": comment }),
    )
    .await
}

async fn doc_status(svc: &TestService, by: &User, doc: Uuid) -> String {
    let res = svc.get(&format!("/test/documents/{doc}"), Some(&by.token)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.body["status"].as_str().unwrap().to_owned()
}

/// The outbox events of `event_type` about one request.
async fn events_of(svc: &TestService, event_type: &str, request: Uuid) -> Vec<Value> {
    svc.outbox(event_type)
        .await
        .into_iter()
        .filter(|e| e["request_id"] == json!(request))
        .collect()
}

async fn inbox(svc: &TestService, by: &User) -> Vec<Uuid> {
    let res = svc
        .get("/api/v1/approvals?status=pending&mine=true", Some(&by.token))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().parse().unwrap())
        .collect()
}

fn ids(value: &Value) -> Vec<Uuid> {
    serde_json::from_value(value.clone()).unwrap()
}

pub(crate) fn doc(number: &str, total: &str) -> Value {
    json!({ "number": number, "currency": "VND", "total": total })
}

fn chain_rules() -> Vec<RuleSeed> {
    vec![
        RuleSeed::new(DOC, Condition::TotalAbove, Role::VicePresident, 1).amount(dec!(100000000), "VND"),
        RuleSeed::new(DOC, Condition::TotalAbove, Role::GeneralManager, 2).amount(dec!(500000000), "VND"),
    ]
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_are_edited_only_by_a_general_manager_and_validated() {
    let env = TestEnv::new();
    let svc = env.start(test_service()).await;
    let gm = env.token(&[Role::GeneralManager]);
    let vp = env.token(&[Role::VicePresident]);
    let sales = env.token(&[Role::Sales]);

    svc.get("/api/v1/approval-rules", None).await.assert_problem(401);
    let res = svc.get("/api/v1/approval-rules", Some(&sales)).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body, json!([]));

    let good = json!({
        "document_type": "quotation", "condition": "total_above", "threshold": "100000000",
        "currency": "vnd", "approver_role": "vice_president", "step": 1
    });
    svc.post("/api/v1/approval-rules", Some(&vp), &good)
        .await
        .assert_problem_type(403, "forbidden");
    svc.post("/api/v1/approval-rules", Some(&sales), &good)
        .await
        .assert_problem(403);

    let bad = json!({"document_type": "quotation", "condition": "whenever", "approver_role": "boss", "step": 0});
    svc.post("/api/v1/approval-rules", Some(&gm), &bad)
        .await
        .assert_invalid_fields(&["condition", "approver_role", "step"]);
    let no_limit =
        json!({"document_type": "quotation", "condition": "total_above", "approver_role": "vice_president", "step": 1});
    svc.post("/api/v1/approval-rules", Some(&gm), &no_limit)
        .await
        .assert_invalid_fields(&["threshold", "currency"]);
    let margin = json!({"document_type": "quotation", "condition": "margin_below", "threshold": "150", "approver_role": "vice_president", "step": 1});
    svc.post("/api/v1/approval-rules", Some(&gm), &margin)
        .await
        .assert_invalid_fields(&["threshold"]);
    let no_step = json!({"document_type": "quotation", "condition": "otherwise", "approver_role": "sales_manager"});
    svc.post("/api/v1/approval-rules", Some(&gm), &no_step)
        .await
        .assert_invalid_fields(&["step"]);
    svc.post_raw(
        "/api/v1/approval-rules",
        Some(&gm),
        "application/json",
        "{\"document_type\": ",
    )
    .await
    .assert_problem_type(400, "bad-request");

    let res = svc.post("/api/v1/approval-rules", Some(&gm), &good).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let rule = res.body;
    assert_eq!(rule["threshold"], "100000000");
    assert_eq!(rule["currency"], "VND", "upper-cased");
    assert_eq!(rule["condition"], "total_above");
    assert_eq!(rule["approver_role"], "vice_president");
    assert_eq!(rule["version"], 1);
    assert_eq!(rule["active"], true);
    let path = format!("/api/v1/approval-rules/{}", rule["id"].as_str().unwrap());

    let change = |version: i64| {
        json!({
            "document_type": "quotation", "condition": "total_above", "threshold": "200000000",
            "currency": "VND", "approver_role": "general_manager", "step": 2, "version": version
        })
    };
    svc.put(&path, Some(&vp), &change(1)).await.assert_problem(403);
    svc.put(&path, Some(&gm), &change(7))
        .await
        .assert_problem_type(409, "stale-version");
    let mut invalid = change(1);
    invalid["currency"] = json!(null);
    svc.put(&path, Some(&gm), &invalid)
        .await
        .assert_invalid_fields(&["currency"]);
    svc.put(
        &format!("/api/v1/approval-rules/{}", Uuid::now_v7()),
        Some(&gm),
        &change(1),
    )
    .await
    .assert_problem(404);
    let res = svc.put(&path, Some(&gm), &change(1)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["version"], 2);
    assert_eq!(res.body["approver_role"], "general_manager");
    assert_eq!(res.body["step"], 2);
    svc.put(&path, Some(&gm), &change(1))
        .await
        .assert_problem_type(409, "stale-version");

    let deactivate = format!("{path}/deactivate");
    svc.post(&deactivate, Some(&sales), &json!({}))
        .await
        .assert_problem(403);
    let res = svc.post(&deactivate, Some(&gm), &json!({})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["active"], false);
    assert_eq!(res.body["version"], 3);
    svc.post(&deactivate, Some(&gm), &json!({}))
        .await
        .assert_problem_type(409, "wrong-state");
    svc.post(
        &format!("/api/v1/approval-rules/{}/deactivate", Uuid::now_v7()),
        Some(&gm),
        &json!({}),
    )
    .await
    .assert_problem(404);
    let active = svc
        .get(
            "/api/v1/approval-rules?active=true&document_type=quotation",
            Some(&sales),
        )
        .await;
    assert_eq!(active.body, json!([]));
    let all = svc
        .get("/api/v1/approval-rules?document_type=quotation", Some(&sales))
        .await;
    assert_eq!(all.body.as_array().unwrap().len(), 1);

    // Seeding fills only document types without any rule, at every start.
    let seeds = vec![
        RuleSeed::new("quotation", Condition::BelowFloorPrice, Role::VicePresident, 1),
        RuleSeed::new("sales_order", Condition::CreditTerms, Role::GeneralManager, 2),
        RuleSeed::new("sales_order", Condition::MarginBelow, Role::VicePresident, 1).percent(dec!(12.5)),
    ];
    assert_eq!(
        seed(&svc, seeds.clone()).await,
        2,
        "quotation already has a (deactivated) rule"
    );
    assert_eq!(seed(&svc, seeds).await, 0, "idempotent");
    let orders = svc
        .get("/api/v1/approval-rules?document_type=sales_order", Some(&sales))
        .await;
    let orders = orders.body.as_array().unwrap().clone();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0]["step"], 1, "by step");
    assert_eq!(orders[0]["threshold"], "12.5");
    assert_eq!(orders[1]["created_by"], "seed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_step_chain_needs_both_roles_in_order_and_deciding_twice_is_a_conflict() {
    let env = TestEnv::new();
    let svc = env.start(test_service()).await;
    let staff = Staff { env: &env, svc: &svc };
    let dept = Some(Uuid::now_v7());
    let vp = staff.hire("Trần Thị Phó", &[Role::VicePresident], None, None).await;
    let vp2 = staff.hire("Lê Văn Phó Hai", &[Role::VicePresident], None, None).await;
    let gm = staff.hire("Nguyễn Tổng", &[Role::GeneralManager], None, None).await;
    let sales = staff.hire("Phạm Bán Hàng", &[Role::Sales], dept, None).await;
    assert_eq!(seed(&svc, chain_rules()).await, 2);

    let (doc_id, request, submission) = submit(&svc, &sales, doc("SO-1", "600000000")).await;
    assert_eq!(submission["auto_approved"], false);
    assert_eq!(submission["request"]["status"], "pending");
    assert_eq!(submission["request"]["current_step"], 1);
    assert_eq!(submission["request"]["submitter_department"], json!(dept));
    let plan = submission["plan"].as_array().unwrap();
    assert_eq!(plan.len(), 2);
    assert_eq!(plan[0]["approver_role"], "vice_president");
    assert_eq!(plan[1]["approver_role"], "general_manager");
    assert_eq!(plan[0]["reasons"], json!(["total 600,000,000 VND above 100,000,000"]));
    assert_eq!(doc_status(&svc, &sales, doc_id).await, "pending_approval");

    let requested = events_of(&svc, REQUESTED, request).await;
    assert_eq!(requested.len(), 1, "only the first step is announced");
    assert_eq!(requested[0]["step"], 1);
    assert_eq!(requested[0]["approver_role"], "vice_president");
    let mut expected = vec![vp.id, vp2.id];
    expected.sort();
    let mut got = ids(&requested[0]["approver_ids"]);
    got.sort();
    assert_eq!(got, expected, "every vice president the directory knows");
    assert_eq!(requested[0]["submitted_by"], json!(sales.id));
    assert_eq!(requested[0]["document_number"], "SO-1");
    assert_eq!(requested[0]["total"], "600000000");

    assert_eq!(inbox(&svc, &vp).await, vec![request]);
    assert!(inbox(&svc, &gm).await.is_empty(), "step 2 is not reached yet");
    assert!(inbox(&svc, &sales).await.is_empty());

    decide(&svc, &gm, doc_id, true, None)
        .await
        .assert_problem_type(409, "wrong-state");
    decide(&svc, &sales, doc_id, true, None)
        .await
        .assert_problem_type(403, "forbidden");
    let too_long = "x".repeat(2001);
    decide(&svc, &vp, doc_id, true, Some(&too_long))
        .await
        .assert_invalid_fields(&["comment"]);

    let res = decide(&svc, &vp, doc_id, true, Some("giá hợp lý")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["final"], false);
    assert_eq!(res.body["request"]["status"], "pending");
    assert_eq!(res.body["request"]["current_step"], 2);
    assert_eq!(res.body["waiting"][0]["approver_role"], "general_manager");
    assert_eq!(res.body["decided"][0]["decided_by"], json!(vp.id));
    assert_eq!(doc_status(&svc, &sales, doc_id).await, "pending_approval");

    let requested = events_of(&svc, REQUESTED, request).await;
    assert_eq!(requested.len(), 2, "step 2 announced once step 1 is done");
    assert_eq!(requested[1]["step"], 2);
    assert_eq!(requested[1]["approver_role"], "general_manager");
    assert_eq!(ids(&requested[1]["approver_ids"]), vec![gm.id]);
    let decided = events_of(&svc, DECIDED, request).await;
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0]["decision"], "approved");
    assert_eq!(decided[0]["decided_by"], json!(vp.id));
    assert_eq!(decided[0]["step"], 1);
    assert_eq!(decided[0]["final"], false);
    assert_eq!(decided[0]["status"], "pending");

    assert!(inbox(&svc, &vp).await.is_empty());
    assert!(inbox(&svc, &vp2).await.is_empty(), "the step is decided");
    assert_eq!(inbox(&svc, &gm).await, vec![request]);

    decide(&svc, &vp, doc_id, true, None)
        .await
        .assert_problem_type(409, "wrong-state");
    decide(&svc, &vp2, doc_id, false, None)
        .await
        .assert_problem_type(409, "wrong-state");

    let res = decide(&svc, &gm, doc_id, true, Some("đồng ý")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["final"], true);
    assert_eq!(res.body["request"]["status"], "approved");
    assert_eq!(res.body["waiting"], json!([]));
    assert_eq!(doc_status(&svc, &sales, doc_id).await, "approved");
    decide(&svc, &gm, doc_id, true, None)
        .await
        .assert_problem_type(409, "wrong-state");
    decide(&svc, &vp, doc_id, false, None)
        .await
        .assert_problem_type(409, "wrong-state");

    let decided = events_of(&svc, DECIDED, request).await;
    assert_eq!(decided.len(), 2);
    assert_eq!(decided[1]["decided_by"], json!(gm.id));
    assert_eq!(decided[1]["decided_by_name"], "Nguyễn Tổng");
    assert_eq!(decided[1]["final"], true);
    assert_eq!(decided[1]["status"], "approved");
    assert!(inbox(&svc, &gm).await.is_empty());

    // The history: every decision, who, role, comment, when; with the facts.
    let res = svc
        .get(&format!("/api/v1/approvals/{request}"), Some(&sales.token))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["status"], "approved");
    assert_eq!(res.body["facts"]["total"], "600000000");
    assert_eq!(res.body["facts"]["document_number"], "SO-1");
    let steps = res.body["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["approver_role"], "vice_president");
    assert_eq!(steps[0]["decision"], "approved");
    assert_eq!(steps[0]["decided_by_name"], "Trần Thị Phó");
    assert_eq!(steps[0]["comment"], "giá hợp lý");
    assert!(steps[0]["decided_at"].is_string());
    assert_eq!(steps[1]["approver_role"], "general_manager");
    assert_eq!(steps[1]["decided_by"], json!(gm.id));
    assert_eq!(steps[1]["comment"], "đồng ý");
    let history = erp_db::with_conn(&svc.pool, move |c| erp_approval::history(c, request))
        .await
        .unwrap();
    assert!(history.iter().all(|s| s.decision.is_some()));

    // Nobody approves their own document: a vice president's large document goes to the other.
    let (own, own_request, _) = submit(&svc, &vp2, doc("SO-2", "200000000")).await;
    assert_eq!(
        ids(&events_of(&svc, REQUESTED, own_request).await[0]["approver_ids"]),
        vec![vp.id],
        "the submitter is not asked"
    );
    assert!(inbox(&svc, &vp2).await.is_empty(), "not my own document");
    decide(&svc, &vp2, own, true, None)
        .await
        .assert_problem_type(403, "forbidden");
    decide(&svc, &vp2, own, false, None).await.assert_problem(403);
    let res = decide(&svc, &vp, own, true, None).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["final"], true, "below the general manager's amount");
    assert_eq!(doc_status(&svc, &vp2, own).await, "approved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sales_manager_decides_only_for_their_reports_or_their_department() {
    let env = TestEnv::new();
    let svc = env.start(test_service()).await;
    let staff = Staff { env: &env, svc: &svc };
    let (d1, d2, d3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let head = staff.hire("Trưởng Phòng", &[Role::SalesManager], Some(d2), None).await;
    let team_lead = staff
        .hire("Tổ Trưởng", &[Role::SalesManager], Some(d2), Some(head.id))
        .await;
    let sales = staff
        .hire("Nhân Viên", &[Role::Sales], Some(d1), Some(team_lead.id))
        .await;
    let same_dept = staff.hire("Quản Lý D1", &[Role::SalesManager], Some(d1), None).await;
    let stranger = staff.hire("Quản Lý D3", &[Role::SalesManager], Some(d3), None).await;
    let colleague = staff.hire("Đồng Nghiệp", &[Role::Sales], Some(d1), None).await;
    let gm = staff.hire("Tổng Giám Đốc", &[Role::GeneralManager], None, None).await;
    seed(
        &svc,
        vec![
            RuleSeed::new(DOC, Condition::BelowFloorPrice, Role::VicePresident, 1),
            RuleSeed::new(DOC, Condition::Otherwise, Role::SalesManager, 1),
        ],
    )
    .await;

    let (a, request_a, submission) = submit(&svc, &sales, doc("Q-A", "1000000")).await;
    assert_eq!(submission["plan"][0]["approver_role"], "sales_manager");
    assert!(
        submission["plan"][0]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("no other rule")
    );
    let requested = events_of(&svc, REQUESTED, request_a).await;
    assert_eq!(requested.len(), 1);
    assert_eq!(
        ids(&requested[0]["approver_ids"]),
        vec![team_lead.id, head.id, same_dept.id],
        "the manager chain first, then the department's sales managers"
    );

    assert!(inbox(&svc, &stranger).await.is_empty());
    assert_eq!(inbox(&svc, &team_lead).await, vec![request_a]);
    assert_eq!(inbox(&svc, &head).await, vec![request_a]);
    assert_eq!(inbox(&svc, &same_dept).await, vec![request_a]);
    decide(&svc, &stranger, a, true, None)
        .await
        .assert_problem_type(403, "forbidden");
    decide(&svc, &stranger, a, false, None).await.assert_problem(403);
    decide(&svc, &colleague, a, true, None).await.assert_problem(403);
    svc.get(&format!("/api/v1/approvals/{request_a}"), Some(&stranger.token))
        .await
        .assert_problem(404);
    svc.get(&format!("/api/v1/approvals/{request_a}"), Some(&colleague.token))
        .await
        .assert_problem(404);
    let res = svc.get("/api/v1/approvals", Some(&stranger.token)).await;
    assert_eq!(res.body["items"], json!([]), "nothing of others' departments");

    // A sales manager of the submitter's department, not in the chain, may decide.
    let res = decide(&svc, &same_dept, a, true, None).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["final"], true);
    assert_eq!(doc_status(&svc, &sales, a).await, "approved");
    assert!(inbox(&svc, &team_lead).await.is_empty());

    // A manager higher up the chain (another department) may too.
    let (b, request_b, _) = submit(&svc, &sales, doc("Q-B", "1000000")).await;
    assert_eq!(inbox(&svc, &head).await, vec![request_b]);
    let res = decide(&svc, &head, b, true, Some("ok")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["request"]["status"], "approved");

    // A rejection rejects the request; the document may be submitted again.
    let (c, request_c, _) = submit(&svc, &sales, doc("Q-C", "1000000")).await;
    let res = decide(&svc, &team_lead, c, false, Some("giá quá thấp")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["final"], true);
    assert_eq!(res.body["request"]["status"], "rejected");
    assert_eq!(doc_status(&svc, &sales, c).await, "rejected");
    decide(&svc, &head, c, true, None)
        .await
        .assert_problem_type(409, "wrong-state");
    let decided = events_of(&svc, DECIDED, request_c).await;
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0]["decision"], "rejected");
    assert_eq!(decided[0]["comment"], "giá quá thấp");
    assert_eq!(decided[0]["final"], true);
    assert_eq!(decided[0]["status"], "rejected");

    let again = svc
        .post(
            &format!("/test/documents/{c}/submit"),
            Some(&sales.token),
            &doc("Q-C", "900000"),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let request_c2: Uuid = again.body["submission"]["request"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(request_c2, request_c);
    svc.post(
        &format!("/test/documents/{c}/submit"),
        Some(&sales.token),
        &doc("Q-C", "900000"),
    )
    .await
    .assert_problem_type(409, "wrong-state");
    let history = erp_db::with_conn(&svc.pool, move |conn| erp_approval::document_history(conn, DOC, c))
        .await
        .unwrap();
    assert_eq!(history.len(), 2, "both submissions are kept");
    assert_eq!(history[0].request.id, request_c2);

    // Visibility: the submitter sees theirs, the department's sales manager the department's,
    // the general manager everything.
    let mine = svc.get("/api/v1/approvals", Some(&sales.token)).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 4, "{}", mine.body);
    let dept = svc
        .get("/api/v1/approvals?status=approved", Some(&same_dept.token))
        .await;
    assert_eq!(dept.body["items"].as_array().unwrap().len(), 2, "{}", dept.body);
    let all = svc.get("/api/v1/approvals?limit=3", Some(&gm.token)).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 3);
    let cursor = all.body["next_cursor"].as_str().unwrap();
    let rest = svc
        .get(&format!("/api/v1/approvals?limit=3&cursor={cursor}"), Some(&gm.token))
        .await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest.body["items"][0]["id"], json!(request_a), "oldest last");
    assert_eq!(rest.body["next_cursor"], json!(null));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_no_rule_applies_to_is_approved_at_once() {
    let env = TestEnv::new();
    let svc = env.start(test_service()).await;
    let staff = Staff { env: &env, svc: &svc };
    let sales = staff.hire("Nhân Viên", &[Role::Sales], None, None).await;
    let vp = staff.hire("Phó Tổng", &[Role::VicePresident], None, None).await;
    seed(&svc, chain_rules()).await;

    for body in [
        doc("Q-small", "5000000"),
        json!({ "number": "Q-usd", "currency": "USD", "total": "600000000" }),
        json!({ "document_type": "memo", "number": "M-1", "currency": "VND", "total": "900000000" }),
    ] {
        let (id, request, submission) = submit(&svc, &sales, body.clone()).await;
        assert_eq!(submission["auto_approved"], true, "{body}");
        assert_eq!(submission["plan"], json!([]));
        assert_eq!(submission["request"]["status"], "approved");
        assert!(submission["request"]["decided_at"].is_string());
        assert_eq!(doc_status(&svc, &sales, id).await, "approved");
        assert!(events_of(&svc, REQUESTED, request).await.is_empty());
        let decided = events_of(&svc, DECIDED, request).await;
        assert_eq!(decided.len(), 1);
        assert_eq!(decided[0]["final"], true);
        assert_eq!(decided[0]["status"], "approved");
        assert_eq!(decided[0]["decided_by"], json!(null));
        decide(&svc, &vp, id, true, None)
            .await
            .assert_problem_type(409, "wrong-state");
    }
    let never = Uuid::now_v7();
    svc.post(
        &format!("/test/documents/{never}/decide"),
        Some(&vp.token),
        &json!({"approve": true}),
    )
    .await
    .assert_problem(404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_request_closes_the_inbox_and_refuses_decisions() {
    let env = TestEnv::new();
    let svc = env.start(test_service()).await;
    let staff = Staff { env: &env, svc: &svc };
    let sales = staff.hire("Nhân Viên", &[Role::Sales], None, None).await;
    let vp = staff.hire("Phó Tổng", &[Role::VicePresident], None, None).await;
    let gm = staff
        .hire("Tổng", &[Role::GeneralManager, Role::VicePresident], None, None)
        .await;
    seed(
        &svc,
        vec![
            RuleSeed::new(DOC, Condition::BelowFloorPrice, Role::VicePresident, 1),
            RuleSeed::new(DOC, Condition::CreditTerms, Role::GeneralManager, 1),
            RuleSeed::new(DOC, Condition::MarginBelow, Role::VicePresident, 2).percent(dec!(10)),
        ],
    )
    .await;

    // Two roles in one step: both decide (in any order) before the request moves on.
    let body = json!({
        "number": "SO-9", "currency": "VND", "total": "1000", "below_floor": true,
        "credit_terms": true, "margin_pct": "4.5"
    });
    let (id, request, submission) = submit(&svc, &sales, body.clone()).await;
    let plan = submission["plan"].as_array().unwrap();
    assert_eq!(plan.len(), 3);
    assert_eq!(
        (plan[0]["step"].clone(), plan[0]["approver_role"].clone()),
        (json!(1), json!("vice_president"))
    );
    assert_eq!(
        (plan[1]["step"].clone(), plan[1]["approver_role"].clone()),
        (json!(1), json!("general_manager"))
    );
    assert_eq!(plan[2]["reasons"], json!(["gross margin 4.5% below 10%"]));
    assert_eq!(
        events_of(&svc, REQUESTED, request).await.len(),
        2,
        "both roles of step 1"
    );
    let res = decide(&svc, &vp, id, true, None).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.body["request"]["current_step"], 1,
        "the general manager still decides"
    );
    assert_eq!(res.body["waiting"][0]["approver_role"], "general_manager");
    let res = decide(&svc, &gm, id, true, None).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["request"]["current_step"], 2);
    assert_eq!(res.body["decided"].as_array().unwrap().len(), 1);
    assert_eq!(inbox(&svc, &vp).await, vec![request]);

    let res = svc
        .post(
            &format!("/test/documents/{id}/withdraw"),
            Some(&sales.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["status"], "withdrawn");
    assert_eq!(res.body["withdrawn_by"], json!(sales.id));
    assert_eq!(doc_status(&svc, &sales, id).await, "draft");
    assert!(inbox(&svc, &vp).await.is_empty());
    let decided = events_of(&svc, DECIDED, request).await;
    let last = decided.last().unwrap();
    assert_eq!(last["decision"], "withdrawn");
    assert_eq!(last["final"], true);
    assert_eq!(last["status"], "withdrawn");
    decide(&svc, &vp, id, true, None)
        .await
        .assert_problem_type(409, "wrong-state");
    svc.post(
        &format!("/test/documents/{id}/withdraw"),
        Some(&sales.token),
        &json!({}),
    )
    .await
    .assert_problem_type(409, "wrong-state");

    let listed = svc.get("/api/v1/approvals?status=withdrawn", Some(&vp.token)).await;
    assert_eq!(listed.body["items"][0]["id"], json!(request), "{}", listed.body);
    let history = &listed.body["items"][0]["steps"];
    assert_eq!(history[0]["decision"], "approved");
    assert_eq!(history[1]["decision"], "approved");
    assert_eq!(history[2]["decision"], json!(null), "never reached");
    svc.get(&format!("/api/v1/approvals/{}", Uuid::now_v7()), Some(&gm.token))
        .await
        .assert_problem(404);
    // An unknown state is a 422 naming the parameter.
    svc.get("/api/v1/approvals?status=nonsense", Some(&gm.token))
        .await
        .assert_invalid_fields(&["status"]);
    svc.get("/api/v1/approvals", None).await.assert_problem(401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_approvers_deciding_at_once_get_one_decision_and_one_conflict() {
    let env = TestEnv::new();
    let svc = env.start(test_service()).await;
    let staff = Staff { env: &env, svc: &svc };
    let sales = staff.hire("Nhân Viên", &[Role::Sales], None, None).await;
    let vp = staff.hire("Phó Tổng Một", &[Role::VicePresident], None, None).await;
    let vp2 = staff.hire("Phó Tổng Hai", &[Role::VicePresident], None, None).await;
    seed(&svc, chain_rules()).await;
    for n in 0..5 {
        let (id, request, _) = submit(&svc, &sales, doc(&format!("SO-{n}"), "200000000")).await;
        let (a, b) = tokio::join!(decide(&svc, &vp, id, true, None), decide(&svc, &vp2, id, false, None));
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
        let history = erp_db::with_conn(&svc.pool, move |c| erp_approval::history(c, request))
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        assert!(history[0].decision.is_some());
        assert_eq!(
            events_of(&svc, DECIDED, request).await.len(),
            1,
            "one decision published"
        );
    }
}

#[test]
fn the_openapi_document_describes_every_endpoint_with_its_problems() {
    let api = erp_server::openapi(&test_service());
    let json = serde_json::to_value(&api).unwrap();
    let paths = &json["paths"];
    for (path, method, statuses) in [
        ("/api/v1/approval-rules", "get", &["200", "400", "401"][..]),
        (
            "/api/v1/approval-rules",
            "post",
            &["201", "400", "401", "403", "422"][..],
        ),
        (
            "/api/v1/approval-rules/{id}",
            "put",
            &["200", "400", "401", "403", "404", "409", "422"][..],
        ),
        (
            "/api/v1/approval-rules/{id}/deactivate",
            "post",
            &["200", "400", "401", "403", "404", "409"][..],
        ),
        ("/api/v1/approvals", "get", &["200", "400", "401"][..]),
        ("/api/v1/approvals/{id}", "get", &["200", "400", "401", "404"][..]),
    ] {
        let responses = &paths[path][method]["responses"];
        for s in statuses {
            assert!(responses[s].is_object(), "{method} {path} lacks {s}");
            if s.starts_with('4') {
                assert!(
                    responses[s]["content"]["application/problem+json"].is_object(),
                    "{method} {path} {s} is not problem+json"
                );
            }
        }
    }
    let schemas = &json["components"]["schemas"];
    for s in [
        "ApprovalRule",
        "ApprovalDetail",
        "ApprovalPage",
        "RuleInput",
        "RuleUpdate",
        "Facts",
    ] {
        assert!(schemas[s].is_object(), "schema {s} missing");
    }
}
