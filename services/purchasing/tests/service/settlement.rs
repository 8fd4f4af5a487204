//! purchasing's settlement against the real PostgreSQL and RabbitMQ: payment requests decided by
//! finance and paid (`finance.payment.made`), arrivals announced to the warehouse and confirmed
//! by it (`warehouse.inbound.confirmed`) within the over-receipt tolerance, supplier invoices
//! matched three ways or blocked until a purchasing manager decides, arrival reminders, and
//! closing an order received, invoiced and paid in full. Approved orders are written straight
//! into the database so these tests need nothing else of purchasing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration as Days, NaiveDate};
use diesel::prelude::*;
use erp_auth::Role;
use erp_contracts::finance::PaymentMade;
use erp_contracts::warehouse::{InboundConfirmed, ReceivedLine, SourceRef};
use erp_money::{Currency, LineInput};
use erp_testkit::{Resp, TestEnv, TestService, fixtures};
use erp_testkit::{assert_status, dec, id_of};
use purchasing::db::orders::{self, NewOrder, NewOrderLine, OrderLineRow as OrderLine, OrderValues};
use purchasing::db::suppliers::{self, SupplierValues};
use purchasing::domain::orders::OrderStatus;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn today() -> NaiveDate {
    erp_calendar::today()
}

struct Fx {
    env: TestEnv,
    svc: TestService,
    buyer_id: Uuid,
    buyer: String,
    buyer2: String,
    manager: String,
    finance: String,
    seller: String,
}

async fn fixture() -> Fx {
    let env = TestEnv::new();
    let svc = env.start(purchasing::service()).await;
    let buyer_id = Uuid::now_v7();
    let buyer = env.token_for(
        &fixtures::person("Phạm Thị Mai")
            .id(buyer_id)
            .code("MH001")
            .roles(&[Role::Purchaser])
            .build(),
    );
    Fx {
        buyer2: env.token(&[Role::Purchaser]),
        manager: env.token(&[Role::PurchasingManager]),
        finance: env.token(&[Role::FinanceManager]),
        seller: env.token(&[Role::Sales]),
        buyer,
        buyer_id,
        svc,
        env,
    }
}

/// An order written straight into the database.
struct Po {
    id: Uuid,
    number: String,
    supplier_id: Uuid,
    lines: Vec<Uuid>,
}

impl Fx {
    /// A supplier and an order in `status` with lines of (quantity, unit price, tax rate %),
    /// totals computed as purchasing computes them.
    async fn order(&self, status: &str, lines: &[(Decimal, Decimal, Decimal)], expected: Option<NaiveDate>) -> Po {
        let tag = Uuid::new_v4().simple().to_string()[..8].to_uppercase();
        let lines = lines.to_vec();
        let status = status.to_owned();
        let buyer_id = self.buyer_id;
        erp_db::with_conn(&self.svc.pool, move |c| {
            let supplier = suppliers::insert(
                c,
                &SupplierValues {
                    code: format!("NCC-{tag}"),
                    name: "Công ty TNHH Thép Hòa Phát".into(),
                    tax_number: None,
                    address: None,
                    bank_name: Some("Vietcombank CN Hà Nội".into()),
                    bank_account: Some("0011004123456".into()),
                    contacts: json!([]),
                    currency: "CNY".into(),
                    payment_terms: "net".into(),
                    payment_days: 30,
                    rating: None,
                    search_text: "cong ty tnhh thep hoa phat".into(),
                },
            )?;
            let id = Uuid::now_v7();
            let number = format!("PO-T-{tag}");
            let mut rows = Vec::new();
            let (mut net, mut tax) = (Decimal::ZERO, Decimal::ZERO);
            for (i, (q, p, t)) in lines.iter().enumerate() {
                let totals = erp_money::line_totals(
                    &LineInput {
                        quantity: *q,
                        unit_price: *p,
                        discount_pct: Decimal::ZERO,
                        tax_rate_pct: *t,
                    },
                    Currency::Cny,
                )
                .unwrap();
                net += totals.net;
                tax += totals.tax;
                rows.push(NewOrderLine {
                    item_id: Uuid::now_v7(),
                    request_line_id: None,
                    description: format!("Thép tấm SS400 dày {} mm", i + 3),
                    unit: "kg".into(),
                    quantity: *q,
                    unit_price: *p,
                    tax_rate: *t,
                    net: totals.net,
                    tax: totals.tax,
                    total: totals.total,
                    expected_arrival: None,
                });
            }
            orders::insert(
                c,
                &NewOrder {
                    id,
                    number: number.clone(),
                    request_id: None,
                    quotation_id: None,
                    created_by: buyer_id.to_string(),
                    buyer_id: Some(buyer_id),
                    department_id: None,
                },
                &OrderValues {
                    supplier_id: supplier.id,
                    currency: "CNY".into(),
                    status: OrderStatus::parse(&status)?,
                    order_date: today() - Days::days(20),
                    expected_arrival: expected,
                    payment_terms: "net".into(),
                    payment_days: 30,
                    warehouse_id: None,
                    note: None,
                    net,
                    tax,
                    total: net + tax,
                },
                &rows,
            )?;
            Ok(Po {
                id,
                number,
                supplier_id: supplier.id,
                lines: orders::lines(c, id)?.into_iter().map(|l| l.id).collect(),
            })
        })
        .await
        .unwrap()
    }

