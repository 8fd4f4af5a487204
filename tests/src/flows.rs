//! Steps the process scenarios share, each made only of HTTP calls a third-party app could
//! make: people hired in hr, waits for events to arrive, lists followed page by page, the trial
//! balance, and the sales floor (people, warehouse, item, stock, customer) the fault tests build
//! their order flows on.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step should panic

use crate::system::{Service, System};
use erp_testkit::{Resp, dec};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Everyone hired here gets this password.
pub const PASSWORD: &str = "password-1";
/// How long an event may take to travel between processes.
pub const HOP: Duration = Duration::from_secs(30);

/// The `id` of a 200/201 answer.
#[track_caller]
pub fn id(r: &Resp) -> String {
    assert!(r.status == 200 || r.status == 201, "{} {}", r.status, r.body);
    r.body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {}", r.body))
        .to_owned()
}

/// Polls `check` until it gives a value; panics naming `what` after `timeout`.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(started.elapsed() < timeout, "{what}: not reached within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every item of a keyset-paged list (`items`, `next_cursor`); `path` may carry a query.
pub async fn all_pages(svc: &Service, path: &str, token: &str) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=200&cursor={c}"),
            None => format!("{path}{sep}limit=200"),
        };
        let r = svc.get(&url, Some(token)).await;
        assert_eq!(r.status, 200, "{} {url}: {}", svc.name, r.body);
        out.extend(r.body["items"].as_array().cloned().unwrap_or_default());
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

pub async fn department(sys: &System, admin: &str, code: &str, name: &str) -> String {
    id(&sys
        .hr()
        .post("/api/v1/departments", Some(admin), &json!({"code": code, "name": name}))
        .await)
}

/// Hires an employee in hr (with [`PASSWORD`]); returns the employee id.
pub async fn hire(
    sys: &System,
    admin: &str,
    dept: &str,
    code: &str,
    name: &str,
    roles: &[&str],
    manager: Option<&str>,
) -> String {
    id(&sys
        .hr()
        .post(
            "/api/v1/employees",
            Some(admin),
            &json!({"code": code, "name": name, "department_id": dept, "roles": roles,
                    "manager_id": manager, "password": PASSWORD}),
        )
        .await)
}

/// Waits until every service but hr has these employees in its directory (from hr's events).
pub async fn known_everywhere(sys: &System, token: &str, employees: &[&str]) {
    for svc in sys.services().iter().filter(|s| s.name != "hr") {
        for e in employees {
            let path = format!("/api/v1/directory/employees/{e}");
            until(&format!("{} knows employee {e}", svc.name), HOP, || async {
                (svc.get(&path, Some(token)).await.status == 200).then_some(())
            })
            .await;
        }
    }
}

