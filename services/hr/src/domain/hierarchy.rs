//! Departments form a tree and managers a chain: neither may loop.

use uuid::Uuid;

/// Whether making `new_parent` the parent of `id` would create a loop, given the current
/// `parent_of` relation (department parent, or employee manager).
/// `parent_of` may read the database, hence fallible.
pub fn creates_cycle<E>(
    id: Uuid,
    new_parent: Option<Uuid>,
    mut parent_of: impl FnMut(Uuid) -> Result<Option<Uuid>, E>,
) -> Result<bool, E> {
    let mut current = new_parent;
    // Existing data has no loop, so the walk ends within the chain's length; the cap only
    // guards against corrupt data.
    for _ in 0..10_000 {
        match current {
            None => return Ok(false),
            Some(p) if p == id => return Ok(true),
            Some(p) => current = parent_of(p)?,
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn detects_loops() {
        let (a, b, c, d) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        // c -> b -> a
        let parents: HashMap<Uuid, Uuid> = [(b, a), (c, b)].into();
        let parent_of = |x: Uuid| Ok::<_, ()>(parents.get(&x).copied());
        assert!(creates_cycle(a, Some(c), parent_of).unwrap(), "a under c loops");
        assert!(creates_cycle(a, Some(a), parent_of).unwrap(), "self parent loops");
        assert!(!creates_cycle(d, Some(c), parent_of).unwrap());
        assert!(!creates_cycle(c, None, parent_of).unwrap());
        assert!(!creates_cycle(c, Some(a), parent_of).unwrap(), "moving up is fine");
    }
}
