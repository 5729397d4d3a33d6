//! The fuzz targets' shared code: the integration tests' own files, included
//! as modules of the same names they have there, so a target and its replay
//! in `cargo test` (`tests/fuzz_corpus.rs`) run the very same function.

/// SPEC §4 in plain Rust (`tests/floor.rs`).
#[path = "../../tests/floor.rs"]
pub mod floor;

/// Random batches from bytes (`tests/random_batch.rs`).
#[path = "../../tests/random_batch.rs"]
pub mod random_batch;

/// The target bodies (`tests/fuzz_harness.rs`).
#[path = "../../tests/fuzz_harness.rs"]
pub mod harness;
