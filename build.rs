//! The default rule pack in `rules/` is compiled into the binary
//! (`include_dir!`), and so is its Danish copy in `rules-da/` (for `tryg init
//! --lang da`). Cargo cannot see files a macro reads, so tell it: any change
//! under `rules/` or `rules-da/` (a new case file included) rebuilds tryg.

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=rules-da");
}
