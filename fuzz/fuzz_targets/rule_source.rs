//! Rule source: fuzzed rhai as a rule file of the default pack, screened on
//! the sample batch; never a panic or an abort.
//! The body is `tests/fuzz_harness.rs`'s `rule_source`, which `cargo test` also
//! runs on every file of `fuzz/corpus/rule_source/`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| tryg_fuzz::harness::rule_source(data));
