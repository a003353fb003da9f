//! A located outline of one YAML document: every node with its place in the
//! text and its key path (`sections[0].items[2].retries`).
//!
//! [`super::collect`] uses it to name the key of a problem the deserializer
//! reports, and to cut that node out of the text (blanked with spaces, so every
//! other node keeps its line and column) before looking for the next problem.

use serde_saphyr::granit_parser::{Event, Parser, Span, StructureStyle};

/// Nesting deeper than this is not outlined (the deserializer's own budget
/// refuses such documents first); keeps every walk here shallow.
const MAX_DEPTH: usize = 200;

#[derive(Debug)]
pub(super) struct Node {
    /// Pre-order number, unique within the document.
    id: usize,
    line: u64,
    column: u64,
    /// Character offsets of the node's text, `start..end`.
    start: usize,
    end: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Scalar(String),
    Seq {
        flow: bool,
        items: Vec<Node>,
    },
    Map {
        flow: bool,
        entries: Vec<(Node, Node)>,
    },
}

/// Where a problem sits: its key path and the text to cut to get past it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place {
    /// Dotted key path; empty for the document itself.
    pub key: String,
    /// The node itself (for [`Role::Key`], the entry's value).
    pub node: usize,
    /// The mapping or sequence holding the node (`None` for the root).
    pub parent: Option<usize>,
    /// The key under which the node sits in its mapping.
    pub name: Option<String>,
    /// Characters to blank: the whole entry (`key: value`) or element.
    cut: Option<Cut>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cut {
    start: usize,
    end: usize,
    /// Inside `{…}` / `[…]`: a separating comma goes too.
    flow: bool,
    /// An element of a block sequence: its `-` goes too.
    dash: bool,
}

/// What the reported location points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// A mapping key (unknown field, duplicate key).
    Key,
    /// A value: of the wrong type, out of range, or a mapping lacking a field.
    Value,
    /// The mapping holding the key there (a mapping lacking a field, reported
    /// at its first key).
    Holder,
}

/// The first document of `text`, or `None` when it does not parse (a syntax
/// error: the deserializer reports that one itself) or is empty.
pub(super) fn outline(text: &str) -> Option<Node> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        if let Some(root) = builder.push(event, span)? {
            return Some(root);
        }
    }
    None
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    next_id: usize,
}

/// A collection whose end has not been seen yet.
struct Open {
    node: Node,
    pending_key: Option<Node>,
}

impl Builder {
    /// Feed one event; `Some(Some(root))` once the first document is complete,
    /// `None` when the outline cannot be built.
    fn push(&mut self, event: Event<'_>, span: Span) -> Option<Option<Node>> {
        let done = match event {
            Event::Scalar(value, ..) => Some(self.leaf(&span, value.into_owned())),
            Event::Alias(_) => Some(self.leaf(&span, String::from("*alias"))),
            Event::SequenceStart(style, ..) => self.open(&span, style, false)?,
            Event::MappingStart(style, ..) => self.open(&span, style, true)?,
            Event::SequenceEnd | Event::MappingEnd => {
                let mut node = self.stack.pop()?.node;
                node.end = match &node.kind {
                    Kind::Seq { flow: true, .. } | Kind::Map { flow: true, .. } => {
                        span.end.index().max(node.start)
                    }
                    Kind::Seq { items, .. } => items.last().map_or(node.start, |n| n.end),
                    Kind::Map { entries, .. } => {
                        entries.last().map_or(node.start, |(k, v)| k.end.max(v.end))
                    }
                    Kind::Scalar(_) => node.end,
                };
                Some(node)
            }
            _ => None,
        };
        let Some(node) = done else {
            return Some(None);
        };
        let Some(top) = self.stack.last_mut() else {
            return Some(Some(node));
        };
        match &mut top.node.kind {
            Kind::Seq { items, .. } => items.push(node),
            Kind::Map { entries, .. } => match top.pending_key.take() {
                None => top.pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
            Kind::Scalar(_) => return None,
        }
        Some(None)
    }

    fn leaf(&mut self, span: &Span, value: String) -> Node {
        let mut node = self.node(span, Kind::Scalar(value));
        node.end = span.end.index().max(node.start);
        node
    }

    /// Start a mapping (`map`) or a sequence; nothing is complete yet.
    fn open(&mut self, span: &Span, style: StructureStyle, map: bool) -> Option<Option<Node>> {
        if self.stack.len() >= MAX_DEPTH {
            return None;
        }
        let flow = style == StructureStyle::Flow;
        let kind = if map {
            Kind::Map {
                flow,
                entries: Vec::new(),
            }
        } else {
            Kind::Seq {
                flow,
                items: Vec::new(),
            }
        };
        let node = self.node(span, kind);
        self.stack.push(Open {
            node,
            pending_key: None,
        });
        Some(None)
    }

    fn node(&mut self, span: &Span, kind: Kind) -> Node {
        self.next_id += 1;
        Node {
            id: self.next_id,
            line: span.start.line() as u64,
            column: span.start.col() as u64 + 1,
            start: span.start.index(),
            end: span.start.index(),
            kind,
        }
    }
}

impl Node {
    /// The node at 1-based `line:column` playing `role`, with its key path.
    /// For [`Role::Value`] the outermost value starting there wins (a block
    /// mapping starts where its first key does).
    pub(super) fn find(&self, line: u64, column: u64, role: Role) -> Option<Place> {
        let root = Place {
            key: String::new(),
            node: self.id,
            parent: None,
            name: None,
            cut: None,
        };
        self.search(
            &root,
            &|n: &Node| n.line == line && n.column == column,
            role,
        )
    }

