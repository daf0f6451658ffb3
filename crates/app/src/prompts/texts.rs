//! prompts/texts.toml: every text the bot posts, as minijinja templates.
//! The spec below lists each text, whether it has variants, and the
//! placeholders it may use; anything else in the file is a problem.

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::{AutoEscape, Environment, Value};
use serde::Deserialize;
use toml::Spanned;

use super::{Problem, Source};

/// (section.key, holds a list of variants, placeholders it may use,
/// Discord's length limit for it or 0)
const SPEC: &[(&str, bool, &[&str], usize)] = &[
    ("daily_post.content", false, &["weekday", "date"], 0),
    ("daily_post.title", false, &["title", "customer", "segment"], 256),
    ("daily_post.footer", false, &["source", "is_example"], 0),
    ("daily_post.button", false, &[], 80),
    ("daily_post.customer_label", false, &[], 256),
    ("daily_post.customer_record", false, &["name", "segment", "feedback", "answers", "open"], 1024),
    ("daily_post.evidence_label", false, &[], 256),
    ("daily_post.question_label", false, &[], 256),
    ("answer_modal.title", false, &[], 45),
    ("answer_modal.anonymous_title", false, &[], 45),
    ("answer_modal.anonymous_button", false, &[], 80),
    ("answer_modal.text_label", false, &[], 45),
    ("answer_modal.impact_label", false, &[], 45),
    ("answer_modal.segments_label", false, &[], 45),
    ("answer_modal.customers_label", false, &[], 45),
    ("answer_modal.follow_up_label", false, &[], 45),
    ("answer_modal.thanks", false, &["has_evidence", "has_assumption", "follow_up_id"], 0),
    ("meeting.prompt", true, &["topic", "segment"], 0),
    ("meeting.button", false, &[], 80),
    (
        "meeting.recap",
        false,
        &["topic", "answers", "answerers", "evidence", "assumptions", "follow_ups", "one_voice"],
        0,
    ),
    ("meeting.reminder", false, &["mentions", "topic"], 0),
    ("meeting.open_assumptions", false, &["open"], 0),
    ("answers.challenge", false, &["author", "id", "text"], 2000),
    ("answers.evidence_button", false, &[], 80),
    ("answers.evidence_title", false, &[], 45),
    ("answers.evidence_label", false, &[], 45),
    ("answers.validated", false, &["id"], 2000),
    ("answers.settled", false, &["id", "resolution"], 2000),
    ("follow_ups.loop_closed", false, &["by", "text", "outcome", "customer", "told"], 2000),
    ("follow_ups.customer_waiting", false, &["owner", "id", "text", "customer", "days"], 2000),
    ("meeting.follow_up_due", false, &["owner", "text", "due", "id"], 0),
    ("summary.title", false, &["kind", "period", "week"], 256),
    ("summary.insights", false, &[], 0),
    ("summary.meetings", false, &[], 0),
    ("summary.answers", false, &[], 0),
    ("summary.evidence", false, &[], 0),
    ("summary.segments", false, &[], 0),
    ("summary.missing_segments", false, &[], 0),
    ("summary.follow_ups", false, &[], 0),
    ("summary.outcomes", false, &[], 0),
    ("summary.quotes", false, &[], 0),
    ("summary.days_off", false, &[], 0),
    ("summary.customers", false, &[], 0),
    ("summary.one_voice", false, &["name", "pct"], 0),
    ("summary.segment_share", false, &["segment", "discussion", "feedback", "detractors"], 0),
    ("replies.meeting_opened", false, &["thread"], 2000),
    ("replies.asked_again", false, &[], 2000),
    ("replies.everyone_answered", false, &[], 2000),
    ("replies.reminded", false, &["count"], 2000),
    ("replies.meeting_closed", false, &[], 2000),
    ("replies.insight_posted", false, &[], 2000),
    ("replies.suggestion_live", false, &["id"], 2000),
    ("replies.suggestion_pending", false, &["id"], 2000),
    ("replies.suggestion_outcome", false, &["title", "approved"], 2000),
    ("replies.review_done", false, &["id", "approved"], 2000),
    ("replies.insight_retired", false, &["id"], 2000),
    ("replies.imported", false, &["added", "file", "already", "outcomes", "notes"], 2000),
    ("replies.no_follow_ups", false, &[], 2000),
    ("replies.follow_up_done", false, &["id", "text"], 2000),
    ("replies.customer_list", false, &["count"], 2000),
    ("replies.customer_line", false, &["name", "segment", "open", "answers", "detractor"], 300),
    ("replies.no_customers", false, &[], 2000),
    (
        "replies.customer_card",
        false,
        &[
            "name",
            "aliases",
            "segment",
            "manager",
            "weight",
            "owner",
            "domains",
            "feedback",
            "answers",
            "open_promises",
            "closed_promises",
            "told",
            "score",
            "detractor",
            "last_discussed",
            "stories",
            "open",
        ],
        0,
    ),
    ("replies.customer_added", false, &["name", "segment", "new", "look_alikes"], 2000),
    ("replies.customer_renamed", false, &["name", "aliases"], 2000),
    ("replies.customer_aliases", false, &["name", "aliases"], 2000),
    ("replies.customers_merged", false, &["from", "name", "aliases"], 2000),
    ("replies.customer_segment", false, &["name", "segment"], 2000),
    ("replies.customer_weight", false, &["name", "weight"], 2000),
    ("replies.answer_already_logged", false, &[], 2000),
    ("replies.answer_waiting", false, &[], 2000),
    ("replies.forget_confirm", false, &[], 2000),
    ("replies.forget_button", false, &[], 80),
    ("replies.forgotten", false, &["answers", "reactions", "follow_ups"], 2000),
    ("replies.apology", false, &[], 2000),
    ("replies.help", false, &["message_content"], 2000),
    ("replies.dashboard_link", false, &["url", "minutes"], 2000),
    ("replies.insight_list", false, &["own", "library", "page", "pages"], 2000),
    ("replies.look_alikes", false, &[], 1500),
    ("replies.draft_save", false, &[], 80),
    ("replies.draft_drop", false, &[], 80),
    ("replies.draft_dropped", false, &[], 2000),
    ("replies.edit_form_title", false, &["id"], 45),
    ("replies.insight_edited", false, &["id", "now"], 2000),
    ("replies.insight_line", false, &["id", "title", "customer", "segment", "status"], 2000),
    ("replies.no_suggestions", false, &[], 2000),
    ("replies.review_list", false, &[], 2000),
    ("replies.review_line", false, &["id", "title", "customer", "source", "evidence"], 2000),
    ("replies.follow_up_list", false, &["count"], 2000),
    ("replies.follow_up_line", false, &["id", "text", "owner", "due"], 2000),
    ("replies.more", false, &[], 100),
    ("replies.setting_saved", false, &["setting", "value"], 2000),
    ("replies.channel_set", false, &["channel", "added", "purpose", "time", "segments"], 2000),
    ("replies.skip_added", false, &["id", "days"], 2000),
    ("replies.paused", false, &["from", "until"], 2000),
    ("replies.resumed", false, &[], 2000),
    (
        "replies.privacy_show",
        false,
        &["answers", "reactions", "owned", "created", "hosted", "added", "anonymous_answers"],
        2000,
    ),
    ("suggestion_form.title", false, &[], 45),
    ("suggestion_form.title_label", false, &[], 45),
    ("suggestion_form.customer_label", false, &[], 45),
    ("suggestion_form.story_label", false, &[], 45),
    ("suggestion_form.evidence_label", false, &[], 45),
    ("suggestion_form.question_label", false, &[], 45),
    ("errors.not_allowed", false, &[], 2000),
    ("errors.bad_option", false, &["option", "error"], 2000),
    ("errors.command_changed", false, &[], 2000),
    ("errors.dashboard_off", false, &[], 2000),
    ("errors.managers_only", false, &[], 2000),
    ("errors.manage_server_only", false, &[], 2000),
    ("errors.form_out_of_date", false, &[], 2000),
    ("errors.answer_not_saved", false, &["problem"], 2000),
    ("errors.suggestion_not_saved", false, &["problem"], 2000),
    ("errors.evidence_not_saved", false, &["problem"], 2000),
    ("errors.no_live_insight", false, &[], 2000),
    ("errors.not_the_asker", false, &[], 2000),
    ("errors.all_follow_ups_for_managers", false, &[], 2000),
    ("errors.ask_outside_thread", false, &[], 2000),
    ("errors.not_a_meeting_thread", false, &[], 2000),
    ("errors.no_open_meeting", false, &[], 2000),
    ("errors.blank_topic", false, &[], 2000),
    ("errors.prompt_not_posted", false, &["thread"], 2000),
    ("errors.no_open_challenge", false, &["id"], 2000),
    ("errors.not_evidence_yet", false, &[], 2000),
    ("errors.no_anonymous_answers", false, &[], 2000),
    ("errors.question_closed", false, &[], 2000),
    ("errors.no_holidays", false, &["country", "known"], 2000),
    ("errors.token_name", false, &[], 2000),
    ("errors.no_such_token", false, &["id"], 2000),
    ("errors.no_open_follow_up", false, &["id"], 2000),
    ("errors.not_your_follow_up", false, &["id"], 2000),
    ("errors.outcome_too_long", false, &["length", "max"], 2000),
    ("errors.pause_skips_nothing", false, &["from", "until"], 2000),
    ("errors.suggestion_expired", false, &[], 2000),
    ("errors.no_such_insight", false, &["id"], 2000),
    ("errors.no_such_page", false, &["pages"], 2000),
    ("errors.no_pending_suggestion", false, &["id"], 2000),
    ("errors.no_live_insight_numbered", false, &["id"], 2000),
    ("errors.import_refused", false, &["problems"], 0),
    ("errors.too_many_rows", false, &["max", "rows"], 2000),
    ("errors.file_too_large", false, &["file", "size_kb", "max_kb"], 2000),
    ("errors.download_failed", false, &["file"], 2000),
    ("errors.channel_options_for_insight", false, &[], 2000),
    ("errors.no_such_skip", false, &["id"], 2000),
    ("errors.no_such_customer", false, &["name"], 2000),
    ("errors.bad_customer_name", false, &["name"], 2000),
    ("errors.customer_name_taken", false, &["name", "holder", "customer"], 2000),
    ("errors.merge_itself", false, &["name"], 2000),
    ("errors.bad_customer_weight", false, &["weight"], 2000),
    ("errors.bad_domain", false, &["domain"], 2000),
    ("errors.no_such_edit", false, &["edit", "edits"], 2000),
    ("errors.customer_domain_taken", false, &["domain", "holder"], 2000),
    ("replies.no_skips", false, &[], 2000),
    ("replies.skip_list", false, &[], 1000),
    ("replies.skip_list_more", false, &[], 100),
    ("replies.skip_removed", false, &["id"], 2000),
    ("replies.token_created", false, &["id", "name", "scope", "secret"], 2000),
    ("replies.no_tokens", false, &[], 2000),
    ("replies.token_list", false, &[], 1000),
    ("replies.token_line", false, &["id", "name", "scope", "by", "date"], 2000),
    ("replies.token_revoked", false, &["id"], 2000),
    ("replies.settings", false, &["s", "insight_channels", "pause", "extras", "short_pools"], 0),
    ("pages.unavailable_title", false, &[], 0),
    ("pages.unavailable", false, &[], 0),
    ("pages.signed_out_title", false, &[], 0),
    ("pages.signed_out", false, &[], 0),
    ("pages.not_found_title", false, &[], 0),
    ("pages.not_found", false, &[], 0),
    ("pages.no_such_action", false, &[], 0),
    ("pages.no_such_meeting", false, &[], 0),
    ("pages.no_such_customer", false, &[], 0),
    ("pages.managers_only_title", false, &[], 0),
    ("pages.managers_only", false, &[], 0),
    ("pages.home_title", false, &[], 0),
    ("pages.home", false, &[], 0),
    ("pages.link_used_title", false, &[], 0),
    ("pages.link_used", false, &[], 0),
    ("pages.stale_form_title", false, &[], 0),
    ("pages.stale_form", false, &[], 0),
    ("pages.cannot_export_title", false, &[], 0),
    ("pages.not_done_title", false, &[], 0),
    ("chart.caption", false, &[], 0),
    ("chart.caption_with_nps", false, &[], 0),
    ("chart.answers", false, &[], 0),
    ("chart.meetings", false, &[], 0),
    ("chart.coverage", false, &[], 0),
    ("chart.nps", false, &[], 0),
    ("chart.count_axis", false, &[], 0),
    ("chart.percent_axis", false, &[], 0),
    ("dashboard.brand", false, &[], 0),
    ("dashboard.nav_label", false, &[], 0),
    ("dashboard.overview", false, &[], 0),
    ("dashboard.summary", false, &[], 0),
    ("dashboard.answers", false, &[], 0),
    ("dashboard.meetings", false, &[], 0),
    ("dashboard.follow_ups", false, &[], 0),
    ("dashboard.insights", false, &[], 0),
    ("dashboard.sign_out", false, &[], 0),
    ("dashboard.overview_lead", false, &["weeks", "first", "last", "timezone"], 0),
    ("dashboard.trends", false, &[], 0),
    ("dashboard.as_table", false, &[], 0),
    ("dashboard.week", false, &[], 0),
    ("dashboard.trend_answers", false, &[], 0),
    ("dashboard.trend_evidence", false, &[], 0),
    ("dashboard.trend_coverage", false, &[], 0),
    ("dashboard.trend_engagement", false, &[], 0),
    ("dashboard.trend_follow_ups_open", false, &[], 0),
    ("dashboard.trend_follow_ups_overdue", false, &[], 0),
    ("dashboard.segments_by_week", false, &[], 0),
    ("dashboard.heat_caption", false, &[], 0),
    ("dashboard.segment", false, &[], 0),
    ("dashboard.no_segments", false, &[], 0),
    ("dashboard.nobody_discussed", false, &[], 0),
    ("dashboard.in_these_weeks", false, &["segments"], 0),
    ("dashboard.period", false, &[], 0),
    ("dashboard.period_example", false, &[], 0),
    ("dashboard.show", false, &[], 0),
    ("dashboard.period_help", false, &[], 0),
    ("dashboard.period_lead", false, &["first", "last", "timezone", "noun"], 0),
    ("dashboard.measure", false, &[], 0),
    ("dashboard.this_period", false, &[], 0),
    ("dashboard.before", false, &[], 0),
    ("dashboard.change", false, &[], 0),
    ("dashboard.impact_heading", false, &[], 0),
    ("dashboard.impact_helps", false, &["n"], 0),
    ("dashboard.impact_hurts", false, &["n"], 0),
    ("dashboard.impact_neutral", false, &["n"], 0),
    ("dashboard.impact_unknown", false, &["n"], 0),
    ("dashboard.segments", false, &[], 0),
    ("dashboard.insights_posted", false, &[], 0),
    ("dashboard.no_segment_named", false, &[], 0),
    ("dashboard.not_discussed", false, &[], 0),
    ("dashboard.owners_heading", false, &[], 0),
    ("dashboard.owner", false, &[], 0),
    ("dashboard.open", false, &[], 0),
    ("dashboard.overdue", false, &[], 0),
    ("dashboard.discord_user", false, &["id"], 0),
    ("dashboard.nobody", false, &[], 0),
    ("dashboard.none_open", false, &[], 0),
    ("dashboard.quotes_heading", false, &[], 0),
    ("dashboard.open_in_discord", false, &[], 0),
    ("dashboard.no_quotes", false, &[], 0),
    ("dashboard.voices_heading", false, &[], 0),
    ("dashboard.voices_help", false, &[], 0),
    ("dashboard.share_of_naming", false, &[], 0),
    ("dashboard.one_voice", false, &["name", "pct"], 0),
    ("dashboard.no_customer_named", false, &[], 0),
    ("dashboard.shares_heading", false, &[], 0),
    ("dashboard.shares_help", false, &[], 0),
    ("dashboard.shares_weighted", false, &[], 0),
    ("dashboard.discussion_share", false, &[], 0),
    ("dashboard.feedback_share", false, &[], 0),
    ("dashboard.detractor_share", false, &[], 0),
    ("dashboard.no_shares", false, &[], 0),
    ("dashboard.customers", false, &[], 0),
    ("dashboard.customers_lead", false, &[], 0),
    ("dashboard.sort", false, &[], 0),
    ("dashboard.sort_name", false, &[], 0),
    ("dashboard.sort_open", false, &[], 0),
    ("dashboard.sort_waiting", false, &[], 0),
    ("dashboard.sort_score", false, &[], 0),
    ("dashboard.sort_quiet", false, &[], 0),
    ("dashboard.owner_id", false, &[], 0),
    ("dashboard.quiet_days", false, &[], 0),
    ("dashboard.only_detractors", false, &[], 0),
    ("dashboard.only_open", false, &[], 0),
    ("dashboard.dates_in", false, &["timezone"], 0),
    ("dashboard.feedback", false, &[], 0),
    ("dashboard.scores", false, &[], 0),
    ("dashboard.open_promises", false, &[], 0),
    ("dashboard.waiting_since", false, &[], 0),
    ("dashboard.closed_told", false, &[], 0),
    ("dashboard.last_score", false, &[], 0),
    ("dashboard.last_discussed", false, &[], 0),
    ("dashboard.detractor_waiting", false, &[], 0),
    ("dashboard.customers_first_of", false, &["most", "total"], 0),
    ("dashboard.no_customers", false, &[], 0),
    ("dashboard.back_to_customers", false, &[], 0),
    ("dashboard.detractor_waiting_help", false, &[], 0),
    ("dashboard.weight", false, &[], 0),
    ("dashboard.aliases", false, &[], 0),
    ("dashboard.domains", false, &[], 0),
    ("dashboard.crm_id", false, &[], 0),
    ("dashboard.support_org_id", false, &[], 0),
    ("dashboard.loops_heading", false, &[], 0),
    ("dashboard.loops_help", false, &[], 0),
    ("dashboard.closed_on", false, &[], 0),
    ("dashboard.told", false, &[], 0),
    ("dashboard.before_loop", false, &[], 0),
    ("dashboard.after_loop", false, &[], 0),
    ("dashboard.no_loops", false, &[], 0),
    ("dashboard.timeline_heading", false, &[], 0),
    ("dashboard.kind", false, &[], 0),
    ("dashboard.moment_feedback", false, &[], 0),
    ("dashboard.moment_score", false, &[], 0),
    ("dashboard.moment_post", false, &[], 0),
    ("dashboard.moment_answer", false, &[], 0),
    ("dashboard.moment_promise", false, &[], 0),
    ("dashboard.post_detail", false, &["reactions", "answers"], 0),
    ("dashboard.answer_detail", false, &["impact", "evidence", "assumption"], 0),
    ("dashboard.promise_detail", false, &["closed", "outcome", "told"], 0),
    ("dashboard.no_moments", false, &[], 0),
    ("dashboard.edit_customer", false, &[], 0),
    ("dashboard.edit_customer_help", false, &[], 0),
    ("dashboard.new_value", false, &[], 0),
    ("dashboard.save", false, &[], 0),
    ("dashboard.edit_rename", false, &[], 0),
    ("dashboard.edit_alias", false, &[], 0),
    ("dashboard.edit_merge_into", false, &[], 0),
    ("dashboard.edit_domain", false, &[], 0),
    ("dashboard.edit_segment", false, &[], 0),
    ("dashboard.edit_weight", false, &[], 0),
    ("dashboard.edit_owner", false, &[], 0),
    ("dashboard.edit_crm_id", false, &[], 0),
    ("dashboard.edit_support_org_id", false, &[], 0),
    ("dashboard.filters_help", false, &[], 0),
    ("dashboard.channel_id", false, &[], 0),
    ("dashboard.segment_example", false, &[], 0),
    ("dashboard.impact", false, &[], 0),
    ("dashboard.any", false, &[], 0),
    ("dashboard.helps", false, &[], 0),
    ("dashboard.hurts", false, &[], 0),
    ("dashboard.neutral", false, &[], 0),
    ("dashboard.unknown", false, &[], 0),
    ("dashboard.evidence", false, &[], 0),
    ("dashboard.assumption", false, &[], 0),
    ("dashboard.yes", false, &[], 0),
    ("dashboard.no", false, &[], 0),
    ("dashboard.person_id", false, &[], 0),
    ("dashboard.text", false, &[], 0),
    ("dashboard.filter", false, &[], 0),
    ("dashboard.download_csv", false, &[], 0),
    ("dashboard.every_page", false, &[], 0),
    ("dashboard.newest_first", false, &["timezone"], 0),
    ("dashboard.when", false, &[], 0),
    ("dashboard.who", false, &[], 0),
    ("dashboard.answer", false, &[], 0),
    ("dashboard.anonymous", false, &[], 0),
    ("dashboard.older_answers", false, &[], 0),
    ("dashboard.no_answer_matches", false, &[], 0),
    ("dashboard.opened", false, &[], 0),
    ("dashboard.topic", false, &[], 0),
    ("dashboard.channel", false, &[], 0),
    ("dashboard.people", false, &[], 0),
    ("dashboard.assumptions", false, &[], 0),
    ("dashboard.open_follow_ups", false, &[], 0),
    ("dashboard.no_meetings", false, &[], 0),
    ("dashboard.meeting_lead", false, &["opened", "closed", "timezone"], 0),
    ("dashboard.open_thread", false, &[], 0),
    ("dashboard.recap", false, &[], 0),
    ("dashboard.answers_counted", false, &["n"], 0),
    ("dashboard.nobody_answered", false, &[], 0),
    ("dashboard.anonymous_held", false, &["n"], 0),
    ("dashboard.what", false, &[], 0),
    ("dashboard.due", false, &[], 0),
    ("dashboard.action", false, &[], 0),
    ("dashboard.done", false, &[], 0),
    ("dashboard.mark_done", false, &["id"], 0),
    ("dashboard.first_of", false, &["most", "total"], 0),
    ("dashboard.none", false, &[], 0),
    ("dashboard.follow_ups_lead", false, &["timezone"], 0),
    ("dashboard.done_lately", false, &[], 0),
    ("dashboard.act_on_insight", false, &["action", "id"], 0),
    ("dashboard.pending_heading", false, &["n"], 0),
    ("dashboard.title", false, &[], 0),
    ("dashboard.customer", false, &[], 0),
    ("dashboard.source", false, &[], 0),
    ("dashboard.review", false, &[], 0),
    ("dashboard.approve", false, &[], 0),
    ("dashboard.reject", false, &[], 0),
    ("dashboard.retire", false, &[], 0),
    ("dashboard.no_pending", false, &[], 0),
    ("dashboard.library", false, &[], 0),
    ("dashboard.library_caption", false, &[], 0),
    ("dashboard.status", false, &[], 0),
    ("dashboard.posts", false, &[], 0),
    ("dashboard.reactions", false, &[], 0),
    ("dashboard.shipped", false, &[], 0),
    ("headlines.insight_posts", false, &[], 256),
    ("headlines.post_reactions", false, &[], 256),
    ("headlines.post_answers", false, &[], 256),
    ("headlines.people_engaged", false, &[], 256),
    ("headlines.meetings", false, &[], 256),
    ("headlines.meetings_answered", false, &[], 256),
    ("headlines.coverage_pct", false, &[], 256),
    ("headlines.median_minutes_to_first_answer", false, &[], 256),
    ("headlines.answers", false, &[], 256),
    ("headlines.answerers", false, &[], 256),
    ("headlines.with_evidence", false, &[], 256),
    ("headlines.evidence_pct", false, &[], 256),
    ("headlines.with_assumption", false, &[], 256),
    ("headlines.assumption_pct", false, &[], 256),
    ("headlines.assumptions_challenged", false, &[], 256),
    ("headlines.assumptions_validated", false, &[], 256),
    ("headlines.assumptions_refuted", false, &[], 256),
    ("headlines.assumptions_open", false, &[], 256),
    ("headlines.follow_ups_opened", false, &[], 256),
    ("headlines.follow_ups_done", false, &[], 256),
    ("headlines.follow_ups_open", false, &[], 256),
    ("headlines.follow_ups_overdue", false, &[], 256),
    ("headlines.loops_closed", false, &[], 256),
    ("headlines.customers_told", false, &[], 256),
    ("headlines.median_days_to_close_loop", false, &[], 256),
    ("headlines.nps", false, &[], 256),
    ("headlines.nps_responses", false, &[], 256),
    ("headlines.csat", false, &[], 256),
    ("headlines.csat_responses", false, &[], 256),
    ("headlines.churn_events", false, &[], 256),
    ("headlines.customers_discussed", false, &[], 256),
    ("headlines.customers_heard_from", false, &[], 256),
    ("headlines.detractors", false, &[], 256),
    ("headlines.detractor_loops_closed", false, &[], 256),
    ("import.title", false, &["customer", "segment", "score", "source"], 0),
    ("import.question", false, &["customer", "segment"], 0),
    // Slash commands and their options, as Discord lists them (1–100 characters).
    ("commands.help", false, &[], 100),
    ("commands.insight", false, &[], 100),
    ("commands.insight_today", false, &[], 100),
    ("commands.insight_add", false, &[], 100),
    ("options.insight_add_source", false, &[], 100),
    ("options.insight_add_segment", false, &[], 100),
    ("commands.insight_edit", false, &[], 100),
    ("options.insight_edit_id", false, &[], 100),
    ("options.insight_edit_source", false, &[], 100),
    ("options.insight_edit_segment", false, &[], 100),
    ("commands.insight_list", false, &[], 100),
    ("options.insight_list_segment", false, &[], 100),
    ("options.insight_list_source", false, &[], 100),
    ("options.insight_list_status", false, &[], 100),
    ("options.insight_list_page", false, &[], 100),
    ("commands.insight_review", false, &[], 100),
    ("options.insight_review_id", false, &[], 100),
    ("options.insight_review_decision", false, &[], 100),
    ("commands.insight_retire", false, &[], 100),
    ("options.insight_retire_id", false, &[], 100),
    ("commands.insight_import", false, &[], 100),
    ("options.insight_import_file", false, &[], 100),
    ("options.insight_import_source", false, &[], 100),
    ("options.insight_import_segment", false, &[], 100),
    ("commands.meeting", false, &[], 100),
    ("commands.meeting_start", false, &[], 100),
    ("options.meeting_start_topic", false, &[], 100),
    ("options.meeting_start_segment", false, &[], 100),
    ("commands.meeting_ask", false, &[], 100),
    ("commands.meeting_remind", false, &[], 100),
    ("commands.meeting_close", false, &[], 100),
    ("commands.setup", false, &[], 100),
    ("commands.setup_show", false, &[], 100),
    ("commands.setup_set", false, &[], 100),
    ("options.setup_set_setting", false, &[], 100),
    ("options.setup_set_value", false, &[], 100),
    ("commands.setup_channel", false, &[], 100),
    ("options.setup_channel_purpose", false, &[], 100),
    ("options.setup_channel_channel", false, &[], 100),
    ("options.setup_channel_remove", false, &[], 100),
    ("options.setup_channel_time", false, &[], 100),
    ("options.setup_channel_segments", false, &[], 100),
    ("commands.setup_skip", false, &[], 100),
    ("commands.setup_skip_add", false, &[], 100),
    ("options.setup_skip_add_days", false, &[], 100),
    ("options.setup_skip_add_reason", false, &[], 100),
    ("commands.setup_skip_list", false, &[], 100),
    ("commands.setup_skip_remove", false, &[], 100),
    ("options.setup_skip_remove_id", false, &[], 100),
    ("commands.setup_pause", false, &[], 100),
    ("options.setup_pause_until", false, &[], 100),
    ("commands.setup_resume", false, &[], 100),
    ("commands.setup_api-token", false, &[], 100),
    ("commands.setup_api-token_create", false, &[], 100),
    ("options.setup_api-token_create_name", false, &[], 100),
    ("options.setup_api-token_create_scope", false, &[], 100),
    ("commands.setup_api-token_list", false, &[], 100),
    ("commands.setup_api-token_revoke", false, &[], 100),
    ("options.setup_api-token_revoke_id", false, &[], 100),
    ("commands.summary", false, &[], 100),
    ("options.summary_period", false, &[], 100),
    ("options.summary_channel", false, &[], 100),
    ("commands.dashboard", false, &[], 100),
    ("commands.followups", false, &[], 100),
    ("options.followups_scope", false, &[], 100),
    ("commands.followup", false, &[], 100),
    ("commands.followup_done", false, &[], 100),
    ("options.followup_done_id", false, &[], 100),
    ("options.followup_done_outcome", false, &[], 100),
    ("options.followup_done_told_customer", false, &[], 100),
    ("commands.assumption", false, &[], 100),
    ("commands.assumption_validate", false, &[], 100),
    ("options.assumption_validate_answer", false, &[], 100),
    ("options.assumption_validate_note", false, &[], 100),
    ("commands.assumption_refute", false, &[], 100),
    ("options.assumption_refute_answer", false, &[], 100),
    ("options.assumption_refute_note", false, &[], 100),
    ("options.customer_show_name", false, &[], 100),
    ("options.customer_add_name", false, &[], 100),
    ("options.customer_add_segment", false, &[], 100),
    ("options.customer_rename_name", false, &[], 100),
    ("options.customer_rename_new_name", false, &[], 100),
    ("options.customer_alias_name", false, &[], 100),
    ("options.customer_alias_alias", false, &[], 100),
    ("options.customer_merge_from", false, &[], 100),
    ("options.customer_merge_into", false, &[], 100),
    ("options.customer_segment_name", false, &[], 100),
    ("options.customer_segment_segment", false, &[], 100),
    ("options.customer_weight_name", false, &[], 100),
    ("options.customer_weight_weight", false, &[], 100),
    ("commands.privacy", false, &[], 100),
    ("commands.privacy_show", false, &[], 100),
    ("commands.privacy_forget", false, &[], 100),
    ("commands.customer", false, &[], 100),
    ("commands.customer_show", false, &[], 100),
    ("commands.customer_add", false, &[], 100),
    ("commands.customer_rename", false, &[], 100),
    ("commands.customer_alias", false, &[], 100),
    ("commands.customer_merge", false, &[], 100),
    ("commands.customer_segment", false, &[], 100),
    ("commands.customer_weight", false, &[], 100),
];

