//! `advocate demo` runs offline and its report matches its script.

#[tokio::test]
async fn the_demo_week_reports_what_its_script_did() {
    std::env::set_var("ADVOCATE_PROMPTS", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"));
    let run = advocate::demo::run().await.unwrap();
    assert_eq!(run.report.this_week, run.script);
    let s = &run.script;
    assert_eq!((s.insight_posts, s.meetings, s.answers, s.reactions), (10, 2, 6, 3), "the script itself");
    let text = advocate::demo::render(&run).unwrap();
    assert!(text.contains("matches what the script did") && text.contains("| Answers | 6 |"), "{text}");
}
