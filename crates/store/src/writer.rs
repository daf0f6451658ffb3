//! The write path for gateway events. Answers and reactions that arrive
//! while a commit is under way are written together in the next
//! transaction (answers as one multi-row statement), and each caller
//! hears back only after its rows are committed. The driver's per-query
//! cost, not the disk, is what limits one row per transaction.

use std::time::Instant;

use tokio::sync::{mpsc, oneshot};

use super::{Pool, Result};
use domain::answer::{AnswerIds, NewAnswer};
use domain::reaction::ReactionEvent;

enum Write {
    Answer(NewAnswer, oneshot::Sender<Result<Option<AnswerIds>>>),
    Reaction(ReactionEvent, oneshot::Sender<Result<bool>>),
}

#[derive(Clone, Debug)]
pub(super) struct Writer(mpsc::UnboundedSender<Write>, Pool);

/// Most writes one transaction takes, so a burst still commits steadily.
const MAX_BATCH: usize = 1024;

impl Writer {
    /// Writes through `pool`, one batch at a time: a second writer would
    /// split the batches and cost more CPU than it saves waiting (SQLite
    /// has one writer whatever the number; PostgreSQL measured no faster).
    pub(super) fn spawn(pool: Pool) -> Writer {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(write_loop(pool.clone(), rx));
        Writer(tx, pool)
    }

    pub(super) async fn close(&self) {
        super::on_pool!(@pool &self.1, p => p.close().await)
    }

    pub(super) async fn answer(&self, a: NewAnswer) -> Result<Option<AnswerIds>> {
        self.ask(|reply| Write::Answer(a, reply)).await
    }

    pub(super) async fn reaction(&self, r: ReactionEvent) -> Result<bool> {
        self.ask(|reply| Write::Reaction(r, reply)).await
    }

    /// Queues a write and waits for its commit.
    async fn ask<T>(&self, write: impl FnOnce(oneshot::Sender<Result<T>>) -> Write) -> Result<T> {
        let (reply, committed) = oneshot::channel();
        self.0.send(write(reply)).map_err(|_| sqlx::Error::PoolClosed)?;
        committed.await.unwrap_or(Err(sqlx::Error::PoolClosed))
    }
}

/// The writes waiting now (at least one), or `None` once every sender is gone.
async fn next_batch(rx: &mut mpsc::UnboundedReceiver<Write>) -> Option<Vec<Write>> {
    let mut batch = vec![rx.recv().await?];
    // The callers the last commit woke send their next writes as soon as
    // they run: let them, so that these join this batch.
    tokio::task::yield_now().await;
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(next) => batch.push(next),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Writes batches as they come.
async fn write_loop(pool: Pool, mut rx: mpsc::UnboundedReceiver<Write>) {
    while let Some(batch) = next_batch(&mut rx).await {
        let (mut answers, mut answered, mut reactions, mut reacted) = (vec![], vec![], vec![], vec![]);
        for write in batch {
            match write {
                Write::Answer(a, reply) => {
                    answers.push(a);
                    answered.push(reply);
                }
                Write::Reaction(r, reply) => {
                    reactions.push(r);
                    reacted.push(reply);
                }
            }
        }
        let answer_refs: Vec<&NewAnswer> = answers.iter().collect();
        let reaction_refs: Vec<&ReactionEvent> = reactions.iter().collect();
        let started = Instant::now();
        let written = pool.write_batch(&answer_refs, &reaction_refs).await;
        metrics::histogram!("advocate_db_write_seconds").record(started.elapsed().as_secs_f64());
        match written {
            Ok((ids, logged)) => {
                answered.into_iter().zip(ids).for_each(|(reply, id)| drop(reply.send(Ok(id))));
                reacted.into_iter().zip(logged).for_each(|(reply, done)| drop(reply.send(Ok(done))));
            }
            // The database is locked, full or away: every caller hears so
            // and retries later (waiting here would only wait again).
            Err(e) if super::is_transient(&e) => {
                let shown = e.to_string();
                let mut first = Some(e);
                let mut error =
                    || first.take().unwrap_or_else(|| sqlx::Error::Io(std::io::Error::other(shown.clone())));
                answered.into_iter().for_each(|reply| drop(reply.send(Err(error()))));
                reacted.into_iter().for_each(|reply| drop(reply.send(Err(error()))));
            }
            // One bad row must not lose the others: retry each alone.
            Err(_) => {
                for (a, reply) in answer_refs.into_iter().zip(answered) {
                    let _ = reply.send(pool.write_batch(&[a], &[]).await.map(|(mut ids, _)| ids.remove(0)));
                }
                for (r, reply) in reaction_refs.into_iter().zip(reacted) {
                    let _ = reply.send(pool.write_batch(&[], &[r]).await.map(|(_, mut logged)| logged.remove(0)));
                }
            }
        }
    }
}
