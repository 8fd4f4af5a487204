//! A document type implementing `Approvable`, as a service's would: submitted with
//! `submit_document`, decided through the endpoints `decision_endpoints!` generates, withdrawn
//! with `withdraw_pending`; one of two roles decides its step (`StepQuorum::AnyRole`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{HttpResponse, get, post, web};
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use erp_approval::{Approvable, Condition, Facts, RuleSeed, StepQuorum, Submission};
use erp_auth::{CurrentUser, Role};
use erp_bus::EventMeta;
use erp_problem::AppError;
use erp_server::{AppContext, ServiceDef};
use erp_testkit::fixtures::person;
use erp_testkit::{TestEnv, TestService};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

const DOC: &str = "leave_test";

erp_db::states! {
    /// A test leave request's state.
    pub enum LeaveStatus: "leave request" {
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Rejected = "rejected",
    }
}

#[derive(QueryableByName)]
struct Leave {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    status: LeaveStatus,
}

#[derive(Serialize, utoipa::ToSchema)]
struct LeaveView {
    id: Uuid,
    #[schema(value_type = String)]
    status: LeaveStatus,
}

fn set_status(c: &mut PgConnection, id: Uuid, status: LeaveStatus) -> Result<(), AppError> {
    diesel::sql_query("UPDATE test_documents SET status = $2 WHERE id = $1")
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(status)
        .execute(c)?;
    Ok(())
}

impl Approvable for Leave {
    const DOCUMENT_TYPE: &'static str = DOC;
    const NAME: &'static str = "leave request";
    const QUORUM: StepQuorum = StepQuorum::AnyRole;

    fn lock(c: &mut PgConnection, id: Uuid) -> Result<Self, AppError> {
        diesel::sql_query("SELECT id, number, status FROM test_documents WHERE id = $1 FOR UPDATE")
            .bind::<SqlUuid, _>(id)
            .get_result(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("leave request"))
    }
    fn id(&self) -> Uuid {
        self.id
    }
    fn state_name(&self) -> &'static str {
        self.status.as_str()
    }
    fn is_pending(&self) -> bool {
        self.status == LeaveStatus::PendingApproval
    }
    fn facts(&self, submitter: &CurrentUser) -> Facts {
        Facts::new(DOC, self.id, &self.number, submitter.id, "VND", Decimal::ZERO)
    }
    fn submitted(&self, c: &mut PgConnection, _: &Submission, _: &EventMeta) -> Result<(), AppError> {
        set_status(c, self.id, LeaveStatus::PendingApproval)
    }
    fn approved(&self, c: &mut PgConnection, _: &CurrentUser, _: &EventMeta) -> Result<(), AppError> {
        set_status(c, self.id, LeaveStatus::Approved)
    }
    fn rejected(&self, c: &mut PgConnection, _: &CurrentUser, _: &EventMeta) -> Result<(), AppError> {
        set_status(c, self.id, LeaveStatus::Rejected)
    }
}

fn view(c: &mut PgConnection, id: Uuid) -> Result<LeaveView, AppError> {
    let l = Leave::lock(c, id)?;
    Ok(LeaveView {
        id: l.id,
        status: l.status,
    })
}

/// The application function the generated endpoints call.
fn decide(
    c: &mut PgConnection,
    id: Uuid,
    user: &CurrentUser,
    approve: bool,
    comment: Option<&str>,
    meta: &EventMeta,
) -> Result<LeaveView, AppError> {
    erp_approval::decide_document::<Leave>(c, id, user, approve, comment, meta)?;
    view(c, id)
}

erp_approval::decision_endpoints! {
    tag: "leave", id: "leave request id", body: LeaveView,
    decide: decide,
    approve: /// Approves the leave request's waiting step.
        approve_leave = "/test/leaves/{id}/approve",
    reject: reject_leave = "/test/leaves/{id}/reject",
    forbidden: "not the approver of this step, or one's own request",
    conflict: "not waiting for approval, or already decided",
}

#[utoipa::path(responses((status = 201, body = LeaveView)))]
#[post("/test/leaves")]
async fn create_leave(ctx: web::Data<AppContext>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let meta = ctx.event_meta(&user);
    let id = Uuid::now_v7();
    let created = erp_db::transaction(&ctx.pool, move |c| {
        diesel::sql_query(
            "INSERT INTO test_documents (id, document_type, number, status, created_by) \
             VALUES ($1, $2, $3, 'draft', $4) ON CONFLICT (id) DO NOTHING",
        )
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(DOC)
        .bind::<Text, _>(format!("NP-{}", &id.simple().to_string()[24..]))
        .bind::<SqlUuid, _>(user.id)
        .execute(c)?;
        let leave = Leave::lock(c, id)?;
        erp_approval::submit_document(c, &leave, &user, &meta)?;
        view(c, id)
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(responses((status = 200)))]
#[post("/test/leaves/{id}/withdraw")]
async fn withdraw_leave(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let (id, meta) = (id.into_inner(), ctx.event_meta(&user));
    let withdrawn = erp_db::transaction(&ctx.pool, move |c| {
        let had_one = erp_approval::withdraw_pending::<Leave>(c, id, &user, &meta)?;
        set_status(c, id, LeaveStatus::Draft)?;
        Ok(had_one)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "withdrawn": withdrawn })))
}

#[utoipa::path(responses((status = 200, body = LeaveView)))]
#[get("/test/leaves/{id}")]
async fn get_leave(
    ctx: web::Data<AppContext>,
    _user: CurrentUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let v = erp_db::transaction(&ctx.pool, move |c| view(c, id)).await?;
    Ok(HttpResponse::Ok().json(v))
}