    /// Search this node, whose place is `here`, and everything under it.
    fn search(&self, here: &Place, at: &dyn Fn(&Node) -> bool, role: Role) -> Option<Place> {
        if role == Role::Value && at(self) {
            return Some(here.clone());
        }
        match &self.kind {
            Kind::Scalar(_) => None,
            Kind::Map { flow, entries } => entries.iter().find_map(|(k, v)| {
                let name = match &k.kind {
                    Kind::Scalar(s) => s.clone(),
                    _ => String::from("?"),
                };
                let place = Place {
                    key: join(&here.key, &name),
                    node: v.id,
                    parent: Some(self.id),
                    name: Some(name),
                    cut: Some(Cut {
                        start: k.start,
                        end: k.end.max(v.end),
                        flow: *flow,
                        dash: false,
                    }),
                };
                match role {
                    Role::Key if at(k) => Some(place),
                    Role::Holder if at(k) => Some(here.clone()),
                    _ => v.search(&place, at, role),
                }
            }),
            Kind::Seq { flow, items } => items.iter().enumerate().find_map(|(i, item)| {
                let place = Place {
                    key: format!("{}[{i}]", here.key),
                    node: item.id,
                    parent: Some(self.id),
                    name: None,
                    cut: Some(Cut {
                        start: item.start,
                        end: item.end,
                        flow: *flow,
                        dash: !*flow,
                    }),
                };
                item.search(&place, at, role)
            }),
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

impl Place {
    /// Blank this node in `text` (characters, as [`outline`] counted them);
    /// `false` when there is nothing to cut (the document itself) or the cut
    /// changes nothing.
    pub(super) fn cut(&self, text: &mut [char]) -> bool {
        let Some(cut) = self.cut else {
            return false;
        };
        let end = cut.end.min(text.len());
        let mut changed = blank(text, cut.start.min(end), end);
        let is_space = |c: char| c == ' ' || c == '\t';
        if cut.dash {
            let before = text[..cut.start.min(end)]
                .iter()
                .rposition(|&c| !is_space(c));
            if let Some(i) = before.filter(|&i| text[i] == '-') {
                changed |= blank(text, i, i + 1);
            }
        }
        if cut.flow {
            let after = text[end..]
                .iter()
                .position(|&c| !c.is_whitespace())
                .map(|i| end + i);
            let before = text[..cut.start.min(end)]
                .iter()
                .rposition(|&c| !c.is_whitespace());
            if let Some(i) = after.filter(|&i| text[i] == ',') {
                changed |= blank(text, i, i + 1);
            } else if let Some(i) = before.filter(|&i| text[i] == ',') {
                changed |= blank(text, i, i + 1);
            }
        }
        changed
    }
}

/// Spaces over `text[start..end]`, line breaks kept; whether anything changed.
fn blank(text: &mut [char], start: usize, end: usize) -> bool {
    let mut changed = false;
    for c in &mut text[start..end] {
        if !matches!(*c, '\n' | '\r' | ' ') {
            *c = ' ';
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, line: u64, column: u64, role: Role) -> (String, String) {
        let root = outline(text).unwrap();
        let place = root.find(line, column, role).expect("a node there");
        let mut chars: Vec<char> = text.chars().collect();
        assert!(place.cut(&mut chars));
        (place.key, chars.into_iter().collect())
    }

    #[test]
    fn names_nested_keys_and_elements() {
        let text = "a:\n  b:\n    - x\n    - { c: 1, d: 2 }\n";
        let root = outline(text).unwrap();
        assert_eq!(root.find(4, 15, Role::Key).unwrap().key, "a.b[1].d");
        assert_eq!(root.find(3, 7, Role::Value).unwrap().key, "a.b[0]");
        assert_eq!(root.find(2, 3, Role::Key).unwrap().key, "a.b");
        assert_eq!(root.find(4, 9, Role::Holder).unwrap().key, "a.b[1]");
        assert_eq!(root.find(1, 1, Role::Value).unwrap().key, "");
        assert!(root.find(9, 9, Role::Value).is_none());
    }

    #[test]
    fn cuts_keep_every_other_location() {
        let (key, text) = cut("a: 1\nbad: [x,\n  y]\nc: 3\n", 2, 1, Role::Key);
        assert_eq!(key, "bad");
        assert_eq!(text, "a: 1\n        \n    \nc: 3\n");
        let (_, text) = cut("m: { bad: 1, a: 2 }\n", 1, 6, Role::Key);
        assert_eq!(text, "m: {         a: 2 }\n");
        let (_, text) = cut("m: { a: 2, bad: 1 }\n", 1, 12, Role::Key);
        assert_eq!(text, "m: { a: 2         }\n");
        let (key, text) = cut("s:\n  - 1\n  - [2]\n", 3, 5, Role::Value);
        assert_eq!(key, "s[1]");
        assert_eq!(text, "s:\n  - 1\n       \n");
    }

    #[test]
    fn cuts_and_keys_count_characters_not_bytes() {
        let (key, text) = cut("é: 1\nb: 2\n", 2, 1, Role::Key);
        assert_eq!(key, "b");
        assert_eq!(text, "é: 1\n    \n");
    }

    #[test]
    fn a_syntax_error_or_empty_text_has_no_outline() {
        assert!(outline("a: [1\n").is_none());
        assert!(outline("").is_none());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(outline(&deep).is_none());
    }
}
