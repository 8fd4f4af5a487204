//! Passwords (argon2id), refresh tokens and API keys. Refresh tokens and API keys are long
//! random secrets, so a SHA-256 digest is enough to store them; passwords get argon2.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

pub fn check_password_policy(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"));
    }
    if password.trim().is_empty() {
        return Err("must not be blank".into());
    }
    Ok(())
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash that matches nothing, verified when the login name is unknown so that a wrong name
/// and a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1bOEYkBs2ltzQ4WGVZHKbLGlsZrVXELdOdrUFdxRq1E"
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn new_refresh_token() -> String {
    random_hex(32)
}

/// A new API key: `erp_<prefix>_<secret>`; the prefix finds the row, the digest of the whole
/// key checks it.
pub fn new_api_key() -> (String, String) {
    let prefix = random_hex(6);
    let key = format!("erp_{prefix}_{}", random_hex(24));
    (prefix, key)
}

/// The prefix of a presented key, if it has the right shape.
pub fn api_key_prefix(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("erp_")?;
    let (prefix, secret) = rest.split_once('_')?;
    (prefix.len() == 12 && secret.len() == 48 && (prefix.chars().chain(secret.chars())).all(|c| c.is_ascii_hexdigit()))
        .then_some(prefix)
}

/// Constant-time comparison of two digests.
pub fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("mật khẩu 123").unwrap();
        assert!(verify_password("mật khẩu 123", &h));
        assert!(!verify_password("mat khau 123", &h));
        assert!(!verify_password("anything", dummy_hash()));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn policy() {
        assert!(check_password_policy("short").is_err());
        assert!(check_password_policy("        ").is_err());
        assert!(check_password_policy("长长的密码很安全").is_ok());
        assert!(check_password_policy(&"x".repeat(129)).is_err());
    }

    #[test]
    fn api_keys_have_a_findable_prefix() {
        let (prefix, key) = new_api_key();
        assert_eq!(api_key_prefix(&key), Some(prefix.as_str()));
        assert_eq!(api_key_prefix("erp_abc_def"), None);
        assert_eq!(api_key_prefix("Bearer x"), None);
        assert!(same_digest(&digest(&key), &digest(&key)));
        assert!(!same_digest(&digest(&key), &digest("other")));
    }
}
