//! The bus against the real broker and database: outbox through a broker outage, duplicate
//! delivery, retries into the dead-letter queue and replay, a poison message, and trace context
//! carried from the HTTP request into the event.
//!
//! A small probe service publishes `probe.thing.happened` from an HTTP call and consumes it
//! itself, recording one effect row per event.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use erp_auth::{CurrentUser, Role};
use erp_bus::{Envelope, HandlerError, Subscriptions};
use erp_contracts::Event;
use erp_problem::{AppError, Json};
use erp_server::{AppContext, ServiceDef};
use erp_testkit::{TcpProxy, TestEnv, TestService, eventually};
use lapin::options::BasicPublishOptions;
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

const PROBE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("tests/probe_migrations");

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ThingHappened {
    thing_id: Uuid,
    label: String,
}

impl Event for ThingHappened {
    const TYPE: &'static str = "probe.thing.happened";
    const VERSION: u32 = 1;
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct NewThing {
    label: String,
}

#[utoipa::path(request_body = NewThing, responses((status = 201)))]
#[post("/api/v1/things")]
async fn create_thing(
    ctx: web::Data<AppContext>,
    user: CurrentUser,
    body: Json<NewThing>,
) -> Result<HttpResponse, AppError> {
    let label = body.into_inner().label;
    let meta = ctx.event_meta(&user);
    let id = Uuid::now_v7();
    let event_id = erp_db::transaction(&ctx.pool, move |c| {
        diesel::sql_query("INSERT INTO probe_things (id, label) VALUES ($1, $2)")
            .bind::<diesel::sql_types::Uuid, _>(id)
            .bind::<Text, _>(&label)
            .execute(c)?;
        erp_bus::enqueue(
            c,
            &meta,
            &ThingHappened {
                thing_id: id,
                label: label.clone(),
            },
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id, "event_id": event_id })))
}

fn probe_routes(cfg: &mut ServiceConfig) {
    cfg.service(create_thing);
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    fail: bool,
}

fn probe_subscriptions() -> Subscriptions {
    Subscriptions::new().on::<ThingHappened, _>(|conn, env: &Envelope, e| {
        let switch: Flag = diesel::sql_query("SELECT fail FROM probe_switch WHERE id = 1").get_result(conn)?;
        if switch.fail {
            return Err(HandlerError::Failed(AppError::internal(
                "the probe is switched to fail",
            )));
        }
        diesel::sql_query("INSERT INTO probe_effects (event_id, thing_id) VALUES ($1, $2)")
            .bind::<diesel::sql_types::Uuid, _>(env.id)
            .bind::<diesel::sql_types::Uuid, _>(e.thing_id)
            .execute(conn)?;
        Ok(())
    })
}

