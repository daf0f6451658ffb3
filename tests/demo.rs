//! `advocate demo` runs offline and its report matches its script.

#[tokio::test]
async fn the_demo_week_reports_what_its_script_did() {
    std::env::set_var("ADVOCATE_PROMPTS", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"));
    let run = advocate::demo::run(None).await.unwrap();
    for (what, script, report) in run.checks() {
        assert_eq!(script, report, "{what}");
    }
    let s = &run.script;
    assert_eq!((s.insight_posts, s.meetings, s.answers, s.post_reactions), (10, 2, 6, 2), "the script itself");
    let text = advocate::demo::render(&run).unwrap();
    assert!(text.contains("| Answers | 6 |") && !text.contains("MISMATCH"), "{text}");
}