    /// Sets what the warehouse received on a line and the order's status, as if confirmed.
    async fn set_received(&self, po: &Po, received: &[Decimal], status: &str) {
        let (id, lines, received, status) = (po.id, po.lines.clone(), received.to_vec(), status.to_owned());
        erp_db::with_conn(&self.svc.pool, move |c| {
            for (l, r) in lines.iter().zip(&received) {
                orders::set_arrived_and_received(c, *l, *r, *r)?;
            }
            orders::set_status(c, id, OrderStatus::parse(&status)?)
        })
        .await
        .unwrap();
    }

    async fn lines(&self, order: Uuid) -> Vec<OrderLine> {
        erp_db::with_conn(&self.svc.pool, move |c| orders::lines(c, order))
            .await
            .unwrap()
    }

    async fn status(&self, order: Uuid) -> String {
        erp_db::with_conn(&self.svc.pool, move |c| orders::find(c, order))
            .await
            .unwrap()
            .status
            .to_string()
    }

    /// Waits (10 s) until `check` holds of the order's status and lines.
    async fn until(&self, order: Uuid, what: &str, check: impl Fn(&str, &[OrderLine]) -> bool) {
        let check = &check;
        let ok = self
            .svc
            .eventually(Duration::from_secs(10), || async move {
                let s = self.status(order).await;
                let l = self.lines(order).await;
                check(&s, &l).then_some(())
            })
            .await;
        assert!(
            ok.is_some(),
            "{what}: not reached within 10 s; status {}, lines {:?}",
            self.status(order).await,
            self.lines(order).await
        );
    }

    /// Waits until the consumer recorded the event in its inbox.
    async fn handled(&self, event_id: Uuid) {
        use erp_bus::schema::bus_inbox;
        let ok = self
            .svc
            .eventually(Duration::from_secs(10), || async move {
                let n: i64 = erp_db::with_conn(&self.svc.pool, move |c| {
                    Ok(bus_inbox::table
                        .filter(bus_inbox::event_id.eq(event_id))
                        .count()
                        .get_result(c)?)
                })
                .await
                .unwrap();
                (n > 0).then_some(())
            })
            .await;
        assert!(ok.is_some(), "event {event_id} was not handled within 10 s");
    }

    async fn request_payment(&self, order: Uuid, token: &str, kind: &str, amount: &str) -> Resp {
        self.svc
            .post(
                &format!("/api/v1/purchase-orders/{order}/payment-requests"),
                Some(token),
                &json!({ "kind": kind, "amount": amount, "due_date": today() + Days::days(7), "note": "theo hợp đồng" }),
            )
            .await
    }

    async fn decide_payment(&self, id: Uuid, verb: &str, token: &str, comment: Option<&str>) -> Resp {
        self.svc
            .post(
                &format!("/api/v1/payment-requests/{id}/{verb}"),
                Some(token),
                &json!({ "comment": comment }),
            )
            .await
    }

    async fn get_payment(&self, id: Uuid) -> Value {
        let r = self
            .svc
            .get(&format!("/api/v1/payment-requests/{id}"), Some(&self.finance))
            .await;
        assert_status(&r, 200);
        r.body
    }

    async fn pay(&self, id: Uuid, amount: Decimal, reference: &str) -> erp_bus::Envelope {
        self.svc
            .publish_event(
                "finance",
                &PaymentMade {
                    payment_request_id: id,
                    amount,
                    currency: "CNY".into(),
                    paid_on: today(),
                    reference: Some(reference.into()),
                },
            )
            .await
    }

    async fn wait_paid(&self, id: Uuid) -> Value {
        let found = self
            .svc
            .eventually(Duration::from_secs(10), || async move {
                let p = self.get_payment(id).await;
                (p["status"] == "paid").then_some(p)
            })
            .await;
        found.unwrap_or_else(|| panic!("payment request {id} not paid within 10 s"))
    }

    async fn arrive(&self, order: Uuid, lines: Value) -> Resp {
        self.svc
            .post(
                &format!("/api/v1/purchase-orders/{order}/arrivals"),
                Some(&self.buyer),
                &json!({ "note": "xe tải 29C-12345", "lines": lines }),
            )
            .await
    }

    /// The warehouse's confirmation of an arrival: (arrival line, announced, received, reason).
    fn confirmation(arrival: &Value, counted: &[(Decimal, Option<&str>)]) -> InboundConfirmed {
        let lines = arrival["lines"].as_array().unwrap();
        InboundConfirmed {
            note_id: Uuid::now_v7(),
            note_number: "IN-2026-000001".into(),
            kind: "purchase".into(),
            source: SourceRef {
                kind: "purchasing.inbound_request".into(),
                id: id_of(arrival),
                number: arrival["order_number"].as_str().map(str::to_owned),
            },
            warehouse_id: Uuid::now_v7(),
            lines: lines
                .iter()
                .zip(counted)
                .map(|(l, (received, why))| ReceivedLine {
                    line_id: Uuid::now_v7(),
                    source_line_id: Some(id_of(l)),
                    item_id: Uuid::from_str(l["item_id"].as_str().unwrap()).unwrap(),
                    expected: dec(&l["quantity"]),
                    received: *received,
                    unit_cost: dec(&l["unit_cost"]),
                    discrepancy: why.map(str::to_owned),
                })
                .collect(),
        }
    }

    async fn invoice(&self, order: Uuid, token: &str, number: &str, lines: Value) -> Resp {
        self.svc
            .post(
                &format!("/api/v1/purchase-orders/{order}/invoices"),
                Some(token),
                &json!({ "invoice_number": number, "invoice_date": today(), "lines": lines }),
            )
            .await
    }

