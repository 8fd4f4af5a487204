//! The opportunities' response types, built from the rows and views of `app::opportunities`.

use crate::app::opportunities::OpportunityView;
use crate::db::opportunities::{self as rows, OpportunityWithCustomer};
use crate::domain::pipeline::{self, Stage};
use chrono::{DateTime, NaiveDate, Utc};
use erp_db::Page;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct Opportunity {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// qualification, needs, proposal, negotiation, won or lost.
    #[schema(value_type = String)]
    pub stage: Stage,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    /// Percent, 0–100.
    pub probability: i32,
    pub expected_close_date: Option<NaiveDate>,
    pub owner_id: Uuid,
    pub department_id: Option<Uuid>,
    /// The lead it came from.
    pub lead_id: Option<Uuid>,
    pub lost_reason: Option<String>,
    /// When it was won or lost.
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<rows::Opportunity> for Opportunity {
    fn from(o: rows::Opportunity) -> Self {
        Opportunity {
            id: o.id,
            customer_id: o.customer_id,
            name: o.name,
            description: o.description,
            stage: o.stage,
            amount: o.amount,
            currency: o.currency,
            probability: o.probability,
            expected_close_date: o.expected_close_date,
            owner_id: o.owner_id,
            department_id: o.department_id,
            lead_id: o.lead_id,
            lost_reason: o.lost_reason,
            closed_at: o.closed_at,
            created_by: o.created_by,
            version: o.version,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageChange {
    /// None for the stage it was opened in.
    #[schema(value_type = Option<String>)]
    pub from_stage: Option<Stage>,
    #[schema(value_type = String)]
    pub to_stage: Stage,
    pub probability: i32,
    pub reason: Option<String>,
    pub changed_by: Uuid,
    pub changed_at: DateTime<Utc>,
}

impl From<rows::StageChange> for StageChange {
    fn from(s: rows::StageChange) -> Self {
        StageChange {
            from_stage: s.from_stage,
            to_stage: s.to_stage,
            probability: s.probability,
            reason: s.reason,
            changed_by: s.changed_by,
            changed_at: s.changed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityItem {
    #[serde(flatten)]
    pub opportunity: Opportunity,
    pub customer_code: String,
    pub customer_name: String,
    /// amount × probability / 100, at the currency's scale.
    #[schema(value_type = String)]
    pub weighted_amount: Decimal,
}

impl From<OpportunityWithCustomer> for OpportunityItem {
    fn from(o: OpportunityWithCustomer) -> Self {
        let r = o.opportunity;
        OpportunityItem {
            weighted_amount: pipeline::weighted(r.amount, r.probability, &r.currency),
            opportunity: r.into(),
            customer_code: o.customer_code,
            customer_name: o.customer_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityDetail {
    #[serde(flatten)]
    pub item: OpportunityItem,
    /// Every stage it entered, oldest first.
    pub stages: Vec<StageChange>,
}

impl From<OpportunityView> for OpportunityDetail {
    fn from(v: OpportunityView) -> Self {
        OpportunityDetail {
            item: v.item.into(),
            stages: v.stages.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityPage {
    pub items: Vec<OpportunityItem>,
    pub next_cursor: Option<Uuid>,
}

impl From<Page<OpportunityWithCustomer>> for OpportunityPage {
    fn from(p: Page<OpportunityWithCustomer>) -> Self {
        let p = p.map(OpportunityItem::from);
        OpportunityPage {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelAmount {
    pub currency: String,
    /// The opportunities' amounts added up.
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// Each amount times its probability, added up: what the stage is expected to bring.
    #[schema(value_type = String)]
    pub weighted_amount: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelStage {
    pub stage: Stage,
    pub count: i64,
    /// One entry per currency, in code order (amounts of different currencies are never added).
    pub amounts: Vec<FunnelAmount>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Funnel {
    /// Every stage in order, with what the caller may see.
    pub stages: Vec<FunnelStage>,
}

impl From<Vec<pipeline::FunnelStage>> for Funnel {
    fn from(stages: Vec<pipeline::FunnelStage>) -> Self {
        Funnel {
            stages: stages
                .into_iter()
                .map(|s| FunnelStage {
                    stage: s.stage,
                    count: s.count,
                    amounts: s
                        .amounts
                        .into_iter()
                        .map(|a| FunnelAmount {
                            currency: a.currency,
                            amount: a.amount,
                            weighted_amount: a.weighted_amount,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
