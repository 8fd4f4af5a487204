//! The lockout after failed logins and API-key exchanges (docs/security.md, logins): a few
//! free attempts, then a lock that doubles with every further failure up to a ceiling. Counted
//! per account (or API key) and, more leniently, per client address, since an office may share
//! one address. A success clears both; an hr_admin can clear an account's.

use chrono::{DateTime, Duration, Utc};

/// Who the failures are counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// An employee code as typed at login (known or not: an unknown code locks the same way,
    /// so the answer does not tell which codes exist).
    Account(&'a str),
    /// An API key's public prefix.
    ApiKey(&'a str),
    /// The client's address.
    Address(&'a str),
}

/// A failure older than this starts the count again.
pub const FORGET_AFTER: Duration = Duration::hours(1);
/// The first lock; each further failure doubles it.
pub const FIRST_LOCK: Duration = Duration::seconds(30);
/// The longest lock.
pub const LONGEST_LOCK: Duration = Duration::minutes(15);

impl Subject<'_> {
    /// The stored key: the kind and the value (codes ignore case, as logins do).
    pub fn key(&self) -> String {
        match self {
            Subject::Account(code) => format!("account:{}", code.trim().to_lowercase()),
            Subject::ApiKey(prefix) => format!("api-key:{prefix}"),
            Subject::Address(addr) => format!("address:{addr}"),
        }
    }

    /// Failures allowed before the first lock.
    pub fn free_attempts(&self) -> i32 {
        match self {
            Subject::Account(_) | Subject::ApiKey(_) => 5,
            Subject::Address(_) => 20,
        }
    }

    /// How long the subject is locked after its `failures`-th failure in a row, if at all.
    pub fn lock_after(&self, failures: i32) -> Option<Duration> {
        let over = failures.checked_sub(self.free_attempts())?;
        if over < 0 {
            return None;
        }
        // 30 s doubled per failure; from 2^5 on the ceiling (15 min) is reached anyway.
        let lock = FIRST_LOCK * 2_i32.pow(over.clamp(0, 5) as u32);
        Some(lock.min(LONGEST_LOCK))
    }
}

/// Whole seconds until `until` (at least 1), for `Retry-After`.
pub fn seconds_until(until: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    let millis = (until - now).num_milliseconds().max(0);
    (millis.div_euclid(1000) + i64::from(millis % 1000 != 0)).max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_lock_after_five_failures_and_the_lock_doubles_up_to_fifteen_minutes() {
        let a = Subject::Account("NV001");
        assert_eq!(a.lock_after(4), None);
        assert_eq!(a.lock_after(5), Some(Duration::seconds(30)));
        assert_eq!(a.lock_after(6), Some(Duration::seconds(60)));
        assert_eq!(a.lock_after(9), Some(Duration::seconds(480)));
        assert_eq!(a.lock_after(10), Some(Duration::minutes(15)));
        assert_eq!(a.lock_after(1_000), Some(Duration::minutes(15)));
    }

    #[test]
    fn an_address_gets_more_attempts_than_an_account() {
        let ip = Subject::Address("10.0.0.7");
        assert_eq!(ip.lock_after(19), None);
        assert_eq!(ip.lock_after(20), Some(Duration::seconds(30)));
    }

    #[test]
    fn keys_ignore_the_case_of_codes() {
        assert_eq!(Subject::Account(" Nv001 ").key(), "account:nv001");
        assert_eq!(Subject::ApiKey("ab12").key(), "api-key:ab12");
        assert_eq!(Subject::Address("::1").key(), "address:::1");
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let now = Utc::now();
        assert_eq!(seconds_until(now + Duration::milliseconds(1_200), now), 2);
        assert_eq!(seconds_until(now + Duration::seconds(30), now), 30);
        assert_eq!(seconds_until(now - Duration::seconds(3), now), 1);
    }
}
