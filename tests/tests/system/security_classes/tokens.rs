#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Tokens (docs/security.md): a token is accepted only signed with HS256 by the company's
//! secret and unexpired. `alg: none`, another HMAC, an RSA header over an HMAC signature (the
//! algorithm-confusion attack), a payload changed under a valid signature and an expired token
//! are 401 on every service.

use super::System;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use erp_auth::{Claims, Role, SubjectKind};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use uuid::Uuid;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn claims(exp_offset: i64) -> Claims {
    let now = chrono_now();
    Claims {
        sub: Uuid::now_v7(),
        kind: SubjectKind::Employee,
        code: "ATTACKER".into(),
        name: "Kẻ tấn công".into(),
        dept: None,
        mgr: None,
        roles: Role::ALL.iter().map(|r| r.as_str().to_owned()).collect(),
        iat: now,
        exp: now + exp_offset,
    }
}

fn chrono_now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// The forged tokens, each with what it tries.
fn forgeries(secret: &str) -> Vec<(&'static str, String)> {
    let good = claims(600);
    let payload = b64(&serde_json::to_vec(&good).unwrap());
    let valid = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &good,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    let signature = valid.rsplit('.').next().unwrap().to_owned();
    let header = |alg: &str| b64(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes());
    let mut tampered = claims(600);
    tampered.code = "SOMEONE-ELSE".into();
    let tampered_payload = b64(&serde_json::to_vec(&tampered).unwrap());
    vec![
        ("alg none, no signature", format!("{}.{payload}.", header("none"))),
        ("alg None, no signature", format!("{}.{payload}.", header("None"))),
        (
            "alg none with the real signature",
            format!("{}.{payload}.{signature}", header("none")),
        ),
        (
            "HS512 with the real secret",
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS512),
                &good,
                &EncodingKey::from_secret(secret.as_bytes()),
            )
            .unwrap(),
        ),
        (
            "RS256 header over the HMAC signature (algorithm confusion)",
            format!("{}.{payload}.{signature}", header("RS256")),
        ),
        (
            "payload changed under a valid signature",
            format!("{}.{tampered_payload}.{signature}", header("HS256")),
        ),
        (
            "expired an hour ago",
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &claims(-3600),
                &EncodingKey::from_secret(secret.as_bytes()),
            )
            .unwrap(),
        ),
        ("not a token", "ey.ey.ey".into()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_hs256_tokens_signed_with_the_secret_and_unexpired_pass() {
    let sys = System::start().await;
    let forged = forgeries(&sys.env.secret);
    let mut failures = Vec::new();
    let mut cases = 0;
    for (name, svc) in &sys.services {
        // The control: the same claims, signed as the services sign.
        let r = svc.get("/api/v1/dead-letters", Some(&sys.everything())).await;
        assert_eq!(r.status, 200, "{name}: a valid token was refused: {}", r.body);
        for (what, token) in &forged {
            cases += 1;
            let r = svc.get("/api/v1/dead-letters", Some(token)).await;
            if r.status != 401 || !r.is_problem() {
                failures.push(format!("{name}: {what}: {} {}", r.status, r.body));
            }
        }
    }
    println!(
        "tokens: {cases} forged tokens refused across {} services",
        sys.services.len()
    );
    assert!(failures.is_empty(), "forged tokens accepted:\n{}", failures.join("\n"));
}

/// The door is checked before anything of the request is read: a caller outside the roles gets
/// 403 even for a body that would not parse, so validation answers tell it nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_door_refuses_before_the_body_is_read() {
    let sys = System::start().await;
    let keeper = sys.env.token(&[Role::WarehouseKeeper]);
    let crm = sys.svc("crm");
    let r = crm
        .post("/api/v1/quotations", Some(&keeper), &json!({"not": "a quotation"}))
        .await;
    r.assert_problem(403);
    let seller = sys.env.token(&[Role::Sales]);
    let r = crm
        .post("/api/v1/quotations", Some(&seller), &json!({"not": "a quotation"}))
        .await;
    r.assert_problem(422);
}
