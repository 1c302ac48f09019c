// jemalloc serves every allocation in the process, libtorch's included (see malloc.rs).
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
mod malloc;
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    std::process::exit(rlab::cli::main());
}
