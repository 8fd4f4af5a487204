//! Connection pool, the one place where blocking diesel calls leave the async runtime, the
//! transaction helper with retries, and start-up migrations.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool as R2d2Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};
use erp_problem::AppError;
use std::time::Duration;

mod page;
mod state;

pub use page::{Page, Paging};

#[doc(hidden)]
pub mod __reexport {
    pub use erp_problem;
    pub use serde;
    pub use utoipa;
}

pub type Pool = R2d2Pool<ConnectionManager<PgConnection>>;

/// Tables every service has (document numbers).
pub const MIGRATIONS: EmbeddedMigrations = diesel_migrations::embed_migrations!("migrations");
pub type Conn = PooledConnection<ConnectionManager<PgConnection>>;

/// How often a transaction that hit a serialization failure or deadlock is run again.
const TX_ATTEMPTS: u32 = 4;

/// Builds the pool without connecting, so a service starts (and answers 503) while the database
/// is down; a checkout waits at most `checkout_timeout`.
pub fn pool(url: &str, max_size: u32) -> Pool {
    R2d2Pool::builder()
        .max_size(max_size.max(1))
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(3))
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager::new(url))
}

/// Runs `f` on a pooled connection on the blocking thread pool.
pub async fn with_conn<T, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))?
}

/// Runs `f` inside a transaction; a serialization failure or deadlock runs it again (up to
/// `TX_ATTEMPTS` times, with a short growing pause), after that it is a 409.
pub async fn transaction<T, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: Fn(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
{
    with_conn(pool, move |conn| transaction_sync(conn, &f)).await
}

/// The synchronous form of [`transaction`], for code already on a blocking thread.
pub fn transaction_sync<T, F>(conn: &mut PgConnection, f: F) -> Result<T, AppError>
where
    F: Fn(&mut PgConnection) -> Result<T, AppError>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match conn.transaction(|c| f(c)) {
            Err(e) if e.is_retryable() && attempt < TX_ATTEMPTS => {
                tracing::debug!(attempt, error = %e, "transaction conflict; retrying");
                std::thread::sleep(Duration::from_millis(5 * u64::from(attempt * attempt)));
            }
            other => return other,
        }
    }
}

/// Lock key shared by every instance of every service: migrations of one database never run
/// twice at once when several instances start together.
const MIGRATION_LOCK: i64 = 0x0065_7270_5f6d_6967; // "erp_mig"

pub fn run_migrations(conn: &mut PgConnection, sets: Vec<EmbeddedMigrations>) -> Result<(), AppError> {
    conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
    let result = sets.into_iter().try_for_each(|set| {
        conn.run_pending_migrations(set)
            .map(|_| ())
            .map_err(|e| AppError::internal(format!("migration failed: {e}")))
    });
    conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
    result
}

/// Splits `postgres://…/name?opts` into (the same URL pointing at `postgres`, `name`).
pub fn split_database_url(url: &str) -> Option<(String, String)> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let slash = base.rfind('/')?;
    if base[..slash].ends_with('/') {
        return None; // no database in the URL
    }
    let name = base[slash + 1..].to_owned();
    if name.is_empty() {
        return None;
    }
    let mut admin = format!("{}/postgres", &base[..slash]);
    if let Some(q) = query {
        admin.push('?');
        admin.push_str(q);
    }
    Some((admin, name))
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Creates the service's database when it does not exist yet.
pub fn ensure_database(url: &str) -> Result<(), AppError> {
    let Some((admin_url, name)) = split_database_url(url) else {
        return Ok(());
    };
    let mut admin = PgConnection::establish(&admin_url)
        .map_err(|e| AppError::Unavailable(format!("cannot reach PostgreSQL: {e}")))?;
    let found = diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
        .bind::<diesel::sql_types::Text, _>(&name)
        .get_result::<Exists>(&mut admin)?;
    if !found.exists {
        match admin.batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name))) {
            Ok(()) => tracing::info!(database = %name, "created database"),
            // Another instance created it between our check and our CREATE.
            Err(diesel::result::Error::DatabaseError(_, info)) if info.message().contains("already exists") => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Drops a database, closing other sessions first (test clean-up).
pub fn drop_database(url: &str) -> Result<(), AppError> {
    let Some((admin_url, name)) = split_database_url(url) else {
        return Ok(());
    };
    let mut admin = PgConnection::establish(&admin_url)
        .map_err(|e| AppError::Unavailable(format!("cannot reach PostgreSQL: {e}")))?;
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(&name)))?;
    Ok(())
}

/// Cheap liveness query for `/readyz`.
pub async fn ping(pool: &Pool) -> Result<(), AppError> {
    with_conn(pool, |c| c.batch_execute("SELECT 1").map_err(AppError::from)).await
}

/// The largest page a list gives, and the page when a client names none.
pub const MAX_PAGE: i64 = 200;
pub const DEFAULT_PAGE: i64 = 50;

/// Keyset pagination: a client's `limit` (1..=200, checked at the door by the server; clamped
/// here for callers inside the service), default 50.
pub fn page_limit(limit: Option<i64>) -> i64 {
    limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
}

#[derive(QueryableByName)]
struct Last {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last: i64,
}

/// The next number of `prefix` for `year` (`OUT-2026-000042`), inside the caller's transaction:
/// a rolled-back document gives its number back, so there are no gaps.
pub fn next_number(conn: &mut PgConnection, prefix: &str, year: i32) -> Result<String, AppError> {
    let row: Last = diesel::sql_query(
        "INSERT INTO document_numbers (kind, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (kind, year) DO UPDATE SET last = document_numbers.last + 1 RETURNING last",
    )
    .bind::<diesel::sql_types::Text, _>(prefix)
    .bind::<diesel::sql_types::Integer, _>(year)
    .get_result(conn)?;
    Ok(format!("{prefix}-{year}-{:06}", row.last))
}

/// Text as search compares it: lower case, without Vietnamese (or other Latin) diacritics, so
/// "nguyen" finds "Nguyễn"; Chinese is left as it is.
pub fn fold_search(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// `%text%` for ILIKE, with the wildcards a user typed taken literally.
pub fn like_pattern(q: &str) -> String {
    let escaped = q.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A keyset query fetches `limit + 1` rows: drop the extra one and return the cursor of the
/// next page (the key of the last row kept), or none on the last page.
pub fn split_page<T, K>(rows: &mut Vec<T>, limit: i64, key: impl Fn(&T) -> K) -> Option<K> {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(key)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        assert_eq!(
            split_database_url("postgres://postgres@127.0.0.1:5432/erp_hr"),
            Some(("postgres://postgres@127.0.0.1:5432/postgres".into(), "erp_hr".into()))
        );
        assert_eq!(
            split_database_url("postgres://u:p@h/db?sslmode=disable"),
            Some(("postgres://u:p@h/postgres?sslmode=disable".into(), "db".into()))
        );
        assert_eq!(split_database_url("postgres://h"), None);
    }

    #[test]
    fn search_folds_vietnamese_and_keeps_chinese() {
        assert_eq!(fold_search("Nguyễn Văn Đức"), "nguyen van duc");
        assert_eq!(fold_search("Ống thép 钢管 DN50"), "ong thep 钢管 dn50");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" Nguyễn "), "%Nguyễn%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn pages_split_at_the_limit() {
        let mut rows = vec![1, 2, 3];
        assert_eq!(split_page(&mut rows, 2, |r| *r), Some(2));
        assert_eq!(rows, vec![1, 2]);
        let mut rows = vec![1, 2];
        assert_eq!(split_page(&mut rows, 2, |r| *r), None);
    }

    #[test]
    fn quotes_identifiers() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
