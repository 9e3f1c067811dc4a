//! A baseline's entries as a tree of manifests, one per directory, as git keeps trees.
//!
//! A manifest lists the files directly in one directory (their full entries) and the
//! manifest hash of each subdirectory; it is stored in the object store under the
//! blake3 of its bytes, so the root manifest's hash covers every entry. Accepting a
//! baseline that changes N files writes the manifests of the directories on their paths
//! and nothing else, and two baselines are compared by descending only where their
//! hashes differ.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::store::{Objects, StoreError};
use crate::tree::{Entry, Tree};

/// Schema of a manifest object.
pub const MANIFEST_SCHEMA: &str = "driftgate.manifest/v1";
/// Largest manifest read back: a directory of a million files fits.
const MAX_MANIFEST: u64 = 1 << 30;

/// One directory of a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// Subdirectory name -> its manifest's hash.
    pub dirs: BTreeMap<String, String>,
    /// The files directly in the directory, sorted by path.
    pub files: Vec<Entry>,
}

/// The manifests of a tree, built but not stored.
pub struct Built {
    /// The root manifest's hash.
    pub root: String,
    /// Every manifest's hash and bytes, deepest directories first.
    pub manifests: Vec<(String, Vec<u8>)>,
}

fn parent_and_name(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Builds the manifests of `tree`.
pub fn build(tree: &Tree) -> Built {
    use rayon::prelude::*;
    // Every directory (by path, its position in `files`) with its files in path order.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut files: Vec<Vec<&Entry>> = Vec::new();
    fn add<'t>(
        index: &mut BTreeMap<&'t str, usize>,
        files: &mut Vec<Vec<&'t Entry>>,
        dir: &'t str,
    ) -> usize {
        *index.entry(dir).or_insert_with(|| {
            files.push(Vec::new());
            files.len() - 1
        })
    }
    add(&mut index, &mut files, "");
    // Files of one directory mostly follow each other in path order.
    let mut last: Option<(&str, usize)> = None;
    for (path, entry) in tree {
        let (dir, _) = parent_and_name(path);
        let at = match last {
            Some((d, at)) if d == dir => at,
            _ => {
                let at = add(&mut index, &mut files, dir);
                let mut d = dir;
                while !d.is_empty() {
                    let (up, _) = parent_and_name(d);
                    if index.contains_key(up) && index.contains_key(d) {
                        break;
                    }
                    add(&mut index, &mut files, d);
                    d = up;
                }
                last = Some((dir, at));
                at
            }
        };
        files[at].push(entry);
    }
    // The file lists, the bulk of a first baseline's manifests, are written on every
    // core; each directory then only adds its subdirectories' hashes.
    let written: Vec<Vec<u8>> = files
        .par_iter()
        .map(|entries| serde_json::to_vec(entries).unwrap_or_default())
        .collect();
    let mut subdirs: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); files.len()];
    // Deepest first, so each directory's subdirectories are hashed before it.
    let mut order: Vec<(&str, usize)> = index.iter().map(|(d, i)| (*d, *i)).collect();
    order.sort_by_key(|(d, _)| {
        std::cmp::Reverse(d.matches('/').count() + usize::from(!d.is_empty()))
    });
    let mut manifests = Vec::with_capacity(order.len());
    let mut root = String::new();
    for (dir, i) in order {
        let bytes = to_bytes(&std::mem::take(&mut subdirs[i]), &written[i]);
        let hash = blake3::hash(&bytes).to_hex().to_string();
        if dir.is_empty() {
            root = hash.clone();
        } else {
            let (up, name) = parent_and_name(dir);
            if let Some(&p) = index.get(up) {
                subdirs[p].insert(name.to_string(), hash.clone());
            }
        }
        manifests.push((hash, bytes));
    }
    Built { root, manifests }
}

/// Returns a manifest's bytes, the compact JSON of a [`Manifest`], its file list
/// already written.
fn to_bytes(dirs: &BTreeMap<String, String>, files: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(files.len() + 64 + 96 * dirs.len());
    out.extend_from_slice(b"{\"schema\":");
    // Strings and string maps always serialize.
    let _ = serde_json::to_writer(&mut out, MANIFEST_SCHEMA);
    out.extend_from_slice(b",\"dirs\":");
    let _ = serde_json::to_writer(&mut out, dirs);
    out.extend_from_slice(b",\"files\":");
    out.extend_from_slice(files);
    out.push(b'}');
    out
}

