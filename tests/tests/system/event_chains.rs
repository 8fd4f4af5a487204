//! What an integrator sees of the two end-to-end flows on the bus: one `correlation_id` from
//! the first document to the last payment, in the envelope and as the AMQP property, and
//! every event that another caused naming it (docs/architecture.md, "One flow, one
//! correlation"). Called by the end-to-end tests once their flow is done.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erp_scenarios::flows::HOP;
use erp_scenarios::tap::{self, EventTap, Tapped, one};
use serde_json::{Value, json};

/// The documents of one sale, by id.
pub struct SalesFlow<'a> {
    pub quotation: &'a str,
    pub order: &'a str,
    pub outbound_request: &'a str,
    pub shipment: &'a str,
    pub receipts: [&'a str; 2],
}

/// The documents of one purchase, by id.
pub struct PurchaseFlow<'a> {
    pub outbound_note: &'a str,
    pub request: &'a str,
    pub order: &'a str,
    pub arrival: &'a str,
    pub inbound_note: &'a str,
    pub payment_requests: [&'a str; 2],
}

/// Both approval events of `document` are in the flow.
fn approvals(flow: &[&Tapped], service: &str, kind: &str, document: &str) {
    for t in ["requested", "decided"] {
        one(flow, &format!("{service}.approval.{t}"), |d| {
            d["document_type"] == kind && d["document_id"] == json!(document)
        });
    }
}

/// No event about these documents travelled in another flow.
fn nothing_outside(events: &[Tapped], correlation: &str, ids: &[&str], keys: &[&str]) {
    let ours: Vec<Value> = ids.iter().map(|i| json!(i)).collect();
    for e in events {
        let d = e.data();
        let about = keys.iter().any(|k| ours.contains(&d[*k])) || ours.contains(&d["source"]["id"]);
        assert!(
            !about || e.correlation() == correlation,
            "outside the flow: {}",
            e.envelope
        );
    }
}

pub async fn order_to_cash(mut tap: EventTap, ids: &SalesFlow<'_>) {
    let [first, second] = ids.receipts;
    let last = tap
        .wait_for("crm.receipt.confirmed", HOP, |e| {
            e.data()["receipt_id"] == json!(second)
        })
        .await;
    tap.wait_for("finance.customer.balance.changed", HOP, |e| {
        e.causation() == Some(last.id())
    })
    .await;
    let events = tap.events().await.to_vec();
    let flow = tap::flow(&events, last.correlation());
    approvals(&flow, "crm", "quotation", ids.quotation);
    approvals(&flow, "crm", "sales_order", ids.order);
    approvals(&flow, "crm", "receipt", first);
    approvals(&flow, "crm", "receipt", second);
    let approved = one(&flow, "crm.order.approved", |d| d["order_id"] == json!(ids.order));
    let requested = one(&flow, "crm.outbound.requested", |d| {
        d["request_id"] == json!(ids.outbound_request)
    });
    let issued = one(&flow, "warehouse.outbound.confirmed", |d| {
        d["source"]["id"] == json!(ids.outbound_request)
    });
    assert_eq!(
        issued.causation(),
        Some(requested.id()),
        "the keeper answers the request"
    );
    one(&flow, "crm.shipment.delivered", |d| {
        d["shipment_id"] == json!(ids.shipment)
    });
    let invoiced = one(&flow, "finance.invoice.issued", |d| d["order_id"] == json!(ids.order));
    assert_eq!(
        invoiced.causation(),
        Some(approved.id()),
        "invoiced on the approved order"
    );
    for receipt in ids.receipts {
        let confirmed = one(&flow, "crm.receipt.confirmed", |d| d["receipt_id"] == json!(receipt));
        assert!(flow.iter().any(|e| e.causation() == Some(confirmed.id())), "{receipt}");
    }
    let keys = ["document_id", "order_id", "request_id", "shipment_id", "receipt_id"];
    let all = [
        ids.quotation,
        ids.order,
        ids.outbound_request,
        ids.shipment,
        first,
        second,
    ];
    nothing_outside(&events, last.correlation(), &all, &keys);
    tap.close().await;
    eprintln!("order to cash on the bus: {} events in one flow", flow.len());
}

pub async fn procure_to_pay(mut tap: EventTap, ids: &PurchaseFlow<'_>) {
    let [deposit, rest] = ids.payment_requests;
    let last = tap
        .wait_for("finance.payment.made", HOP, |e| {
            e.data()["payment_request_id"] == json!(rest)
        })
        .await;
    let events = tap.events().await.to_vec();
    let flow = tap::flow(&events, last.correlation());
    let shortage = one(&flow, "warehouse.stock.shortage", |d| {
        d["note_id"] == json!(ids.outbound_note)
    });
    approvals(&flow, "purchasing", "purchase_request", ids.request);
    let request_asked = one(&flow, "purchasing.approval.requested", |d| {
        d["document_type"] == "purchase_request" && d["document_id"] == json!(ids.request)
    });
    assert_eq!(
        request_asked.causation(),
        Some(shortage.id()),
        "the shortage asked for it"
    );
    approvals(&flow, "purchasing", "supplier_selection", ids.request);
    approvals(&flow, "purchasing", "purchase_order", ids.order);
    one(&flow, "purchasing.order.approved", |d| {
        d["order_id"] == json!(ids.order)
    });
    for payment in ids.payment_requests {
        approvals(&flow, "purchasing", "payment_request", payment);
        let asked = one(&flow, "purchasing.payment.requested", |d| {
            d["payment_request_id"] == json!(payment)
        });
        let paid = one(&flow, "finance.payment.made", |d| {
            d["payment_request_id"] == json!(payment)
        });
        assert_eq!(paid.causation(), Some(asked.id()), "finance pays what was asked");
    }
    let arrived = one(&flow, "purchasing.inbound.requested", |d| {
        d["request_id"] == json!(ids.arrival)
    });
    let counted = one(&flow, "warehouse.inbound.confirmed", |d| {
        d["note_id"] == json!(ids.inbound_note)
    });
    assert_eq!(
        counted.causation(),
        Some(arrived.id()),
        "the keeper answers the arrival"
    );
    one(&flow, "purchasing.invoice.received", |d| {
        d["order_id"] == json!(ids.order)
    });
    let keys = [
        "document_id",
        "order_id",
        "request_id",
        "note_id",
        "payment_request_id",
        "purchase_order_id",
    ];
    let all = [
        ids.outbound_note,
        ids.request,
        ids.order,
        ids.arrival,
        ids.inbound_note,
        deposit,
        rest,
    ];
    nothing_outside(&events, last.correlation(), &all, &keys);
    tap.close().await;
    eprintln!("procure to pay on the bus: {} events in one flow", flow.len());
}
