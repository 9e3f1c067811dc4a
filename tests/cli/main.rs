//! End-to-end tests: the real `driftgate` binary in temp directories.
//!
//! One target, one module per command or scenario; [`common::TestEnv`] gives each test a
//! temp root, a cleared environment with its own `HOME`, and output normalized so that
//! temp paths read `[ROOT]`.

mod actors;
mod attest;
mod common;
mod completions;
mod demo;
mod evidence;
mod formats;
mod gate;
mod git;
mod hook;
mod keys;
mod large;
mod lifecycle;
mod log_stream;
mod notify;
mod quorum;
mod repo;
mod review;
mod rules;
mod rules_corpus;
mod scale;
// The event schema check the unit tests of `driftgate::event` use too.
#[path = "../../src/event/schema_check.rs"]
mod schema_check;
mod secrets;
mod semantic;
mod signing;
mod spine;
mod tamper;
mod unapproved_config;
mod upgrade;
mod verify;
mod workflow;
