//! The attacks on the gate, across commands, each written the way the attacker would
//! do it: with the repository's history and state files (`history`), with signatures
//! and keys (`signing`), and with the files driftgate reads (`files`). Each is stopped
//! with the right exit code, and nothing is written.

mod files;
mod history;
mod signing;