fn probe() -> ServiceDef {
    ServiceDef {
        name: "probe",
        description: "bus test probe",
        migrations: || vec![PROBE_MIGRATIONS],
        routes: probe_routes,
        doors: Vec::new,
        subscriptions: probe_subscriptions,
        init: None,
        jobs: &[],
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(svc: &TestService, sql: &'static str) -> i64 {
    erp_db::with_conn(&svc.pool, move |c| Ok(diesel::sql_query(sql).get_result::<Count>(c)?.n))
        .await
        .unwrap()
}

async fn set_failing(svc: &TestService, fail: bool) {
    erp_db::with_conn(&svc.pool, move |c| {
        diesel::sql_query("UPDATE probe_switch SET fail = $1 WHERE id = 1")
            .bind::<Bool, _>(fail)
            .execute(c)?;
        Ok(())
    })
    .await
    .unwrap();
}

async fn wait_ready(svc: &TestService, ready: bool) {
    let want = if ready { 200 } else { 503 };
    let got = eventually(Duration::from_secs(20), &mut || async {
        (svc.get("/readyz", None).await.status == want).then_some(())
    })
    .await;
    assert!(got.is_some(), "readyz never became {want}");
}

async fn wait_count(svc: &TestService, sql: &'static str, want: i64, timeout: Duration) -> i64 {
    eventually(timeout, &mut || async {
        let n = count(svc, sql).await;
        (n >= want).then_some(n)
    })
    .await
    .unwrap_or_else(|| panic!("`{sql}` never reached {want}"))
}

async fn publish_raw(svc: &TestService, routing_key: &str, body: &[u8], message_id: &str) {
    let conn = Connection::connect(&svc.bus_settings.amqp_url, Default::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    ch.confirm_select(Default::default()).await.unwrap();
    let props = BasicProperties::default()
        .with_message_id(message_id.into())
        .with_content_type("application/json".into())
        .with_delivery_mode(2);
    let confirm = ch
        .basic_publish(
            svc.bus_settings.exchange.as_str().into(),
            routing_key.into(),
            BasicPublishOptions::default(),
            body,
            props.with_headers(FieldTable::default()),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert!(confirm.is_ack());
    conn.close(200, "done".into()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_waits_in_the_outbox_while_the_broker_is_unreachable_and_is_delivered_once() {
    let env = TestEnv::new();
    let proxy = TcpProxy::start("127.0.0.1:5672").await.unwrap();
    let amqp = proxy.amqp_url();
    let svc = env.start_with(probe(), |c| c.amqp_url = amqp).await;
    wait_ready(&svc, true).await;
    let token = env.token(&[Role::Employee]);

    proxy.cut();
    wait_ready(&svc, false).await;
    let res = svc
        .post("/api/v1/things", Some(&token), &json!({"label": "during the outage"}))
        .await;
    assert_eq!(res.status, 201, "{:?}", res.body);
    assert_eq!(
        count(&svc, "SELECT count(*) AS n FROM probe_things").await,
        1,
        "the state change committed"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        count(&svc, "SELECT count(*) AS n FROM bus_outbox WHERE sent_at IS NULL").await,
        1,
        "the event waits in the outbox"
    );
    assert_eq!(count(&svc, "SELECT count(*) AS n FROM probe_effects").await, 0);

    proxy.restore();
    wait_count(
        &svc,
        "SELECT count(*) AS n FROM probe_effects",
        1,
        Duration::from_secs(30),
    )
    .await;
    wait_ready(&svc, true).await;
    // Give a duplicate time to show up if there were one.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        count(&svc, "SELECT count(*) AS n FROM probe_effects").await,
        1,
        "applied exactly once"
    );
    assert_eq!(
        count(&svc, "SELECT count(*) AS n FROM bus_outbox WHERE sent_at IS NULL").await,
        0
    );
    assert_eq!(count(&svc, "SELECT count(*) AS n FROM bus_inbox").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_event_delivered_twice_changes_nothing_the_second_time() {
    let env = TestEnv::new();
    let svc = env.start(probe()).await;
    wait_ready(&svc, true).await;
    let token = env.token(&[Role::Employee]);
    let res = svc
        .post("/api/v1/things", Some(&token), &json!({"label": "once"}))
        .await;
    assert_eq!(res.status, 201);
    wait_count(
        &svc,
        "SELECT count(*) AS n FROM probe_effects",
        1,
        Duration::from_secs(10),
    )
    .await;

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        envelope: serde_json::Value,
    }
    let row: Row = erp_db::with_conn(&svc.pool, |c| {
        Ok(diesel::sql_query("SELECT envelope FROM bus_outbox").get_result(c)?)
    })
    .await
    .unwrap();
    let body = serde_json::to_vec(&row.envelope).unwrap();
    let id = row.envelope["id"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        publish_raw(&svc, ThingHappened::TYPE, &body, &id).await;
    }
    let dupes = eventually(Duration::from_secs(10), &mut || async {
        let metrics = svc.get("/metrics", None).await.body;
        let text = metrics.as_str().unwrap_or_default().to_owned();
        let n: u64 = text
            .lines()
            .filter(|l| l.starts_with("events_duplicate_total"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        (n >= 3).then_some(n)
    })
    .await;
    assert_eq!(dupes, Some(3), "three redeliveries seen as duplicates");
    assert_eq!(count(&svc, "SELECT count(*) AS n FROM probe_effects").await, 1);
    assert_eq!(count(&svc, "SELECT count(*) AS n FROM bus_inbox").await, 1);
}

#[derive(Debug, Deserialize)]
struct Letter {
    id: Uuid,
    attempts: i32,
    error: String,
    event_type: Option<String>,
    replay_count: i32,
}

async fn dead_letters(svc: &TestService, token: &str) -> Vec<Letter> {
    let res = svc.get("/api/v1/dead-letters", Some(token)).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    serde_json::from_value(res.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_ends_in_the_dead_letter_queue_and_a_replay_after_the_fix_applies_once() {
    let env = TestEnv::new();
    let svc = env.start(probe()).await;
    wait_ready(&svc, true).await;
    let user = env.token(&[Role::Employee]);
    let operator = env.token(&[Role::GeneralManager]);
    assert_eq!(svc.get("/api/v1/dead-letters", Some(&user)).await.status, 403);

    set_failing(&svc, true).await;
    let res = svc
        .post("/api/v1/things", Some(&user), &json!({"label": "doomed"}))
        .await;
    assert_eq!(res.status, 201);
    let letters = eventually(Duration::from_secs(20), &mut || async {
        let l = dead_letters(&svc, &operator).await;
        (!l.is_empty()).then_some(l)
    })
    .await
    .expect("parked in the dead-letter queue");
    assert_eq!(letters.len(), 1);
    let letter = &letters[0];
    let max_attempts = i32::try_from(svc.config.max_attempts()).unwrap();
    assert_eq!(letter.attempts, max_attempts, "tried the set number of times");
    assert!(letter.error.contains("internal"), "{}", letter.error);
    assert_eq!(letter.event_type.as_deref(), Some(ThingHappened::TYPE));
    assert_eq!(count(&svc, "SELECT count(*) AS n FROM probe_effects").await, 0);

    set_failing(&svc, false).await;
    let res = svc
        .post(
            &format!("/api/v1/dead-letters/{}/replay", letter.id),
            Some(&operator),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    wait_count(
        &svc,
        "SELECT count(*) AS n FROM probe_effects",
        1,
        Duration::from_secs(10),
    )
    .await;

    // A second replay is harmless: the inbox already has the event.
    let res = svc
        .post(
            &format!("/api/v1/dead-letters/{}/replay", letter.id),
            Some(&operator),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 200);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(count(&svc, "SELECT count(*) AS n FROM probe_effects").await, 1);
    let all: Vec<Letter> = serde_json::from_value(
        svc.get("/api/v1/dead-letters?pending=false", Some(&operator))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(all[0].replay_count, 2);
    assert!(
        dead_letters(&svc, &operator).await.is_empty(),
        "nothing pending after the replay"
    );
    let res = svc
        .post(
            &format!("/api/v1/dead-letters/{}/replay", Uuid::now_v7()),
            Some(&operator),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, 404);
    assert!(res.is_problem());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_message_is_parked_and_does_not_block_the_queue() {
    let env = TestEnv::new();
    let svc = env.start(probe()).await;
    wait_ready(&svc, true).await;
    let operator = env.token(&[Role::GeneralManager]);
    publish_raw(&svc, ThingHappened::TYPE, b"{ this is not json", "poison-1").await;
    let bad_payload = json!({
        "id": Uuid::now_v7(), "type": ThingHappened::TYPE, "version": 1, "source": "probe",
        "occurred_at": "2026-11-23T00:00:00Z", "correlation_id": Uuid::now_v7(),
        "actor": "test", "data": {"thing_id": 42}
    });
    publish_raw(
        &svc,
        ThingHappened::TYPE,
        &serde_json::to_vec(&bad_payload).unwrap(),
        "poison-2",
    )
    .await;
    let res = svc
        .post(
            "/api/v1/things",
            Some(&env.token(&[Role::Employee])),
            &json!({"label": "behind the poison"}),
        )
        .await;
    assert_eq!(res.status, 201);
    wait_count(
        &svc,
        "SELECT count(*) AS n FROM probe_effects",
        1,
        Duration::from_secs(10),
    )
    .await;
    let letters = eventually(Duration::from_secs(10), &mut || async {
        let l = dead_letters(&svc, &operator).await;
        (l.len() >= 2).then_some(l)
    })
    .await
    .expect("both poison messages parked");
    assert!(letters.iter().any(|l| l.error.contains("not an event envelope")));
    assert!(letters.iter().any(|l| l.error.contains("does not match")));
    assert!(letters.iter().all(|l| l.attempts == 1), "poison is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trace_of_a_request_travels_with_its_event() {
    let env = TestEnv::new();
    let svc = env.start(probe()).await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let res = svc
        .client
        .post(svc.url("/api/v1/things"))
        .bearer_auth(env.token(&[Role::Employee]))
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .json(&json!({"label": "traced"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let echoed = res.headers().get("traceparent").unwrap().to_str().unwrap().to_owned();
    assert!(echoed.contains(trace_id), "{echoed}");
    assert!(res.headers().get("x-request-id").is_some());

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<Text>)]
        traceparent: Option<String>,
    }
    let row: Row = erp_db::with_conn(&svc.pool, |c| {
        Ok(diesel::sql_query("SELECT traceparent FROM bus_outbox").get_result(c)?)
    })
    .await
    .unwrap();
    assert!(row.traceparent.unwrap_or_default().contains(trace_id));
}

/// The broker message carries the event's flow as its AMQP `correlation_id` property, as well
/// as in the envelope, for integrators whose tools read only the property.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_broker_message_carries_the_flows_correlation_id() {
    let env = TestEnv::new();
    let svc = env.start(probe()).await;
    wait_ready(&svc, true).await;
    // An integrator's queue on the exchange, bound to the event type.
    let conn = Connection::connect(&svc.bus_settings.amqp_url, Default::default())
        .await
        .unwrap();
    let ch = conn.create_channel().await.unwrap();
    let queue = format!("{}.integrator", svc.bus_settings.queue);
    ch.queue_declare(
        queue.as_str().into(),
        lapin::options::QueueDeclareOptions {
            auto_delete: true,
            ..Default::default()
        },
        FieldTable::default(),
    )
    .await
    .unwrap();
    ch.queue_bind(
        queue.as_str().into(),
        svc.bus_settings.exchange.as_str().into(),
        ThingHappened::TYPE.into(),
        Default::default(),
        FieldTable::default(),
    )
    .await
    .unwrap();
    let token = env.token(&[Role::Employee]);
    let res = svc
        .post("/api/v1/things", Some(&token), &json!({"label": "correlated"}))
        .await;
    assert_eq!(res.status, 201, "{:?}", res.body);
    let got = eventually(Duration::from_secs(10), &mut || {
        let ch = ch.clone();
        let queue = queue.clone();
        async move {
            ch.basic_get(queue.as_str().into(), lapin::options::BasicGetOptions { no_ack: true })
                .await
                .ok()
                .flatten()
        }
    })
    .await
    .expect("the event reached the integrator's queue");
    let envelope: serde_json::Value = serde_json::from_slice(&got.delivery.data).unwrap();
    let property = got.delivery.properties.correlation_id().clone().map(|c| c.to_string());
    assert_eq!(property.as_deref(), envelope["correlation_id"].as_str(), "{envelope}");
    assert!(property.is_some());
    let _ = ch.queue_delete(queue.as_str().into(), Default::default()).await;
    conn.close(200, "done".into()).await.unwrap();
}
