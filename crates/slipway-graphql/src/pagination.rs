//! Relay-style cursor pagination over the store's pages.
//!
//! The store pages with `{first, after}` and returns one cursor, for the item after the page's
//! last one. Relay wants a cursor on every edge, so an edge cursor here is the store cursor the
//! page was read after (the *base*) plus how many items of that page to skip; the last edge of a
//! page that has a next page carries the store's own cursor with nothing to skip, so following
//! `endCursor` page after page never grows the skip. Cursors are opaque hex to clients.

use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge};
use slipway_service::ServiceResult;

use crate::error::invalid;

/// The default page size.
pub(crate) const DEFAULT_FIRST: i32 = 20;
/// The largest page size (the store's limit).
pub(crate) const MAX_FIRST: i32 = 100;

/// The complexity of a connection field: each of its nodes costs what one node's selection
/// costs (used by `#[graphql(complexity = …)]` on connection fields).
pub(crate) fn complexity(first: Option<i32>, child: usize) -> usize {
    let n = first.unwrap_or(DEFAULT_FIRST).clamp(1, MAX_FIRST);
    usize::try_from(n).unwrap_or(1).saturating_mul(child.max(1))
}

/// How many items a list that is not a connection counts as in a document's complexity. Such
/// lists stay short (a release's changes and approvals, a policy's rules and freeze windows, the
/// environments a mutation returns); the ones that grow with a project are connections.
pub(crate) const UNPAGED_LIST_SIZE: usize = 10;

/// The complexity of a plain list field: [`UNPAGED_LIST_SIZE`] times its selection.
pub(crate) fn list_complexity(child: usize) -> usize {
    UNPAGED_LIST_SIZE.saturating_mul(child.max(1))
}

/// A page as a client asked for it, translated to the store's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageArgs {
    first: u32,
    skip: u32,
    base: Option<String>,
    after_given: bool,
}

fn encode(skip: u32, base: Option<&str>) -> String {
    hex::encode(format!("{skip}|{}", base.unwrap_or("")))
}

fn decode(cursor: &str) -> Option<(u32, Option<String>)> {
    let text = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    let (skip, base) = text.split_once('|')?;
    let skip: u32 = skip.parse().ok()?;
    if skip > MAX_FIRST.unsigned_abs() {
        return None;
    }
    Some((skip, (!base.is_empty()).then(|| base.to_owned())))
}

impl PageArgs {
    /// Parses `first`/`after`.
    ///
    /// # Errors
    /// `first` outside 1..=100, or an `after` this API did not produce (`VALIDATION`).
    pub fn parse(first: Option<i32>, after: Option<String>) -> ServiceResult<Self> {
        let first = first.unwrap_or(DEFAULT_FIRST);
        if !(1..=MAX_FIRST).contains(&first) {
            return Err(invalid("first", "must be between 1 and 100"));
        }
        let (skip, base) = match after.as_deref() {
            None => (0, None),
            Some(c) => decode(c).ok_or_else(|| invalid("after", "is not a cursor this list produced"))?,
        };
        Ok(Self {
            first: first.unsigned_abs(),
            skip,
            base,
            after_given: after.is_some(),
        })
    }

    /// `first` items right after a store cursor (for reading a whole list page by page).
    pub fn resume(first: u32, after: Option<String>) -> Self {
        Self {
            first: first.clamp(1, MAX_FIRST.unsigned_abs()),
            skip: 0,
            base: after,
            after_given: false,
        }
    }

    /// How many items to ask the store for (the skipped ones included, at most 100).
    pub fn fetch(&self) -> u32 {
        (self.skip + self.first).min(MAX_FIRST.unsigned_abs())
    }

    /// The store page to ask for.
    pub fn page_request(&self) -> slipway_service::PageRequest {
        slipway_service::PageRequest {
            first: self.fetch(),
            after: self.after(),
        }
    }

    /// The store cursor to read after.
    pub fn after(&self) -> Option<String> {
        self.base.clone()
    }

    /// The connection for a list the service hands over whole, paged the way a store list is:
    /// here the "store cursor" is the index of the item a page resumes at.
    ///
    /// # Errors
    /// `after` was produced by another list (`VALIDATION`).
    pub fn slice<T, N: OutputType>(
        &self,
        items: Vec<T>,
        node: impl FnMut(T) -> N,
    ) -> ServiceResult<Connection<String, N>> {
        let start = match &self.base {
            None => 0,
            Some(base) => base
                .parse::<usize>()
                .map_err(|_| invalid("after", "is not a cursor this list produced"))?,
        };
        let fetch = usize::try_from(self.fetch()).unwrap_or(usize::MAX);
        let end = start.saturating_add(fetch).min(items.len());
        let next = (end < items.len()).then(|| end.to_string());
        let page: Vec<T> = items.into_iter().skip(start).take(end.saturating_sub(start)).collect();
        Ok(self.connection(page, next, node))
    }

