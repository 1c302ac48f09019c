//! The C allocation functions of this process (`malloc`, `free`, …), served by jemalloc.
//!
//! Why: training small networks allocates and frees many short-lived tensors, and libtorch gets
//! its CPU memory from `malloc`; jemalloc serves those faster than glibc's allocator (RL Zoo's
//! PPO on CartPole, 100k steps: 5.5 s against 6.2 s, `bench/compare.sh --only ppo`). The
//! executable's definitions are the ones the dynamic linker binds for every library, which is
//! how glibc documents replacing malloc; Rust's own heap goes to the same jemalloc.
//!
//! One difference is put back: jemalloc reserves address space lazily, so a request larger than
//! the machine's memory and swap would succeed and the process be killed by the kernel later,
//! while writing it. Requests beyond memory + swap fail here with ENOMEM, as glibc's do under
//! the kernel's default overcommit policy, so libtorch reports them as errors.

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

use tikv_jemalloc_sys as jem;

/// Memory plus swap in bytes, asked once (0 until then; it does not allocate, so asking from
/// inside `malloc` is safe).
fn limit() -> usize {
    static LIMIT: AtomicUsize = AtomicUsize::new(0);
    let known = LIMIT.load(Ordering::Relaxed);
    if known != 0 {
        return known;
    }
    let limit = rlab_agents::alloc::memory_and_swap_bytes().map_or(usize::MAX, |b| b as usize).max(1);
    LIMIT.store(limit, Ordering::Relaxed);
    limit
}

fn too_big(size: usize) -> bool {
    size > limit()
}

fn enomem() {
    // SAFETY: errno is this thread's.
    unsafe { *libc::__errno_location() = libc::ENOMEM };
}

#[no_mangle]
pub unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
    if too_big(size) {
        enomem();
        return std::ptr::null_mut();
    }
    jem::malloc(size)
}

#[no_mangle]
pub unsafe extern "C" fn calloc(n: usize, size: usize) -> *mut c_void {
    match n.checked_mul(size) {
        Some(total) if !too_big(total) => jem::calloc(n, size),
        _ => {
            enomem();
            std::ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    if too_big(size) {
        enomem();
        return std::ptr::null_mut();
    }
    jem::realloc(ptr, size)
}

#[no_mangle]
pub unsafe extern "C" fn free(ptr: *mut c_void) {
    jem::free(ptr)
}

#[no_mangle]
pub unsafe extern "C" fn posix_memalign(out: *mut *mut c_void, align: usize, size: usize) -> c_int {
    if too_big(size) {
        return libc::ENOMEM;
    }
    jem::posix_memalign(out, align, size)
}

#[no_mangle]
pub unsafe extern "C" fn aligned_alloc(align: usize, size: usize) -> *mut c_void {
    if too_big(size) {
        enomem();
        return std::ptr::null_mut();
    }
    jem::aligned_alloc(align, size)
}

#[no_mangle]
pub unsafe extern "C" fn memalign(align: usize, size: usize) -> *mut c_void {
    let mut out = std::ptr::null_mut();
    match posix_memalign(&mut out, align.max(std::mem::size_of::<usize>()).next_power_of_two(), size) {
        0 => out,
        e => {
            *libc::__errno_location() = e;
            std::ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn valloc(size: usize) -> *mut c_void {
    memalign(page_size(), size)
}

#[no_mangle]
pub unsafe extern "C" fn pvalloc(size: usize) -> *mut c_void {
    let page = page_size();
    match size.checked_add(page - 1) {
        Some(s) => memalign(page, s / page * page),
        None => {
            enomem();
            std::ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn malloc_usable_size(ptr: *mut c_void) -> usize {
    if ptr.is_null() {
        0
    } else {
        jem::malloc_usable_size(ptr)
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}