fn routes(cfg: &mut ServiceConfig) {
    erp_directory::routes(cfg);
    erp_approval::routes(cfg);
    cfg.service(create_leave)
        .service(withdraw_leave)
        .service(get_leave)
        .service(approve_leave)
        .service(reject_leave);
}

fn service() -> ServiceDef {
    ServiceDef {
        name: "leavesvc",
        description: "approvable document test service",
        migrations: || {
            vec![
                erp_directory::MIGRATIONS,
                erp_approval::MIGRATIONS,
                super::requests::TEST_MIGRATIONS,
            ]
        },
        routes,
        doors: Vec::new,
        subscriptions: erp_directory::subscriptions,
        init: None,
        jobs: &[],
    }
}

async fn started(rules: Vec<RuleSeed>) -> (TestEnv, TestService) {
    let env = TestEnv::new();
    let svc = env.start(service()).await;
    erp_db::transaction(&svc.pool, move |c| erp_approval::seed_rules(c, &rules))
        .await
        .unwrap();
    (env, svc)
}

fn either_manager() -> Vec<RuleSeed> {
    vec![
        RuleSeed::new(DOC, Condition::Otherwise, Role::GeneralManager, 1),
        RuleSeed::new(DOC, Condition::Otherwise, Role::FinanceManager, 1),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_of_two_roles_decides_the_step_through_the_generated_endpoints() {
    let (env, svc) = started(either_manager()).await;
    let clerk = person("clerk").roles(&[Role::Employee]).build();
    let finance = person("finance").roles(&[Role::FinanceManager]).build();
    svc.add_to_directory(&[&clerk, &finance]).await;
    let created = svc
        .post("/test/leaves", Some(&env.token_for(&clerk)), &serde_json::json!({}))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["status"], "pending_approval");
    let id = created.body["id"].as_str().unwrap().to_owned();

    // The submitter never decides their own request.
    let own = svc
        .post(
            &format!("/test/leaves/{id}/approve"),
            Some(&env.token_for(&clerk)),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(own.status, 403, "{}", own.body);

    // The finance manager alone completes the step the general manager shares.
    let ok = svc
        .post(
            &format!("/test/leaves/{id}/approve"),
            Some(&env.token_for(&finance)),
            &serde_json::json!({"comment": "đồng ý"}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["status"], "approved");

    // Decided documents are not waiting any more: a 409 naming the state.
    let again = svc
        .post(
            &format!("/test/leaves/{id}/reject"),
            Some(&env.token_for(&finance)),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(
        again.body["detail"].as_str().unwrap().contains("approved"),
        "{}",
        again.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejection_withdrawal_and_automatic_approval_move_the_document() {
    let (env, svc) = started(either_manager()).await;
    let clerk = person("clerk").roles(&[Role::Employee]).build();
    let gm = person("gm").roles(&[Role::GeneralManager]).build();
    svc.add_to_directory(&[&clerk, &gm]).await;
    let clerk_token = env.token_for(&clerk);

    let first = svc
        .post("/test/leaves", Some(&clerk_token), &serde_json::json!({}))
        .await;
    let id = first.body["id"].as_str().unwrap().to_owned();
    let rejected = svc
        .post(
            &format!("/test/leaves/{id}/reject"),
            Some(&env.token_for(&gm)),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(rejected.status, 200, "{}", rejected.body);
    assert_eq!(rejected.body["status"], "rejected");

    let second = svc
        .post("/test/leaves", Some(&clerk_token), &serde_json::json!({}))
        .await;
    let id = second.body["id"].as_str().unwrap().to_owned();
    let withdrawn = svc
        .post(
            &format!("/test/leaves/{id}/withdraw"),
            Some(&clerk_token),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(withdrawn.body["withdrawn"], true, "{}", withdrawn.body);
    let inbox = svc.get("/api/v1/approvals?mine=true", Some(&env.token_for(&gm))).await;
    assert!(
        !inbox.body.to_string().contains(&id),
        "a withdrawn request leaves the inbox: {}",
        inbox.body
    );
    let twice = svc
        .post(
            &format!("/test/leaves/{id}/withdraw"),
            Some(&clerk_token),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(twice.body["withdrawn"], false, "{}", twice.body);

    // With no rule for the document type, submitting approves it at once.
    erp_db::transaction(&svc.pool, |c| {
        diesel::sql_query("UPDATE approval_rules SET active = false").execute(c)?;
        Ok(())
    })
    .await
    .unwrap();
    let auto = svc
        .post("/test/leaves", Some(&clerk_token), &serde_json::json!({}))
        .await;
    assert_eq!(auto.body["status"], "approved", "{}", auto.body);
}

#[test]
fn the_generated_endpoints_are_documented() {
    let doc = serde_json::to_value(erp_server::openapi(&service())).unwrap();
    for (path, op) in [
        ("/test/leaves/{id}/approve", "approve_leave"),
        ("/test/leaves/{id}/reject", "reject_leave"),
    ] {
        let post = &doc["paths"][path]["post"];
        assert_eq!(post["operationId"], op);
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Comment"
        );
        for status in ["200", "400", "401", "403", "404", "409", "422"] {
            assert!(post["responses"][status].is_object(), "{path}: {status}");
        }
    }
    assert_eq!(
        doc["paths"]["/test/leaves/{id}/approve"]["post"]["summary"],
        "Approves the leave request's waiting step."
    );
}
