//! The period report (issue 18 item 3): what the unit did between two
//! dates, counted from the case register. Filled in by `tryg report`.
