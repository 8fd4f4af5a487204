//! What the figures need, made through the API with codes unique to this run, so the bench
//! can run again and again against the same system: a department and its people (hr), a
//! warehouse, items and stock (warehouse), prices and a customer (crm, once crm has learnt
//! the items and the people from the events).

use crate::http::{Api, Svc, str_of};
use anyhow::{Context, Result, bail};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-password-1";
/// The bench's own general manager: only a general manager grants that role to the run's
/// approver (docs/security.md), and an hr admin appoints only the company's first one.
const GENERAL_MANAGER: &str = "BENCH-GD";

pub struct World {
    pub run_id: String,
    pub seller: String,
    pub manager: String,
    pub warehouse_id: String,
    /// Every item of the run; the first five make the small orders, one is the hop's.
    pub items: Vec<String>,
    pub customer_id: String,
    pub setup_time: Duration,
}

pub async fn build(api: &Api, admin_code: &str, admin_password: &str, item_count: usize) -> Result<World> {
    let started = Instant::now();
    let run_id = run_id();
    let admin_token = api.login(admin_code, admin_password).await?;
    let admin = &admin_token;
    let dept = str_of(
        &api.post(
            Svc::Hr,
            "/api/v1/departments",
            Some(admin),
            &json!({"code": format!("B{run_id}-KD"), "name": format!("Bench {run_id} Phòng Kinh Doanh")}),
        )
        .await?
        .expect(201, "create the department")?,
        "id",
    )?;
    let employee = |code: &str, name: &str, roles: &[&str], manager: Option<&str>| {
        json!({"code": format!("B{run_id}-{code}"), "name": format!("{name} {run_id}"), "department_id": dept,
               "roles": roles, "manager_id": manager, "password": PASSWORD})
    };
    let general_manager = general_manager(api, admin).await?;
    let gm = &general_manager;
    let hire = |body: Value| async move {
        let r = api.post(Svc::Hr, "/api/v1/employees", Some(gm), &body).await?;
        str_of(&r.expect(201, "create an employee")?, "id")
    };
    // The approver is the seller's manager and also general manager, so every step of any
    // chain the matrix makes (amounts, margins) is theirs to decide.
    let manager_id = hire(employee(
        "QL",
        "Trần Thị Bình",
        &["sales_manager", "general_manager"],
        None,
    ))
    .await?;
    let seller_id = hire(employee("NV", "Nguyễn Văn An", &["sales"], Some(&manager_id))).await?;
    hire(employee("KHO", "Phạm Văn Kho", &["warehouse_keeper"], None)).await?;
    let seller = api.login(&format!("B{run_id}-NV"), PASSWORD).await?;
    let manager = api.login(&format!("B{run_id}-QL"), PASSWORD).await?;
    let keeper = api.login(&format!("B{run_id}-KHO"), PASSWORD).await?;

    let warehouse_id = str_of(
        &api.post(
            Svc::Warehouse,
            "/api/v1/warehouses",
            Some(&keeper),
            &json!({"code": format!("B{run_id}"), "name": format!("Kho bench {run_id}")}),
        )
        .await?
        .expect(201, "create the warehouse")?,
        "id",
    )?;
    // Items a few at a time, as an importer would.
    let items: Vec<String> = stream::iter(0..item_count)
        .map(|i| {
            let keeper = keeper.clone();
            let run_id = run_id.clone();
            async move {
                let r = api
                    .post(
                        Svc::Warehouse,
                        "/api/v1/items",
                        Some(&keeper),
                        &json!({"sku": format!("B{run_id}-{i:04}"), "name": format!("Bơm bench {run_id} số {i}"),
                                "unit": "pcs", "kind": "product", "standard_cost": "50000"}),
                    )
                    .await?;
                str_of(&r.expect(201, "create an item")?, "id")
            }
        })
        .buffered(8)
        .try_collect()
        .await?;
    let hop_item = items.first().context("no items")?.clone();
    api.post(
        Svc::Warehouse,
        "/api/v1/stock/adjustments",
        Some(&keeper),
        &json!({"warehouse_id": warehouse_id, "reason": "tồn đầu kỳ (bench)",
                "lines": [{"item_id": hop_item, "quantity": "1000000"}]}),
    )
    .await?
    .expect(201, "stock the hop's item")?;

    // crm learns the people from hr's events and the items from warehouse's.
    let (people, token) = ([&seller_id, &manager_id], &seller);
    wait_for(
        Duration::from_secs(120),
        "crm to know the seller and the manager",
        || async move {
            for id in people {
                let r = api
                    .get(Svc::Crm, &format!("/api/v1/directory/employees/{id}"), token)
                    .await?;
                if r.status != 200 {
                    return Ok(false);
                }
            }
            Ok(true)
        },
    )
    .await?;
    let prefix = format!("B{run_id}-");
    let prefix = &prefix;
    wait_for(
        Duration::from_secs(300),
        "crm's catalogue to hold every item",
        || async move { Ok(catalogue_count(api, token, prefix).await? >= item_count) },
    )
    .await?;

    for item in items.iter().take(5) {
        api.put(
            Svc::Crm,
            &format!("/api/v1/price-list/{item}/VND"),
            &manager,
            &json!({"list_price": "100000", "floor_price": "90000"}),
        )
        .await?
        .expect(200, "set a list price")?;
    }
    let customer_id = str_of(
        &api.post(
            Svc::Crm,
            "/api/v1/customers",
            Some(&seller),
            &json!({"code": format!("B{run_id}-KH"), "name": format!("Công ty CP Nước sạch Sông Đà {run_id}"),
                    "kind": "company", "currency": "VND", "payment_terms": "prepayment"}),
        )
        .await?
        .expect(201, "create the customer")?,
        "id",
    )?;
    Ok(World {
        run_id,
        seller,
        manager,
        warehouse_id,
        items,
        customer_id,
        setup_time: started.elapsed(),
    })
}

/// Base 36 of the current second: short enough for 32-character codes, new on every run.
fn run_id() -> String {
    let mut n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut s = Vec::new();
    while n > 0 {
        s.push(digits[(n % 36) as usize]);
        n /= 36;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

async fn catalogue_count(api: &Api, token: &str, prefix: &str) -> Result<usize> {
    let mut count = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/catalogue/items?limit=200&q={prefix}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = api
            .get(Svc::Crm, &path, token)
            .await?
            .expect(200, "read the catalogue")?;
        count += page["items"].as_array().map_or(0, Vec::len);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return Ok(count),
        }
    }
}

pub async fn wait_for<F, Fut>(limit: Duration, what: &str, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if check().await? {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("gave up after {limit:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The bench's general manager, appointed by the admin on the first run and signed in as on
/// the later ones.
async fn general_manager(api: &Api, admin: &str) -> Result<String> {
    if let Ok(token) = api.login(GENERAL_MANAGER, PASSWORD).await {
        return Ok(token);
    }
    let body = json!({"code": GENERAL_MANAGER, "name": "Giám đốc bench", "roles": ["general_manager"],
                      "password": PASSWORD});
    let r = api.post(Svc::Hr, "/api/v1/employees", Some(admin), &body).await?;
    if r.status == 403 {
        bail!(
            "this system already has a general manager who is not the bench's; the bench needs {GENERAL_MANAGER} \
             (password {PASSWORD}) to hire its approvers"
        );
    }
    r.expect(201, "appoint the bench's general manager")?;
    api.login(GENERAL_MANAGER, PASSWORD).await
}
