//! The queue between the gateway and the handlers of what bursts are made
//! of (thread replies, reactions, new guilds). Its length is bounded by
//! back-pressure: while too many events wait, the shard stops reading its
//! socket, so a burst waits in the network rather than in memory. Events
//! are cut down here to what their handler needs, both as they arrive and
//! as the backfill reads them back.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serenity::all::{ChannelId, Context as SerenityContext, GuildId, Message, MessageId, Reaction, User};
use tokio::sync::mpsc;

use super::{describe, Error};
use app::answers::ThreadMessage;
use app::inflight::{Inflight, Waiting, Working};
use app::App;
use domain::reaction::ReactionEvent;

/// An event waiting for its handler: only what it needs.
pub(super) enum Arrival {
    Reply(ThreadMessage),
    Reaction {
        ctx: serenity::all::Context,
        event: ReactionEvent,
        added: bool,
    },
    /// A GUILD_CREATE: thousands arrive together at start-up.
    Guild {
        id: u64,
        name: String,
    },
}

/// An arrival with its running work and, during an outage, its place
/// among what waits for the database.
struct Queued(Arrival, Working, Option<Waiting>);

/// Handlers running at once, of each kind (these, and the other events'
/// turns); enough to keep the database writer's batches full.
pub(super) const MAX_HANDLERS: usize = 256;

/// Longest the shard stops reading at a time, well within the gateway's
/// heartbeat interval (~41 s) even when handlers are stuck.
const MAX_PAUSE: Duration = Duration::from_secs(1);

/// The sending side, held by the gateway's dispatch.
pub(super) struct Arrivals {
    queue: mpsc::UnboundedSender<Queued>,
    backlog: Arc<Backlog>,
}

/// Events queued and not yet taken by a handler.
struct Backlog {
    queued: AtomicUsize,
    limit: usize,
    work: Arc<Inflight>,
}

impl Arrivals {
    /// The queue, with its handlers running until the sender is dropped
    /// and what was queued is handled. The shard pauses while `limit`
    /// events wait.
    pub(super) fn start(app: App, limit: usize) -> Arrivals {
        let (queue, rx) = mpsc::unbounded_channel();
        let backlog = Arc::new(Backlog { queued: AtomicUsize::new(0), limit, work: app.work.clone() });
        tokio::spawn(handle(app, rx, backlog.clone()));
        Arrivals { queue, backlog }
    }

    /// Queues an arrival. While answers wait out a database outage, it
    /// takes a place among them or, past the bound, is refused (a logged,
    /// counted loss).
    pub(super) fn send(&self, arrival: Arrival, working: Working) {
        let place = match &arrival {
            Arrival::Reply(reply) => self.backlog.work.hold("thread reply", reply.text.len()),
            Arrival::Reaction { event, .. } => self.backlog.work.hold("reaction", event.emoji.len()),
            Arrival::Guild { .. } => Ok(None),
        };
        let Ok(place) = place else { return };
        self.backlog.queued.fetch_add(1, Ordering::Relaxed);
        // Fails only once the handlers stopped, after the client.
        let _ = self.queue.send(Queued(arrival, working, place));
    }

    /// Makes `shard` wait before it hands on each event while the queue is
    /// full: a new session's shard (each READY) is given it.
    pub(super) fn pace(&self, shard: &serenity::all::ShardMessenger) {
        let backlog = self.backlog.clone();
        shard.add_collector(serenity::gateway::CollectorCallback(Box::new(move |_| {
            backlog.pause_while_full();
            true
        })));
    }
}

impl Backlog {
    /// Runs on the shard's own task before each event is dispatched. Not
    /// while answers wait out an outage: the queue is bounded by their
    /// policy then, and commands must still be read.
    fn pause_while_full(&self) {
        let full = || self.queued.load(Ordering::Relaxed) >= self.limit;
        if !full() || self.work.waiting() > 0 {
            return;
        }
        // Only a runtime of several threads can lend the shard's thread
        // (tests run on one: no pause).
        if tokio::runtime::Handle::current().runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
            return;
        }
        metrics::counter!("advocate_gateway_pauses_total").increment(1);
        let until = Instant::now() + MAX_PAUSE;
        tokio::task::block_in_place(|| {
            while full() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(1));
            }
        });
    }
}

