//! Unit tests of reading trees from git: entries from blob bytes, the blob cache, and
//! missing subtrees.

use super::*;
use crate::config::Config;

/// A repository with `files` staged and committed; returns its directory.
fn repo_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let mut index = repo.index().unwrap();
    for (path, content) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        index.add_path(Path::new(path)).unwrap();
    }
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Dev", "dev@example.com").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "first", &tree, &[])
        .unwrap();
    dir
}

fn stage(dir: &Path, path: &str, content: &str) {
    std::fs::write(dir.join(path), content).unwrap();
    let repo = Repository::open(dir).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new(path)).unwrap();
    index.write().unwrap();
}

fn read(dir: &Path, source: Source<'_>, cache: Option<&Path>) -> Tree {
    let config = Config::default();
    let settings = config.settings();
    let options = ReadOptions { cache_dir: cache };
    read_tree(dir, source, &config.tree, &settings, &options)
        .unwrap()
        .tree
}

#[test]
fn entries_are_those_of_the_bytes() {
    let dir = repo_with(&[("a.txt", "x\n"), ("k8s/web.yaml", "replicas: 2\n")]);
    let settings = Config::default().settings();
    let tree = read(dir.path(), Source::Index(None), None);
    assert_eq!(tree.keys().collect::<Vec<_>>(), ["a.txt", "k8s/web.yaml"]);
    let expected = hash_file(
        "k8s/web.yaml".into(),
        EntryKind::File,
        FileData::Bytes(b"replicas: 2\n"),
        &settings,
    )
    .unwrap()
    .entry;
    assert_eq!(tree["k8s/web.yaml"], expected);
    assert_eq!(read(dir.path(), Source::Rev("HEAD"), None), tree);
}

#[test]
fn the_cache_saves_parsing_but_never_hides_new_bytes() {
    let dir = repo_with(&[("a.txt", "x\n")]);
    let cache = tempfile::tempdir().unwrap();
    let fresh = read(dir.path(), Source::Index(None), Some(cache.path()));
    // The cache sits in git's directory, whatever cache directory is passed.
    let file = dir
        .path()
        .join(".git/driftgate-cache")
        .join(BlobCache::FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&fresh["a.txt"].blake3));

    // A cached entry is reused while the bytes hash to it...
    let marked = text.replace("\"format\":\"text\"", "\"format\":\"cached\"");
    assert_ne!(marked, text);
    std::fs::write(&file, &marked).unwrap();
    let again = read(dir.path(), Source::Index(None), Some(cache.path()));
    assert_eq!(again["a.txt"].format, "cached");

    // ...but not when it claims other bytes,
    let forged = marked.replace(&fresh["a.txt"].blake3, &"0".repeat(64));
    std::fs::write(&file, &forged).unwrap();
    let again = read(dir.path(), Source::Index(None), Some(cache.path()));
    assert_eq!(again["a.txt"], fresh["a.txt"]);

    // nor for another blob at the same path.
    std::fs::write(&file, &marked).unwrap();
    stage(dir.path(), "a.txt", "y\n");
    let changed = read(dir.path(), Source::Index(None), Some(cache.path()));
    assert_eq!(changed["a.txt"].format, "text");
    assert_ne!(changed["a.txt"].blake3, fresh["a.txt"].blake3);
}

#[test]
fn the_cache_is_dropped_when_the_settings_change() {
    let dir = repo_with(&[("a.txt", "x\n")]);
    let cache = tempfile::tempdir().unwrap();
    read(dir.path(), Source::Index(None), Some(cache.path()));
    // The cache sits in git's directory, whatever cache directory is passed.
    let file = dir
        .path()
        .join(".git/driftgate-cache")
        .join(BlobCache::FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let marked = text.replace("\"format\":\"text\"", "\"format\":\"cached\"");
    std::fs::write(&file, &marked).unwrap();
    let config = Config::default();
    let mut settings = config.settings();
    settings.fingerprint = "other".into();
    let options = ReadOptions {
        cache_dir: Some(cache.path()),
    };
    let tree = read_tree(
        dir.path(),
        Source::Index(None),
        &config.tree,
        &settings,
        &options,
    )
    .unwrap()
    .tree;
    assert_eq!(tree["a.txt"].format, "text");
}

#[test]
fn a_missing_subtree_is_an_empty_tree() {
    let dir = repo_with(&[("a.txt", "x\n")]);
    let root = dir.path().join("later");
    std::fs::create_dir_all(&root).unwrap();
    assert!(read(&root, Source::Rev("HEAD"), None).is_empty());
}

#[test]
fn untracked_files_are_those_the_index_does_not_hold_under_the_root() {
    let dir = repo_with(&[
        ("cfg/a.yaml", "1"),
        ("cfg/b/c.yaml", "2"),
        ("cfg.yaml", "3"),
        ("other/d.yaml", "4"),
    ]);
    let root = dir.path().join("cfg");
    let indexed = Indexed::read(&root).unwrap().unwrap();
    // Sorted as a tree's paths are: `b.yaml` < `b/c.yaml` < `bb`.
    let paths = ["a.yaml", "b.yaml", "b/c.yaml", "b/d.yaml", "bb", "d.yaml"];
    assert_eq!(
        indexed.untracked(paths),
        ["b.yaml", "b/d.yaml", "bb", "d.yaml"]
    );
    // From the repository's top, the prefix is the path itself.
    let top = Indexed::read(dir.path()).unwrap().unwrap();
    assert_eq!(
        top.untracked(["cfg.yaml", "cfg/a.yaml", "cfg/x", "other/d.yaml"]),
        ["cfg/x"]
    );
    let outside = tempfile::tempdir().unwrap();
    assert!(Indexed::read(outside.path()).unwrap().is_none());
}
