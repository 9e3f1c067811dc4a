//! Test support: checks events against `schemas/driftgate.event.v1.schema.json` with
//! Python's `jsonschema` (which CI installs).
//!
//! Shared by the unit tests of [`crate::event`] and the end-to-end tests, which
//! include this file by path, so it uses nothing but `std`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Returns the schema violations of `docs` (one JSON document per line), one per line
/// as `line N: PATH: MESSAGE`; empty when every document is valid.
pub fn schema_errors(docs: &str) -> String {
    const CHECK: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    sys.stderr.write("MISSING-JSONSCHEMA")
    sys.exit(3)
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
for n, line in enumerate(sys.stdin, 1):
    for e in v.iter_errors(json.loads(line)):
        print("line %d: %s: %s" % (n, "/".join(str(p) for p in e.absolute_path), e.message))
"#;
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/driftgate.event.v1.schema.json");
    let mut child = Command::new("python3")
        .args(["-c", CHECK])
        .arg(&schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("event validation needs python3 with jsonschema (`pip install jsonschema`)");
    // Trailing blank lines would read as documents that do not parse.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", docs.trim_end()).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("MISSING-JSONSCHEMA") && out.status.success(),
        "event validation needs the Python package jsonschema (`pip install jsonschema`): {stderr}"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