    /// The documents waiting in `token`'s approvals inbox: (document type, document id).
    async fn inbox(&self, token: &str) -> Vec<(String, Uuid)> {
        let r = self.svc.get("/api/v1/approvals?mine=true", Some(token)).await;
        assert_status(&r, 200);
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let id = i["document_id"].as_str().unwrap().parse().unwrap();
                (i["document_type"].as_str().unwrap().to_owned(), id)
            })
            .collect()
    }

    async fn decide_invoice(&self, id: Uuid, verb: &str, token: &str, comment: &str) -> Resp {
        self.svc
            .post(
                &format!("/api/v1/supplier-invoices/{id}/{verb}"),
                Some(token),
                &json!({ "comment": comment }),
            )
            .await
    }
}

// ---------------------------------------------------------------------------------------------
// Payment requests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn payment_requests_are_limited_decided_by_finance_and_paid() {
    let fx = fixture().await;
    // 10 × 100 + 10 % VAT = 1 100.00 CNY.
    let po = fx.order("approved", &[(dec!(10), dec!(100), dec!(10))], None).await;

    // Who and what may be asked.
    let r = fx.request_payment(po.id, &fx.seller, "deposit", "300").await;
    r.assert_problem(403);
    let r = fx.request_payment(po.id, &fx.buyer, "deposit", "0").await;
    r.assert_invalid_fields(&["amount"]);
    let r = fx.request_payment(po.id, &fx.buyer, "deposit", "10.005").await;
    r.assert_invalid_fields(&["amount"]);
    let r = fx.request_payment(po.id, &fx.buyer, "advance", "10").await;
    r.assert_invalid_fields(&["kind"]);
    let draft = fx.order("draft", &[(dec!(1), dec!(100), dec!(0))], None).await;
    let r = fx.request_payment(draft.id, &fx.buyer, "deposit", "10").await;
    r.assert_problem_type(409, "wrong-state");
    let r = fx.request_payment(Uuid::now_v7(), &fx.buyer, "deposit", "10").await;
    r.assert_problem(404);

    let r = fx.request_payment(po.id, &fx.buyer, "deposit", "300").await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "requested");
    assert_eq!(r.body["kind"], "deposit");
    assert_eq!(r.body["order_number"], po.number.as_str());
    assert_eq!(dec(&r.body["amount"]), dec!(300));
    assert!(r.body["number"].as_str().unwrap().starts_with("PAY-"));
    let deposit = id_of(&r.body);

    // 300 + 900 > 1 100.
    let r = fx.request_payment(po.id, &fx.buyer, "part", "900").await;
    r.assert_invalid_fields(&["amount"]);
    assert!(
        r.body["errors"][0]["message"].as_str().unwrap().contains("800.00"),
        "the message says what is left: {}",
        r.body
    );
    let r = fx.request_payment(po.id, &fx.buyer, "part", "500").await;
    assert_status(&r, 201);
    let part = id_of(&r.body);
    // Both wait in the finance manager's approvals inbox, not in a buyer's.
    let waiting = fx.inbox(&fx.finance).await;
    assert!(
        waiting.contains(&("payment_request".to_owned(), deposit)),
        "{waiting:?}"
    );
    assert!(waiting.contains(&("payment_request".to_owned(), part)), "{waiting:?}");
    assert!(fx.inbox(&fx.buyer2).await.is_empty());

    // Only a finance manager decides, once, and never on their own request.
    let r = fx.decide_payment(deposit, "approve", &fx.buyer2, None).await;
    r.assert_problem(403);
    let r = fx.decide_payment(deposit, "approve", &fx.manager, None).await;
    r.assert_problem(403);
    assert!(fx.svc.outbox("purchasing.payment.requested").await.is_empty());
    let r = fx
        .decide_payment(deposit, "approve", &fx.finance, Some("đúng hợp đồng"))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "approved");
    let r = fx.decide_payment(deposit, "approve", &fx.finance, None).await;
    r.assert_problem_type(409, "wrong-state");
    let waiting = fx.inbox(&fx.finance).await;
    assert!(
        !waiting.contains(&("payment_request".to_owned(), deposit)),
        "decided: {waiting:?}"
    );
    let r = fx.decide_payment(deposit, "reject", &fx.finance, Some("nhầm")).await;
    r.assert_problem_type(409, "wrong-state");

    let events = fx.svc.outbox("purchasing.payment.requested").await;
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["payment_request_id"], json!(deposit));
    assert_eq!(e["order_id"], json!(po.id));
    assert_eq!(e["order_number"], po.number.as_str());
    assert_eq!(e["supplier_id"], json!(po.supplier_id));
    assert_eq!(e["supplier_name"], "Công ty TNHH Thép Hòa Phát");
    assert_eq!(e["supplier_bank_name"], "Vietcombank CN Hà Nội");
    assert_eq!(e["supplier_bank_account"], "0011004123456");
    assert_eq!(e["kind"], "deposit");
    assert_eq!(e["currency"], "CNY");
    assert_eq!(dec(&e["amount"]), dec!(300));
    assert_eq!(e["due_date"], json!(today() + Days::days(7)));

    // A rejection needs a reason and frees its amount.
    let r = fx.decide_payment(part, "reject", &fx.finance, None).await;
    r.assert_invalid_fields(&["comment"]);
    let r = fx
        .decide_payment(part, "reject", &fx.finance, Some("chưa đến hạn"))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "rejected");
    assert_eq!(r.body["decision_comment"], "chưa đến hạn");
    let r = fx.request_payment(po.id, &fx.buyer, "part", "800").await;
    assert_status(&r, 201);
    let rest = id_of(&r.body);
    let r = fx.request_payment(po.id, &fx.buyer, "final", "0.01").await;
    r.assert_invalid_fields(&["amount"]);

    // Someone who buys and also manages finance does not approve their own request.
    let both = fx.env.token(&[Role::Purchaser, Role::FinanceManager]);
    let other = fx.order("sent", &[(dec!(2), dec!(50), dec!(0))], None).await;
    let r = fx.request_payment(other.id, &both, "deposit", "20").await;
    assert_status(&r, 201);
    let own = id_of(&r.body);
    let r = fx.decide_payment(own, "approve", &both, None).await;
    r.assert_problem(403);

    // Lists.
    let r = fx
        .svc
        .get(
            &format!("/api/v1/purchase-orders/{}/payment-requests", po.id),
            Some(&fx.buyer),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 3);
    let r = fx
        .svc
        .get("/api/v1/payment-requests?status=requested", Some(&fx.finance))
        .await;
    assert_status(&r, 200);
    let waiting: Vec<Uuid> = r.body["items"].as_array().unwrap().iter().map(id_of).collect();
    assert_eq!(waiting, vec![rest, own]);
    let r = fx
        .svc
        .get("/api/v1/payment-requests?status=nonsense", Some(&fx.finance))
        .await;
    r.assert_invalid_fields(&["status"]);
    let r = fx.svc.get("/api/v1/payment-requests", Some(&fx.seller)).await;
    r.assert_problem(403);
    let r = fx
        .svc
        .get(&format!("/api/v1/payment-requests/{deposit}"), Some(&fx.seller))
        .await;
    r.assert_problem(404);

    // Finance pays: an unknown request is ignored, the approved one is paid, and the same
    // payment again (redelivered or sent twice) changes nothing.
    let unknown = fx.pay(Uuid::now_v7(), dec!(1), "UNC-0").await;
    let first = fx.pay(deposit, dec!(300), "UNC-0001").await;
    fx.handled(unknown.id).await;
    let paid = fx.wait_paid(deposit).await;
    assert_eq!(dec(&paid["paid_amount"]), dec!(300));
    assert_eq!(paid["paid_on"], json!(today()));
    assert_eq!(paid["payment_reference"], "UNC-0001");
    fx.svc.publish_envelope(&first).await;
    let again = fx.pay(deposit, dec!(999), "UNC-9999").await;
    // A payment for a request finance has not approved is ignored too.
    let early = fx.pay(rest, dec!(800), "UNC-0002").await;
    fx.handled(again.id).await;
    fx.handled(early.id).await;
    let p = fx.get_payment(deposit).await;
    assert_eq!(p["status"], "paid");
    assert_eq!(dec(&p["paid_amount"]), dec!(300));
    assert_eq!(p["payment_reference"], "UNC-0001");
    assert_eq!(fx.get_payment(rest).await["status"], "requested");
    let r = fx
        .svc
        .get("/api/v1/payment-requests?status=paid", Some(&fx.buyer))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    // Nothing is dead-lettered: the unknown and unapproved ones were ignored, not failed.
    let parked: i64 = erp_db::with_conn(&fx.svc.pool, |c| {
        Ok(erp_bus::schema::bus_dead_letters::table.count().get_result(c)?)
    })
    .await
    .unwrap();
    assert_eq!(parked, 0);
    let r = fx
        .svc
        .get(
            &format!("/api/v1/purchase-orders/{}/settlement", po.id),
            Some(&fx.finance),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(dec(&r.body["paid"]), dec!(300));
    assert_eq!(dec(&r.body["payments_requested"]), dec!(1100));
    assert_eq!(dec(&r.body["payable_left"]), dec!(0));
}

