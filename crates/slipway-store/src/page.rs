//! Cursor pagination: a page request, a page, and opaque cursors.
//!
//! A cursor is the hex encoding of `list|key|…`: the list it belongs to and the sort key of the
//! last item returned. It is opaque to callers; one that this store did not produce, or produced
//! for another list, is [`StoreError::InvalidCursor`].

use crate::error::StoreError;

/// The default and largest page sizes.
const DEFAULT_FIRST: u32 = 20;
const MAX_FIRST: u32 = 100;

/// Which page of a list to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items (clamped to 1..=100; 20 by default).
    pub first: u32,
    /// Return the items after this cursor (a previous page's `next_cursor`).
    pub after: Option<String>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            first: DEFAULT_FIRST,
            after: None,
        }
    }
}

impl PageRequest {
    /// The first `first` items.
    pub fn first(first: u32) -> Self {
        Self { first, after: None }
    }

    /// `first` items after `cursor`.
    pub fn after(first: u32, cursor: impl Into<String>) -> Self {
        Self {
            first,
            after: Some(cursor.into()),
        }
    }

    /// The page size actually used.
    pub(crate) fn limit(&self) -> u64 {
        u64::from(self.first.clamp(1, MAX_FIRST))
    }

    /// Decodes `after` for the list named `list`, into its key parts.
    pub(crate) fn cursor(&self, list: &str, parts: usize) -> Result<Option<Vec<String>>, StoreError> {
        self.after.as_deref().map(|c| decode(list, parts, c)).transpose()
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// The cursor for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Encodes a cursor.
pub(crate) fn encode(list: &str, parts: &[String]) -> String {
    let mut text = list.to_owned();
    for part in parts {
        text.push('|');
        text.push_str(part);
    }
    hex::encode(text)
}

fn decode(list: &str, parts: usize, cursor: &str) -> Result<Vec<String>, StoreError> {
    let bytes = hex::decode(cursor).map_err(|_| StoreError::InvalidCursor)?;
    let text = String::from_utf8(bytes).map_err(|_| StoreError::InvalidCursor)?;
    let mut pieces = text.split('|');
    if pieces.next() != Some(list) {
        return Err(StoreError::InvalidCursor);
    }
    let values: Vec<String> = pieces.map(str::to_owned).collect();
    if values.len() == parts {
        Ok(values)
    } else {
        Err(StoreError::InvalidCursor)
    }
}

/// Builds a page from up to `limit + 1` rows fetched in list order: the extra row only says
/// that there is a next page.
pub(crate) fn paginate<R, T>(
    mut rows: Vec<R>,
    limit: u64,
    list: &str,
    key: impl Fn(&R) -> Vec<String>,
    convert: impl Fn(R) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|r| encode(list, &key(r)))
    } else {
        None
    };
    let items = rows.into_iter().map(convert).collect::<Result<Vec<_>, _>>()?;
    Ok(Page { items, next_cursor })
}

/// Parses a numeric cursor part.
pub(crate) fn number(part: &str) -> Result<i64, StoreError> {
    part.parse().map_err(|_| StoreError::InvalidCursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_checked() {
        let c = encode("versions", &["7".to_owned()]);
        let req = PageRequest::after(10, c.clone());
        assert_eq!(req.cursor("versions", 1).unwrap(), Some(vec!["7".to_owned()]));
        assert_eq!(req.cursor("releases", 1), Err(StoreError::InvalidCursor));
        assert_eq!(req.cursor("versions", 2), Err(StoreError::InvalidCursor));
        assert_eq!(
            PageRequest::after(1, "zz").cursor("versions", 1),
            Err(StoreError::InvalidCursor)
        );
        assert_eq!(PageRequest::default().cursor("versions", 1), Ok(None));
    }

    #[test]
    fn sizes_are_clamped() {
        assert_eq!(PageRequest::first(0).limit(), 1);
        assert_eq!(PageRequest::first(500).limit(), 100);
        assert_eq!(PageRequest::default().limit(), 20);
    }
}
