//! The `driftgate` binary: runs the CLI and exits with its code.

fn main() {
    std::process::exit(driftgate::run());
}
