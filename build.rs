//! The default rule pack in `rules/` is compiled into the binary
//! (`include_dir!`). Cargo cannot see files a macro reads, so tell it: any
//! change under `rules/` (a new case file included) rebuilds tryg.

fn main() {
    println!("cargo:rerun-if-changed=rules");
}
