// The shipped prompts/ are compiled in as the default: rebuild when they change.
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=../../prompts");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../prompts");
    let mut files = vec!["texts.toml".to_string(), "patterns.toml".to_string(), "holidays.csv".to_string()];
    let mut insights: Vec<String> = std::fs::read_dir(root.join("insights"))
        .expect("prompts/insights exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".toml"))
        .map(|name| format!("insights/{name}"))
        .collect();
    insights.sort();
    files.extend(insights);
    let mut code = String::from(
        "/// The shipped prompts: (path inside prompts/, text).\npub const SHIPPED: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let path = root.join(file);
        writeln!(code, "    ({file:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("shipped_prompts.rs");
    std::fs::write(out, code).unwrap();
}
