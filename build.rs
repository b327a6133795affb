//! Rebuilds when the embedded sample library changes (include_dir cannot tell cargo itself).

fn main() {
    println!("cargo:rerun-if-changed=assets/samples");
}