    /// The connection for a store page (`items` in list order, `next_cursor` as the store
    /// returned it), mapping each item to its node.
    pub fn connection<T, N: OutputType>(
        &self,
        items: Vec<T>,
        next_cursor: Option<String>,
        mut node: impl FnMut(T) -> N,
    ) -> Connection<String, N> {
        let has_next = next_cursor.is_some();
        let mut connection = Connection::new(self.after_given, has_next);
        let skip = usize::try_from(self.skip).unwrap_or(usize::MAX);
        let kept: Vec<T> = items.into_iter().skip(skip).collect();
        let last = kept.len().saturating_sub(1);
        for (i, item) in kept.into_iter().enumerate() {
            let cursor = match &next_cursor {
                Some(next) if i == last => encode(0, Some(next)),
                _ => {
                    let position = u32::try_from(skip + i + 1).unwrap_or(u32::MAX);
                    encode(position, self.base.as_deref())
                }
            };
            connection.edges.push(Edge::new(cursor, node(item)));
        }
        connection
    }
}

#[cfg(test)]
mod tests {
    use slipway_service::ServiceError;

    use super::*;

    #[test]
    fn page_sizes_are_checked() {
        assert!(PageArgs::parse(Some(0), None).is_err());
        assert!(PageArgs::parse(Some(101), None).is_err());
        assert_eq!(PageArgs::parse(None, None).unwrap().fetch(), 20);
        let err = PageArgs::parse(None, Some("zz".into())).unwrap_err();
        assert!(
            matches!(err, ServiceError::Validation { ref field, .. } if field == "after"),
            "{err:?}"
        );
    }

    #[test]
    fn edge_cursors_resume_after_their_edge() {
        let args = PageArgs::parse(Some(3), None).unwrap();
        let c = args.connection(vec![1, 2, 3], Some("abc".into()), |n| n);
        let cursors: Vec<String> = c.edges.iter().map(|e| e.cursor.clone()).collect();
        // The first two edges resume inside the page; the last one at the store's cursor.
        let second = PageArgs::parse(Some(3), Some(cursors[0].clone())).unwrap();
        assert_eq!((second.fetch(), second.after()), (4, None));
        let end = PageArgs::parse(Some(3), Some(cursors[2].clone())).unwrap();
        assert_eq!((end.fetch(), end.after()), (3, Some("abc".to_owned())));
        // Skipped items are dropped from the page.
        let page = second.connection(vec![1, 2, 3, 4], None, |n| n);
        let nodes: Vec<i32> = page.edges.iter().map(|e| e.node).collect();
        assert_eq!(nodes, [2, 3, 4]);
    }

    #[test]
    fn whole_lists_page_like_store_lists() {
        let items: Vec<u32> = (0..250).collect();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let args = PageArgs::parse(Some(100), after.clone()).unwrap();
            let page = args.slice(items.clone(), |n| n).unwrap();
            seen.extend(page.edges.iter().map(|e| e.node));
            if !page.has_next_page {
                break;
            }
            after = page.edges.last().map(|e| e.cursor.clone());
        }
        assert_eq!(seen, items);
        // Resuming from an edge inside a page.
        let first = PageArgs::parse(Some(3), None)
            .unwrap()
            .slice(items.clone(), |n| n)
            .unwrap();
        let resumed = PageArgs::parse(Some(2), Some(first.edges[0].cursor.clone())).unwrap();
        let nodes: Vec<u32> = resumed
            .slice(items.clone(), |n| n)
            .unwrap()
            .edges
            .iter()
            .map(|e| e.node)
            .collect();
        assert_eq!(nodes, [1, 2]);
        // Past the end: empty, no next page; a foreign cursor is refused.
        let beyond = PageArgs::parse(Some(5), Some(encode(0, Some("900")))).unwrap();
        assert!(beyond.slice(items.clone(), |n| n).unwrap().edges.is_empty());
        let foreign = PageArgs::parse(Some(5), Some(encode(0, Some("abc")))).unwrap();
        assert!(foreign.slice(items, |n| n).is_err());
    }
}
