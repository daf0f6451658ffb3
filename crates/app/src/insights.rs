//! A guild's own insights: suggested by members, approved by managers,
//! retired when they no longer help.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{App, UserError};
use domain::insight::{look_alikes, EvidenceSource, Insight, InsightStatus, NewInsight, Segment};

/// What a person typed into the suggestion form.
#[derive(Clone, Debug)]
pub struct Suggestion {
    pub title: String,
    pub customer: String,
    pub segment: String,
    pub story: String,
    pub evidence: String,
    pub source: String,
    pub question: String,
}

/// Which insights `/insight list` shows.
#[derive(Clone, Debug, Default)]
pub struct InsightFilter {
    pub status: Option<InsightStatus>,
    pub segment: Option<Segment>,
    pub source: Option<EvidenceSource>,
}

impl InsightFilter {
    fn matches(&self, i: &Insight) -> bool {
        self.segment.as_ref().is_none_or(|s| *s == i.body.segment) && self.source.is_none_or(|s| s == i.body.source)
    }
}

/// Lines of `/insight list` per page: a page fits one Discord message.
pub const INSIGHTS_PER_PAGE: usize = 15;

pub struct InsightPage {
    pub insights: Vec<Insight>,
    /// How many match, of the guild's own and of the shipped library.
    pub own: usize,
    pub library: usize,
    pub page: usize,
    pub pages: usize,
}

/// How long a suggestion with look-alikes waits for its author to confirm.
const DRAFT_TTL: Duration = Duration::from_secs(15 * 60);
/// Suggestions waiting at once, at most (the oldest go first).
const MAX_DRAFTS: usize = 1_000;

/// Suggestions waiting for their author to confirm them despite look-alikes.
#[derive(Debug, Default)]
pub struct Drafts(Mutex<HashMap<String, Draft>>);

#[derive(Debug)]
struct Draft {
    at: Instant,
    guild_id: u64,
    by: u64,
    manager: bool,
    insight: NewInsight,
}

impl Drafts {
    fn keep(&self, draft: Draft) -> anyhow::Result<String> {
        let key = super::access::new_secret()?;
        let mut drafts = self.0.lock().unwrap();
        drafts.retain(|_, d| d.at.elapsed() < DRAFT_TTL);
        if drafts.len() >= MAX_DRAFTS {
            let oldest = drafts.iter().min_by_key(|(_, d)| d.at).map(|(k, _)| k.clone());
            oldest.map(|k| drafts.remove(&k));
        }
        drafts.insert(key.clone(), draft);
        Ok(key)
    }

    /// The draft, if it is `by`'s and has not expired.
    fn take(&self, key: &str, by: u64) -> Option<Draft> {
        let mut drafts = self.0.lock().unwrap();
        let mine = drafts.get(key).is_some_and(|d| d.by == by && d.at.elapsed() < DRAFT_TTL);
        mine.then(|| drafts.remove(key)).flatten()
    }
}

/// What became of a suggestion.
pub enum Suggested {
    Saved(Box<Insight>),
    /// Not saved yet: these look like it; the author confirms with `draft`.
    LooksLike {
        draft: String,
        look_alikes: Vec<Insight>,
    },
}

impl Suggestion {
    /// The insight it describes, every field checked.
    fn to_insight(&self) -> anyhow::Result<NewInsight> {
        let insight = NewInsight {
            title: self.title.trim().into(),
            customer: self.customer.trim().into(),
            segment: Segment::parse(&self.segment).map_err(UserError)?,
            story: self.story.trim().into(),
            evidence: self.evidence.trim().into(),
            source: EvidenceSource::parse(&self.source).map_err(UserError)?,
            question: self.question.trim().into(),
            tags: vec![],
            is_example: false,
            library_key: None,
            import_key: None,
        };
        insight.check().map_err(UserError)?;
        Ok(insight)
    }
}

impl App {
    /// Adds an insight: live at once from a manager, else pending review.
    /// One that looks like an insight the guild already has is kept aside
    /// for its author to confirm ([`App::confirm_suggestion`]).
    pub async fn suggest_insight(
        &self,
        guild_id: u64,
        by: u64,
        manager: bool,
        s: &Suggestion,
    ) -> anyhow::Result<Suggested> {
        let insight = s.to_insight()?;
        let existing = self.store.list_insights(guild_id, None).await?;
        let look_alikes: Vec<Insight> =
            look_alikes(&insight, &existing, self.prompts.similar_insight).into_iter().cloned().collect();
        if !look_alikes.is_empty() {
            let draft = self.drafts.keep(Draft { at: Instant::now(), guild_id, by, manager, insight })?;
            return Ok(Suggested::LooksLike { draft, look_alikes });
        }
        Ok(Suggested::Saved(Box::new(self.save_suggestion(guild_id, by, manager, insight).await?)))
    }

