//! Where each id first appears in a file: the duplicate check and the person
//! lookup. The table holds row numbers only (the ids stay in one [`Strings`]
//! buffer), so five million ids cost about 9 bytes each, not a map of owned
//! strings that grows by rehashing.

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use super::cells::duplicate;
use super::csv_file::Header;
use super::records::Chunk;
use super::row_lines::RowLines;
use super::strings::Strings;
use crate::diagnostic::Diagnostic;

/// Hashes ids the same way on every thread, so hashes can be computed while
/// rows are validated in parallel and looked up later.
#[derive(Clone, Default)]
pub struct IdHasher(ahash::RandomState);

impl IdHasher {
    /// The hash of an id, the same on every thread.
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
    /// An empty index hashing with `hasher`.
    pub fn new(hasher: IdHasher) -> IdIndex {
        IdIndex {
            table: HashTable::new(),
            hasher,
        }
    }

    /// Makes room for `additional` more ids (`ids` holds the ids of the rows
    /// already in, to rehash them).
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

/// One file's row ids as chunks arrive: every row's id, each id's first row
/// and every row's line, which is what the duplicate check and its message
/// ("already appears on line N") need.
#[derive(Default)]
pub struct RowIds {
    /// Every row's id ("" for a row without a well-formed one).
    pub ids: Strings,
    index: IdIndex,
    lines: RowLines,
}

impl RowIds {
    /// No rows yet, hashing with `hasher`.
    pub fn new(hasher: IdHasher) -> RowIds {
        RowIds {
            index: IdIndex::new(hasher),
            ..RowIds::default()
        }
    }

    /// Makes room for `rows` more ids of `text` bytes in all.
    pub fn reserve(&mut self, rows: usize, text: usize) {
        self.ids.reserve(rows, text);
        self.index.reserve(rows, &self.ids);
    }

    /// Adds a chunk's ids (`ids`, hashed as `hashes`); returns, by record, a
    /// `duplicate-id` problem for each whose id an earlier row already has.
    pub fn append(
        &mut self,
        chunk: &Chunk,
        ids: &Strings,
        hashes: &[u64],
        (header, column): (&Header, &str),
    ) -> Vec<(usize, Diagnostic)> {
        let base = self.ids.len() as u32;
        debug_assert_eq!(base, chunk.first_row);
        self.ids.append(ids);
        self.index.reserve(chunk.len(), &self.ids);
        let mut repeats = Vec::new();
        debug_assert_eq!(hashes.len(), chunk.len(), "one hash per record");
        for (record, &hash) in hashes.iter().enumerate() {
            let row = base + record as u32;
            let line = chunk.line(record);
            self.lines.push(line);
            let id = self.ids.get(row);
            if id.is_empty() {
                continue;
            }
            if let Some(first) = self.index.insert(hash, row, &self.ids) {
                let first_line = self.lines.line(first);
                repeats.push((record, duplicate(line, header, column, id, first_line)));
            }
        }
        repeats
    }

    /// The first row with this id.
    pub fn find(&self, hash: u64, id: &str) -> Option<u32> {
        self.index.find(hash, id, &self.ids)
    }

    /// Rows added so far.
    pub fn len(&self) -> usize {
        self.ids.len()
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
