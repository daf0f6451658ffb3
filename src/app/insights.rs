//! A guild's own insights: suggested by members, approved by managers,
//! retired when they no longer help.

use super::{App, UserError};
use crate::domain::insight::{EvidenceSource, Insight, InsightStatus, NewInsight, Segment};

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

impl App {
    /// Adds an insight: live at once from a manager, else pending review.
    pub async fn suggest_insight(
        &self,
        guild_id: u64,
        by: u64,
        manager: bool,
        s: &Suggestion,
    ) -> anyhow::Result<Insight> {
        let insight = NewInsight {
            title: s.title.trim().into(),
            customer: s.customer.trim().into(),
            segment: Segment::parse(&s.segment).map_err(UserError)?,
            story: s.story.trim().into(),
            evidence: s.evidence.trim().into(),
            source: EvidenceSource::parse(&s.source).map_err(UserError)?,
            question: s.question.trim().into(),
            tags: vec![],
            is_example: false,
            library_key: None,
            import_key: None,
        };
        insight.check().map_err(UserError)?;
        let status = if manager { InsightStatus::Live } else { InsightStatus::Pending };
        let id = self.store.add_insight(guild_id, &insight, status, Some(by), self.clock.now()).await?;
        Ok(Insight { id, guild_id: Some(guild_id), body: insight, status, added_by: Some(by) })
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
            crate::user_error!("There is no pending suggestion #{id}; /insight review lists them.");
        };
        self.store.review_insight(guild_id, id, approve).await?;
        Ok(insight)
    }

    pub async fn retire_insight(&self, guild_id: u64, id: i64, by: u64) -> anyhow::Result<()> {
        if !self.store.retire_insight(guild_id, id, by, self.clock.now()).await? {
            crate::user_error!("There is no insight #{id} here that is still live; /insight list shows their numbers.");
        }
        Ok(())
    }
}