/// The trial balance in `currency`: balance (debit − credit) per account code, and the whole
/// answer. Checks that it balances.
pub async fn trial_balance(finance: &Service, token: &str, currency: &str) -> (BTreeMap<String, Decimal>, Value) {
    let r = finance
        .get(
            &format!("/api/v1/reports/trial-balance?currency={currency}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, 200, "trial balance: {}", r.body);
    assert_eq!(
        dec(&r.body["total_debit"]),
        dec(&r.body["total_credit"]),
        "the trial balance balances: {}",
        r.body
    );
    let balances = r.body["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| (a["account_code"].as_str().unwrap().to_owned(), dec(&a["balance"])))
        .collect();
    (balances, r.body)
}

/// The balance of one account (zero when it has no lines).
pub fn balance(balances: &BTreeMap<String, Decimal>, account: &str) -> Decimal {
    balances.get(account).copied().unwrap_or_default()
}

/// People, a default warehouse, one item with stock and a price, and a prepaying customer:
/// what the order flows of the fault tests start from.
pub struct SalesFloor {
    pub admin: String,
    pub seller: String,
    pub manager: String,
    pub keeper: String,
    pub finance: String,
    pub boss: String,
    pub warehouse_id: String,
    pub item: String,
    pub customer: String,
    /// The item's moving average cost after the opening stock.
    pub unit_cost: Decimal,
    /// The opening stock, brought in by an adjustment.
    pub opening_stock: Decimal,
}

impl SalesFloor {
    pub async fn open(sys: &System, sku: &str, stock: u32) -> Self {
        let admin = sys.admin().await;
        let sales = department(sys, &admin, "KD", "Phòng Kinh Doanh").await;
        let office = department(sys, &admin, "VP", "Văn phòng").await;
        let manager_id = hire(sys, &admin, &sales, "QL01", "Trần Thị Bình", &["sales_manager"], None).await;
        let seller_id = hire(
            sys,
            &admin,
            &sales,
            "NV01",
            "Nguyễn Văn An",
            &["sales"],
            Some(&manager_id),
        )
        .await;
        hire(
            sys,
            &admin,
            &office,
            "KHO01",
            "Phạm Văn Kho",
            &["warehouse_keeper"],
            None,
        )
        .await;
        hire(sys, &admin, &office, "KT01", "Lê Thu Hà", &["finance_manager"], None).await;
        let boss_id = hire(sys, &admin, &office, "GD01", "Đỗ Minh Quân", &["general_manager"], None).await;
        let seller = sys.login("NV01", PASSWORD).await;
        let manager = sys.login("QL01", PASSWORD).await;
        let keeper = sys.login("KHO01", PASSWORD).await;
        let finance = sys.login("KT01", PASSWORD).await;
        let boss = sys.login("GD01", PASSWORD).await;
        known_everywhere(sys, &admin, &[&manager_id, &seller_id, &boss_id]).await;

        let wh = sys.warehouse();
        let warehouse_id = id(&wh
            .post(
                "/api/v1/warehouses",
                Some(&keeper),
                &json!({"code": "HN", "name": "Kho Hà Nội", "is_default": true}),
            )
            .await);
        let item = id(&wh
            .post(
                "/api/v1/items",
                Some(&keeper),
                &json!({"sku": sku, "name": format!("Vật tư {sku}"), "unit": "pcs", "kind": "product",
                        "standard_cost": "60000"}),
            )
            .await);
        let r = wh
            .post(
                "/api/v1/stock/adjustments",
                Some(&keeper),
                &json!({"warehouse_id": warehouse_id, "reason": "tồn đầu kỳ",
                        "lines": [{"item_id": item, "quantity": stock.to_string()}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let balance = wh.get(&format!("/api/v1/stock?item_id={item}"), Some(&keeper)).await;
        let unit_cost = dec(&balance.body[0]["avg_cost"]);

        let crm = sys.crm();
        until("crm's catalogue has the item", HOP, || async {
            let r = crm
                .get(&format!("/api/v1/catalogue/items?q={sku}"), Some(&seller))
                .await;
            r.body["items"]
                .as_array()
                .is_some_and(|a| a.iter().any(|i| i["item_id"] == json!(item)))
                .then_some(())
        })
        .await;
        let r = crm
            .put(
                &format!("/api/v1/price-list/{item}/VND"),
                Some(&manager),
                &json!({"list_price": "100000", "floor_price": "90000"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let customer = id(&crm
            .post(
                "/api/v1/customers",
                Some(&seller),
                &json!({"code": format!("KH-{sku}"), "name": "Công ty TNHH Xây dựng Hồng Hà", "kind": "company",
                        "currency": "VND", "payment_terms": "prepayment", "tax_number": "0101234567"}),
            )
            .await);
        SalesFloor {
            admin,
            seller,
            manager,
            keeper,
            finance,
            boss,
            warehouse_id,
            item,
            customer,
            unit_cost,
            opening_stock: Decimal::from(stock),
        }
    }

    /// An order of `quantity` pieces at 100 000 VND + 10 % VAT, submitted and approved by the
    /// sales manager; returns (order id, its line id).
    pub async fn approved_order(&self, sys: &System, quantity: u32) -> (String, String) {
        self.approved_order_at(sys.crm(), quantity).await
    }

    /// [`SalesFloor::approved_order`] through one instance of crm.
    pub async fn approved_order_at(&self, crm: &Service, quantity: u32) -> (String, String) {
        let r = crm
            .post(
                "/api/v1/orders",
                Some(&self.seller),
                &json!({"customer_id": self.customer, "seller": {"name": "Công ty CP Vật tư Thành Công"},
                        "lines": [{"item_id": self.item, "quantity": quantity.to_string(), "unit_price": "100000",
                                   "tax_rate_pct": "10"}]}),
            )
            .await;
        let order = id(&r);
        let line = r.body["lines"][0]["id"].as_str().unwrap().to_owned();
        let r = crm
            .post(
                &format!("/api/v1/orders/{order}/submit"),
                Some(&self.seller),
                &json!({}),
            )
            .await;
        assert_eq!(r.body["status"], "pending_approval", "{}", r.body);
        let r = crm
            .post(
                &format!("/api/v1/orders/{order}/approve"),
                Some(&self.manager),
                &json!({}),
            )
            .await;
        assert_eq!(r.body["status"], "approved", "{}", r.body);
        (order, line)
    }

    /// Asks the warehouse for `quantity` of the order line; returns the request id.
    pub async fn request_outbound(&self, crm: &Service, order: &str, line: &str, quantity: u32) -> String {
        let r = crm
            .post(
                &format!("/api/v1/orders/{order}/outbound-requests"),
                Some(&self.seller),
                &json!({"lines": [{"order_line_id": line, "quantity": quantity.to_string()}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        id(&r)
    }

    /// The warehouse's outbound notes made from crm's requests.
    pub async fn sales_notes(&self, wh: &Service) -> Vec<Value> {
        all_pages(wh, "/api/v1/outbound-notes", &self.keeper)
            .await
            .into_iter()
            .filter(|n| n["source_kind"] == "crm.outbound_request")
            .collect()
    }

    /// Confirms every line of an outbound note in full.
    pub async fn confirm_note(&self, wh: &Service, note: &str) {
        let detail = wh
            .get(&format!("/api/v1/outbound-notes/{note}"), Some(&self.keeper))
            .await;
        assert_eq!(detail.status, 200, "{}", detail.body);
        let lines: Vec<Value> = detail.body["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| json!({"line_id": l["id"], "quantity": l["requested"]}))
            .collect();
        let r = wh
            .post(
                &format!("/api/v1/outbound-notes/{note}/confirm"),
                Some(&self.keeper),
                &json!({ "lines": lines }),
            )
            .await;
        assert_eq!(r.status, 200, "confirm {note}: {}", r.body);
    }

    /// The order's progress totals: (requested, issued).
    pub async fn progress(&self, crm: &Service, order: &str) -> (Decimal, Decimal) {
        let p = crm
            .get(&format!("/api/v1/orders/{order}/progress"), Some(&self.seller))
            .await;
        assert_eq!(p.status, 200, "{}", p.body);
        (dec(&p.body["totals"]["requested"]), dec(&p.body["totals"]["issued"]))
    }

    /// Finance's inventory (156) after `issued` pieces left: the opening stock's value (booked
    /// from the adjustment) less the cost of what was issued.
    pub fn inventory_after(&self, issued: Decimal) -> Decimal {
        (self.opening_stock - issued) * self.unit_cost
    }

    /// On hand of the item in the warehouse.
    pub async fn on_hand(&self, wh: &Service) -> Decimal {
        let r = wh
            .get(&format!("/api/v1/stock?item_id={}", self.item), Some(&self.keeper))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        dec(&r.body[0]["on_hand"])
    }
}
