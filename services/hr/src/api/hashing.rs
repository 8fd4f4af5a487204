//! Password hashing off the async workers, bounded (docs/security.md, logins): argon2 takes
//! 19 MiB and tens of milliseconds a hash, so at most one hash per core runs at a time and a
//! short queue waits; a request beyond that is answered 503 with `Retry-After` at once instead
//! of taking more memory.

use erp_problem::AppError;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// Requests that may wait for a hashing slot, per slot.
const QUEUE_PER_SLOT: usize = 4;

struct HashingPool {
    slots: Semaphore,
    /// Hashing or waiting to.
    admitted: AtomicUsize,
    capacity: usize,
}

static POOL: LazyLock<HashingPool> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    HashingPool {
        slots: Semaphore::new(cores),
        admitted: AtomicUsize::new(0),
        capacity: cores * (1 + QUEUE_PER_SLOT),
    }
});

/// One admitted request; leaving (even by a dropped connection) frees its place.
struct Admission(&'static HashingPool);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

fn admit() -> Result<Admission, AppError> {
    let pool: &'static HashingPool = &POOL;
    if pool.admitted.fetch_add(1, Ordering::AcqRel) >= pool.capacity {
        pool.admitted.fetch_sub(1, Ordering::AcqRel);
        return Err(AppError::Busy {
            detail: "too many sign-ins at once; try again in a moment".into(),
            retry_after: 1,
        });
    }
    Ok(Admission(pool))
}

/// Runs `f` (a hash or a verification) in a hashing slot on a blocking thread.
async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    let admission = admit()?;
    let _slot = admission.0.slots.acquire().await.map_err(AppError::internal)?;
    let out = tokio::task::spawn_blocking(f).await.map_err(AppError::internal)?;
    drop(admission);
    Ok(out)
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    run(move || crate::domain::credentials::hash_password(&password))
        .await?
        .map_err(AppError::internal)
}

pub async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    run(move || crate::domain::credentials::verify_password(&password, &hash)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_beyond_capacity_is_busy_and_places_come_back() {
        let held: Vec<_> = (0..POOL.capacity)
            .map(|_| admit())
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        assert_eq!(held.len(), POOL.capacity);
        let refused = admit().err().map(|e| e.retry_after());
        assert_eq!(refused, Some(Some(1)));
        drop(held);
        assert!(admit().is_ok());
    }
}
