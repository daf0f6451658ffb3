//! The customer of the day: the insights a channel may be shown and how a
//! post reads. Which channels are due and the claim that gives a channel
//! one post per local day across restarts are in `jobs.rs`.

use jiff::Timestamp;
use minijinja::context;

use super::App;
use domain::insight::Insight;
use domain::post::InsightPost;
use domain::rotation::Candidate;
use domain::settings::GuildSettings;

/// A post ready to send, in plain parts the Discord edge lays out.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedPost {
    pub post: InsightPost,
    /// The line above the embed, with the role mention if one is set.
    pub content: String,
    pub mention_role: Option<u64>,
    pub title: String,
    pub story: String,
    /// (name, value) pairs.
    pub fields: Vec<(String, String)>,
    pub footer: String,
    pub button: String,
    /// The anonymous answer button's label, when the guild takes them.
    pub anonymous_button: Option<String>,
}

impl App {
    /// The insights a channel may be shown: the guild's pool, only the
    /// channel's segments if it has some.
    pub async fn channel_pool(&self, settings: &GuildSettings, channel_id: u64) -> anyhow::Result<Vec<Candidate>> {
        let mut pool = self.store.rotation_pool(settings.guild_id).await?;
        if let Some(channel) = settings.insight_channel(channel_id) {
            pool.retain(|c| channel.shows(&c.segment));
        }
        Ok(pool)
    }

    pub async fn render_post(&self, post: &InsightPost) -> anyhow::Result<RenderedPost> {
        let insight: Insight = self
            .store
            .insight(post.insight_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("insight {} is gone", post.insight_id))?;
        let settings = self.settings(post.guild_id).await?;
        let texts = &self.prompts.texts;
        let i = &insight.body;
        let weekday = format!("{:?}", post.local_date.weekday());
        Ok(RenderedPost {
            post: post.clone(),
            content: texts.render("daily_post.content", context! { weekday, date => post.local_date.to_string() }),
            mention_role: settings.mention_role.filter(|_| post.daily),
            title: texts.render(
                "daily_post.title",
                context! { title => i.title, customer => i.customer, segment => i.segment.as_str() },
            ),
            story: i.story.clone(),
            fields: vec![
                (texts.text("daily_post.customer_label"), self.customer_line(post.guild_id, &insight).await?),
                (texts.text("daily_post.evidence_label"), format!("{} ({})", i.evidence, i.source.label())),
                (texts.text("daily_post.question_label"), i.question.clone()),
            ],
            footer: texts
                .render("daily_post.footer", context! { source => i.source.label(), is_example => i.is_example }),
            button: texts.text("daily_post.button"),
            anonymous_button: settings.anonymous_answers.then(|| texts.text("answer_modal.anonymous_button")),
        })
    }

    /// The post's customer as the guild's record has them, with what the
    /// team has heard and owes them (their public side: no scores); the
    /// library's example customers are no one's record.
    async fn customer_line(&self, guild_id: u64, insight: &Insight) -> anyhow::Result<String> {
        let i = &insight.body;
        let plain = format!("{} · #{}", i.customer, i.segment);
        let found = match insight.guild_id {
            Some(_) => self.store.find_customer(guild_id, &i.customer).await?,
            None => None,
        };
        let Some(customer) = found.map(|id| self.store.customer(guild_id, id)) else { return Ok(plain) };
        let Some(customer) = customer.await? else { return Ok(plain) };
        let tally = self.store.customer_tally(guild_id, customer.id).await?;
        let record = context! {
            name => customer.name, segment => i.segment.as_str(), feedback => tally.feedback,
            answers => tally.answers, open => tally.open_promises,
        };
        Ok(self.prompts.texts.render("daily_post.customer_record", record))
    }

    pub async fn mark_posted(&self, post_id: i64, message_id: u64, now: Timestamp) -> anyhow::Result<()> {
        Ok(self.store.mark_posted(post_id, message_id, now).await?)
    }
}
