//! What the supplier quotation endpoints answer.

use crate::api::types::QuotationSelection;
use crate::app::quotations::{
    ComparisonLineView, ComparisonView, OfferView, QuotationView, SelectionView, SupplierTotalView,
};
use crate::db::quotations::{QuotationLineRow, QuotationRow};
use chrono::{DateTime, NaiveDate, Utc};
use erp_approval::ApprovalDetail;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierQuotation {
    pub id: Uuid,
    pub request_id: Uuid,
    pub supplier_id: Uuid,
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub currency: String,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<QuotationRow> for SupplierQuotation {
    fn from(q: QuotationRow) -> Self {
        SupplierQuotation {
            id: q.id,
            request_id: q.request_id,
            supplier_id: q.supplier_id,
            reference: q.reference,
            quoted_on: q.quoted_on,
            valid_until: q.valid_until,
            currency: q.currency,
            lead_time_days: q.lead_time_days,
            terms: q.terms,
            net: q.net,
            tax: q.tax,
            total: q.total,
            created_by: q.created_by,
            created_at: q.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierQuotationLine {
    pub id: Uuid,
    pub request_line_id: Uuid,
    pub item_id: Uuid,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
}

impl From<QuotationLineRow> for SupplierQuotationLine {
    fn from(l: QuotationLineRow) -> Self {
        SupplierQuotationLine {
            id: l.id,
            request_line_id: l.request_line_id,
            item_id: l.item_id,
            quantity: l.quantity,
            unit_price: l.unit_price,
            tax_rate: l.tax_rate,
            net: l.net,
            tax: l.tax,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationDetail {
    #[serde(flatten)]
    pub quotation: SupplierQuotation,
    pub supplier_code: String,
    pub supplier_name: String,
    pub lines: Vec<SupplierQuotationLine>,
}

impl From<QuotationView> for QuotationDetail {
    fn from(v: QuotationView) -> Self {
        QuotationDetail {
            quotation: v.quotation.into(),
            supplier_code: v.supplier_code,
            supplier_name: v.supplier_name,
            lines: v.lines.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotationList {
    pub items: Vec<QuotationDetail>,
}

/// One supplier's price for one request line.
#[derive(Debug, Serialize, ToSchema)]
pub struct Offer {
    pub quotation_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    #[schema(value_type = String)]
    pub unit_price: Decimal,
    #[schema(value_type = String)]
    pub tax_rate: Decimal,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    /// The lowest unit price of the line among the offers in the same currency.
    pub cheapest: bool,
}

impl From<OfferView> for Offer {
    fn from(o: OfferView) -> Self {
        Offer {
            quotation_id: o.quotation_id,
            supplier_id: o.supplier_id,
            supplier_name: o.supplier_name,
            currency: o.currency,
            quantity: o.quantity,
            unit_price: o.unit_price,
            tax_rate: o.tax_rate,
            net: o.net,
            tax: o.tax,
            lead_time_days: o.lead_time_days,
            terms: o.terms,
            cheapest: o.cheapest,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonLine {
    pub request_line_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    /// Cheapest first.
    pub offers: Vec<Offer>,
}

impl From<ComparisonLineView> for ComparisonLine {
    fn from(l: ComparisonLineView) -> Self {
        ComparisonLine {
            request_line_id: l.request_line_id,
            line_no: l.line_no,
            item_id: l.item_id,
            sku: l.sku,
            name: l.name,
            unit: l.unit,
            quantity: l.quantity,
            offers: l.offers.into_iter().map(Into::into).collect(),
        }
    }
}

/// One supplier's quotation as a whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierTotal {
    pub quotation_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_code: String,
    pub supplier_name: String,
    pub rating: Option<i32>,
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    pub lines_quoted: usize,
    /// Every line of the request is quoted.
    pub covers_every_line: bool,
    /// The lowest total among the quotations in the same currency that cover every line.
    pub cheapest: bool,
    /// The quotation of the current selection.
    pub chosen: bool,
}

impl From<SupplierTotalView> for SupplierTotal {
    fn from(s: SupplierTotalView) -> Self {
        SupplierTotal {
            quotation_id: s.quotation_id,
            supplier_id: s.supplier_id,
            supplier_code: s.supplier_code,
            supplier_name: s.supplier_name,
            rating: s.rating,
            reference: s.reference,
            quoted_on: s.quoted_on,
            valid_until: s.valid_until,
            currency: s.currency,
            net: s.net,
            tax: s.tax,
            total: s.total,
            lead_time_days: s.lead_time_days,
            terms: s.terms,
            lines_quoted: s.lines_quoted,
            covers_every_line: s.covers_every_line,
            cheapest: s.cheapest,
            chosen: s.chosen,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    pub request_id: Uuid,
    pub request_number: String,
    /// Quotations from different suppliers.
    pub quotations: i64,
    pub min_quotations: i64,
    /// At least `min_quotations`; otherwise a selection needs `fewer_quotes_reason`.
    pub enough_quotations: bool,
    pub lines: Vec<ComparisonLine>,
    pub suppliers: Vec<SupplierTotal>,
    pub selection: Option<QuotationSelection>,
}

impl From<ComparisonView> for Comparison {
    fn from(c: ComparisonView) -> Self {
        Comparison {
            request_id: c.request_id,
            request_number: c.request_number,
            quotations: c.quotations,
            min_quotations: c.min_quotations,
            enough_quotations: c.enough_quotations,
            lines: c.lines.into_iter().map(Into::into).collect(),
            suppliers: c.suppliers.into_iter().map(Into::into).collect(),
            selection: c.selection.map(Into::into),
        }
    }
}

/// The chosen quotation in a few figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChosenQuotation {
    pub quotation_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_code: String,
    pub supplier_name: String,
    pub currency: String,
    #[schema(value_type = String)]
    pub net: Decimal,
    #[schema(value_type = String)]
    pub tax: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
    pub lead_time_days: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionDetail {
    #[serde(flatten)]
    pub selection: QuotationSelection,
    pub request_number: String,
    pub chosen: ChosenQuotation,
    /// Quotations from different suppliers collected for the request.
    pub quotations: i64,
    /// The review by project control: steps, decisions and comments.
    pub approval: Option<ApprovalDetail>,
}

impl From<SelectionView> for SelectionDetail {
    fn from(v: SelectionView) -> Self {
        let q = v.chosen;
        SelectionDetail {
            selection: v.selection.into(),
            request_number: v.request_number,
            chosen: ChosenQuotation {
                quotation_id: q.id,
                supplier_id: v.supplier.id,
                supplier_code: v.supplier.code,
                supplier_name: v.supplier.name,
                currency: q.currency,
                net: q.net,
                tax: q.tax,
                total: q.total,
                lead_time_days: q.lead_time_days,
            },
            quotations: v.quotations,
            approval: v.approval,
        }
    }
}
