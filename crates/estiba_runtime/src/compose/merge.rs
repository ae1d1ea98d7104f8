//! Normalising services to their map forms and merging files the way
//! `docker compose -f a.yml -f b.yml` does (compose-spec merge rules).

use crate::yaml::{Key, Node, Value};

/// Keys whose list form (`K=V`) is turned into a map so that files merge by key.
const KEY_VALUE_LISTS: &[&str] = &[
    "environment",
    "labels",
    "sysctls",
    "annotations",
    "extra_hosts",
];

/// Keys whose list form (`[a, b]`) is turned into a map of names.
const NAME_LISTS: &[&str] = &["depends_on", "networks"];

/// Turns the list forms of a service into their map forms, in place.
pub(crate) fn normalize_service(service: &mut Node) {
    let Value::Map(entries) = &mut service.value else {
        return;
    };
    for (key, value) in entries.iter_mut() {
        if KEY_VALUE_LISTS.contains(&key.text.as_str()) {
            key_value_list_to_map(
                value,
                if key.text == "extra_hosts" {
                    &['=', ':']
                } else {
                    &['=']
                },
            );
        } else if NAME_LISTS.contains(&key.text.as_str()) {
            name_list_to_map(value);
        }
    }
}

fn key_value_list_to_map(node: &mut Node, separators: &[char]) {
    let Value::Seq(items) = &node.value else {
        return;
    };
    let mut entries: Vec<(Key, Node)> = Vec::with_capacity(items.len());
    for item in items {
        let Some(text) = item.text() else { continue };
        let (name, value) = match text.split_once(separators) {
            Some((name, value)) => {
                let mut v = Node::new(
                    Value::Str {
                        text: value.to_owned(),
                        quoted: true,
                    },
                    item.pos.clone(),
                );
                v.raw = item
                    .raw
                    .as_deref()
                    .and_then(|raw| raw.split_once(separators))
                    .map(|(_, raw)| raw.to_owned());
                (name.to_owned(), v)
            }
            None => (text.clone(), Node::new(Value::Null, item.pos.clone())),
        };
        let key = Key {
            text: name.trim().to_owned(),
            pos: item.pos.clone(),
        };
        entries.retain(|(k, _)| k.text != key.text);
        entries.push((key, value));
    }
    node.value = Value::Map(entries);
}

fn name_list_to_map(node: &mut Node) {
    let Value::Seq(items) = &node.value else {
        return;
    };
    let entries = items
        .iter()
        .filter_map(|item| {
            Some((
                Key {
                    text: item.text()?,
                    pos: item.pos.clone(),
                },
                Node::new(Value::Null, item.pos.clone()),
            ))
        })
        .collect();
    node.value = Value::Map(entries);
}

