//! The `tryg` binary: a doorway to [`tryg::cli::run`].

fn main() -> std::process::ExitCode {
    tryg::cli::run()
}
