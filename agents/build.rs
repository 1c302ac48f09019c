//! Shared build script of the crates that link libtorch (rlab-agents and rlab).
//! - Adds libtorch's real lib dir to the rpath so `rlab` runs without LD_LIBRARY_PATH.
//!   (It must be the real dir: libtorch_cpu finds libcupti through its own `$ORIGIN`.)
//! - When libtorch_cuda is present, forces it to be linked: rustc links with --as-needed and would
//!   otherwise drop it, leaving CUDA unavailable even on a GPU machine.
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    let Some(root) = std::env::var_os("LIBTORCH").map(PathBuf::from) else { return };
    let lib = root.join("lib");
    let real_lib = std::fs::canonicalize(lib.join("libtorch_cpu.so"))
        .ok()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .unwrap_or(lib.clone());
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", real_lib.display());
    if lib.join("libtorch_cuda.so").exists() {
        println!("cargo:rustc-link-arg=-Wl,--no-as-needed,-ltorch_cuda,--as-needed");
    }
}
