//! The REST API's resource tree (v3's `getResourcePaths` and `compileResources`): one
//! `ApiGatewayResource<Path>` per path prefix, parents first, roots in first-seen order, with
//! `provider.apiGateway.restApiResources` (existing resources) cutting the tree.

use super::{js_string, Rest, Stop};
use crate::events::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

#[derive(Clone, Debug, Default)]
struct Node {
    path: String,
    part: String,
    parent: Option<usize>,
    level: usize,
    children: Vec<usize>,
    name: Option<String>,
    /// `name` is `naming::rest_path(path)` (not a name from `restApiResources`).
    name_is_path: bool,
    resource_id: Option<Value>,
    has_method: bool,
    is_cut: bool,
}

/// The resources by path, in JavaScript key order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Resources {
    nodes: Vec<Node>,
    order: Vec<(String, usize)>,
    /// Path -> node, for `order`'s entries.
    by_path: HashMap<String, usize>,
}

impl Resources {
    /// `order` (paths with their nodes, each path once, in first-seen order) put in JavaScript
    /// key order and indexed.
    fn new(order: Vec<(String, usize)>, nodes: Vec<Node>) -> Self {
        let order = cfgen_syntax::node::js_order(order, |(p, _)| p.as_str());
        let by_path = order.iter().map(|(p, i)| (p.clone(), *i)).collect();
        Resources { nodes, order, by_path }
    }
    fn get(&self, path: &str) -> Option<&Node> {
        self.by_path.get(path).map(|i| &self.nodes[*i])
    }
    /// `getResourceName`: `""` for the root.
    pub fn name(&self, path: &str) -> String {
        if path.is_empty() {
            return String::new();
        }
        self.get(path).and_then(|n| n.name.clone()).unwrap_or_default()
    }
    /// `getResourceId`: the root resource for `""`; `None` when the path has no resource.
    pub fn id(&self, path: &str, rest: &Rest) -> Option<Value> {
        if path.is_empty() {
            return Some(rest.root_resource_id());
        }
        self.get(path).and_then(|n| n.resource_id.clone())
    }
}

/// A path to place in the tree: an event's, or an existing resource's.
struct Apply {
    path: String,
    name: Option<String>,
    resource_id: Option<Value>,
}

/// Every lookup goes through an index: a REST API may have thousands of paths, and a scan per
/// event made the tree quadratic (8,000 paths took over a second).
#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    /// Full path -> its node; `apply` makes one node per path.
    by_path: HashMap<String, usize>,
    trees: Vec<usize>,
    predefined: Vec<usize>,
    methods: Vec<usize>,
    /// The nodes in `predefined` and in `methods`.
    in_predefined: HashSet<usize>,
    in_methods: HashSet<usize>,
}

impl Builder {
    fn apply(&mut self, r: &Apply, is_method: bool) {
        let path = r.path.strip_prefix('/').unwrap_or(&r.path);
        let path = path.strip_suffix('/').unwrap_or(path);
        let parts: Vec<&str> = path.split('/').collect();
        let mut root: Option<usize> = None;
        let mut parent: Option<usize> = None;
        let mut current = String::new();
        for (index, part) in parts.iter().enumerate() {
            current = if index == 0 { part.to_string() } else { format!("{current}/{part}") };
            if root.is_none() {
                // Roots are the one-part paths, so a node with this path is a root.
                root = self.by_path.get(&current).copied().filter(|&t| self.nodes[t].parent.is_none() && self.nodes[t].level == 0);
            }
            if parent.is_none() {
                parent = root;
            }
            if let Some(p) = parent {
                if self.nodes[p].path == current {
                    parent = Some(self.apply_node(p, r, is_method, index == parts.len() - 1));
                    continue;
                }
                if let Some(c) = self.by_path.get(&current).copied().filter(|&c| self.nodes[c].parent == Some(p)) {
                    parent = Some(self.apply_node(c, r, is_method, index == parts.len() - 1));
                    continue;
                }
            }
            let id = self.nodes.len();
            self.nodes.push(Node { path: current.clone(), part: part.to_string(), parent, level: index, ..Node::default() });
            self.by_path.insert(current.clone(), id);
            if let Some(p) = parent {
                self.nodes[p].children.push(id);
            }
            if root.is_none() {
                root = Some(id);
                self.trees.push(id);
            }
            parent = Some(self.apply_node(id, r, is_method, index == parts.len() - 1));
        }
    }

