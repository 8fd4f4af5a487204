//! Reports read from the books: receivables and payables aging, profit and loss, gross margin
//! and VAT. Amounts are in one currency per report; nothing is converted.

use crate::domain::aging::{self, Buckets, OpenItem};
use crate::domain::chart;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Numeric, Text, Uuid as SqlUuid};
use erp_money::Currency;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use uuid::Uuid;

mod margin;
mod vat;

pub use margin::{GrossMargin, MarginRow, gross_margin};
pub use vat::{VatDocument, VatReport, vat};

/// How aging and margin rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Order,
    Customer,
    Salesperson,
    Supplier,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Order => "order",
            GroupBy::Customer => "customer",
            GroupBy::Salesperson => "salesperson",
            GroupBy::Supplier => "supplier",
        }
    }
}

/// One group of an aging report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgingRow {
    /// The customer, salesperson or supplier.
    pub party_id: Uuid,
    pub party_name: Option<String>,
    #[serde(flatten)]
    pub buckets: Buckets,
    /// Paid beyond what was invoiced (advances), not included in the buckets.
    #[schema(value_type = String)]
    pub unapplied: Decimal,
    /// Open invoices in the buckets.
    pub open_invoices: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgingReport {
    pub currency: Currency,
    pub as_of: NaiveDate,
    /// `customer`, `salesperson` or `supplier`.
    pub group_by: String,
    pub rows: Vec<AgingRow>,
    pub totals: Buckets,
    #[schema(value_type = String)]
    pub unapplied: Decimal,
}

#[derive(QueryableByName)]
struct Invoiced {
    #[diesel(sql_type = SqlUuid)]
    order_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    party_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    party_name: Option<String>,
    #[diesel(sql_type = Date)]
    issued: NaiveDate,
    #[diesel(sql_type = Date)]
    due: NaiveDate,
    #[diesel(sql_type = Numeric)]
    total: Decimal,
}

#[derive(QueryableByName)]
struct Paid {
    #[diesel(sql_type = SqlUuid)]
    order_id: Uuid,
    #[diesel(sql_type = Numeric)]
    amount: Decimal,
}

/// Ages invoices per order against what was paid on the order, then sums per party.
fn age(
    invoices: Vec<Invoiced>,
    paid: Vec<Paid>,
    currency: Currency,
    as_of: NaiveDate,
    group_by: GroupBy,
) -> AgingReport {
    let paid: HashMap<Uuid, Decimal> = paid.into_iter().map(|p| (p.order_id, p.amount)).collect();
    let mut per_order: BTreeMap<Uuid, Vec<Invoiced>> = BTreeMap::new();
    for i in invoices {
        per_order.entry(i.order_id).or_default().push(i);
    }
    let mut rows: BTreeMap<Uuid, AgingRow> = BTreeMap::new();
    for (order_id, invs) in per_order {
        let items: Vec<OpenItem> = invs
            .iter()
            .map(|i| OpenItem {
                issued: i.issued,
                due: i.due,
                total: i.total,
            })
            .collect();
        let (open, unapplied) = aging::settle(&items, paid.get(&order_id).copied().unwrap_or_default());
        for (inv, open) in invs.iter().zip(open) {
            let row = rows.entry(inv.party_id).or_insert_with(|| AgingRow {
                party_id: inv.party_id,
                party_name: inv.party_name.clone(),
                buckets: Buckets::default(),
                unapplied: Decimal::ZERO,
                open_invoices: 0,
            });
            if open > Decimal::ZERO {
                row.buckets.add(inv.due, as_of, open);
                row.open_invoices += 1;
            }
        }
        if let (Some(first), true) = (invs.first(), unapplied > Decimal::ZERO)
            && let Some(row) = rows.get_mut(&first.party_id)
        {
            row.unapplied += unapplied;
        }
    }
    let mut totals = Buckets::default();
    let mut unapplied = Decimal::ZERO;
    let rows: Vec<AgingRow> = rows
        .into_values()
        .filter(|r| r.buckets.total > Decimal::ZERO || r.unapplied > Decimal::ZERO)
        .inspect(|r| {
            totals.merge(&r.buckets);
            unapplied += r.unapplied;
        })
        .collect();
    AgingReport {
        currency,
        as_of,
        group_by: group_by.as_str().to_owned(),
        rows,
        totals,
        unapplied,
    }
}

