//! Service configuration from environment variables. Every value has a default that works on a
//! developer machine with local PostgreSQL (user postgres, trust auth) and RabbitMQ (guest/guest).

use std::time::Duration;

pub const DEV_JWT_SECRET: &str = "dev-only-secret-change-me";

#[derive(Debug, Clone)]
pub struct Config {
    /// Service name: `crm`, `hr`, ...
    pub service: String,
    pub host: String,
    pub port: u16,
    pub database_url: String,
    pub db_pool_size: u32,
    pub amqp_url: String,
    /// The topic exchange for domain events.
    pub exchange: String,
    /// This service's work queue; retry and dead-letter queues are named after it.
    pub queue: String,
    pub prefetch: u16,
    /// Delays of the retry queues, in order; a message is dead-lettered after
    /// `retry_delays.len() + 1` failed attempts.
    pub retry_delays: Vec<Duration>,
    pub jwt_secret: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub relay_poll: Duration,
    pub log_json: bool,
    /// hr only: code of the first `hr_admin`, created on first start when a password is given.
    pub admin_code: String,
    pub admin_password: Option<String>,
}

/// Reads a variable, `<SERVICE>_<NAME>` first, then `<NAME>`.
fn var(service: &str, name: &str) -> Option<String> {
    let prefixed = format!("{}_{}", service.to_ascii_uppercase(), name);
    std::env::var(prefixed)
        .ok()
        .or_else(|| std::env::var(name).ok())
        .filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(service: &str, name: &str, default: T) -> T {
    match var(service, name) {
        Some(v) => v.parse().unwrap_or_else(|_| {
            eprintln!("warning: {name}={v:?} is not valid; using the default");
            default
        }),
        None => default,
    }
}

pub fn default_port(service: &str) -> u16 {
    match service {
        "crm" => 8081,
        "purchasing" => 8082,
        "warehouse" => 8083,
        "production" => 8084,
        "finance" => 8085,
        "hr" => 8086,
        _ => 8080,
    }
}

/// `postgres://user[:password]@host:port/<database>` from the libpq variables.
pub fn local_database_url(database: &str) -> String {
    let host = std::env::var("PGHOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port = std::env::var("PGPORT").unwrap_or_else(|_| "5432".into());
    let user = std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into());
    let auth = match std::env::var("PGPASSWORD") {
        Ok(p) if !p.is_empty() => format!("{user}:{p}"),
        _ => user,
    };
    // A socket directory is not a host name for a URL; fall back to TCP on localhost.
    let host = if host.starts_with('/') {
        "127.0.0.1".to_owned()
    } else {
        host
    };
    format!("postgres://{auth}@{host}:{port}/{database}")
}

impl Config {
    pub fn from_env(service: &str) -> Self {
        let s = service;
        let retry_delays = var(s, "RETRY_DELAYS_MS")
            .map(|v| {
                v.split(',')
                    .filter_map(|d| d.trim().parse::<u64>().ok())
                    .map(Duration::from_millis)
                    .collect::<Vec<_>>()
            })
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| [1_000, 5_000, 30_000].into_iter().map(Duration::from_millis).collect());
        let prefix = var(s, "QUEUE_PREFIX").unwrap_or_else(|| "erp".into());
        Config {
            service: s.to_owned(),
            host: var(s, "HOST").unwrap_or_else(|| "0.0.0.0".into()),
            port: parse(s, "PORT", default_port(s)),
            database_url: var(s, "DATABASE_URL").unwrap_or_else(|| local_database_url(&format!("erp_{s}"))),
            db_pool_size: parse(s, "DB_POOL_SIZE", 16),
            amqp_url: var(s, "AMQP_URL").unwrap_or_else(|| "amqp://guest:guest@127.0.0.1:5672/%2f".into()),
            exchange: var(s, "EVENTS_EXCHANGE").unwrap_or_else(|| "erp.events".into()),
            queue: var(s, "QUEUE").unwrap_or_else(|| format!("{prefix}.{s}")),
            prefetch: parse(s, "PREFETCH", 32),
            retry_delays,
            jwt_secret: var(s, "JWT_SECRET").unwrap_or_else(|| DEV_JWT_SECRET.into()),
            access_token_ttl: Duration::from_secs(parse(s, "ACCESS_TOKEN_TTL_SECS", 900)),
            refresh_token_ttl: Duration::from_secs(parse(s, "REFRESH_TOKEN_TTL_SECS", 7 * 86_400)),
            relay_poll: Duration::from_millis(parse(s, "OUTBOX_POLL_MS", 250)),
            log_json: var(s, "LOG_FORMAT").map(|f| f != "pretty").unwrap_or(true),
            admin_code: var(s, "ADMIN_CODE").unwrap_or_else(|| "admin".into()),
            admin_password: var(s, "ADMIN_PASSWORD"),
        }
    }

    /// Attempts before a message is parked in the dead-letter queue.
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.retry_delays.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }

    pub fn uses_dev_secret(&self) -> bool {
        self.jwt_secret == DEV_JWT_SECRET
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_locally() {
        let c = Config::from_env("warehouse_cfgtest");
        assert!(c.database_url.ends_with("/erp_warehouse_cfgtest"));
        assert!(c.amqp_url.starts_with("amqp://guest:guest@"));
        assert_eq!(c.max_attempts(), 4);
        assert_eq!(default_port("warehouse"), 8083);
    }
}
