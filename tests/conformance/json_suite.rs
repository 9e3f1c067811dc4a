//! JSONTestSuite: `y_` accepted, `n_` rejected, `i_` either, nothing crashes; the
//! transform cases pin the deliberate choices (exact numbers, duplicate keys).

use driftgate::semantic::{self, Format, Parsed};

use crate::{assert_roundtrip, corpus, options, same_data};

/// `y_` cases rejected on purpose: duplicate keys are an error in every format
/// driftgate reads, because consumers disagree on which value wins (first or last), so
/// the data cannot be known. The test checks they fail with that message.
const DUPLICATE_KEYS: &[&str] = &[
    "y_object_duplicated_key.json",
    "y_object_duplicated_key_and_value.json",
];

#[test]
fn json_test_suite() {
    let Some(dir) = corpus("JSONTestSuite") else {
        return;
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir.join("test_parsing"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let (mut y, mut y_ok, mut n, mut n_ok, mut i_acc, mut i_rej) = (0, 0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in &entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(path).unwrap();
        let result = semantic::parse(&bytes, Format::Json);
        if let Ok(p) = &result {
            if !same_data(p, p) {
                failures.push(format!("{name}: differs from itself"));
            }
            assert_roundtrip(p, &name);
        }
        match name.as_bytes().first() {
            Some(b'y') => {
                y += 1;
                match (&result, DUPLICATE_KEYS.contains(&name.as_str())) {
                    (Ok(_), false) => y_ok += 1,
                    (Err(e), true) if e.message.contains("duplicate key") => {}
                    (r, _) => failures.push(format!("{name}: {:?}", r.as_ref().err())),
                }
            }
            Some(b'n') => {
                n += 1;
                match &result {
                    Err(_) => n_ok += 1,
                    Ok(_) => failures.push(format!("{name}: invalid JSON accepted")),
                }
            }
            Some(b'i') => match &result {
                Ok(_) => i_acc += 1,
                Err(_) => i_rej += 1,
            },
            _ => {}
        }
    }
    println!(
        "JSONTestSuite: {y_ok}/{y} y_ accepted ({} rejected on purpose: duplicate keys), \
         {n_ok}/{n} n_ rejected, i_: {i_acc} accepted, {i_rej} rejected, none crashed",
        DUPLICATE_KEYS.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!((y, n), (95, 188));
    assert_eq!(y_ok + DUPLICATE_KEYS.len(), y);
    assert_eq!(n_ok, n);
}

fn transform(dir: &std::path::Path, name: &str) -> Result<Parsed, semantic::ParseError> {
    let bytes = std::fs::read(dir.join("test_transform").join(name)).unwrap();
    semantic::parse(&bytes, Format::Json)
}

fn json(text: &str) -> Parsed {
    semantic::parse(text.as_bytes(), Format::Json).unwrap()
}

#[test]
fn json_transforms() {
    let Some(dir) = corpus("JSONTestSuite") else {
        return;
    };
    // Numbers are exact values: equal values are equal data, whatever the spelling,
    // and no precision is lost beyond 64 bits.
    let same = [
        ("number_1.0.json", "[1]"),
        ("number_1e6.json", "[1000000]"),
        ("number_1000000000000000.json", "[1e15]"),
        ("number_9223372036854775807.json", "[9223372036854775807]"),
        ("number_-9223372036854775808.json", "[-9223372036854775808]"),
    ];
    for (file, text) in same {
        let p = transform(&dir, file).unwrap();
        assert!(same_data(&p, &json(text)), "{file} is not {text}");
    }
    let exact = [
        ("number_10000000000000000999.json", "10000000000000000999"),
        ("number_-9223372036854775809.json", "-9223372036854775809"),
        ("number_9223372036854775808.json", "9223372036854775808"),
        ("number_1.000000000000000005.json", "1.000000000000000005"),
        ("number_1e-999.json", "1e-999"),
    ];
    for (file, digits) in exact {
        let p = transform(&dir, file).unwrap();
        let c = String::from_utf8(p.canonical(&options())).unwrap();
        assert!(c.contains(digits), "{file}: {c}");
        assert!(!same_data(&p, &json("[1]")));
    }
    // Duplicate keys are rejected, whatever the values.
    for file in [
        "object_same_key_different_values.json",
        "object_same_key_same_value.json",
        "object_same_key_unclear_values.json",
    ] {
        let e = transform(&dir, file).unwrap_err();
        assert!(e.message.contains("duplicate key"), "{file}: {e}");
        assert_eq!(e.line, Some(1), "{file}");
    }
    // Keys are compared as written: the NFC and NFD spellings of `é` are two keys (no
    // duplicate), and the two files differ only in their order, which is not data.
    let nfc = transform(&dir, "object_key_nfc_nfd.json").unwrap();
    let nfd = transform(&dir, "object_key_nfd_nfc.json").unwrap();
    assert!(same_data(&nfc, &nfd));
    assert!(!same_data(&nfc, &json(r#"{"\u00e9":"NFC"}"#)));
    // Escaped NUL and invalid code points: accepted when valid UTF-8 can hold them.
    assert!(transform(&dir, "string_with_escaped_NULL.json").is_ok());
    assert!(transform(&dir, "string_1_escaped_invalid_codepoint.json").is_err());
    println!("JSONTestSuite transforms: exact numbers, duplicate keys and key spelling checked");
}
