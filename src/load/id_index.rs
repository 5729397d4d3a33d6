//! Where each id first appears in a file: the duplicate check and the person
//! lookup. The table holds row numbers only (the ids stay in one [`Strings`]
//! buffer), so five million ids cost about 9 bytes each, not a map of owned
//! strings that grows by rehashing.

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use super::strings::Strings;

/// Hashes ids the same way on every thread, so hashes can be computed while
/// rows are validated in parallel and looked up later.
#[derive(Clone, Default)]
pub struct IdHasher(ahash::RandomState);

impl IdHasher {
    pub fn hash(&self, id: &str) -> u64 {
        self.0.hash_one(id)
    }
}

/// The first row of each distinct id, `ids.get(row)` being the row's id.
#[derive(Default)]
pub struct IdIndex {
    table: HashTable<u32>,
    hasher: IdHasher,
}

impl IdIndex {
    pub fn new(hasher: IdHasher) -> IdIndex {
        IdIndex {
            table: HashTable::new(),
            hasher,
        }
    }

    pub fn reserve(&mut self, additional: usize, ids: &Strings) {
        let hasher = &self.hasher;
        self.table
            .reserve(additional, |&row| hasher.hash(ids.get(row)));
    }

    /// The first row with this id (`hash` from [`IdHasher::hash`]).
    pub fn find(&self, hash: u64, id: &str, ids: &Strings) -> Option<u32> {
        self.table.find(hash, |&row| ids.get(row) == id).copied()
    }

    /// Records `row` as the first with its id, or returns the earlier row that
    /// has it.
    pub fn insert(&mut self, hash: u64, row: u32, ids: &Strings) -> Option<u32> {
        let id = ids.get(row);
        let hasher = &self.hasher;
        match self
            .table
            .entry(hash, |&r| ids.get(r) == id, |&r| hasher.hash(ids.get(r)))
        {
            Entry::Occupied(first) => Some(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(row);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_row_of_an_id_is_kept() {
        let mut ids = Strings::default();
        let hasher = IdHasher::default();
        let mut index = IdIndex::new(hasher.clone());
        for (row, id) in ["A", "B", "A", "C", "B"].into_iter().enumerate() {
            ids.push(id);
            let first = index.insert(hasher.hash(id), row as u32, &ids);
            assert_eq!(first, [None, None, Some(0), None, Some(1)][row], "{id}");
        }
        assert_eq!(index.find(hasher.hash("C"), "C", &ids), Some(3));
        assert_eq!(index.find(hasher.hash("D"), "D", &ids), None);
    }
}