/// Stores the manifests of `tree` that the store lacks; returns the root's hash.
pub fn store(tree: &Tree, objects: &Objects) -> Result<String, StoreError> {
    let built = build(tree);
    put(&built, objects)?;
    Ok(built.root)
}

/// Stores the built manifests that the store lacks.
pub fn put(built: &Built, objects: &Objects) -> Result<(), StoreError> {
    use rayon::prelude::*;
    // A first baseline has a manifest per directory: compressed on every core. The
    // store skips those it holds.
    built
        .manifests
        .par_iter()
        .try_for_each(|(_, bytes)| objects.put(bytes).map(drop))
}

/// Reads the manifest `hash` of directory `dir`, checking that it is one driftgate
/// writes: every file directly in `dir`, sorted, with allowed names.
fn read(objects: &Objects, hash: &str, dir: &str) -> Result<Manifest, StoreError> {
    let bytes = objects.require(hash, &shown(dir), MAX_MANIFEST)?;
    parse(&bytes, hash, dir)
}

fn shown(dir: &str) -> String {
    if dir.is_empty() {
        "the baseline's root directory".to_string()
    } else {
        format!("{dir}/")
    }
}

fn parse(bytes: &[u8], hash: &str, dir: &str) -> Result<Manifest, StoreError> {
    let what = shown(dir);
    let bad = |message: String| StoreError::Integrity {
        path: std::path::PathBuf::from(crate::store::STATE_DIR).join("objects"),
        message: format!(
            "manifest {} of {what}: {message}",
            crate::baseline::short(hash)
        ),
    };
    let m: Manifest = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
    if m.schema != MANIFEST_SCHEMA {
        return Err(bad(format!("unknown schema `{}`", m.schema)));
    }
    let mut prev: Option<&str> = None;
    for e in &m.files {
        let (parent, name) = parent_and_name(&e.path);
        let normal = crate::tree::normalize(std::path::Path::new(&e.path))
            .ok()
            .is_some_and(|n| n == e.path);
        if parent != dir || name.is_empty() || !normal {
            return Err(bad(format!(
                "entry path `{}` is not allowed here",
                e.path.escape_debug()
            )));
        }
        if prev.is_some_and(|p| p >= e.path.as_str()) {
            return Err(bad("entries are not sorted and unique".into()));
        }
        if m.dirs.contains_key(name) {
            return Err(bad(format!("`{name}` is both a file and a directory")));
        }
        prev = Some(&e.path);
    }
    for name in m.dirs.keys() {
        let normal = crate::tree::normalize(std::path::Path::new(name))
            .ok()
            .is_some_and(|n| n == *name);
        if !normal || name.contains('/') {
            return Err(bad(format!(
                "directory name `{}` is not allowed",
                name.escape_debug()
            )));
        }
    }
    if !dir.is_empty() && m.files.is_empty() && m.dirs.is_empty() {
        return Err(bad("an empty directory is never recorded".into()));
    }
    Ok(m)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Entries of a stored tree looked up one path at a time, reading only the manifests
/// on the way to each (and each manifest once).
pub struct Lookup<'a> {
    objects: &'a Objects,
    root: String,
    dirs: std::sync::Mutex<std::collections::HashMap<String, Option<std::sync::Arc<Manifest>>>>,
}

