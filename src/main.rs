//! The `driftgate` binary: runs the CLI and exits with its code.

/// Many small allocations (keys, key paths, changes) are most of a large comparison's
/// work; mimalloc serves them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(driftgate::run());
}
