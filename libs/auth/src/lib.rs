//! Signed access tokens (HS256 JWT) issued by hr and verified locally by every service; the
//! `CurrentUser` extractor; role checks. 401 and 403 answer as problem+json.

mod access;

pub use access::{Access, Door, door};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::Utc;
use erp_problem::AppError;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use std::future::{Ready, ready};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use utoipa::ToSchema;
use uuid::Uuid;

/// The roles of the business (DOMAIN.md); the wire value is the snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Sales,
    SalesManager,
    VicePresident,
    GeneralManager,
    Marketing,
    Technical,
    ProjectManager,
    ProjectMember,
    ProjectController,
    Purchaser,
    PurchasingManager,
    WarehouseKeeper,
    ProductionManager,
    WorkshopDirector,
    ProductionWorker,
    QcInspector,
    ServiceAgent,
    Technician,
    Cashier,
    FinanceManager,
    HrAdmin,
    Employee,
}

impl Role {
    pub const ALL: [Role; 22] = [
        Role::Sales,
        Role::SalesManager,
        Role::VicePresident,
        Role::GeneralManager,
        Role::Marketing,
        Role::Technical,
        Role::ProjectManager,
        Role::ProjectMember,
        Role::ProjectController,
        Role::Purchaser,
        Role::PurchasingManager,
        Role::WarehouseKeeper,
        Role::ProductionManager,
        Role::WorkshopDirector,
        Role::ProductionWorker,
        Role::QcInspector,
        Role::ServiceAgent,
        Role::Technician,
        Role::Cashier,
        Role::FinanceManager,
        Role::HrAdmin,
        Role::Employee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sales => "sales",
            Role::SalesManager => "sales_manager",
            Role::VicePresident => "vice_president",
            Role::GeneralManager => "general_manager",
            Role::Marketing => "marketing",
            Role::Technical => "technical",
            Role::ProjectManager => "project_manager",
            Role::ProjectMember => "project_member",
            Role::ProjectController => "project_controller",
            Role::Purchaser => "purchaser",
            Role::PurchasingManager => "purchasing_manager",
            Role::WarehouseKeeper => "warehouse_keeper",
            Role::ProductionManager => "production_manager",
            Role::WorkshopDirector => "workshop_director",
            Role::ProductionWorker => "production_worker",
            Role::QcInspector => "qc_inspector",
            Role::ServiceAgent => "service_agent",
            Role::Technician => "technician",
            Role::Cashier => "cashier",
            Role::FinanceManager => "finance_manager",
            Role::HrAdmin => "hr_admin",
            Role::Employee => "employee",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role `{s}`"))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who the token speaks for: an employee, or an integrator's API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Employee,
    ApiKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Employee id (or API key id).
    pub sub: Uuid,
    pub kind: SubjectKind,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub dept: Option<Uuid>,
    #[serde(default)]
    pub mgr: Option<Uuid>,
    /// Role names; unknown names (from a newer hr) are ignored by `CurrentUser`.
    pub roles: Vec<String>,
    pub iat: i64,
    pub exp: i64,
}

/// Signs and verifies tokens with the shared secret.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(..)")
    }
}

impl JwtKeys {
    pub fn new(secret: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, AppError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding).map_err(AppError::internal)
    }

    /// Builds and signs claims valid for `ttl` from now.
    pub fn issue(&self, user: &CurrentUser, ttl: Duration) -> Result<(String, i64), AppError> {
        let now = Utc::now().timestamp();
        let exp = now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let claims = Claims {
            sub: user.id,
            kind: user.kind,
            code: user.code.clone(),
            name: user.name.clone(),
            dept: user.department_id,
            mgr: user.manager_id,
            roles: user.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            iat: now,
            exp,
        };
        Ok((self.sign(&claims)?, exp))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AppError::Unauthorized("the access token has expired".into()),
                _ => AppError::Unauthorized("the access token is not valid".into()),
            })
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CurrentUser {
    pub id: Uuid,
    pub kind: SubjectKind,
    pub code: String,
    pub name: String,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub roles: Vec<Role>,
}

