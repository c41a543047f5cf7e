//! The Mosaïque Canada profile as served under `/hsds/schema` and `/hsds/profile`: the
//! merged schemas written by `scripts/hsds-profile --publish`, and the profile's patches.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use rust_embed::RustEmbed;
use serde_json::{Value, json};

#[derive(RustEmbed)]
#[folder = "schema/"]
struct Merged;

#[derive(RustEmbed)]
#[folder = "../../docs/hsds/profile/"]
struct Patches;

/// The profile's documentation, served at the profile URI.
pub const PROFILE_DOC: &str = include_str!("../../../docs/hsds/README.md");

/// A merged schema file by its path under `/hsds/schema/` (`service.json`,
/// `openapi.json`, `compiled/service.json`…). The inlined `compiled/` files are built on
/// first use instead of being shipped (they weigh 18 MB).
pub fn file(path: &str) -> Option<Cow<'static, [u8]>> {
    if !path.ends_with(".json") {
        return None;
    }
    if let Some(f) = Merged::get(path) {
        return Some(f.data);
    }
    let name = path.strip_prefix("compiled/")?;
    compiled()
        .get(name)
        .map(|bytes| Cow::Borrowed(bytes.as_slice()))
}

/// A patch of the profile by file name (`service.json`…).
pub fn patch(name: &str) -> Option<Cow<'static, [u8]>> {
    Patches::get(name).map(|f| f.data)
}

/// The names of the profile's patch files.
pub fn patch_names() -> Vec<String> {
    let mut names: Vec<String> = Patches::iter().map(|n| n.into_owned()).collect();
    names.sort();
    names
}

fn json_file(name: &str) -> Value {
    Merged::get(name)
        .and_then(|f| serde_json::from_slice(&f.data).ok())
        .unwrap_or(Value::Null)
}

/// The profile's tabular datapackage descriptor (table names, paths and columns).
pub fn datapackage() -> &'static Value {
    static DATAPACKAGE: OnceLock<Value> = OnceLock::new();
    DATAPACKAGE.get_or_init(|| json_file("datapackage.json"))
}

/// The columns of a table of the datapackage, by its CSV path (`services.csv`), in order.
pub fn columns(path: &str) -> &'static [String] {
    static COLUMNS: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let all = COLUMNS.get_or_init(|| {
        datapackage()["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| {
                let fields = r["schema"]["fields"].as_array()?;
                let names = fields
                    .iter()
                    .filter_map(|f| f["name"].as_str().map(str::to_owned))
                    .collect();
                Some((r["path"].as_str()?.to_owned(), names))
            })
            .collect()
    });
    all.get(path).map_or(&[], Vec::as_slice)
}

/// Replaces every `{"$ref": "<file>.json", …}` by that schema, inlined in turn; sibling
/// keywords override the referenced schema's (as `hsds_schema_tools` compiles).
fn inline(node: &Value, stack: &mut Vec<String>) -> Value {
    match node {
        Value::Array(items) => Value::Array(items.iter().map(|v| inline(v, stack)).collect()),
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str)
                && !reference.starts_with('#')
                && !stack.iter().any(|s| s == reference)
            {
                let target = json_file(reference);
                stack.push(reference.to_owned());
                let mut out = inline(&target, stack);
                stack.pop();
                if let Value::Object(out_map) = &mut out {
                    for (k, v) in map {
                        if k != "$ref" {
                            out_map.insert(k.clone(), inline(v, stack));
                        }
                    }
                }
                return out;
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline(v, stack)))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// The large compiled files, as `scripts/hsds-profile` writes them (its `compile_schemas`).
fn compiled() -> &'static HashMap<String, Vec<u8>> {
    static COMPILED: OnceLock<HashMap<String, Vec<u8>>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let mut out = HashMap::new();
        let service = inline(&json_file("service.json"), &mut Vec::new());
        let mut organization = json_file("organization.json");
        organization["properties"]["services"] =
            json!({"type": "array", "items": {"$ref": "service.json"}});
        let organization = inline(&organization, &mut Vec::new());
        let mut sal = json_file("service_at_location.json");
        sal["properties"]["service"] = json!({"name": "service", "$ref": "service.json"});
        let mut sal = inline(&sal, &mut Vec::new());
        if let Some(props) = sal["properties"]["service"]["properties"].as_object_mut() {
            props.remove("service_at_locations");
        }
        for (name, schema) in [
            ("service", service),
            ("organization", organization),
            ("service_at_location", sal),
        ] {
            let package = json!({"type": "array", "items": schema});
            for (file, value) in [
                (format!("{name}.json"), &package["items"]),
                (format!("{name}_package.json"), &package),
            ] {
                let mut text = serde_json::to_vec_pretty(value).unwrap_or_default();
                text.push(b'\n');
                out.insert(file, text);
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_tree_has_the_served_files() {
        for f in [
            "service.json",
            "openapi.json",
            "datapackage.json",
            "compiled/service_list.json",
        ] {
            assert!(file(f).is_some(), "{f}");
        }
        assert!(patch("location.json").is_some());
        assert!(patch_names().contains(&"openapi.json".to_owned()));
        assert!(file("../Cargo.toml").is_none());
        assert_eq!(
            columns("services.csv").first().map(String::as_str),
            Some("id")
        );
        assert!(columns("locations.csv").contains(&"confidential".to_owned()));
    }

    #[test]
    fn compiled_schemas_inline_every_file_reference() {
        for name in [
            "service.json",
            "organization_package.json",
            "service_at_location.json",
        ] {
            let bytes = file(&format!("compiled/{name}")).expect(name);
            let text = std::str::from_utf8(&bytes).expect("utf-8");
            assert!(!text.contains("\"$ref\": \""), "{name} still has a $ref");
            let v: Value = serde_json::from_str(text).expect("json");
            assert!(v.is_object());
        }
        let sal: Value =
            serde_json::from_slice(&file("compiled/service_at_location.json").expect("sal"))
                .expect("json");
        assert!(sal["properties"]["service"]["properties"]["service_at_locations"].is_null());
        assert!(sal["properties"]["location"]["properties"]["confidential"].is_object());
    }
}
