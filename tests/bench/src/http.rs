//! A thin JSON client for the services, as a third-party app calls them.

use anyhow::{Context, Result, bail};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use std::time::Duration;

#[derive(Clone)]
pub struct Api {
    client: Client,
    host: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Svc {
    Crm,
    Warehouse,
    Hr,
}

impl Svc {
    fn env(self) -> (&'static str, u16) {
        match self {
            Svc::Crm => ("CRM_PORT", 8081),
            Svc::Warehouse => ("WAREHOUSE_PORT", 8083),
            Svc::Hr => ("HR_PORT", 8086),
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
}

impl Resp {
    /// The body when the status is the expected one, else an error naming the call.
    pub fn expect(self, want: u16, what: &str) -> Result<Value> {
        if self.status.as_u16() != want {
            bail!("{what}: HTTP {} {}", self.status, self.body);
        }
        Ok(self.body)
    }
}

/// The port a service listens on: `<SVC>_PORT` if set, else scripts/lib/setup.sh's default.
pub fn port(var: &str, default: u16) -> u16 {
    std::env::var(var).ok().and_then(|p| p.parse().ok()).unwrap_or(default)
}

impl Api {
    pub fn new(host: &str) -> Result<Self> {
        let client = Client::builder()
            .timeout(Duration::from_secs(120))
            .pool_max_idle_per_host(64)
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            client,
            host: host.to_owned(),
        })
    }

    pub fn url(&self, svc: Svc, path: &str) -> String {
        let (var, default) = svc.env();
        format!("http://{}:{}{path}", self.host, port(var, default))
    }

    pub async fn call(
        &self,
        method: Method,
        svc: Svc,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Resp> {
        let mut req = self.client.request(method, self.url(svc, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send().await.with_context(|| format!("calling {svc:?} {path}"))?;
        let status = r.status();
        let bytes = r.bytes().await?;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Ok(Resp { status, body })
    }

    pub async fn get(&self, svc: Svc, path: &str, token: &str) -> Result<Resp> {
        self.call(Method::GET, svc, path, Some(token), None).await
    }

    pub async fn post(&self, svc: Svc, path: &str, token: Option<&str>, body: &Value) -> Result<Resp> {
        self.call(Method::POST, svc, path, token, Some(body)).await
    }

    pub async fn put(&self, svc: Svc, path: &str, token: &str, body: &Value) -> Result<Resp> {
        self.call(Method::PUT, svc, path, Some(token), Some(body)).await
    }

    pub async fn login(&self, code: &str, password: &str) -> Result<String> {
        let body = self
            .post(
                Svc::Hr,
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"code": code, "password": password}),
            )
            .await?
            .expect(200, &format!("log in as {code}"))?;
        str_of(&body, "access_token")
    }
}

pub fn str_of(v: &Value, key: &str) -> Result<String> {
    v[key]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no \"{key}\" in {v}"))
}
