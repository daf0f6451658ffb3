//! Checks requests against Discord's official OpenAPI spec: an operation
//! must exist for the method and path, and a JSON body must validate
//! against its request schema.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

pub const SPEC_ENV: &str = "ADVOCATE_DISCORD_OPENAPI";

pub struct OpenApi {
    doc: Value,
    /// (METHOD, path template segments, JSON pointer of the operation)
    operations: Vec<(String, Vec<String>, String)>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

fn spec_path() -> PathBuf {
    std::env::var(SPEC_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/discord-api/openapi.json"))
}

/// The spec, loaded once; `None` (said once) when it is not there. In CI
/// (`CI` set) a missing spec is a failure: conformance must be checked.
pub fn spec() -> Option<&'static OpenApi> {
    static SPEC: OnceLock<Option<OpenApi>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        match std::fs::read(&path) {
            Ok(bytes) => Some(OpenApi::new(serde_json::from_slice(&bytes).expect("the OpenAPI spec is JSON"))),
            Err(e) if required() => panic!(
                "Discord's OpenAPI spec is missing at {} ({e}); with CI or ADVOCATE_REQUIRE_OPENAPI=1 set, \
                 conformance must be checked (the spec comes from Discord's discord-api-spec repository)",
                path.display()
            ),
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: Discord's OpenAPI spec is missing at {} ({e}): requests are NOT checked for conformance. \
                     Set {SPEC_ENV} or place ../shared beside the repo.",
                    path.display()
                );
                None
            }
        }
    })
    .as_ref()
}

/// CI, or a developer who asks, must check conformance, never skip it.
fn required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var("ADVOCATE_REQUIRE_OPENAPI").is_ok_and(|v| v == "1")
}

fn escape(pointer_part: &str) -> String {
    pointer_part.replace('~', "~0").replace('/', "~1")
}

impl OpenApi {
    fn new(doc: Value) -> OpenApi {
        let mut operations = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in ["get", "put", "post", "patch", "delete"] {
                if item.get(method).is_some() {
                    let segments = path.trim_matches('/').split('/').map(str::to_string).collect();
                    let pointer = format!("/paths/{}/{method}", escape(path));
                    operations.push((method.to_uppercase(), segments, pointer));
                }
            }
        }
        OpenApi { doc, operations, validators: Mutex::new(HashMap::new()) }
    }

    /// The operation for a request, preferring templates with more
    /// literal segments (`/messages/bulk-delete` over `/messages/{id}`).
    fn operation(&self, method: &str, path: &str) -> Option<&str> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|(m, segs, _)| {
                m == method
                    && segs.len() == parts.len()
                    && segs.iter().zip(&parts).all(|(s, p)| s.starts_with('{') || s == p)
            })
            .max_by_key(|(_, segs, _)| segs.iter().filter(|s| !s.starts_with('{')).count())
            .map(|(_, _, pointer)| pointer.as_str())
    }

    pub fn check(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(), String> {
        let op = self.operation(method, path).ok_or_else(|| format!("no operation {method} {path} in the spec"))?;
        let Some(body) = body else { return Ok(()) };
        let body = &serenity_gaps(body);
        let schema_pointer = format!("{op}/requestBody/content/application~1json/schema");
        if self.doc.pointer(&schema_pointer).is_none() {
            return Err("the spec defines no JSON body for this operation".into());
        }
        let validator = self.validator(&schema_pointer)?;
        let errors: Vec<String> =
            validator.iter_errors(body).take(3).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!("body does not match the spec: {}", errors.join("; ")))
        }
    }

    fn validator(&self, pointer: &str) -> Result<Arc<jsonschema::Validator>, String> {
        if let Some(v) = self.validators.lock().unwrap().get(pointer) {
            return Ok(v.clone());
        }
        // The whole document is the root so that its internal $refs resolve.
        let mut root = self.doc.clone();
        // A URI fragment: braces in path templates must be percent-encoded.
        let fragment = pointer.replace('%', "%25").replace('{', "%7B").replace('}', "%7D");
        root["$ref"] = Value::String(format!("#{fragment}"));
        root["$schema"] = Value::String("https://json-schema.org/draft/2020-12/schema".into());
        let validator =
            Arc::new(jsonschema::validator_for(&root).map_err(|e| format!("the spec's schema does not compile: {e}"))?);
        self.validators.lock().unwrap().insert(pointer.to_string(), validator.clone());
        Ok(validator)
    }
}

/// The known gaps between serenity and the spec, where serenity sends
/// what Discord's own documentation shows and Discord accepts:
/// - serenity 0.12 numbers a message's new files 0, 1, … in
///   `attachments[].id` as JSON integers, while the spec types every id
///   as a snowflake string: those ids are read as strings;
/// - a command's `default_member_permissions` is a permission bit set in
///   a string (the documentation's `?string`), which the spec types as an
///   integer: a string of digits there is read as its number.
///
/// Everything else is checked as sent.
fn serenity_gaps(body: &Value) -> Value {
    let mut body = body.clone();
    // A message body, or an interaction callback's `data`.
    for pointer in ["/attachments", "/data/attachments"] {
        if let Some(list) = body.pointer_mut(pointer).and_then(Value::as_array_mut) {
            for a in list {
                if let Some(id) = a.get("id").and_then(Value::as_u64) {
                    a["id"] = Value::String(id.to_string());
                }
            }
        }
    }
    // One command, or the list a bulk registration sends.
    let commands = match &mut body {
        Value::Array(list) => list.iter_mut().collect(),
        one => vec![one],
    };
    for command in commands {
        if let Some(bits) = command.get("default_member_permissions").and_then(Value::as_str) {
            if let Ok(bits) = bits.parse::<u64>() {
                command["default_member_permissions"] = Value::from(bits);
            }
        }
    }
    body
}
