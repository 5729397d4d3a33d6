//! The loader: bytes as persons.csv and events.csv in every input form, through
//! the raw table reader and `Batch::read_with`; what loads is screened.
//! The body is `tests/fuzz_harness.rs`'s `loader`, which `cargo test` also
//! runs on every file of `fuzz/corpus/loader/`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| tryg_fuzz::harness::loader(data));
