//! tryg.toml and offences.toml: `HostConfig::parse`, `Catalogue::parse`,
//! `RuleSet::load` and `check` of the default pack with fuzzed files.
//! The body is `tests/fuzz_harness.rs`'s `config`, which `cargo test` also
//! runs on every file of `fuzz/corpus/config/`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| tryg_fuzz::harness::config(data));