/// Handles queued arrivals, at most [`MAX_HANDLERS`] at once, until the
/// queue's sender is gone and the queue is empty.
async fn handle(app: App, mut queue: mpsc::UnboundedReceiver<Queued>, backlog: Arc<Backlog>) {
    let app = Arc::new(app);
    let turns = Arc::new(tokio::sync::Semaphore::new(MAX_HANDLERS));
    while let Some(Queued(arrival, working, place)) = queue.recv().await {
        let turn = turns.clone().acquire_owned().await.expect("the semaphore is never closed");
        backlog.queued.fetch_sub(1, Ordering::Relaxed);
        // Its handler takes a place of its own if it has to wait.
        drop(place);
        let app = app.clone();
        tokio::spawn(async move {
            let (name, handled) = match &arrival {
                Arrival::Reply(reply) => ("message", app.log_thread_reply(reply).await.map(drop)),
                Arrival::Reaction { ctx, event, added } => ("reaction", reaction(ctx, &app, event, *added).await),
                Arrival::Guild { id, name } => ("guild_create", app.guild_joined(*id, name).await),
            };
            if let Err(error) = handled {
                tracing::error!(event = name, error = %describe(&error), "handling an event failed");
            }
            drop((turn, working));
        });
    }
}

/// A new message as it arrives, before it waits for a handler's turn:
/// `None` when it cannot be an answer (a bot's, no text, or in a channel
/// known to hold no meeting), so chatter is dropped at once; otherwise
/// only what logging needs, far smaller than the gateway's message.
/// Messages outside meeting threads are never stored.
pub(super) fn arriving_reply(ctx: &SerenityContext, app: &App, m: &Message) -> Option<ThreadMessage> {
    let guild = m.guild_id?;
    if !app.may_be_meeting(m.channel_id.get()) {
        return None;
    }
    reply_of(ctx, app, guild, m.channel_id, &m.author, m.id, &m.content, Some(m.timestamp))
}

/// A person's message as an answer candidate; `None` for bots and for
/// messages with no text (without Message Content, a reply reaches us
/// only when it mentions the bot, and the mention is not the answer).
#[allow(clippy::too_many_arguments)]
pub(super) fn reply_of(
    ctx: &SerenityContext,
    app: &App,
    guild: GuildId,
    channel: ChannelId,
    author: &User,
    id: MessageId,
    content: &str,
    at: Option<serenity::model::Timestamp>,
) -> Option<ThreadMessage> {
    if author.bot {
        return None;
    }
    let text = if content.contains("<@") {
        let me = ctx.cache.current_user().id;
        content.replace(&format!("<@{me}>"), "").replace(&format!("<@!{me}>"), "")
    } else {
        content.to_string()
    };
    if text.trim().is_empty() {
        return None;
    }
    let at = at.and_then(|t| jiff::Timestamp::from_second(t.unix_timestamp()).ok()).unwrap_or_else(|| app.clock.now());
    Some(ThreadMessage {
        guild_id: guild.get(),
        thread_id: channel.get(),
        user_id: author.id.get(),
        message_id: id.get(),
        text,
        at,
    })
}

/// A reaction as it arrives, cut down to what logging needs; `None`
/// outside guilds.
pub(super) fn arriving_reaction(ctx: &SerenityContext, r: &Reaction, at: jiff::Timestamp) -> Option<ReactionEvent> {
    Some(ReactionEvent {
        on_bot_message: r.message_author_id.map(|author| author == ctx.cache.current_user().id),
        guild_id: r.guild_id?.get(),
        channel_id: r.channel_id.get(),
        message_id: r.message_id.get(),
        user_id: r.user_id?.get(),
        emoji: r.emoji.to_string(),
        at,
    })
}

/// Logs a reaction on one of the bot's own posts; the challenge emoji on
/// an answer in a meeting thread asks it for its data; others are ignored.
pub(super) async fn reaction(ctx: &SerenityContext, app: &App, r: &ReactionEvent, added: bool) -> Result<(), Error> {
    app.log_reaction(r, added).await?;
    if added {
        if let Some((challenged, text)) = app.challenge(r).await? {
            super::evidence::ask(ctx, app, &challenged, &text).await?;
        }
    }
    Ok(())
}