impl<'a> Lookup<'a> {
    /// Returns the lookup of the tree under the manifest `root`.
    pub fn new(root: &str, objects: &'a Objects) -> Lookup<'a> {
        Lookup {
            objects,
            root: root.to_string(),
            dirs: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    fn dir(&self, dir: &str) -> Option<std::sync::Arc<Manifest>> {
        if let Some(m) = self.dirs.lock().ok()?.get(dir) {
            return m.clone();
        }
        let found = if dir.is_empty() {
            read(self.objects, &self.root, "")
                .ok()
                .map(std::sync::Arc::new)
        } else {
            let (up, name) = parent_and_name(dir);
            self.dir(up).and_then(|m| {
                let h = m.dirs.get(name)?;
                read(self.objects, h, dir).ok().map(std::sync::Arc::new)
            })
        };
        self.dirs
            .lock()
            .ok()?
            .insert(dir.to_string(), found.clone());
        found
    }

    /// Returns the entry of `path`, if the tree has one (and its manifests read).
    pub fn get(&self, path: &str) -> Option<Entry> {
        let m = self.dir(parent_and_name(path).0)?;
        let i = m
            .files
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()?;
        Some(m.files[i].clone())
    }
}

/// Returns every entry under the manifest `root`.
pub fn load(root: &str, objects: &Objects) -> Result<Tree, StoreError> {
    let mut tree = Tree::new();
    let mut stack = vec![(String::new(), root.to_string())];
    while let Some((dir, hash)) = stack.pop() {
        let m = read(objects, &hash, &dir)?;
        for e in m.files {
            tree.insert(e.path.clone(), e);
        }
        for (name, h) in m.dirs {
            stack.push((join(&dir, &name), h));
        }
    }
    Ok(tree)
}

/// Returns the entries of the two trees under the directories where they differ: the
/// same as loading both and keeping the paths whose entries differ, reading only the
/// manifests on the way to a difference. `None` is the empty tree.
pub fn load_differing(
    old: Option<&str>,
    new: Option<&str>,
    objects: &Objects,
) -> Result<(Tree, Tree), StoreError> {
    let read = |h: &str, d: &str| read(objects, h, d);
    differing(old, new, &read, &read)
}

/// Returns the entries of the stored tree `old` and of `tree` under the directories
/// where they differ, reading only the stored manifests on the way to a difference.
pub fn differing_from(
    old: Option<&str>,
    tree: &Tree,
    objects: &Objects,
) -> Result<(Tree, Tree), StoreError> {
    differing_built(old, &build(tree), objects)
}

/// Like [`differing_from`], with the tree's manifests already built.
pub fn differing_built(
    old: Option<&str>,
    built: &Built,
    objects: &Objects,
) -> Result<(Tree, Tree), StoreError> {
    let own: std::collections::HashMap<&str, &[u8]> = built
        .manifests
        .iter()
        .map(|(h, b)| (h.as_str(), b.as_slice()))
        .collect();
    let read_new = |h: &str, d: &str| parse(own.get(h).copied().unwrap_or_default(), h, d);
    differing(
        old,
        Some(&built.root),
        &|h, d| read(objects, h, d),
        &read_new,
    )
}

type Reader<'a> = dyn Fn(&str, &str) -> Result<Manifest, StoreError> + 'a;

fn differing(
    old: Option<&str>,
    new: Option<&str>,
    read_old: &Reader<'_>,
    read_new: &Reader<'_>,
) -> Result<(Tree, Tree), StoreError> {
    let mut a = Tree::new();
    let mut b = Tree::new();
    let mut stack = vec![(
        String::new(),
        old.map(str::to_string),
        new.map(str::to_string),
    )];
    while let Some((dir, x, y)) = stack.pop() {
        if x == y {
            continue;
        }
        let mx = x.map(|h| read_old(&h, &dir)).transpose()?;
        let my = y.map(|h| read_new(&h, &dir)).transpose()?;
        let (fx, dx) = mx.map(|m| (m.files, m.dirs)).unwrap_or_default();
        let (fy, dy) = my.map(|m| (m.files, m.dirs)).unwrap_or_default();
        let mut fy: BTreeMap<String, Entry> = fy.into_iter().map(|e| (e.path.clone(), e)).collect();
        for e in fx {
            match fy.remove(&e.path) {
                Some(same) if same == e => {}
                Some(other) => {
                    b.insert(other.path.clone(), other);
                    a.insert(e.path.clone(), e);
                }
                None => {
                    a.insert(e.path.clone(), e);
                }
            }
        }
        b.extend(fy);
        let names: std::collections::BTreeSet<&String> = dx.keys().chain(dy.keys()).collect();
        for name in names {
            stack.push((
                join(&dir, name),
                dx.get(name.as_str()).cloned(),
                dy.get(name.as_str()).cloned(),
            ));
        }
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::tests::{entry, tree};

    #[test]
    fn a_tree_round_trips_through_its_manifests() {
        let dir = tempfile::tempdir().unwrap();
        let objects = Objects::new(dir.path().to_path_buf());
        let t = tree(&[
            ("a.yaml", "1"),
            ("k8s/apps/web.yaml", "2"),
            ("k8s/apps/api.yaml", "3"),
            ("k8s/base/ns.yaml", "4"),
            ("z/deep/er/still/f.txt", "5"),
        ]);
        let root = store(&t, &objects).unwrap();
        assert_eq!(load(&root, &objects).unwrap(), t);
        let empty = store(&Tree::new(), &objects).unwrap();
        assert_eq!(load(&empty, &objects).unwrap(), Tree::new());
    }

    #[test]
    fn a_manifest_is_the_compact_json_of_its_directory() {
        let t = tree(&[
            ("a.yaml", "1"),
            ("a/b.yaml", "2"),
            ("a/b/c.yaml", "3"),
            ("a/c.yaml", "4"),
            ("a.b/d.json", "5"),
            ("z/deep/f.txt", "6"),
        ]);
        let built = build(&t);
        assert_eq!(built.manifests.len(), 6, "root, a, a/b, a.b, z, z/deep");
        for (hash, bytes) in &built.manifests {
            assert_eq!(*hash, blake3::hash(bytes).to_hex().to_string());
            let m: Manifest = serde_json::from_slice(bytes).unwrap();
            assert_eq!(serde_json::to_vec(&m).unwrap(), *bytes);
        }
        let root: Manifest = serde_json::from_slice(&built.manifests.last().unwrap().1).unwrap();
        assert_eq!(root.files, vec![t["a.yaml"].clone()]);
        assert_eq!(root.dirs.keys().collect::<Vec<_>>(), ["a", "a.b", "z"]);
    }

    #[test]
    fn a_change_rewrites_only_the_manifests_on_its_path() {
        let t = tree(&[("a/x", "1"), ("b/y", "2"), ("b/c/z", "3")]);
        let mut u = t.clone();
        u.insert("b/c/z".into(), entry("b/c/z", "changed"));
        let before: std::collections::HashSet<String> =
            build(&t).manifests.into_iter().map(|m| m.0).collect();
        let new: Vec<String> = build(&u)
            .manifests
            .into_iter()
            .map(|m| m.0)
            .filter(|h| !before.contains(h))
            .collect();
        assert_eq!(new.len(), 3, "b/c, b and the root");
    }

    #[test]
    fn only_differing_directories_are_compared() {
        let dir = tempfile::tempdir().unwrap();
        let objects = Objects::new(dir.path().to_path_buf());
        let t = tree(&[("a/x", "1"), ("b/y", "2"), ("b/c/z", "3"), ("top", "4")]);
        let mut u = t.clone();
        u.insert("b/c/z".into(), entry("b/c/z", "changed"));
        u.insert("b/new".into(), entry("b/new", "n"));
        u.remove("a/x");
        let (rt, ru) = (store(&t, &objects).unwrap(), store(&u, &objects).unwrap());
        let (old, new) = load_differing(Some(&rt), Some(&ru), &objects).unwrap();
        assert_eq!(old.keys().collect::<Vec<_>>(), ["a/x", "b/c/z"]);
        assert_eq!(new.keys().collect::<Vec<_>>(), ["b/c/z", "b/new"]);
        let (old2, new2) = differing_from(Some(&rt), &u, &objects).unwrap();
        assert_eq!((old2, new2), (old.clone(), new.clone()));
        let (same_a, same_b) = differing_from(Some(&rt), &t, &objects).unwrap();
        assert!(same_a.is_empty() && same_b.is_empty());
        let look = Lookup::new(&ru, &objects);
        assert_eq!(look.get("b/c/z"), u.get("b/c/z").cloned());
        assert_eq!(look.get("top"), u.get("top").cloned());
        assert_eq!(look.get("a/x"), None);
        assert_eq!(look.get("nowhere/x"), None);
        let (none, all) = load_differing(None, Some(&ru), &objects).unwrap();
        assert!(none.is_empty());
        assert_eq!(all, u);
    }

    #[test]
    fn a_manifest_out_of_place_is_an_integrity_failure() {
        let dir = tempfile::tempdir().unwrap();
        let objects = Objects::new(dir.path().to_path_buf());
        // A manifest claiming a file of another directory.
        let sub = objects
            .put(
                &serde_json::to_vec(&serde_json::json!({
                    "schema": MANIFEST_SCHEMA, "dirs": {}, "files": [entry("elsewhere/x", "1")]
                }))
                .unwrap(),
            )
            .unwrap();
        let root = objects
            .put(
                &serde_json::to_vec(&serde_json::json!({
                    "schema": MANIFEST_SCHEMA, "dirs": {"k8s": sub}, "files": []
                }))
                .unwrap(),
            )
            .unwrap();
        let err = load(&root, &objects).unwrap_err();
        assert!(matches!(err, StoreError::Integrity { .. }));
        assert!(
            err.to_string().contains("`elsewhere/x` is not allowed"),
            "{err}"
        );
        let dotdot = objects
            .put(
                &serde_json::to_vec(&serde_json::json!({
                    "schema": MANIFEST_SCHEMA, "dirs": {"..": sub}, "files": []
                }))
                .unwrap(),
            )
            .unwrap();
        assert!(load(&dotdot, &objects).is_err());
    }
}
