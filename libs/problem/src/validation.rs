//! Collects every invalid field of a request so the client sees them all in one 422.

use crate::{AppError, FieldError};

#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) -> &mut Self {
        self.errors.push(FieldError::new(field, message));
        self
    }

    pub fn check(&mut self, ok: bool, field: &str, message: &str) -> &mut Self {
        if !ok {
            self.add(field, message);
        }
        self
    }

    /// Required text: not blank after trimming, at most `max` characters (not bytes: names are
    /// often Vietnamese or Chinese).
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        if value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        }
        self
    }

    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) -> &mut Self {
        if let Some(v) = value
            && v.chars().count() > max
        {
            self.add(field, format!("must be at most {max} characters"));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}

/// Trimmed text, `None` when blank: what optional free text is stored as.
pub fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_all_errors() {
        let mut v = Validator::new();
        v.text("name", "  ", 10).text("code", "Nguyễn Văn Ánh", 5);
        v.check(false, "roles", "unknown role");
        match v.finish() {
            Err(AppError::Validation(errs)) => assert_eq!(errs.len(), 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        let mut v = Validator::new();
        v.text("name", "张三丰", 3);
        assert!(v.finish().is_ok());
    }
}