impl CurrentUser {
    pub fn from_claims(c: Claims) -> Self {
        let mut roles: Vec<Role> = c.roles.iter().filter_map(|r| r.parse().ok()).collect();
        roles.sort();
        roles.dedup();
        Self {
            id: c.sub,
            kind: c.kind,
            code: c.code,
            name: c.name,
            department_id: c.dept,
            manager_id: c.mgr,
            roles,
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn has_any_role(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has_role(*r))
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), AppError> {
        if self.has_any_role(roles) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(AppError::Forbidden(format!(
                "this action needs one of the roles: {}",
                names.join(", ")
            )))
        }
    }

    /// Actor string for events and audit columns.
    pub fn actor(&self) -> String {
        match self.kind {
            SubjectKind::Employee => self.id.to_string(),
            SubjectKind::ApiKey => format!("api-key:{}", self.id),
        }
    }
}

/// The bearer token of a request (401 when there is none or the header is malformed).
pub fn bearer(req: &HttpRequest) -> Result<&str, AppError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| AppError::Unauthorized("an Authorization: Bearer token is required".into()))?;
    let value = header
        .to_str()
        .map_err(|_| AppError::Unauthorized("the Authorization header is not valid".into()))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| AppError::Unauthorized("the Authorization header must be `Bearer <token>`".into()))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(AppError::Unauthorized(
            "the Authorization header must be `Bearer <token>`".into(),
        ));
    }
    Ok(token.trim())
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = (|| {
            let keys = req
                .app_data::<web::Data<JwtKeys>>()
                .ok_or_else(|| AppError::internal("JwtKeys missing from app data"))?;
            let claims = keys.verify(bearer(req)?)?;
            Ok(CurrentUser::from_claims(claims))
        })();
        ready(result)
    }
}

/// Shared handle, for services that keep the keys in their own state.
pub type SharedKeys = Arc<JwtKeys>;

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: Vec<Role>) -> CurrentUser {
        CurrentUser {
            id: Uuid::now_v7(),
            kind: SubjectKind::Employee,
            code: "E001".into(),
            name: "Nguyễn Văn A".into(),
            department_id: None,
            manager_id: None,
            roles,
        }
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()));
        }
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn token_round_trip() {
        let keys = JwtKeys::new("secret");
        let u = user(vec![Role::HrAdmin, Role::Employee]);
        let (token, _) = keys.issue(&u, Duration::from_secs(60)).unwrap();
        let back = CurrentUser::from_claims(keys.verify(&token).unwrap());
        assert_eq!(
            back,
            CurrentUser {
                roles: vec![Role::HrAdmin, Role::Employee],
                ..u
            }
        );
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() {
        let keys = JwtKeys::new("secret");
        let mut claims = Claims {
            sub: Uuid::now_v7(),
            kind: SubjectKind::Employee,
            code: "x".into(),
            name: "x".into(),
            dept: None,
            mgr: None,
            roles: vec![],
            iat: 0,
            exp: Utc::now().timestamp() - 3600,
        };
        let expired = keys.sign(&claims).unwrap();
        match keys.verify(&expired) {
            Err(AppError::Unauthorized(m)) => assert!(m.contains("expired")),
            other => panic!("{other:?}"),
        }
        claims.exp = Utc::now().timestamp() + 3600;
        let foreign = JwtKeys::new("other").sign(&claims).unwrap();
        assert!(matches!(keys.verify(&foreign), Err(AppError::Unauthorized(_))));
    }

    #[test]
    fn role_checks() {
        let u = user(vec![Role::Sales]);
        assert!(u.require_any(&[Role::Sales, Role::SalesManager]).is_ok());
        assert!(matches!(u.require_any(&[Role::HrAdmin]), Err(AppError::Forbidden(_))));
    }
}
