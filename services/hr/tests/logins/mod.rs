//! The login lockout and the bounded password hashing (docs/security.md, logins): failed
//! attempts lock an account, an address and an API key with `Retry-After`; a success and an
//! hr_admin's unlock clear the account; a flood of logins is refused without taking memory.

use super::{ADMIN_CODE, ADMIN_PASSWORD, admin_token, start_hr, text};
use erp_testkit::TestService;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A login as if the proxy in front of hr had forwarded it for `address`.
async fn login_from(hr: &TestService, address: &str, code: &str, password: &str) -> (u16, Option<u64>, Value) {
    let res = hr
        .client
        .post(hr.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", address)
        .json(&json!({ "code": code, "password": password }))
        .send()
        .await
        .expect("login sent");
    let status = res.status().as_u16();
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = res.json().await.unwrap_or(Value::Null);
    (status, retry_after, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_lock_the_account_until_a_success_or_an_unlock() {
    let env = erp_testkit::TestEnv::new();
    let hr = start_hr(&env).await;
    let admin = admin_token(&hr).await;
    let me = hr.get("/api/v1/me", Some(&admin)).await;
    let admin_id = text(&me.body, "id").to_owned();

    // Four failures, a success, four more: a success forgets the failures.
    for _ in 0..4 {
        assert_eq!(login_from(&hr, "198.51.100.1", ADMIN_CODE, "wrong-pass-1").await.0, 401);
    }
    assert_eq!(login_from(&hr, "198.51.100.1", ADMIN_CODE, ADMIN_PASSWORD).await.0, 200);
    for _ in 0..4 {
        assert_eq!(login_from(&hr, "198.51.100.1", ADMIN_CODE, "wrong-pass-1").await.0, 401);
    }
    // The fifth failure in a row locks the account for 30 s: even the right password waits.
    assert_eq!(login_from(&hr, "198.51.100.1", ADMIN_CODE, "wrong-pass-1").await.0, 401);
    let (status, retry_after, body) = login_from(&hr, "198.51.100.2", ADMIN_CODE, ADMIN_PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["type"], "/problems/too-many-attempts");
    assert!(matches!(retry_after, Some(1..=30)), "Retry-After {retry_after:?}");
    // Codes ignore case, so the lock does too; another account from the same address is free.
    assert_eq!(login_from(&hr, "198.51.100.2", "ADMIN", ADMIN_PASSWORD).await.0, 429);
    assert_eq!(
        login_from(&hr, "198.51.100.1", "somebody-else", "wrong-pass-1").await.0,
        401
    );

    // Only an hr_admin unlocks (the token from before the lock still works).
    let r = hr
        .post(&format!("/api/v1/employees/{admin_id}/unlock"), None, &json!({}))
        .await;
    r.assert_problem(401);
    let r = hr
        .post(
            &format!("/api/v1/employees/{admin_id}/unlock"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(login_from(&hr, "198.51.100.2", ADMIN_CODE, ADMIN_PASSWORD).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_and_an_api_key_lock_after_their_failures() {
    let env = erp_testkit::TestEnv::new();
    let hr = start_hr(&env).await;

    // Twenty failures from one address, each for another code, lock the address.
    for i in 0..20 {
        let (status, ..) = login_from(&hr, "203.0.113.9", &format!("guess-{i}"), "wrong-pass-1").await;
        assert_eq!(status, 401, "attempt {i}");
    }
    let (status, retry_after, _) = login_from(&hr, "203.0.113.9", "guess-new", "wrong-pass-1").await;
    assert_eq!((status, retry_after.is_some()), (429, true));
    assert_eq!(login_from(&hr, "203.0.113.10", ADMIN_CODE, ADMIN_PASSWORD).await.0, 200);

    // Five refused exchanges of one key lock the key.
    let bad_key = format!("erp_{}_{}", "a1".repeat(6), "b2".repeat(24));
    let exchange = || async {
        hr.post("/api/v1/auth/token", None, &json!({ "api_key": bad_key }))
            .await
    };
    for _ in 0..5 {
        exchange().await.assert_problem(401);
    }
    let r = exchange().await;
    r.assert_problem(429);
}

/// The process's resident memory in MiB.
fn resident_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

/// The memory the flood may add to this process (service and test client): two hashing slots
/// of 19 MiB, their queue and the connections' buffers, with room to spare.
const FLOOD_CEILING_MIB: u64 = 160;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_logins_is_refused_without_taking_memory() {
    let env = erp_testkit::TestEnv::new();
    let hr = Arc::new(start_hr(&env).await);
    admin_token(&hr).await;
    let before = resident_mib();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(resident_mib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };

    // 64 clients at once for 6 s: half guess the admin's password (the account locks), half
    // try a new code from a new address each time (nothing locks, every one needs a hash).
    let counts: Arc<[AtomicUsize; 4]> = Arc::new(Default::default()); // 401, 429, 503, other
    let serial = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_secs(6);
    let clients: Vec<_> = (0..64)
        .map(|n| {
            let (hr, counts, serial) = (hr.clone(), counts.clone(), serial.clone());
            tokio::spawn(async move {
                while Instant::now() < until {
                    let i = serial.fetch_add(1, Ordering::Relaxed);
                    let (status, retry_after, _) = if n % 2 == 0 {
                        login_from(&hr, "192.0.2.1", ADMIN_CODE, "wrong-pass-1").await
                    } else {
                        let address = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
                        login_from(&hr, &address, &format!("nobody-{i}"), "wrong-pass-1").await
                    };
                    let slot = match (status, retry_after) {
                        (401, None) => 0,
                        (429, Some(_)) => 1,
                        (503, Some(_)) => 2,
                        _ => 3,
                    };
                    counts[slot].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for c in clients {
        c.await.expect("client finished");
    }
    done.store(true, Ordering::Relaxed);
    sampler.await.expect("sampler finished");
    let [unauthorized, locked, busy, other] = [0, 1, 2, 3].map(|i| counts[i].load(Ordering::Relaxed));
    let peak = peak.load(Ordering::Relaxed);
    eprintln!(
        "flood: {unauthorized} × 401, {locked} × 429, {busy} × 503; resident {before} MiB before, {peak} MiB at the peak, {} MiB after",
        resident_mib()
    );
    assert_eq!(other, 0, "every answer is a 401, or a 429/503 with Retry-After");
    assert!(locked > 0, "the guessed account locks");
    assert!(busy > 0, "beyond the hashing queue the answer is 503 at once");
    assert!(
        peak.saturating_sub(before) < FLOOD_CEILING_MIB,
        "resident memory grew from {before} to {peak} MiB (ceiling +{FLOOD_CEILING_MIB} MiB)"
    );
    // The right password still works once the account is unlocked by waiting or an hr_admin.
    let (status, ..) = login_from(&hr, "192.0.2.2", "someone", ADMIN_PASSWORD).await;
    assert_eq!(status, 401);
}