// ---------------------------------------------------------------------------------------------
// Arrivals
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn arrivals_go_to_the_warehouse_within_the_tolerance_and_its_count_comes_back() {
    let fx = fixture().await;
    let po = fx
        .order(
            "sent",
            &[(dec!(10), dec!(100), dec!(10)), (dec!(4), dec!(50), dec!(10))],
            None,
        )
        .await;
    let (l1, l2) = (po.lines[0], po.lines[1]);

    let r = fx
        .svc
        .post(
            &format!("/api/v1/purchase-orders/{}/arrivals", po.id),
            Some(&fx.seller),
            &json!({ "lines": [{ "order_line_id": l1, "quantity": "1" }] }),
        )
        .await;
    r.assert_problem(403);
    let r = fx
        .arrive(
            po.id,
            json!([{ "order_line_id": Uuid::now_v7(), "quantity": "1" }, { "order_line_id": l1, "quantity": "0" }]),
        )
        .await;
    r.assert_invalid_fields(&["lines[0].order_line_id", "lines[1].quantity"]);
    let r = fx.arrive(po.id, json!([])).await;
    r.assert_invalid_fields(&["lines"]);
    let r = fx
        .arrive(po.id, json!([{ "order_line_id": l1, "quantity": "11" }]))
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("over-receipt beyond the 5 % tolerance"),
        "{}",
        r.body
    );
    let draft = fx.order("draft", &[(dec!(1), dec!(1), dec!(0))], None).await;
    let r = fx
        .arrive(draft.id, json!([{ "order_line_id": draft.lines[0], "quantity": "1" }]))
        .await;
    r.assert_problem_type(409, "wrong-state");

    // 8 of line 1 and all 4 of line 2.
    let r = fx
        .arrive(
            po.id,
            json!([{ "order_line_id": l1, "quantity": "8" }, { "order_line_id": l2, "quantity": "4" }]),
        )
        .await;
    assert_status(&r, 201);
    let first = r.body.clone();
    assert_eq!(first["status"], "requested");
    assert!(first["number"].as_str().unwrap().starts_with("ARR-"));
    let lines = fx.lines(po.id).await;
    assert_eq!((lines[0].arrived, lines[1].arrived), (dec!(8), dec!(4)));
    let events = fx.svc.outbox("purchasing.inbound.requested").await;
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["request_id"], json!(id_of(&first)));
    assert_eq!(e["purchase_order_id"], json!(po.id));
    assert_eq!(e["purchase_order_number"], po.number.as_str());
    assert_eq!(e["supplier_name"], "Công ty TNHH Thép Hòa Phát");
    assert_eq!(e["lines"][0]["line_id"], first["lines"][0]["id"]);
    assert_eq!(e["lines"][0]["order_line_id"], json!(l1));
    assert_eq!(e["lines"][0]["item_id"], json!(lines[0].item_id));
    assert_eq!(dec(&e["lines"][0]["quantity"]), dec!(8));
    assert_eq!(dec(&e["lines"][0]["unit_cost"]), dec!(100));
    assert_eq!(dec(&e["lines"][1]["unit_cost"]), dec!(50));

    // 8 announced + 3 = 11 > 10.5; 8 + 2.5 = 10.5 would be fine but line 2 is full (4.2 max).
    let r = fx
        .arrive(
            po.id,
            json!([{ "order_line_id": l1, "quantity": "3" }, { "order_line_id": l2, "quantity": "0.3" }]),
        )
        .await;
    r.assert_invalid_fields(&["lines[0].quantity", "lines[1].quantity"]);
    assert!(fx.svc.outbox("purchasing.inbound.requested").await.len() == 1);

    // Events that are not about purchase arrivals are left alone.
    let mut other = Fx::confirmation(&first, &[(dec!(8), None), (dec!(4), None)]);
    other.kind = "production".into();
    let production = fx.svc.publish_event("warehouse", &other).await;
    let mut manual = Fx::confirmation(&first, &[(dec!(8), None), (dec!(4), None)]);
    manual.source.kind = "manual".into();
    let manual = fx.svc.publish_event("warehouse", &manual).await;
    fx.handled(production.id).await;
    fx.handled(manual.id).await;
    assert_eq!(fx.lines(po.id).await[0].received, dec!(0));

    // The keeper counts 7 of the 8 and all 4.
    let confirmed = Fx::confirmation(&first, &[(dec!(7), Some("1 tấm bị cong")), (dec!(4), None)]);
    let env1 = fx.svc.publish_event("warehouse", &confirmed).await;
    fx.until(po.id, "first count", |s, l| {
        s == "partially_received" && l[0].received == dec!(7)
    })
    .await;
    let lines = fx.lines(po.id).await;
    assert_eq!(
        (lines[0].received, lines[0].arrived),
        (dec!(7), dec!(7)),
        "the missing 1 may come again"
    );
    assert_eq!((lines[1].received, lines[1].arrived), (dec!(4), dec!(4)));
    let r = fx
        .svc
        .get(&format!("/api/v1/arrivals/{}", id_of(&first)), Some(&fx.buyer))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "confirmed");
    assert_eq!(r.body["note_number"], "IN-2026-000001");
    assert_eq!(dec(&r.body["lines"][0]["received"]), dec!(7));
    assert_eq!(r.body["lines"][0]["discrepancy"], "1 tấm bị cong");
    assert_eq!(dec(&r.body["lines"][1]["received"]), dec!(4));

    // Delivered again, or counted again: nothing changes.
    fx.svc.publish_envelope(&env1).await;
    let recount = Fx::confirmation(&first, &[(dec!(8), None), (dec!(4), None)]);
    let recount = fx.svc.publish_event("warehouse", &recount).await;
    fx.handled(recount.id).await;
    let lines = fx.lines(po.id).await;
    assert_eq!((lines[0].received, lines[1].received), (dec!(7), dec!(4)));

    // The rest comes: 3.5 more (7 + 3.5 = 10.5, at the tolerance); 3 are counted.
    let r = fx
        .arrive(po.id, json!([{ "order_line_id": l1, "quantity": "3.5" }]))
        .await;
    assert_status(&r, 201);
    let second = r.body.clone();
    assert_eq!(fx.lines(po.id).await[0].arrived, dec!(10.5));
    let r = fx
        .arrive(po.id, json!([{ "order_line_id": l1, "quantity": "0.0001" }]))
        .await;
    r.assert_invalid_fields(&["lines[0].quantity"]);
    let count = Fx::confirmation(&second, &[(dec!(3), Some("thiếu 0,5 kg"))]);
    fx.svc.publish_event("warehouse", &count).await;
    fx.until(po.id, "all received", |s, l| {
        s == "received" && l[0].received == dec!(10)
    })
    .await;
    assert_eq!(fx.lines(po.id).await[0].arrived, dec!(10));
    // A received order takes no more arrivals.
    let r = fx
        .arrive(po.id, json!([{ "order_line_id": l1, "quantity": "0.5" }]))
        .await;
    r.assert_problem_type(409, "wrong-state");

    let r = fx
        .svc
        .get(
            &format!("/api/v1/purchase-orders/{}/arrivals", po.id),
            Some(&fx.env.token(&[Role::WarehouseKeeper])),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    let r = fx
        .svc
        .get(&format!("/api/v1/arrivals/{}", id_of(&first)), Some(&fx.seller))
        .await;
    r.assert_problem(404);

    // The tolerance is data: the general manager widens it to 10 %.
    let r = fx.svc.get("/api/v1/settlement-tolerances", Some(&fx.buyer)).await;
    assert_status(&r, 200);
    assert_eq!(dec(&r.body["over_receipt_pct"]), dec!(5));
    assert_eq!(dec(&r.body["invoice_price_pct"]), dec!(1));
    let body = json!({ "over_receipt_pct": "10", "invoice_quantity_pct": "0", "invoice_price_pct": "1" });
    let r = fx
        .svc
        .put("/api/v1/settlement-tolerances", Some(&fx.manager), &body)
        .await;
    r.assert_problem(403);
    let bad = json!({ "over_receipt_pct": "101", "invoice_quantity_pct": "0", "invoice_price_pct": "1.001" });
    let gm = fx.env.token(&[Role::GeneralManager]);
    let r = fx.svc.put("/api/v1/settlement-tolerances", Some(&gm), &bad).await;
    r.assert_invalid_fields(&["over_receipt_pct", "invoice_price_pct"]);
    let r = fx.svc.put("/api/v1/settlement-tolerances", Some(&gm), &body).await;
    assert_status(&r, 200);
    let wide = fx.order("approved", &[(dec!(10), dec!(1), dec!(0))], None).await;
    let r = fx
        .arrive(wide.id, json!([{ "order_line_id": wide.lines[0], "quantity": "11" }]))
        .await;
    assert_status(&r, 201);
    let r = fx
        .arrive(
            wide.id,
            json!([{ "order_line_id": wide.lines[0], "quantity": "0.0001" }]),
        )
        .await;
    let msg = r.body["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(msg.starts_with("over-receipt beyond the 10 % tolerance"), "{}", r.body);
}

// ---------------------------------------------------------------------------------------------
// Supplier invoices
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn invoices_match_three_ways_or_wait_for_the_purchasing_manager() {
    let fx = fixture().await;
    let po = fx
        .order(
            "approved",
            &[(dec!(10), dec!(100), dec!(10)), (dec!(4), dec!(50), dec!(10))],
            None,
        )
        .await;
    let (l1, l2) = (po.lines[0], po.lines[1]);
    fx.set_received(&po, &[dec!(10), dec!(4)], "received").await;

    let r = fx
        .invoice(
            po.id,
            &fx.seller,
            "HD-0001",
            json!([{ "order_line_id": l1, "quantity": "6", "unit_price": "100", "tax_rate_pct": "10" }]),
        )
        .await;
    r.assert_problem(403);
    let r = fx
        .svc
        .post(
            &format!("/api/v1/purchase-orders/{}/invoices", po.id),
            Some(&fx.buyer),
            &json!({ "invoice_number": " ", "invoice_date": today() + Days::days(1), "lines": [
                { "order_line_id": l1, "quantity": "-1", "unit_price": "100", "tax_rate_pct": "110" },
                { "order_line_id": Uuid::now_v7(), "quantity": "1", "unit_price": "1", "tax_rate_pct": "0" }
            ] }),
        )
        .await;
    r.assert_invalid_fields(&[
        "invoice_number",
        "invoice_date",
        "lines[0].quantity",
        "lines[0].tax_rate_pct",
    ]);
    let r = fx
        .invoice(
            po.id,
            &fx.buyer,
            "HD-0001",
            json!([{ "order_line_id": Uuid::now_v7(), "quantity": "1", "unit_price": "1", "tax_rate_pct": "10" }]),
        )
        .await;
    r.assert_invalid_fields(&["lines[0].order_line_id"]);

    // Matched: 6 of line 1 at the order's price.
    let r = fx
        .invoice(
            po.id,
            &fx.buyer,
            "HD-0001",
            json!([{ "order_line_id": l1, "quantity": "6", "unit_price": "100.50", "tax_rate_pct": "10" }]),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "matched", "{}", r.body);
    assert_eq!(r.body["mismatches"], json!([]));
    assert_eq!(dec(&r.body["net"]), dec!(603));
    assert_eq!(dec(&r.body["tax"]), dec!(60.30));
    assert_eq!(dec(&r.body["total"]), dec!(663.30));
    assert_eq!(r.body["due_date"], json!(today() + Days::days(30)));
    let matched = id_of(&r.body);
    assert_eq!(fx.lines(po.id).await[0].invoiced, dec!(6));
    let events = fx.svc.outbox("purchasing.invoice.received").await;
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["invoice_id"], json!(matched));
    assert_eq!(e["invoice_number"], "HD-0001");
    assert_eq!(e["invoice_date"], json!(today()));
    assert_eq!(e["order_id"], json!(po.id));
    assert_eq!(e["order_number"], po.number.as_str());
    assert_eq!(e["supplier_id"], json!(po.supplier_id));
    assert_eq!(e["currency"], "CNY");
    assert_eq!(dec(&e["total"]), dec!(663.30));
    assert_eq!(e["lines"][0]["order_line_id"], json!(l1));
    assert_eq!(dec(&e["lines"][0]["quantity"]), dec!(6));
    assert_eq!(dec(&e["lines"][0]["unit_price"]), dec!(100.5));
    assert_eq!(dec(&e["lines"][0]["net"]), dec!(603));
    assert_eq!(dec(&e["lines"][0]["tax"]), dec!(60.30));

    // The same supplier number again, in any case, is a duplicate.
    let r = fx
        .invoice(
            po.id,
            &fx.buyer,
            "hd-0001",
            json!([{ "order_line_id": l2, "quantity": "1", "unit_price": "50", "tax_rate_pct": "10" }]),
        )
        .await;
    r.assert_problem_type(409, "duplicate");

    // Blocked: 5 of line 1 where only 4 are left to invoice, 3 % above the price.
    let r = fx
        .invoice(
            po.id,
            &fx.buyer,
            "HD-0002",
            json!([
                { "order_line_id": l1, "quantity": "5", "unit_price": "103", "tax_rate_pct": "10" },
                { "order_line_id": l2, "quantity": "4", "unit_price": "50", "tax_rate_pct": "10" }
            ]),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "blocked");
    let reasons: Vec<String> = r.body["mismatches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        reasons,
        vec![
            "line 1: 5.0000 invoiced, but only 4.0000 was received and not yet invoiced (1.0000 too many)".to_owned(),
            "line 1: unit price 103.0000 is 3.00 % above the order's 100.0000 (tolerance 1 %)".to_owned(),
        ]
    );
    let blocked = id_of(&r.body);
    // The blocked invoice waits in the purchasing managers' approvals inbox.
    let waiting = fx.inbox(&fx.manager).await;
    assert_eq!(waiting, vec![("supplier_invoice".to_owned(), blocked)]);
    assert_eq!(fx.svc.outbox("purchasing.invoice.received").await.len(), 1);
    let lines = fx.lines(po.id).await;
    assert_eq!((lines[0].invoiced, lines[1].invoiced), (dec!(6), dec!(0)));
    let r = fx
        .svc
        .get("/api/v1/supplier-invoices?status=blocked", Some(&fx.manager))
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["items"][0]["id"], json!(blocked));

    // Only a purchasing manager accepts, with a reason, and not an invoice they entered.
    let r = fx.decide_invoice(blocked, "accept", &fx.buyer2, "ok").await;
    r.assert_problem(403);
    let r = fx.decide_invoice(blocked, "accept", &fx.finance, "ok").await;
    r.assert_problem(403);
    let r = fx
        .decide_invoice(blocked, "accept", &fx.env.token(&[Role::GeneralManager]), "ok")
        .await;
    r.assert_problem(403);
    let r = fx.decide_invoice(blocked, "accept", &fx.manager, "  ").await;
    r.assert_invalid_fields(&["comment"]);
    let r = fx
        .decide_invoice(
            blocked,
            "accept",
            &fx.manager,
            "giá thép tăng, NCC đã báo; 1 tấm giao bù",
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "accepted");
    assert!(fx.inbox(&fx.manager).await.is_empty(), "accepted: no longer waiting");
    assert_eq!(r.body["decision_comment"], "giá thép tăng, NCC đã báo; 1 tấm giao bù");
    let r = fx.decide_invoice(blocked, "accept", &fx.manager, "again").await;
    r.assert_problem_type(409, "wrong-state");
    let lines = fx.lines(po.id).await;
    assert_eq!((lines[0].invoiced, lines[1].invoiced), (dec!(11), dec!(4)));
    let events = fx.svc.outbox("purchasing.invoice.received").await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["invoice_id"], json!(blocked));
    assert_eq!(dec(&events[1]["total"]), dec!(786.50));
    let r = fx.decide_invoice(matched, "reject", &fx.manager, "no").await;
    r.assert_problem_type(409, "wrong-state");

    // A manager who entered an invoice does not accept it; rejected, its number may return.
    let r = fx
        .invoice(
            po.id,
            &fx.manager,
            "HD-0003",
            json!([{ "order_line_id": l2, "quantity": "1", "unit_price": "50", "tax_rate_pct": "8" }]),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "blocked");
    let reasons = r.body["mismatches"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|m| m.as_str().unwrap().contains("nothing received is left to invoice")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|m| m == "line 2: tax rate 8 % differs from the order's 10 %"),
        "{reasons:?}"
    );
    let third = id_of(&r.body);
    let r = fx.decide_invoice(third, "accept", &fx.manager, "ok").await;
    r.assert_problem(403);
    let r = fx
        .decide_invoice(
            third,
            "reject",
            &fx.env.token(&[Role::PurchasingManager]),
            "hàng đã xuất hoá đơn",
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["status"], "rejected");
    let r = fx
        .invoice(
            po.id,
            &fx.buyer,
            "HD-0003",
            json!([{ "order_line_id": l2, "quantity": "1", "unit_price": "50", "tax_rate_pct": "10" }]),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(
        fx.lines(po.id).await[1].invoiced,
        dec!(4),
        "blocked again: nothing counted"
    );

    let r = fx
        .svc
        .get(
            &format!("/api/v1/purchase-orders/{}/invoices", po.id),
            Some(&fx.finance),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 4);
    assert_eq!(r.body[1]["lines"].as_array().unwrap().len(), 2);
    assert_eq!(dec(&r.body[1]["lines"][0]["order_price"]), dec!(100));
    assert_eq!(dec(&r.body[1]["lines"][0]["open_quantity"]), dec!(4));
    let r = fx
        .svc
        .get(&format!("/api/v1/supplier-invoices/{blocked}"), Some(&fx.seller))
        .await;
    r.assert_problem(404);
}