    /// Saves a suggestion its author confirmed despite its look-alikes.
    pub async fn confirm_suggestion(&self, draft: &str, by: u64) -> anyhow::Result<Insight> {
        let Some(d) = self.drafts.take(draft, by) else {
            return Err(self.refuse("errors.suggestion_expired"));
        };
        self.save_suggestion(d.guild_id, by, d.manager, d.insight).await
    }

    /// Drops a suggestion its author no longer wants saved.
    pub fn drop_suggestion(&self, draft: &str, by: u64) -> bool {
        self.drafts.take(draft, by).is_some()
    }

    async fn save_suggestion(
        &self,
        guild_id: u64,
        by: u64,
        manager: bool,
        insight: NewInsight,
    ) -> anyhow::Result<Insight> {
        let status = if manager { InsightStatus::Live } else { InsightStatus::Pending };
        let id = self.store.add_insight(guild_id, &insight, status, Some(by), self.clock.now()).await?;
        Ok(Insight { id, guild_id: Some(guild_id), body: insight, status, added_by: Some(by) })
    }

    /// An insight the guild sees, by number.
    pub async fn visible_insight(&self, guild_id: u64, id: i64) -> anyhow::Result<Option<Insight>> {
        Ok(self.store.visible_insight(guild_id, id).await?)
    }

    /// Changes an insight's text, segment and source for future posts
    /// (posts made keep theirs). A shipped insight is replaced in this
    /// guild by its own edited copy. Returns the id future posts use.
    pub async fn edit_insight(&self, guild_id: u64, id: i64, edit: &Suggestion, by: u64) -> anyhow::Result<i64> {
        let Some(current) = self.store.visible_insight(guild_id, id).await? else {
            return Err(self.refuse_with("errors.no_such_insight", minijinja::context! { id }));
        };
        let body = NewInsight {
            tags: current.body.tags.clone(),
            import_key: current.body.import_key.clone(),
            ..edit.to_insight()?
        };
        match current.guild_id {
            Some(_) => {
                self.store.edit_insight(guild_id, id, &body, self.clock.now()).await?;
                Ok(id)
            }
            None => Ok(self.store.override_library_insight(guild_id, id, &body, by, self.clock.now()).await?),
        }
    }

    /// One page of the insights a guild sees (its own first, newest first),
    /// filtered, with how many pages the filter gives.
    pub async fn insight_page(
        &self,
        guild_id: u64,
        filter: &InsightFilter,
        page: usize,
    ) -> anyhow::Result<InsightPage> {
        let matching: Vec<Insight> = self
            .store
            .list_insights(guild_id, filter.status)
            .await?
            .into_iter()
            .filter(|i| filter.matches(i))
            .collect();
        let pages = matching.len().div_ceil(INSIGHTS_PER_PAGE).max(1);
        if page == 0 || page > pages {
            return Err(self.refuse_with("errors.no_such_page", minijinja::context! { pages }));
        }
        let own = matching.iter().filter(|i| i.guild_id.is_some()).count();
        let library = matching.len() - own;
        let insights = matching.into_iter().skip((page - 1) * INSIGHTS_PER_PAGE).take(INSIGHTS_PER_PAGE).collect();
        Ok(InsightPage { insights, own, library, page, pages })
    }

    /// A guild's own insights and the shipped library, of one status or all.
    pub async fn list_insights(&self, guild_id: u64, status: Option<InsightStatus>) -> anyhow::Result<Vec<Insight>> {
        Ok(self.store.list_insights(guild_id, status).await?)
    }

    /// The insights a guild sees with what their posts drew there:
    /// (posts, reactions, answers), zero for those never posted.
    pub async fn insights_with_activity(&self, guild_id: u64) -> anyhow::Result<Vec<(Insight, [i64; 3])>> {
        let activity: std::collections::HashMap<i64, [i64; 3]> = self
            .store
            .insight_activity(guild_id)
            .await?
            .into_iter()
            .map(|(id, posts, reactions, answers)| (id, [posts, reactions, answers]))
            .collect();
        let insights = self.store.list_insights(guild_id, None).await?;
        Ok(insights
            .into_iter()
            .map(|i| {
                let drew = activity.get(&i.id).copied().unwrap_or_default();
                (i, drew)
            })
            .collect())
    }

    /// Approves or rejects a pending suggestion; returns it as it was.
    pub async fn review_insight(&self, guild_id: u64, id: i64, approve: bool) -> anyhow::Result<Insight> {
        let insight = self.store.insight(id).await?.filter(|i| i.guild_id == Some(guild_id));
        let Some(insight) = insight.filter(|i| i.status == InsightStatus::Pending) else {
            return Err(self.refuse_with("errors.no_pending_suggestion", minijinja::context! { id }));
        };
        self.store.review_insight(guild_id, id, approve).await?;
        Ok(insight)
    }

    pub async fn retire_insight(&self, guild_id: u64, id: i64, by: u64) -> anyhow::Result<()> {
        if !self.store.retire_insight(guild_id, id, by, self.clock.now()).await? {
            return Err(self.refuse_with("errors.no_live_insight_numbered", minijinja::context! { id }));
        }
        Ok(())
    }
}
