//! Room for a body's compressed forms next to it in the snapshot. The server compresses a
//! gateway body the first time a client accepts gzip or brotli and keeps the result here, so each
//! body is compressed once, not once per request. A body is never changed, only replaced when what
//! it says changes, so its compressed forms are dropped with it and can never go stale.

use std::sync::{Arc, OnceLock};

/// A body's compressed forms, each made at most once (clones share them).
#[derive(Debug, Clone, Default)]
pub struct Compressed(Arc<Forms>);

#[derive(Debug, Default)]
struct Forms {
    gzip: OnceLock<Arc<[u8]>>,
    brotli: OnceLock<Arc<[u8]>>,
}

impl Compressed {
    /// The gzip form, made by `make` the first time it is asked for.
    pub fn gzip(&self, make: impl FnOnce() -> Vec<u8>) -> Arc<[u8]> {
        Arc::clone(self.0.gzip.get_or_init(|| Arc::from(make())))
    }

    /// The brotli form, made by `make` the first time it is asked for.
    pub fn brotli(&self, make: impl FnOnce() -> Vec<u8>) -> Arc<[u8]> {
        Arc::clone(self.0.brotli.get_or_init(|| Arc::from(make())))
    }

    /// Bytes held in the forms made so far.
    pub fn held_bytes(&self) -> usize {
        self.0.gzip.get().map_or(0, |b| b.len()) + self.0.brotli.get().map_or(0, |b| b.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_is_made_once_and_shared_by_clones() {
        let forms = Compressed::default();
        let copy = forms.clone();
        let mut made = 0;
        let first = forms.gzip(|| {
            made += 1;
            vec![1, 2, 3]
        });
        let again = copy.gzip(|| {
            made += 1;
            vec![9]
        });
        assert_eq!((made, &*first, &*again), (1, &[1, 2, 3][..], &[1, 2, 3][..]));
        assert_eq!(forms.held_bytes(), 3);
        assert_eq!(&*copy.brotli(|| vec![7, 7]), &[7, 7]);
        assert_eq!(forms.held_bytes(), 5);
    }
}