    fn apply_node(&mut self, n: usize, r: &Apply, is_method: bool, last: bool) -> usize {
        if last {
            self.nodes[n].name = r.name.clone();
            if let Some(id) = &r.resource_id {
                self.nodes[n].resource_id = Some(id.clone());
                if self.in_predefined.insert(n) {
                    self.predefined.push(n);
                }
            }
            if is_method && !self.nodes[n].has_method {
                self.nodes[n].has_method = true;
                if self.in_methods.insert(n) {
                    self.methods.push(n);
                }
            }
        }
        n
    }

    fn cut_branch(&mut self, n: usize) {
        let Some(p) = self.nodes[n].parent else { return };
        if self.nodes[p].children.len() <= 1 {
            self.nodes[p].children.clear();
        } else {
            let path = self.nodes[n].path.clone();
            let nodes = &self.nodes;
            let kept: Vec<usize> = nodes[p].children.iter().copied().filter(|&c| nodes[c].path != path).collect();
            self.nodes[p].children = kept;
            self.nodes[p].is_cut = true;
        }
        self.nodes[n].parent = None;
    }

    /// `combineResourceTrees`: every node by path, preorder, with default names.
    fn combine(mut self, trees: &[usize]) -> Resources {
        let mut order: Vec<(String, usize)> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        let mut stack: Vec<usize> = trees.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            let path = self.nodes[n].path.clone();
            match at.get(&path) {
                Some(&i) => order[i].1 = n,
                None => {
                    at.insert(path.clone(), order.len());
                    order.push((path.clone(), n));
                }
            }
            if self.nodes[n].name.is_none() {
                // From the parent's name when it is its path's, so that a deep path costs
                // one normalization per segment rather than one per segment per level.
                let node = &self.nodes[n];
                let parent = node.parent.map(|p| &self.nodes[p]).filter(|p| p.name_is_path);
                let name = match parent.and_then(|p| p.name.as_deref()) {
                    Some(pn) if path.len() == parent.map_or(0, |p| p.path.len()) + 1 + node.part.len() => {
                        naming::rest_path_child(pn, &node.part)
                    }
                    _ => naming::rest_path(&path),
                };
                self.nodes[n].name = Some(name);
                self.nodes[n].name_is_path = true;
            }
            stack.extend(self.nodes[n].children.iter().rev().copied());
        }
        Resources::new(order, self.nodes)
    }
}

/// `getApiGatewayPredefinedResources`.
fn predefined(rest: &Rest) -> Vec<Apply> {
    match rest.api_gateway.get("restApiResources") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|r| Apply {
                path: r.get("path").map(js_string).unwrap_or_default(),
                name: r.get("name").filter(|n| super::truthy(n)).map(js_string),
                resource_id: r.get("resourceId").filter(|v| super::truthy(v)).cloned(),
            })
            .collect(),
        Some(Value::Object(o)) => {
            o.iter().map(|(k, v)| Apply { path: k.clone(), name: None, resource_id: Some(v.clone()).filter(super::truthy) }).collect()
        }
        _ => Vec::new(),
    }
}

fn required(e: &mut EventCtx, path: &str) -> Result<Resources, Stop> {
    let d = Diagnostic::error(
        codes::MISSING_KEY,
        format!("the path `{path}` leads to an existing resource of `restApiResources`, so its own resource id is required"),
    )
    .help(format!("add `/{path}: <resource id>` to `provider.apiGateway.restApiResources`"))
    .at_opt(e.ctx.key_span(&["provider", "apiGateway", "restApiResources"]));
    e.ctx.diags.push(d);
    Err(Stop)
}