// ---------------------------------------------------------------------------------------------
// Reminders
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn overdue_arrivals_are_reminded_once() {
    let fx = fixture().await;
    let yesterday = Some(today() - Days::days(1));
    let overdue = fx.order("sent", &[(dec!(5), dec!(10), dec!(0))], yesterday).await;
    let started = fx.order("approved", &[(dec!(5), dec!(10), dec!(0))], yesterday).await;
    fx.set_received(&started, &[dec!(1)], "partially_received").await;
    let _later = fx
        .order(
            "approved",
            &[(dec!(5), dec!(10), dec!(0))],
            Some(today() + Days::days(1)),
        )
        .await;
    let _today = fx
        .order("approved", &[(dec!(5), dec!(10), dec!(0))], Some(today()))
        .await;
    let _draft = fx.order("draft", &[(dec!(5), dec!(10), dec!(0))], yesterday).await;
    let _undated = fx.order("approved", &[(dec!(5), dec!(10), dec!(0))], None).await;

    let r = fx
        .svc
        .post(
            "/api/v1/purchase-orders/arrival-reminders",
            Some(&fx.seller),
            &json!({}),
        )
        .await;
    r.assert_problem(403);
    let r = fx
        .svc
        .post(
            "/api/v1/purchase-orders/arrival-reminders",
            Some(&fx.buyer2),
            &json!({}),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["reminded"], 1);
    let events = fx.svc.outbox("purchasing.arrival.overdue").await;
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e["order_id"], json!(overdue.id));
    assert_eq!(e["number"], overdue.number.as_str());
    assert_eq!(e["supplier_name"], "Công ty TNHH Thép Hòa Phát");
    assert_eq!(e["expected_arrival"], json!(yesterday));
    assert_eq!(e["buyer_id"], json!(fx.buyer_id));
    let reminded_at = erp_db::with_conn(&fx.svc.pool, move |c| orders::find(c, overdue.id))
        .await
        .unwrap()
        .reminded_at;
    assert!(reminded_at.is_some());

    // Once only; the scheduler's API key may run it too, when it holds a buyer role.
    let key = |roles: Vec<Role>| {
        fx.env.token_for(
            &fixtures::person("Scheduler")
                .code("scheduler")
                .roles(&roles)
                .api_key()
                .build(),
        )
    };
    fx.svc
        .post(
            "/api/v1/purchase-orders/arrival-reminders",
            Some(&key(vec![Role::Employee])),
            &json!({}),
        )
        .await
        .assert_problem(403);
    let scheduler = key(vec![Role::Purchaser]);
    let r = fx
        .svc
        .post(
            "/api/v1/purchase-orders/arrival-reminders",
            Some(&scheduler),
            &json!({}),
        )
        .await;
    assert_status(&r, 200);
    assert_eq!(r.body["reminded"], 0);
    assert_eq!(fx.svc.outbox("purchasing.arrival.overdue").await.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Closing
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_order_received_invoiced_and_paid_in_full_closes() {
    let fx = fixture().await;
    // 10 × 100 + 10 % = 1 100.00.
    let po = fx.order("approved", &[(dec!(10), dec!(100), dec!(10))], None).await;
    let l1 = po.lines[0];

    // Deposit, approved and paid.
    let r = fx.request_payment(po.id, &fx.buyer, "deposit", "300").await;
    assert_status(&r, 201);
    let deposit = id_of(&r.body);
    assert_status(&fx.decide_payment(deposit, "approve", &fx.finance, None).await, 200);
    fx.pay(deposit, dec!(300), "UNC-1").await;
    fx.wait_paid(deposit).await;

    // Everything arrives and is counted.
    let r = fx
        .arrive(po.id, json!([{ "order_line_id": l1, "quantity": "10" }]))
        .await;
    assert_status(&r, 201);
    fx.svc
        .publish_event("warehouse", &Fx::confirmation(&r.body, &[(dec!(10), None)]))
        .await;
    fx.until(po.id, "received", |s, _| s == "received").await;

    // Invoiced in full: still open, only 300 of 1 100 paid.
    let r = fx
        .invoice(
            po.id,
            &fx.buyer,
            "0001234",
            json!([{ "order_line_id": l1, "quantity": "10", "unit_price": "100", "tax_rate_pct": "10" }]),
        )
        .await;
    assert_status(&r, 201);
    assert_eq!(r.body["status"], "matched");
    assert_eq!(fx.status(po.id).await, "received");
    let view = fx
        .svc
        .get(
            &format!("/api/v1/purchase-orders/{}/settlement", po.id),
            Some(&fx.buyer),
        )
        .await;
    assert_status(&view, 200);
    assert_eq!(view.body["fully_received"], true);
    assert_eq!(view.body["fully_invoiced"], true);
    assert_eq!(view.body["fully_paid"], false);
    assert_eq!(dec(&view.body["payable_left"]), dec!(800));

    // The final payment: approved, the order waits for the money; paid, it closes.
    let r = fx.request_payment(po.id, &fx.buyer, "final", "800").await;
    assert_status(&r, 201);
    let last = id_of(&r.body);
    assert_status(&fx.decide_payment(last, "approve", &fx.finance, None).await, 200);
    assert_eq!(fx.status(po.id).await, "received");
    fx.pay(last, dec!(800), "UNC-2").await;
    fx.wait_paid(last).await;
    fx.until(po.id, "closed", |s, _| s == "closed").await;
    let view = fx
        .svc
        .get(
            &format!("/api/v1/purchase-orders/{}/settlement", po.id),
            Some(&fx.buyer),
        )
        .await;
    assert_eq!(view.body["status"], "closed");
    assert_eq!(view.body["fully_paid"], true);
    assert_eq!(dec(&view.body["paid"]), dec!(1100));

    // Nothing more happens on a closed order.
    let r = fx.request_payment(po.id, &fx.buyer, "part", "1").await;
    r.assert_problem_type(409, "wrong-state");
    let r = fx
        .arrive(po.id, json!([{ "order_line_id": l1, "quantity": "0.1" }]))
        .await;
    r.assert_problem_type(409, "wrong-state");
    let r = fx
        .invoice(
            po.id,
            &fx.buyer,
            "0001235",
            json!([{ "order_line_id": l1, "quantity": "1", "unit_price": "100", "tax_rate_pct": "10" }]),
        )
        .await;
    r.assert_problem_type(409, "wrong-state");
}
