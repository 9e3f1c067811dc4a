//! Pending proposals on disk: listing them (with or without their change sets),
//! choosing one by id prefix, and reading one whole.

use serde::Deserialize;

use super::{Proposal, is_proposal_id, proposal_path};
use crate::change::Report;
use crate::store::{self, Store, StoreError};

/// A proposal's change set, skipped when read: see [`list_pending`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unread;

impl<'de> Deserialize<'de> for Unread {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Unread, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Unread)
    }
}

/// A proposal's change set read only for the number of files it lists: see
/// [`list_counted`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// How many files the change set lists.
    pub files: usize,
}

impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Counted, D::Error> {
        use serde::de::{Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
        /// The length of a list whose items are skipped.
        struct Len(usize);
        impl<'de> Deserialize<'de> for Len {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Len, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Len;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a list of files")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Len, A::Error> {
                        let mut n = 0;
                        while seq.next_element::<IgnoredAny>()?.is_some() {
                            n += 1;
                        }
                        Ok(Len(n))
                    }
                }
                d.deserialize_seq(V)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Counted;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a change report")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counted, A::Error> {
                let mut files = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "files" {
                        files = Some(map.next_value::<Len>()?.0);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                let files = files.ok_or_else(|| A::Error::missing_field("files"))?;
                Ok(Counted { files })
            }
        }
        d.deserialize_map(V)
    }
}

/// A proposal's change set as read: the stored report, if it was.
pub trait ChangeSet {
    /// Returns the stored report, if it was read.
    fn stored(&self) -> Option<&Report>;
}

impl ChangeSet for Report {
    fn stored(&self) -> Option<&Report> {
        Some(self)
    }
}

impl ChangeSet for Unread {
    fn stored(&self) -> Option<&Report> {
        None
    }
}

impl ChangeSet for Counted {
    fn stored(&self) -> Option<&Report> {
        None
    }
}

/// Returns every pending proposal, oldest first, without reading their change sets:
/// to choose one, or to see which have expired.
pub fn list_pending(store: &Store) -> Result<Vec<Proposal<Unread>>, StoreError> {
    read_proposals(store)
}

/// Returns every pending proposal, oldest first, with the number of files each
/// changes instead of its change set: for listings.
pub fn list_counted(store: &Store) -> Result<Vec<Proposal<Counted>>, StoreError> {
    read_proposals(store)
}

fn read_proposals<C: serde::de::DeserializeOwned>(
    store: &Store,
) -> Result<Vec<Proposal<C>>, StoreError> {
    let dir = store.proposals_dir();
    let mut out = Vec::new();
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(StoreError::io("read", &dir)(e)),
    };
    for item in rd {
        let item = item.map_err(StoreError::io("read", &dir))?;
        let p = item.path();
        if p.extension().is_some_and(|x| x == "json") {
            out.push(read_proposal(&p)?);
        }
    }
    out.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Returns the proposal in file `p`, whose id must be the one its name gives.
fn read_proposal<C: serde::de::DeserializeOwned>(
    p: &std::path::Path,
) -> Result<Proposal<C>, StoreError> {
    let proposal = store::read_json::<Proposal<C>>(p)?;
    // Ids become file names (the approvals directory, removal on accept and
    // reject): only the form driftgate writes, matching the file's own name, is
    // ever used, so a crafted id cannot point outside `.driftgate/proposals/`.
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if !is_proposal_id(&proposal.id) || proposal.id != stem {
        return Err(StoreError::Integrity {
            path: p.to_path_buf(),
            message: format!(
                "its id `{}` is not the one its file name gives",
                proposal.id.escape_debug()
            ),
        });
    }
    Ok(proposal)
}

/// Returns the pending proposal `id` (as [`list_pending`] gave it) with its change set.
pub fn load_proposal(store: &Store, id: &str) -> Result<Proposal, StoreError> {
    read_proposal(&proposal_path(store, id))
}

/// Errors choosing a proposal.
#[derive(Debug, thiserror::Error)]
pub enum PickError {
    /// No proposal is pending.
    #[error("no pending proposal")]
    None,
    /// Several are pending and no id was given.
    #[error("{0} proposals are pending; name one: {1}")]
    Ambiguous(usize, String),
    /// The id matches none.
    #[error("no pending proposal `{0}`")]
    NotFound(String),
    /// Reading failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Returns the proposal named by `id` (a unique prefix), or the only pending one.
pub fn pick_proposal(store: &Store, id: Option<&str>) -> Result<Proposal, PickError> {
    let chosen = pick_pending(store, id)?;
    Ok(load_proposal(store, &chosen.id)?)
}

/// Chooses like [`pick_proposal`], without reading the change set.
pub fn pick_pending(store: &Store, id: Option<&str>) -> Result<Proposal<Unread>, PickError> {
    let all = list_pending(store)?;
    match id {
        Some(id) => {
            let mut m: Vec<Proposal<Unread>> =
                all.into_iter().filter(|p| p.id.starts_with(id)).collect();
            match m.len() {
                1 => Ok(m.remove(0)),
                0 => Err(PickError::NotFound(id.to_string())),
                n => Err(PickError::Ambiguous(
                    n,
                    m.iter()
                        .map(|p| p.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                )),
            }
        }
        None => match all.len() {
            0 => Err(PickError::None),
            1 => Ok(all.into_iter().next().ok_or(PickError::None)?),
            n => Err(PickError::Ambiguous(
                n,
                all.iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::tree;
    use super::super::{Baseline, PROPOSAL_SCHEMA, proposal_id};
    use super::*;
    use crate::policy::cfg::PolicyConfig;

    /// A proposal of one file, with an empty change set.
    fn proposal() -> Proposal {
        let b = Baseline::new(
            &tree(&[("a", "1")]),
            None,
            PolicyConfig::default(),
            "r".into(),
        );
        Proposal {
            schema: PROPOSAL_SCHEMA.into(),
            id: proposal_id(&b.root_hash, None),
            requester: "alice".into(),
            reason: "why".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            requester_kind: None,
            requester_tool: None,
            request: None,
            baseline: b,
            changes: Report::new(".".into(), None, Vec::new(), false),
        }
    }

    #[test]
    fn a_proposal_read_without_its_change_set_is_the_same_proposal() {
        let full = proposal();
        let bytes = store::to_json_bytes(&full);
        let head: Proposal<Unread> = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            (&head.id, &head.baseline, Unread),
            (&full.id, &full.baseline, head.changes)
        );
        // Unknown fields are refused either way, and the change set must be there.
        let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        v["extra"] = serde_json::json!(1);
        assert!(serde_json::from_value::<Proposal<Unread>>(v.clone()).is_err());
        v.as_object_mut().unwrap().remove("extra");
        v.as_object_mut().unwrap().remove("changes");
        assert!(serde_json::from_value::<Proposal<Unread>>(v).is_err());
    }

    #[test]
    fn a_listing_counts_the_files_of_a_change_set_without_keeping_them() {
        let full = proposal();
        let mut v: serde_json::Value =
            serde_json::from_slice(&store::to_json_bytes(&full)).unwrap();
        let counted: Proposal<Counted> = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(counted.changes, Counted { files: 0 });
        v["changes"]["files"] = serde_json::json!([{"path": "a"}, {"path": "b"}, {}]);
        let counted: Proposal<Counted> = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(counted.changes, Counted { files: 3 });
        // A change set without its list of files is not a change set.
        v["changes"].as_object_mut().unwrap().remove("files");
        assert!(serde_json::from_value::<Proposal<Counted>>(v).is_err());
    }
}