/// `getResourcePaths`.
pub(crate) fn resource_paths(e: &mut EventCtx, rest: &Rest) -> Result<Resources, Stop> {
    if let Some(i) = crate::compile::deep_path_over_budget(e.t, rest.events.iter().map(|ev| ev.path.as_str())) {
        let ev = &rest.events[i];
        let key = e.functions[ev.f].key.clone();
        e.report(crate::compile::deep_path_error(&ev.path), &key, ev.index, &["http", "path"]);
        return Err(Stop);
    }
    let mut b = Builder::default();
    let predefined = predefined(rest);
    // v3 calls `predefinedResources.forEach(applyResource)`, so the array index lands in
    // `isMethod`: every existing resource but the first counts as having a method.
    for (i, r) in predefined.iter().enumerate() {
        b.apply(r, i > 0);
    }
    for ev in rest.events.iter() {
        if !ev.path.is_empty() {
            b.apply(&Apply { path: ev.path.clone(), name: None, resource_id: None }, true);
        }
    }
    if b.predefined.is_empty() {
        let trees = b.trees.clone();
        return Ok(b.combine(&trees));
    }
    let predefined_paths: HashSet<&str> = b.predefined.iter().map(|&n| b.nodes[n].path.as_str()).collect();
    if rest.events.iter().all(|ev| predefined_paths.contains(ev.path.as_str())) {
        let mut nodes = Vec::new();
        let mut order: Vec<(String, usize)> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for r in predefined {
            let name = r.name.clone().unwrap_or_else(|| naming::rest_path(&r.path));
            let id = nodes.len();
            nodes.push(Node { path: r.path.clone(), name: Some(name), resource_id: r.resource_id.clone(), ..Node::default() });
            match at.get(&r.path) {
                Some(&i) => order[i].1 = id,
                None => {
                    at.insert(r.path.clone(), order.len());
                    order.push((r.path.clone(), id));
                }
            }
        }
        return Ok(Resources::new(order, nodes));
    }
    let mut sorted = b.predefined.clone();
    sorted.sort_by_key(|&n| b.nodes[n].level);
    for &n in sorted.iter().rev() {
        let mut p = n;
        while let Some(pp) = b.nodes[p].parent {
            if b.nodes[pp].has_method && b.nodes[pp].resource_id.is_none() {
                let path = b.nodes[pp].path.clone();
                return required(e, &path);
            }
            if b.nodes[pp].resource_id.is_some() || b.nodes[pp].children.len() > 1 {
                b.cut_branch(p);
                break;
            }
            p = pp;
        }
    }
    let mut validated: Vec<usize> = Vec::new();
    let mut validated_paths: HashSet<String> = HashSet::new();
    for &node in &b.methods.clone() {
        let mut iter = Some(node);
        while let Some(it) = iter {
            if b.nodes[it].resource_id.is_some() {
                b.cut_branch(it);
                // v3 compares the method's path with the paths of the trees kept so far.
                if !validated_paths.contains(&b.nodes[node].path) {
                    validated_paths.insert(b.nodes[it].path.clone());
                    validated.push(it);
                }
                break;
            }
            if b.nodes[it].is_cut || (b.nodes[it].parent.is_none() && b.nodes[it].level > 0) {
                let path = b.nodes[it].path.clone();
                return required(e, &path);
            }
            if b.nodes[it].parent.is_none() {
                validated_paths.insert(b.nodes[it].path.clone());
                validated.push(it);
                break;
            }
            iter = b.nodes[it].parent;
        }
    }
    Ok(b.combine(&validated))
}

/// `compileResources`: an `AWS::ApiGateway::Resource` for every path without an existing id.
pub(crate) fn compile_resources(e: &mut EventCtx, rest: &mut Rest) {
    let root = rest.root_resource_id();
    let api = rest.rest_api_id();
    let order = rest.resources.order.clone();
    // Logical id -> the first path that had it (paths in `order` are distinct).
    let mut seen: HashMap<String, String> = HashMap::new();
    for (path, n) in order {
        if rest.resources.nodes[n].resource_id.is_some() {
            continue;
        }
        let node = &rest.resources.nodes[n];
        let logical_id = match &node.name {
            Some(name) if node.name_is_path => naming::rest_resource_named(name),
            _ => naming::rest_resource(&path),
        };
        // Path parts are normalized case-insensitively (`/userId` and `/userid` are both
        // `ApiGatewayResourceUserid`): v3 merges such paths into one resource, silently.
        if let Some(first) = seen.get(&logical_id).filter(|p| **p != path) {
            let first = first.clone();
            let at = rest
                .events
                .iter()
                .find(|ev| ev.path == path || ev.path.starts_with(&format!("{path}/")))
                .map(|ev| (e.functions[ev.f].key.clone(), ev.index));
            if let Some((key, index)) = at {
                e.warning(
                    codes::V3_QUIRK,
                    format!("path `/{path}` and path `/{first}` both become resource `{logical_id}`; Serverless v3 merges them into one resource"),
                    &key,
                    index,
                    &["http"],
                );
            }
        }
        seen.entry(logical_id.clone()).or_insert_with(|| path.clone());
        rest.resources.nodes[n].resource_id = Some(json!({"Ref": &logical_id}));
        let mut props = Map::new();
        let parent = match rest.resources.nodes[n].parent {
            Some(p) => rest.resources.nodes[p].resource_id.clone(),
            None => Some(root.clone()),
        };
        if let Some(p) = parent {
            props.insert("ParentId".into(), p);
        }
        props.insert("PathPart".into(), json!(&rest.resources.nodes[n].part));
        props.insert("RestApiId".into(), api.clone());
        e.merge_resource(&logical_id, json!({"Type": "AWS::ApiGateway::Resource", "Properties": props}));
    }
}
