//! End to end on both databases: an NPS export imported in Discord gives
//! each week's summary its NPS, as worked out by hand here.

mod common;

use common::bot::Harness;
use common::team::Team;
use domain::period::Period;
use fake_discord::Command;

/// 200 NPS responses over the four weeks from Monday 2 November 2026 (half
/// with a comment, half a bare score) and one churned customer a week.
fn export() -> (String, Vec<(i64, i64, i64)>) {
    let mut csv = String::from("Company,NPS,Feedback,Date,Source\n");
    // (responses, promoters, detractors) per week
    let mut weeks = vec![(0, 0, 0); 4];
    for i in 0..200i64 {
        let score = (i * 7 + 3) % 11;
        let day = 2 + i % 28;
        let comment = if i % 2 == 0 { format!("Reply {i}: onboarding took a while") } else { String::new() };
        csv.push_str(&format!("Customer {},{score},{comment},2026-11-{day:02},nps\n", i % 37));
        let week = &mut weeks[((day - 2) / 7) as usize];
        week.0 += 1;
        week.1 += i64::from(score >= 9);
        week.2 += i64::from(score <= 6);
    }
    for week in 0..4 {
        csv.push_str(&format!("Lost Co {week},,\"We moved to a cheaper tool\",2026-11-{:02},churn\n", 3 + week * 7));
    }
    (csv, weeks)
}

#[tokio::test]
async fn an_nps_export_gives_each_weeks_summary_its_nps_and_churn() {
    for db in common::stores().await {
        let backend = db.backend;
        let mut h = Harness::new(db, "2026-12-01T10:00:00Z").await;
        h.start_bot(true).await;
        let t = Team::add(&h, ["Olga", "Lee", "Mo"], "product");
        let (owner, guild, channel) = (t.owner, t.guild, t.channel);
        let (csv, weeks) = export();
        let file = h.fake.upload("nps.csv", csv.as_bytes());
        let import = Command::new("insight").sub("import").opt("file", file);
        let reply = h.fake.response_message(h.fake.slash(owner, channel, &import).unwrap()).await.unwrap().content;
        assert!(
            reply.contains("Imported 104 insight(s)") && reply.contains("204 score(s) and churn event(s)"),
            "{backend}: {reply}"
        );
        // The same file again adds nothing.
        let again = h.fake.response_message(h.fake.slash(owner, channel, &import).unwrap()).await.unwrap().content;
        assert!(again.contains("Imported 0 insight(s)") && !again.contains("score(s)"), "{backend}: {again}");

        for (n, (responses, promoters, detractors)) in weeks.into_iter().enumerate() {
            let week = Period::parse(&format!("2026-W{}", 45 + n)).unwrap();
            let report = h.app.report(guild, Some(week), None).await.unwrap();
            let headline = &report.this_week.headline;
            let by_hand = ((promoters - detractors) as f64 * 100.0 / responses as f64 * 10.0).round() / 10.0;
            assert_eq!(headline.nps_responses, responses, "{backend}: week {week}");
            assert_eq!(
                headline.nps,
                Some(by_hand),
                "{backend}: week {week}: {promoters} promoters, {detractors} detractors of {responses}"
            );
            assert_eq!(headline.churn_events, 1, "{backend}: week {week}");
            assert_eq!((headline.csat, headline.csat_responses), (None, 0));
        }
        let report = h.app.report(guild, Some(Period::parse("2026-W45").unwrap()), None).await.unwrap();
        let md = report.render(app::report::Format::Md).unwrap();
        assert!(md.contains("| NPS (imported) |"), "{md}");
        let channel_only = h.app.report(guild, Some(Period::parse("2026-W45").unwrap()), Some(channel)).await.unwrap();
        assert_eq!(channel_only.this_week.headline.nps_responses, 0, "outcomes are the guild's, not a channel's");
        h.finish().await;
    }
}
