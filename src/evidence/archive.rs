//! The deterministic `.tar.gz` of an evidence bundle.
//!
//! The same files give the same bytes: entries sorted by path, every directory listed
//! before its contents, one fixed time, owner `0:0` with no names, modes 0755/0644,
//! ustar headers, and a gzip header without a time or file name. So two exports of the
//! same history can be compared by hash.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use flate2::Compression;
use flate2::GzBuilder;

/// Returns the gzip-compressed tar of `files` (paths relative to `top`, `/`-separated),
/// each entry dated `mtime` (seconds since the epoch).
pub fn tar_gz(
    top: &str,
    files: &BTreeMap<String, Vec<u8>>,
    mtime: u64,
) -> std::io::Result<Vec<u8>> {
    let gz = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::best());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let mut dirs = BTreeSet::new();
    dirs.insert(top.to_string());
    for path in files.keys() {
        let mut acc = top.to_string();
        let parts: Vec<&str> = path.split('/').collect();
        for part in parts.iter().take(parts.len().saturating_sub(1)) {
            acc.push('/');
            acc.push_str(part);
            dirs.insert(acc.clone());
        }
    }
    let mut entries: Vec<(String, Option<&Vec<u8>>)> =
        dirs.into_iter().map(|d| (format!("{d}/"), None)).collect();
    entries.extend(
        files
            .iter()
            .map(|(p, bytes)| (format!("{top}/{p}"), Some(bytes))),
    );
    // Sorted as full paths, a directory (`a/`) comes before everything in it.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, bytes) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        match bytes {
            None => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                tar.append_data(&mut header, &path, std::io::empty())?;
            }
            Some(bytes) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_size(bytes.len() as u64);
                tar.append_data(&mut header, &path, &bytes[..])?;
            }
        }
    }
    let gz = tar.into_inner()?;
    let mut out = gz.finish()?;
    out.flush()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn files() -> BTreeMap<String, Vec<u8>> {
        let mut f = BTreeMap::new();
        f.insert("b/x.json".to_string(), b"{}\n".to_vec());
        f.insert("a.md".to_string(), b"# hi\n".to_vec());
        f.insert("b/c/y.sig".to_string(), b"sig".to_vec());
        f
    }

    #[test]
    fn same_files_give_same_bytes_and_every_entry_reads_back() {
        let one = tar_gz("top", &files(), 1_800_000_000).unwrap();
        let two = tar_gz("top", &files(), 1_800_000_000).unwrap();
        assert_eq!(one, two);
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&one[..])
            .read_to_end(&mut plain)
            .unwrap();
        let mut ar = tar::Archive::new(&plain[..]);
        let mut seen = Vec::new();
        for e in ar.entries().unwrap() {
            let mut e = e.unwrap();
            let path = e.path().unwrap().to_string_lossy().into_owned();
            assert_eq!(e.header().mtime().unwrap(), 1_800_000_000);
            assert_eq!(e.header().uid().unwrap(), 0);
            let mut body = Vec::new();
            e.read_to_end(&mut body).unwrap();
            seen.push((path, body));
        }
        let names: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "top/",
                "top/a.md",
                "top/b/",
                "top/b/c/",
                "top/b/c/y.sig",
                "top/b/x.json"
            ]
        );
        assert_eq!(seen[4].1, b"sig");
        assert_ne!(one, tar_gz("top", &files(), 1_800_000_001).unwrap());
    }
}