/// The keys of the spec's texts in `section` (`commands`, …).
pub fn keys_in(section: &str) -> impl Iterator<Item = &'static str> + '_ {
    SPEC.iter().filter_map(move |(name, ..)| name.strip_prefix(section)?.strip_prefix('.'))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    One(String),
    Many(Vec<String>),
}

/// The loaded texts, each compiled once.
#[derive(Debug)]
pub struct Texts {
    env: Environment<'static>,
    variants: BTreeMap<&'static str, usize>,
}

impl Texts {
    /// Renders a text; `ctx` is built with `minijinja::context!`.
    pub fn render(&self, key: &str, ctx: Value) -> String {
        self.render_name(key, ctx)
    }

    /// Renders a text that has no placeholders.
    pub fn text(&self, key: &str) -> String {
        self.render_name(key, Value::UNDEFINED)
    }

    /// Whether the spec has a text `key` (a dynamic key, such as a
    /// command's, checked before it is used).
    pub fn has(&self, key: &str) -> bool {
        self.env.get_template(key).is_ok()
    }

    /// How many variants a list text has.
    pub fn variant_count(&self, key: &str) -> usize {
        self.variants.get(key).copied().unwrap_or(0)
    }

    /// Renders variant `n` (wrapping around) of a list text.
    pub fn render_variant(&self, key: &str, n: usize, ctx: Value) -> String {
        let count = self.variant_count(key).max(1);
        self.render_name(&format!("{key}#{}", n % count), ctx)
    }

