//! Keyset pagination, once: a list query takes a [`Paging`], fetches `paging.fetch()` rows in
//! key order after the cursor, and hands them to [`Page::from_rows`].

use uuid::Uuid;

/// A client's `limit` (clamped to 1..=200, default 50) and `cursor` (the key after which the
/// page starts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging<K = Uuid> {
    pub limit: i64,
    pub cursor: Option<K>,
}

impl<K> Paging<K> {
    pub fn new(limit: Option<i64>, cursor: Option<K>) -> Self {
        Paging {
            limit: crate::page_limit(limit),
            cursor,
        }
    }

    /// How many rows the query fetches: one more than the page, to know whether another follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

/// One page of a list and the cursor of the next (none on the last page).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T, K = Uuid> {
    pub items: Vec<T>,
    pub next_cursor: Option<K>,
}

impl<T, K> Page<T, K> {
    /// The page from rows fetched with [`Paging::fetch`] in key order; `key` gives a row's key.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> K) -> Self {
        let next_cursor = crate::split_page(&mut rows, limit, key);
        Page {
            items: rows,
            next_cursor,
        }
    }

    /// The same page with every item converted (rows to API types).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U, K> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_page_and_points_at_its_last_row() {
        let paging = Paging::<i32>::new(Some(2), None);
        assert_eq!(paging.fetch(), 3);
        let page = Page::from_rows(vec![1, 2, 3], paging.limit, |r| *r);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor, Some(2));
        let last = Page::from_rows(vec![1, 2], paging.limit, |r| *r).map(|r| r * 10);
        assert_eq!(last.items, vec![10, 20]);
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn clamps_the_limit() {
        assert_eq!(Paging::<Uuid>::new(Some(0), None).limit, 1);
        assert_eq!(Paging::<Uuid>::new(Some(100_000), None).limit, 200);
        assert_eq!(Paging::<Uuid>::new(None, None).limit, 50);
    }
}
