//! End to end on both databases: an anonymous answer leaves no trace of
//! its author in any table, export, summary or recap.

mod common;

use common::bot::{eventually, Harness};
use common::team::Team;
use fake_discord::Command;

#[tokio::test]
async fn an_anonymous_answer_leaves_no_trace_of_its_author() {
    for db in common::stores().await {
        let backend = db.backend;
        let mut h = Harness::new(db, "2026-11-23T10:00:00Z").await;
        h.start_bot(true).await;
        let t = Team::add(&h, ["Olga", "Lee", "Carol"], "product");
        let (owner, carol, guild, channel) = (t.owner, t.member, t.guild, t.channel);
        let say = |user, command: Command| {
            let fake = &h.fake;
            async move { fake.response_message(fake.slash(user, channel, &command).unwrap()).await.unwrap().content }
        };
        let set = Command::new("setup").sub("set").opt("setting", "anonymous_answers").opt("value", "on");
        assert!(say(owner, set).await.contains("Saved"));
        say(owner, Command::new("meeting").sub("start").opt("topic", "Exports")).await;
        let thread = h.fake.threads_in(channel).last().unwrap().id;
        let prompt = h
            .fake
            .wait_for("the prompt", |s| {
                s.messages.values().find(|m| m.channel_id == thread && !m.buttons().is_empty()).cloned()
            })
            .await
            .unwrap();
        let anonymous = prompt.buttons().into_iter().find(|b| b.ends_with(":anon")).expect("an anonymous button");

        let click = h.fake.click(carol, prompt.id, &anonymous).unwrap();
        let form = h.fake.response(click).await.unwrap();
        let fields = form.callbacks[0]["data"]["components"].to_string();
        assert!(!fields.contains("follow_up"), "{backend}: no follow-up to own on an anonymous answer");
        let text = "Acme asked twice; 12 tickets mention the export";
        let submit = h.fake.submit_modal(carol, thread, &form.modal_id().unwrap(), &[("text", text)]).unwrap();
        assert!(h.fake.response_message(submit).await.unwrap().content.contains("logged"), "{backend}");
        let week = domain::period::Period::parse("2026-W48").unwrap();
        let report = eventually("the answer counted", || async {
            let r = h.app.report(guild, Some(week), None).await.unwrap();
            (r.this_week.headline.answers == 1).then_some(r)
        })
        .await;

        let id = carol.to_string();
        let holding = common::columns_holding(&h.db, &id).await;
        assert!(holding.is_empty(), "{backend}: the author's id is stored in {holding:?}");
        for format in [app::report::Format::Md, app::report::Format::Json] {
            let out = report.render(format).unwrap();
            assert!(!out.contains(&id), "{backend}: {out}");
        }
        assert!(report.this_week.quotes.is_empty(), "{backend}: never quoted");
        let filters = app::explore::Filters { period: Some("2026-W48".into()), ..Default::default() };
        let filter = h.app.answer_filter(guild, &filters).await.unwrap();
        let csv = String::from_utf8(h.app.answers_csv(&filter).await.unwrap()).unwrap();
        assert!(csv.contains(text) && csv.contains("anonymous") && !csv.contains(&id), "{backend}: {csv}");
        let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap().id;
        let (_, listed, counted_only) = h.app.meeting_with_answers(guild, meeting).await.unwrap().unwrap();
        assert_eq!((listed.len(), counted_only), (0, 1), "{backend}: alone in its meeting, it is not listed");
        let mine = h.app.personal_data(guild, carol).await.unwrap();
        assert!(mine.answers.is_empty(), "{backend}: not in the author's own export");
        let close = h.fake.slash(owner, thread, &Command::new("meeting").sub("close")).unwrap();
        let recap = h.fake.response_message(close).await.unwrap().content;
        let posted = h.fake.messages_in(thread).last().unwrap().content.clone();
        assert!(!recap.contains(&id) && !posted.contains(&id) && posted.contains("1 answer"), "{backend}: {posted}");
        h.finish().await;
    }
}
