//! The advisory locks that make hierarchy changes take turns, and the loop check under them.

use super::{departments, employees};
use diesel::PgConnection;
use diesel::connection::SimpleConnection;
use erp_problem::AppError;
use uuid::Uuid;

/// Which hierarchy a change walks: two concurrent changes could each pass the loop check and
/// together make a loop, so changes of one hierarchy take turns (until their commit).
#[derive(Debug, Clone, Copy)]
pub enum Hierarchy {
    Managers = 1,
    Departments = 2,
    /// Who holds the governing roles (appointing the first general manager).
    Governance = 3,
}

pub fn lock(conn: &mut PgConnection, which: Hierarchy) -> Result<(), AppError> {
    // Key space of hr's advisory locks: 0x6872 ("hr") in the high bits.
    let key = (0x6872_i64 << 32) | which as i64;
    conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({key})"))?;
    Ok(())
}

/// Whether `new_parent` above `id` would close a loop in `which`; takes the hierarchy's lock
/// first so the answer holds until the caller commits.
pub fn would_loop(conn: &mut PgConnection, which: Hierarchy, id: Uuid, new_parent: Uuid) -> Result<bool, AppError> {
    lock(conn, which)?;
    crate::domain::hierarchy::creates_cycle(id, Some(new_parent), |x| match which {
        Hierarchy::Managers => employees::manager_of(conn, x),
        Hierarchy::Departments => departments::parent_of(conn, x),
        Hierarchy::Governance => Ok(None),
    })
}