    fn render_name(&self, name: &str, ctx: Value) -> String {
        // Every template was compiled and its placeholders checked at load,
        // so a failure here is a bug worth logging, not a user's problem.
        self.env.get_template(name).and_then(|t| t.render(ctx)).unwrap_or_else(|e| {
            tracing::error!(text = name, error = %e, "rendering a prompts text failed");
            String::new()
        })
    }
}

type FileShape = BTreeMap<String, BTreeMap<String, Spanned<Text>>>;

pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Texts, Vec<Problem>> {
    let source = Source { path: path.as_ref(), text };
    let file: FileShape = toml::from_str(text).map_err(|e| vec![source.toml_problem(&e)])?;
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    let mut variants = BTreeMap::new();
    let mut problems = Vec::new();

    for (section, keys) in &file {
        for (key, value) in keys {
            let name = format!("{section}.{key}");
            if !SPEC.iter().any(|(k, ..)| *k == name) {
                problems.push(source.problem(value.span().start, format!("unknown text `{name}`; is it misspelt?")));
            }
        }
    }
    for &(name, many, vars, max) in SPEC {
        let (section, key) = name.split_once('.').expect("spec names are section.key");
        let Some(value) = file.get(section).and_then(|s| s.get(key)) else {
            problems.push(source.problem(text.len(), format!("missing text `{key}` in [{section}]")));
            continue;
        };
        let at = |msg: String| source.problem(value.span().start, msg);
        let templates = match (value.get_ref(), many) {
            (Text::One(t), false) => vec![(name.to_string(), t.clone())],
            (Text::Many(list), true) if !list.is_empty() => {
                variants.insert(name, list.len());
                list.iter().enumerate().map(|(i, t)| (format!("{name}#{i}"), t.clone())).collect()
            }
            (_, false) => {
                problems.push(at(format!("`{name}` must be one string")));
                continue;
            }
            (_, true) => {
                problems.push(at(format!("`{name}` must be a list of one or more strings")));
                continue;
            }
        };
        for (template_name, body) in templates {
            if let Err(msg) = add_template(&mut env, template_name, body, vars, max) {
                problems.push(at(format!("`{name}`: {msg}")));
            }
        }
    }
    if problems.is_empty() {
        Ok(Texts { env, variants })
    } else {
        Err(problems)
    }
}

