//! Kubernetes identities (`apiVersion/kind/namespace/name`): parsed from a change's
//! `document`, or read from a document's data.

use serde_json::Value;

use crate::semantic::keypath;

/// The Kubernetes identity of a document, parsed from a change's `document`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentId<'a> {
    /// `apiVersion` (`v1`, `apps/v1`).
    pub api_version: &'a str,
    /// `kind`.
    pub kind: &'a str,
    /// `metadata.namespace`, empty for cluster-scoped objects.
    pub namespace: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
}

/// Returns the identity in `document` (`apiVersion/kind/namespace/name`), if it is one.
///
/// Parsed from the right, since only `apiVersion` may contain a `/`. The namespace slot
/// may be missing for cluster-scoped objects: kinds start with an upper-case letter and
/// namespaces (DNS labels) never do, which tells the two shapes apart.
pub fn parse_document(document: &str) -> Option<DocumentId<'_>> {
    let parts: Vec<&str> = document.split('/').collect();
    let kind_ok = |k: &str| k.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    let api_ok = |n: usize| (1..=2).contains(&n);
    let n = parts.len();
    let name = *parts.last()?;
    if name.is_empty() {
        return None;
    }
    let with_namespace = n >= 4 && api_ok(n - 3) && kind_ok(parts.get(n - 3)?);
    let (kind, namespace, api_end) = if with_namespace {
        (*parts.get(n - 3)?, *parts.get(n - 2)?, n - 3)
    } else if n >= 3 && api_ok(n - 2) && kind_ok(parts.get(n - 2)?) {
        (*parts.get(n - 2)?, "", n - 2)
    } else {
        return None;
    };
    // `api_end` is 1 or 2: the apiVersion's parts and the `/` between them.
    let api_len = parts.get(..api_end)?.iter().map(|p| p.len()).sum::<usize>() + api_end - 1;
    let api = document.get(..api_len)?;
    if api.is_empty() || api.split('/').any(str::is_empty) {
        return None;
    }
    Some(DocumentId {
        api_version: api,
        kind,
        namespace,
        name,
    })
}

/// Returns the Kubernetes identity of a document labelled `label` (which names it by
/// position in files where some document has no identity) with data `value`.
pub(super) fn identity(label: Option<&str>, value: Option<&Value>) -> Option<String> {
    match label {
        Some(l) if parse_document(l).is_some() => Some(l.to_string()),
        _ => value.and_then(keypath::object_id),
    }
}
