//! Cross-service scenario tests live in tests/.