fn add_template(
    env: &mut Environment<'static>,
    name: String,
    body: String,
    vars: &[&str],
    max: usize,
) -> Result<(), String> {
    env.add_template_owned(name.clone(), body).map_err(|e| e.to_string())?;
    let template = env.get_template(&name).map_err(|e| e.to_string())?;
    let mut unknown: Vec<_> =
        template.undeclared_variables(false).into_iter().filter(|v| !vars.contains(&v.as_str())).collect();
    if unknown.is_empty() {
        // A text without placeholders renders the same every time, so
        // Discord's limit on it can be checked now.
        let len = template.render(()).map(|t| t.chars().count()).unwrap_or(0);
        if max > 0 && vars.is_empty() && len > max {
            return Err(format!("is {len} characters; Discord allows {max} here"));
        }
        if max > 0 && vars.is_empty() && len == 0 {
            return Err("is empty; Discord needs at least one character here".into());
        }
        return Ok(());
    }
    unknown.sort();
    let allowed = if vars.is_empty() { "none".to_string() } else { vars.join(", ") };
    Err(format!("unknown placeholder {}; this text may use: {allowed}", unknown.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn shipped_text() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../prompts/texts.toml")).unwrap()
    }

    #[test]
    fn shipped_texts_render_with_placeholders() {
        let texts = parse("texts.toml", &shipped_text()).unwrap();
        let title = texts
            .render("daily_post.title", context! { title => "Slow exports", customer => "Acme", segment => "smb" });
        assert!(title.contains("Acme"), "{title}");
        assert!(texts.variant_count("meeting.prompt") >= 3);
        let prompt = texts.render_variant("meeting.prompt", 0, context! { topic => "pricing" });
        assert!(prompt.to_lowercase().contains("customer"), "{prompt}");
    }

    #[test]
    fn unknown_placeholder_is_reported_on_its_line() {
        let text = shipped_text().replace("{{ customer }}", "{{ custmer }}");
        let problems = parse("texts.toml", &text).unwrap_err();
        let first = problems[0].to_string();
        assert!(first.contains("unknown placeholder custmer") && first.contains("may use: title, customer"), "{first}");
        let line = text.lines().position(|l| l.contains("custmer")).unwrap() + 1;
        assert!(first.starts_with(&format!("texts.toml:{line}:")), "{first}");
    }

    #[test]
    fn template_syntax_error_is_reported() {
        let text = shipped_text().replace("{{ customer }}", "{{ customer ");
        let problems = parse("texts.toml", &text).unwrap_err();
        assert!(problems.iter().any(|p| p.message.contains("daily_post.title")), "{problems:?}");
    }

    #[test]
    fn an_over_long_label_is_refused() {
        let text = shipped_text()
            .replace("title = \"How does this affect customers?\"", &format!("title = \"{}\"", "x".repeat(46)));
        let problems = parse("texts.toml", &text).unwrap_err();
        assert!(problems[0].message.contains("is 46 characters; Discord allows 45"), "{problems:?}");
    }

    /// Every `"section.key"` the code renders, from its source.
    fn keys_used_in_code() -> Vec<(String, String)> {
        let key = r#""([a-z_]+\.[a-z_]+)""#;
        let call = regex::Regex::new(&format!(
            r#"\b(?:text|render|render_variant|refuse|refuse_with)\(\s*{key}|\bnotice\(\s*StatusCode::[A-Z_]+,\s*{key},\s*{key}"#
        ))
        .unwrap();
        let keys = |c: regex::Captures| c.iter().skip(1).flatten().map(|k| k.as_str().to_string()).collect::<Vec<_>>();
        let files = rust_files(&["src", "crates"]);
        files
            .iter()
            .flat_map(|(path, code)| call.captures_iter(code).flat_map(keys).map(|k| (path.clone(), k)))
            .collect()
    }

    /// The Rust files below these folders of the workspace: (path, text).
    fn rust_files(folders: &[&str]) -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs: Vec<_> = folders.iter().map(|d| root.join(d)).collect();
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        files
    }

    /// Where a string literal would reach a person (a reply, a refusal, a
    /// label, a page's notice), in the code outside its tests.
    const USER_VISIBLE: &str = r#"UserError\(\s*(format!\()?"|reply_private\(\s*ctx,\s*(format!\()?"|\.content\(\s*(format!\()?"|\.label\(\s*"|\.title\(\s*"|\.description\(\s*"|\.caption\(\s*"|\.y_desc\(\s*"|pages\.message\([^,]+,\s*"|listing\(\s*"|CreateEmbedFooter::new\(\s*"|CreateButton::new\([^)]*\)\s*\.label\(\s*""#;

    #[test]
    fn no_user_visible_text_is_written_in_the_code() {
        let pattern = regex::Regex::new(USER_VISIBLE).unwrap();
        let files = rust_files(&["src", "crates/app/src", "crates/discord/src", "crates/web/src"]);
        let mut found = Vec::new();
        for (path, code) in &files {
            let code = code.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate().filter(|(_, l)| pattern.is_match(l)) {
                found.push(format!("{path}:{}: {}", n + 1, line.trim()));
            }
        }
        assert!(files.len() > 60, "the scan reads the code: {} files", files.len());
        assert!(found.is_empty(), "texts a person sees belong in prompts/texts.toml:\n{}", found.join("\n"));
    }

    #[test]
    fn the_literal_scan_sees_a_reply_written_in_code() {
        let pattern = regex::Regex::new(USER_VISIBLE).unwrap();
        assert!(pattern.is_match(r#"reply_private(ctx, "No skipped days").await"#));
        assert!(pattern.is_match(r#"return Err(UserError(format!("there is no skip #{id}")).into());"#));
        assert!(pattern.is_match(r#"web.pages.message(StatusCode::NOT_FOUND, "Not found", "There is no such page.")"#));
        assert!(!pattern.is_match(r#"reply_private(ctx, texts.text("replies.no_skips")).await"#));
        assert!(!pattern.is_match(r#"tracing::warn!("a button this version does not know")"#));
    }

    #[test]
    fn every_text_the_code_uses_exists() {
        let used = keys_used_in_code();
        assert!(used.len() > 40, "the scan finds the code's texts: {}", used.len());
        let unknown: Vec<_> = used.iter().filter(|(_, key)| !SPEC.iter().any(|(k, ..)| k == key)).collect();
        assert!(unknown.is_empty(), "texts used in code but not in prompts/texts.toml: {unknown:?}");
    }

    #[test]
    fn missing_and_misspelt_texts_are_reported() {
        let text = shipped_text().replace("button =", "buton =");
        let problems: Vec<String> = parse("texts.toml", &text).unwrap_err().iter().map(|p| p.message.clone()).collect();
        assert!(problems.iter().any(|p| p.contains("unknown text `daily_post.buton`")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("missing text `button` in [daily_post]")), "{problems:?}");
    }
}
