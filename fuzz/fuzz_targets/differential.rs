//! The pack against the floor on random batches: they must agree.
//! The body is `tests/fuzz_harness.rs`'s `differential`, which `cargo test` also
//! runs on every file of `fuzz/corpus/differential/`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| tryg_fuzz::harness::differential(data));
