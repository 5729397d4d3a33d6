//! The `tryg` binary: a doorway to [`tryg::cli::run`].

/// mimalloc instead of the system allocator: screening allocates many small,
/// short-lived values per person (views, answers, reasons), and glibc's
/// malloc was about a fifth of a 1M-person profile (`_int_malloc`,
/// `malloc_consolidate`, `unlink_chunk`); see docs/performance.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tryg::cli::run()
}
