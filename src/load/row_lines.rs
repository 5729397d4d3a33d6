//! The CSV line of every row of a file, kept for "already appears on line N".
//! A row usually starts on the line after the previous one, so only the rows
//! where that is not so (after a quoted line break or an unreadable row) are
//! stored.

/// The 1-based CSV line of each row of a file, stored as jumps.
#[derive(Default)]
pub struct RowLines {
    /// (row, line) where the line is not the previous row's line + 1.
    jumps: Vec<(u32, usize)>,
    rows: u32,
    last: usize,
}

impl RowLines {
    /// Adds the next row.
    pub fn push(&mut self, line: usize) {
        if self.rows == 0 || self.last + 1 != line {
            self.jumps.push((self.rows, line));
        }
        self.rows += 1;
        self.last = line;
    }

    /// The line of a row, rows numbered from 0 in the order pushed.
    pub fn line(&self, row: u32) -> usize {
        let k = self.jumps.partition_point(|&(r, _)| r <= row);
        let (first, line) = self.jumps[k - 1];
        line + (row - first) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_recalled() {
        let mut lines = RowLines::default();
        let given = [2, 3, 4, 6, 7, 10, 11];
        given.iter().for_each(|&l| lines.push(l));
        for (row, &line) in given.iter().enumerate() {
            assert_eq!(lines.line(row as u32), line);
        }
        assert_eq!(lines.jumps.len(), 3);
    }
}
