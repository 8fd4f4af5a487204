//! The inbox with thousands of pending requests of other departments: what waits for a sales
//! manager is still there, and a role every request names pages through all of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::requests::{DOC, Staff, User, doc, seed, submit, test_service};
use diesel::prelude::*;
use diesel::sql_types::Uuid as SqlUuid;
use erp_approval::{Condition, RuleSeed};
use erp_auth::Role;
use erp_testkit::{TestEnv, TestService};
use std::collections::HashSet;
use uuid::Uuid;

const OTHERS: usize = 3_000;

/// One page of `by`'s inbox: the request ids, the next cursor and the total.
async fn inbox_page(svc: &TestService, by: &User, cursor: Option<&str>) -> (Vec<String>, Option<String>, i64) {
    let path = match cursor {
        Some(c) => format!("/api/v1/approvals?mine=true&limit=200&cursor={c}"),
        None => "/api/v1/approvals?mine=true&limit=200".to_owned(),
    };
    let r = svc.get(&path, Some(&by.token)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let ids = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let next = r.body["next_cursor"].as_str().map(str::to_owned);
    (ids, next, r.body["total"].as_i64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_is_right_with_thousands_of_other_departments_requests_pending() {
    let env = TestEnv::new();
    let svc = env.start(test_service()).await;
    let staff = Staff { env: &env, svc: &svc };
    let (sales_dept, other_dept) = (Uuid::now_v7(), Uuid::now_v7());
    let head = staff
        .hire("Trưởng Phòng", &[Role::SalesManager], Some(sales_dept), None)
        .await;
    let sales = staff
        .hire("Nhân Viên", &[Role::Sales], Some(sales_dept), Some(head.id))
        .await;
    let elsewhere = staff
        .hire(
            "Phó Phòng Khác",
            &[Role::Sales, Role::VicePresident],
            Some(other_dept),
            None,
        )
        .await;
    let vp = staff.hire("Phó Tổng", &[Role::VicePresident], None, None).await;
    seed(
        &svc,
        vec![RuleSeed::new(DOC, Condition::Otherwise, Role::SalesManager, 1)],
    )
    .await;
    let (_, mine, _) = submit(&svc, &sales, doc("Q-MINE", "1000000")).await;

    // Thousands of requests of another department wait for a sales manager and a vice president.
    let (submitter, department) = (elsewhere.id, other_dept);
    let inserted = erp_db::transaction(&svc.pool, move |c| {
        let n = diesel::sql_query(format!(
            "INSERT INTO approval_requests (id, document_type, document_id, document_number, submitted_by, \
               submitter_department, status, current_step, facts, created_at) \
             SELECT gen_random_uuid(), r.document_type, gen_random_uuid(), 'BULK-' || g, $2, $3, 'pending', 1, \
               r.facts, now() \
             FROM approval_requests r, generate_series(1, {OTHERS}) g WHERE r.id = $1"
        ))
        .bind::<SqlUuid, _>(mine)
        .bind::<SqlUuid, _>(submitter)
        .bind::<SqlUuid, _>(department)
        .execute(c)?;
        diesel::sql_query(
            "INSERT INTO approval_steps (id, request_id, step, approver_role, reasons) \
             SELECT gen_random_uuid(), r.id, 1, role, ARRAY['bulk'] FROM approval_requests r, \
               unnest(ARRAY['sales_manager', 'vice_president']) role \
             WHERE r.document_number LIKE 'BULK-%'",
        )
        .execute(c)?;
        Ok(n)
    })
    .await
    .unwrap();
    assert_eq!(inserted, OTHERS);

    // The sales manager sees their report's request, and only it.
    let (ids, next, total) = inbox_page(&svc, &head, None).await;
    assert_eq!(ids, vec![mine.to_string()]);
    assert_eq!((next, total), (None, 1));

    // The vice president pages through every request naming their role, newest first, each once.
    let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let (ids, next, total) = inbox_page(&svc, &vp, cursor.as_deref()).await;
        assert_eq!(total, OTHERS as i64);
        seen.extend(ids);
        pages += 1;
        match next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    assert_eq!(pages, OTHERS.div_ceil(200));
    assert_eq!(seen.len(), OTHERS);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), OTHERS);
    let parsed: Vec<Uuid> = seen.iter().map(|s| s.parse().unwrap()).collect();
    assert!(parsed.windows(2).all(|w| w[0] > w[1]), "newest (largest id) first");

    // The other department's deputy holds the role too, but nobody decides their own requests.
    let (ids, _, total) = inbox_page(&svc, &elsewhere, None).await;
    assert_eq!((ids.len(), total), (0, 0));
}
