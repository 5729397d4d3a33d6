//! Putting events in the batch's order: by person, then date, then input
//! order, so each person's events are one contiguous, dated slice.

use rayon::slice::ParallelSliceMut;

use crate::event::Event;

/// Sorts the events and returns where each person's begin: person `i`'s events
/// are `events[starts[i]..starts[i + 1]]`.
pub fn order(events: &mut [Event], persons: usize) -> Vec<u32> {
    // The row number is the input order, so an unstable sort that ends with it
    // orders exactly as a stable sort by person and date would, in place.
    let key = |e: &Event| (e.date, e.row);
    if events.is_sorted_by_key(|e| e.person) {
        // The usual export, one person's events after another's: only each
        // person's few events need sorting.
        for slice in events.chunk_by_mut(|a, b| a.person == b.person) {
            slice.sort_unstable_by_key(key);
        }
    } else {
        events.par_sort_unstable_by_key(|e| (e.person, key(e)));
    }
    let mut starts = Vec::with_capacity(persons + 1);
    let mut next = 0usize;
    for person in 0..=persons {
        while next < events.len() && (events[next].person as usize) < person {
            next += 1;
        }
        starts.push(u32::try_from(next).expect("fewer than 4 billion events"));
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventKind;
    use crate::time::parse_date;

    fn event(row: u32, person: u32, date: &str) -> Event {
        let date = parse_date(date).unwrap();
        Event::new(row, person, date, EventKind::Concern, None, None, None)
    }

    #[test]
    fn events_are_ordered_by_person_date_and_row() {
        let mut grouped = vec![
            event(0, 0, "2026-02-01"),
            event(1, 0, "2026-01-01"),
            event(2, 0, "2026-02-01"),
            event(3, 2, "2025-01-01"),
        ];
        let mut mixed = vec![grouped[3], grouped[2], grouped[0], grouped[1]];
        for events in [&mut grouped, &mut mixed] {
            let starts = order(events, 3);
            let rows: Vec<u32> = events.iter().map(|e| e.row).collect();
            assert_eq!(rows, [1, 0, 2, 3]);
            assert_eq!(starts, [0, 3, 3, 4]);
        }
    }
}