/// Structural equality that ignores positions.
pub(crate) fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k2.text == k.text && same(v, v2)))
        }
        (Value::Null, Value::Null) => true,
        _ => match (a.text(), b.text()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// The identity of a sequence item for the sequences compose merges by key.
fn item_key(path: &[&str], item: &Node) -> Option<String> {
    match path {
        // Volumes and secrets/configs are unique by their mount point.
        [_, "volumes"] => Some(match item.get("target") {
            Some(t) => t.text()?,
            None => super::service::short_volume_target(&item.text()?),
        }),
        [_, "secrets" | "configs"] => match item.get("target") {
            Some(t) => t.text(),
            None => item
                .get("source")
                .and_then(Node::text)
                .or_else(|| item.text()),
        },
        _ => None,
    }
}

/// Whether sequences at `path` (service-relative: `[service, key, …]`) are replaced
/// rather than appended.
fn replaces(path: &[&str]) -> bool {
    matches!(
        path,
        [_, "command" | "entrypoint"] | [_, "healthcheck", "test"] | [_, "build", "args"]
    )
}

/// Merges `over` onto `base`; `path` names where these nodes sit, starting at the
/// service name for services.
pub(crate) fn merge(base: &Node, over: &Node, path: &[&str]) -> Node {
    if over.tag.as_deref() == Some("override") {
        return over.clone();
    }
    match (&base.value, &over.value) {
        (Value::Map(b), Value::Map(o)) => {
            let mut out: Vec<(Key, Node)> = b.clone();
            for (k, v) in o {
                if v.tag.as_deref() == Some("reset") {
                    out.retain(|(e, _)| e.text != k.text);
                    continue;
                }
                if let Some(slot) = out.iter_mut().find(|(e, _)| e.text == k.text) {
                    let mut sub: Vec<&str> = path.to_vec();
                    sub.push(&k.text);
                    slot.1 = merge(&slot.1, v, &sub);
                } else {
                    out.push((k.clone(), v.clone()));
                }
            }
            Node {
                value: Value::Map(out),
                ..base.clone()
            }
        }
        (Value::Seq(b), Value::Seq(o)) if !replaces(path) => {
            let mut out: Vec<Node> = b.clone();
            for item in o {
                if let Some(key) = item_key(path, item) {
                    if let Some(slot) = out
                        .iter_mut()
                        .find(|e| item_key(path, e).as_deref() == Some(&key))
                    {
                        *slot = item.clone();
                        continue;
                    }
                } else if out.iter().any(|e| same(e, item)) {
                    continue;
                }
                out.push(item.clone());
            }
            Node {
                value: Value::Seq(out),
                ..base.clone()
            }
        }
        _ => over.clone(),
    }
}

/// Merges two whole compose files (top-level keys; services service by service).
pub(crate) fn merge_files(base: &Node, over: &Node) -> Node {
    let mut out = base.clone();
    let Value::Map(entries) = &mut out.value else {
        return over.clone();
    };
    for (k, v) in over.entries() {
        if let Some(slot) = entries.iter_mut().find(|(e, _)| e.text == k.text) {
            if k.text == "services" {
                slot.1 = merge_services(&slot.1, v);
            } else {
                slot.1 = merge(&slot.1, v, &[k.text.as_str(), ""]);
            }
        } else {
            entries.push((k.clone(), v.clone()));
        }
    }
    out
}

fn merge_services(base: &Node, over: &Node) -> Node {
    let mut out = base.clone();
    let Value::Map(entries) = &mut out.value else {
        return over.clone();
    };
    for (k, v) in over.entries() {
        if let Some(slot) = entries.iter_mut().find(|(e, _)| e.text == k.text) {
            slot.1 = merge(&slot.1, v, &[k.text.as_str()]);
        } else {
            entries.push((k.clone(), v.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse_documents};
    use std::path::Path;

    fn doc(text: &str) -> Node {
        let mut d = parse_documents(text.as_bytes(), Path::new("t.yml"), &Limits::default())
            .unwrap()
            .remove(0);
        if let Value::Map(entries) = &mut d.value {
            for (k, v) in entries {
                if k.text == "services"
                    && let Value::Map(services) = &mut v.value
                {
                    for (_, s) in services {
                        normalize_service(s);
                    }
                }
            }
        }
        d
    }

    fn texts(node: &Node) -> Vec<String> {
        node.items().iter().filter_map(Node::text).collect()
    }

    #[test]
    fn merges_like_compose() {
        let a = doc(
            "services:\n  web:\n    image: a\n    command: [x, y]\n    ports: ['80:80']\n    environment: [A=1, B=2]\n    volumes: ['./a:/data', 'v:/cache']\n    dns: [1.1.1.1]\n    cap_add: [NET_ADMIN]\n",
        );
        let b = doc(
            "services:\n  web:\n    image: b\n    command: [z]\n    ports: ['80:80', '443:443']\n    environment:\n      B: 3\n      C: 4\n    volumes: ['./b:/data']\n    dns: [1.1.1.1, 8.8.8.8]\n    cap_add: [SYS_TIME]\n  db:\n    image: pg\n",
        );
        let m = merge_files(&a, &b);
        let web = m.get("services").unwrap().get("web").unwrap();
        assert_eq!(web.get("image").unwrap().str(), Some("b"));
        assert_eq!(texts(web.get("command").unwrap()), ["z"]);
        assert_eq!(texts(web.get("ports").unwrap()), ["80:80", "443:443"]);
        assert_eq!(
            texts(web.get("volumes").unwrap()),
            ["./b:/data", "v:/cache"]
        );
        assert_eq!(texts(web.get("dns").unwrap()), ["1.1.1.1", "8.8.8.8"]);
        assert_eq!(
            texts(web.get("cap_add").unwrap()),
            ["NET_ADMIN", "SYS_TIME"]
        );
        let env = web.get("environment").unwrap();
        assert_eq!(env.get("A").unwrap().str(), Some("1"));
        assert_eq!(env.get("B").unwrap().str(), Some("3"));
        assert_eq!(env.get("C").unwrap().str(), Some("4"));
        assert!(m.get("services").unwrap().get("db").is_some());
        // Positions survive: the overriding image points into the second file's line.
        assert_eq!(web.get("image").unwrap().pos.line, 3);
    }

    #[test]
    fn reset_and_override_tags() {
        let a = doc("services:\n  web:\n    ports: ['80:80']\n    labels: {a: 1}\n");
        let b = doc("services:\n  web:\n    ports: !reset []\n    labels: !override {b: 2}\n");
        let m = merge_files(&a, &b);
        let web = m.get("services").unwrap().get("web").unwrap();
        assert!(web.get("ports").is_none());
        assert!(web.get("labels").unwrap().get("a").is_none());
    }
}