/// Receivables aging at `as_of`: invoices issued by then, less receipts confirmed by then on
/// their order (oldest invoice first), by customer or by salesperson. Receipts on orders not
/// invoiced yet are advances; they are not shown here.
pub fn receivables_aging(
    conn: &mut PgConnection,
    currency: Currency,
    as_of: NaiveDate,
    group_by: GroupBy,
) -> Result<AgingReport, AppError> {
    let party = match group_by {
        GroupBy::Salesperson => "i.owner_id AS party_id, d.name AS party_name",
        _ => "i.customer_id AS party_id, o.customer_name AS party_name",
    };
    let invoices: Vec<Invoiced> = diesel::sql_query(format!(
        "SELECT i.order_id, {party}, i.issue_date AS issued, i.due_date AS due, i.total \
         FROM sales_invoices i JOIN sales_orders o ON o.order_id = i.order_id \
         LEFT JOIN directory_employees d ON d.id = i.owner_id \
         WHERE i.currency = $1 AND i.issue_date <= $2"
    ))
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(as_of)
    .load(conn)?;
    let paid: Vec<Paid> = diesel::sql_query(
        "SELECT order_id, sum(amount) AS amount FROM sales_receipts \
         WHERE currency = $1 AND received_on <= $2 GROUP BY order_id",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(as_of)
    .load(conn)?;
    Ok(age(invoices, paid, currency, as_of, group_by))
}

/// Payables aging at `as_of`: supplier invoices received by then, less payments made by then
/// on their purchase order (oldest first), by supplier. Deposits paid before any invoice are
/// unapplied.
pub fn payables_aging(conn: &mut PgConnection, currency: Currency, as_of: NaiveDate) -> Result<AgingReport, AppError> {
    let invoices: Vec<Invoiced> = diesel::sql_query(
        "SELECT s.order_id, s.supplier_id AS party_id, \
                coalesce(p.supplier_name, (SELECT max(supplier_name) FROM payments y WHERE y.supplier_id = s.supplier_id)) AS party_name, \
                s.invoice_date AS issued, s.due_date AS due, s.total \
         FROM supplier_invoices s LEFT JOIN purchase_orders p ON p.order_id = s.order_id \
         WHERE s.currency = $1 AND s.invoice_date <= $2",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(as_of)
    .load(conn)?;
    let paid: Vec<Paid> = diesel::sql_query(
        "SELECT order_id, sum(amount) AS amount FROM payments \
         WHERE status = 'paid' AND currency = $1 AND paid_on <= $2 GROUP BY order_id",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(as_of)
    .load(conn)?;
    Ok(age(invoices, paid, currency, as_of, GroupBy::Supplier))
}

/// An account's part in the profit and loss.
#[derive(Debug, Clone, QueryableByName, Serialize, ToSchema)]
pub struct PnlLine {
    #[diesel(sql_type = Text)]
    pub account_code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    /// `revenue` or `expense`.
    #[diesel(sql_type = Text)]
    pub account_type: String,
    /// Credits minus debits for revenue, debits minus credits for expenses.
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub amount: Decimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfitAndLoss {
    pub currency: Currency,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub revenue: Vec<PnlLine>,
    pub expenses: Vec<PnlLine>,
    #[schema(value_type = String)]
    pub total_revenue: Decimal,
    #[schema(value_type = String)]
    pub total_expenses: Decimal,
    /// Sales revenue (511) less cost of goods sold (632).
    #[schema(value_type = String)]
    pub gross_profit: Decimal,
    /// Total revenue less total expenses (before income tax).
    #[schema(value_type = String)]
    pub net_profit: Decimal,
}

pub fn profit_and_loss(
    conn: &mut PgConnection,
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ProfitAndLoss, AppError> {
    let lines: Vec<PnlLine> = diesel::sql_query(
        "SELECT a.code AS account_code, a.name, a.account_type, \
                CASE WHEN a.account_type = 'revenue' THEN sum(l.credit) - sum(l.debit) \
                     ELSE sum(l.debit) - sum(l.credit) END AS amount \
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id JOIN accounts a ON a.code = l.account_code \
         WHERE l.currency = $1 AND e.entry_date BETWEEN $2 AND $3 AND a.account_type IN ('revenue', 'expense') \
         GROUP BY a.code, a.name, a.account_type ORDER BY a.code",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)?;
    let (revenue, expenses): (Vec<PnlLine>, Vec<PnlLine>) =
        lines.into_iter().partition(|l| l.account_type == "revenue");
    let amount_of = |lines: &[PnlLine], code: &str| {
        lines
            .iter()
            .filter(|l| l.account_code == code)
            .map(|l| l.amount)
            .sum::<Decimal>()
    };
    let total_revenue: Decimal = revenue.iter().map(|l| l.amount).sum();
    let total_expenses: Decimal = expenses.iter().map(|l| l.amount).sum();
    Ok(ProfitAndLoss {
        currency,
        from,
        to,
        gross_profit: amount_of(&revenue, chart::REVENUE) - amount_of(&expenses, chart::COGS),
        net_profit: total_revenue - total_expenses,
        total_revenue,
        total_expenses,
        revenue,
        expenses,
    })
}
