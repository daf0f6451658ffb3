//! The Discord edge: serenity and poise. Events and interactions become
//! calls on the app; results become messages. No business rules here.

mod answer;
mod arrivals;
mod backfill;
mod commands;
mod components;
mod events;
mod evidence;
pub mod limits;
pub mod members;
mod pace;
mod posts;
mod summary;

use std::sync::Arc;

use anyhow::Context as _;
use serenity::all::{ClientBuilder, CreateAllowedMentions, GatewayIntents, HttpBuilder, ShardManager};

use self::arrivals::{Arrival, Arrivals, MAX_HANDLERS};
use app::config::Config;
use app::App;

/// Shared state of every handler.
pub struct Data {
    pub app: App,
    pub message_content: bool,
    /// Downloads attachments (CSV imports).
    pub web: reqwest::Client,
    /// Talking to a fake Discord (tests, the demo): no invite link to show.
    pub offline: bool,
}

pub type Error = anyhow::Error;

/// Every embed's accent: a calm blue.
const EMBED_COLOUR: u32 = 0x3b82f6;
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Builds serenity's HTTP client. In production it talks to discord.com
/// as usual; `ADVOCATE_DISCORD_ADDR`/`_CA` point "discord.com" at a fake
/// for tests and the demo while keeping serenity's own rate limiter and
/// URLs; `DISCORD_API_PROXY` sends REST through a shared proxy (serenity
/// honours the proxy only with its limiter off). Nothing the bot sends
/// pings anyone unless a message says so itself.
pub fn build_http(config: &Config) -> anyhow::Result<serenity::http::Http> {
    let token = config.discord_token.as_ref().context("DISCORD_TOKEN is not set")?;
    let mut http = HttpBuilder::new(token.expose())
        .client(web_client(config)?)
        .default_allowed_mentions(CreateAllowedMentions::new());
    if let Some(proxy) = &config.discord_proxy {
        http = http.proxy(proxy.clone()).ratelimiter_disabled(true);
    }
    Ok(http.build())
}

/// The HTTPS client for Discord's API and its attachment CDN; with the
/// test settings both hosts are reached at the fake.
pub fn web_client(config: &Config) -> anyhow::Result<reqwest::Client> {
    let mut client = reqwest::Client::builder().use_rustls_tls().timeout(config.reliability.http_timeout);
    if let Some(addr) = &config.discord_addr {
        let addr: std::net::SocketAddr = addr
            .parse()
            .with_context(|| format!("ADVOCATE_DISCORD_ADDR `{addr}` is not host:port, e.g. 127.0.0.1:8443"))?;
        client = client.resolve("discord.com", addr).resolve("cdn.discordapp.com", addr);
    }
    if let Some(ca) = &config.discord_ca {
        let pem = std::fs::read(ca).with_context(|| format!("ADVOCATE_DISCORD_CA: cannot read {}", ca.display()))?;
        let cert = reqwest::Certificate::from_pem(&pem)
            .with_context(|| format!("ADVOCATE_DISCORD_CA: {} is not a PEM certificate", ca.display()))?;
        client = client.add_root_certificate(cert);
    }
    Ok(client.build()?)
}

const BASE_INTENTS: GatewayIntents = GatewayIntents::GUILDS
    .union(GatewayIntents::GUILD_MESSAGES)
    .union(GatewayIntents::GUILD_MESSAGE_REACTIONS)
    .union(GatewayIntents::GUILD_SCHEDULED_EVENTS);

/// A connected bot; `shutdown` closes the gateway.
pub struct Running {
    pub shards: Arc<ShardManager>,
    pub task: tokio::task::JoinHandle<Result<(), serenity::Error>>,
}

impl Running {
    /// Closes every shard by `deadline`. serenity 0.12 returns from
    /// `shutdown_all` at once when no shard is connected (one is
    /// reconnecting), and its client then never ends: it is stopped here.
    pub async fn shutdown(mut self, deadline: tokio::time::Instant) {
        let _ = tokio::time::timeout_at(deadline, self.shards.shutdown_all()).await;
        if tokio::time::timeout_at(deadline, &mut self.task).await.is_err() {
            tracing::warn!("the gateway did not close in time; dropping the connection");
            self.task.abort();
        }
    }
}

/// Every event, commands included, counts as running work from the moment
/// it arrives until its handler ends, so a stop can wait for it. serenity
/// spawns a task per event and has no back-pressure, so a burst must not
/// leave its tasks waiting: a new message, a reaction or a new guild (what
/// bursts are made of) is cut down to what its handler needs, or dropped
/// at once when it cannot be an answer, and queued for its handler
/// ([`arrivals`]), which ends serenity's task (and frees its copy of the
/// event) at once. Other events wait for one of [`MAX_HANDLERS`] turns.
struct Tracked {
    inner: poise::Framework<Data, Error>,
    app: App,
    turns: tokio::sync::Semaphore,
    arrivals: Arrivals,
}

type Dispatch<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

#[serenity::async_trait]
impl serenity::framework::Framework for Tracked {
    async fn init(&mut self, client: &serenity::Client) {
        self.inner.init(client).await
    }

    // Written out rather than `async fn`: the triage runs before the
    // future is made, so the event is not kept in it.
    fn dispatch<'s, 'a>(&'s self, ctx: serenity::all::Context, event: serenity::all::FullEvent) -> Dispatch<'a>
    where
        's: 'a,
        Self: 'a,
    {
        use serenity::all::FullEvent;
        let working = self.app.work.start();
        metrics::counter!("advocate_gateway_events_total", "event" => event.snake_case_name()).increment(1);
        let arrival = match &event {
            FullEvent::Message { new_message } => {
                arrivals::arriving_reply(&ctx, &self.app, new_message).map(Arrival::Reply)
            }
            FullEvent::ReactionAdd { add_reaction: r } | FullEvent::ReactionRemove { removed_reaction: r } => {
                let added = matches!(event, FullEvent::ReactionAdd { .. });
                arrivals::arriving_reaction(&ctx, r, self.app.clock.now()).map(|event| Arrival::Reaction {
                    ctx: ctx.clone(),
                    event,
                    added,
                })
            }
            FullEvent::GuildCreate { guild, .. } => {
                Some(Arrival::Guild { id: guild.id.get(), name: guild.name.clone() })
            }
            _ => {
                if let FullEvent::Ready { .. } = event {
                    self.arrivals.pace(&ctx.shard);
                }
                return Box::pin(async move {
                    let _working = working;
                    let _turn = self.turns.acquire().await;
                    self.inner.dispatch(ctx, event).await
                });
            }
        };
        if let Some(arrival) = arrival {
            self.arrivals.send(arrival, working);
        }
        Box::pin(std::future::ready(()))
    }
}

/// Members' standing for the web pages, read from Discord.
pub fn members(config: &Config, clock: app::clock::Clock) -> anyhow::Result<members::DiscordMembers> {
    Ok(members::DiscordMembers::new(Arc::new(build_http(config)?), clock))
}

/// What the scheduler sends through: its own HTTP client, so scheduled
/// sends never queue behind a command's requests.
pub fn poster(config: &Config, prompts: Arc<app::prompts::Prompts>) -> anyhow::Result<posts::DiscordPoster> {
    let pace = pace::Pace::per_second(config.discord_rate);
    Ok(posts::DiscordPoster { http: Arc::new(build_http(config)?), prompts, pace })
}

/// serenity's cache keeps only what the bot reads from it: its own user
/// (always kept). Guilds, channels, members and messages come with the
/// events and interactions that need them, so thousands of guilds cost
/// no copies of their member lists and channels.
fn lean_cache() -> serenity::cache::Settings {
    let mut settings = serenity::cache::Settings::default();
    settings.cache_guilds = false;
    settings.cache_channels = false;
    settings.cache_users = false;
    settings.max_messages = 0;
    settings
}

/// Connects with or without the Message Content intent.
pub async fn start(app: App, config: &Config, message_content: bool) -> anyhow::Result<Running> {
    let http = build_http(config)?;
    let intents = if message_content { BASE_INTENTS | GatewayIntents::MESSAGE_CONTENT } else { BASE_INTENTS };
    let dev_guild = config.dev_guild;
    let web = web_client(config)?;
    let tracked_app = app.clone();
    let health = app.health.clone();
    let offline = config.discord_addr.is_some();
    let framework = poise::Framework::builder()
        .initialize_owners(false)
        .options(poise::FrameworkOptions {
            commands: commands::all(&app.prompts.texts),
            on_error: |e| Box::pin(on_error(e)),
            pre_command: |ctx| {
                Box::pin(async move {
                    let guild = ctx.guild_id().map(|g| g.get());
                    tracing::debug!(command = %ctx.command().qualified_name, guild, "command");
                })
            },
            event_handler: |ctx, event, _framework, data| Box::pin(events::handle(ctx, event, data)),
            allowed_mentions: Some(CreateAllowedMentions::new()),
            ..Default::default()
        })
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match dev_guild {
                    Some(guild) => poise::builtins::register_in_guild(ctx, commands, guild.into()).await?,
                    None => poise::builtins::register_globally(ctx, commands).await?,
                }
                Ok(Data { app, message_content, web, offline })
            })
        })
        .build();
    let arrivals = Arrivals::start(tracked_app.clone(), config.reliability.event_backlog);
    let turns = tokio::sync::Semaphore::new(MAX_HANDLERS);
    let mut client = ClientBuilder::new_with_http(http, intents)
        .cache_settings(lean_cache())
        .framework(Tracked { inner: framework, app: tracked_app, turns, arrivals })
        .await
        .context("setting up the Discord client failed")?;
    let shards = client.shard_manager.clone();
    let shards_to_run = config.shards;
    let watch = watch_shards(shards.clone(), health);
    let task = tokio::spawn(async move {
        let run = async {
            match shards_to_run {
                // serenity takes the range's end as the last shard, inclusive.
                Some(s) => client.start_shard_range(s.first..s.last, s.total).await,
                None => client.start_autosharded().await,
            }
        };
        tokio::select! {
            ended = run => ended,
            never = watch => match never {},
        }
    });
    Ok(Running { shards, task })
}

/// How often `/healthz`'s view of the shards is refreshed.
const SHARD_WATCH: std::time::Duration = std::time::Duration::from_secs(1);

/// Keeps the health's view of each shard current from serenity's shard
/// manager, which drops a shard's runner while its connection is remade
/// (serenity tells only event handlers of stage changes, not the
/// framework, and an event handler costs a task per event).
async fn watch_shards(shards: Arc<ShardManager>, health: Arc<app::health::Health>) -> std::convert::Infallible {
    let mut tick = tokio::time::interval(SHARD_WATCH);
    loop {
        tick.tick().await;
        let runners = shards.runners.lock().await;
        let connected = runners.iter().map(|(id, r)| (id.0, r.stage == serenity::gateway::ConnectionStage::Connected));
        health.set_shards(&connected.collect());
    }
}

/// Runs until `stop` completes, then closes the gateway within the
/// configured shutdown timeout and returns when that timeout ends, so the
/// rest of the stop keeps to it. Without the Message Content intent
/// enabled in the developer portal, it reconnects without it.
pub async fn serve(
    app: App,
    config: &Config,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<tokio::time::Instant> {
    let mut message_content = true;
    tokio::pin!(stop);
    loop {
        let mut running = start(app.clone(), config, message_content).await?;
        let result = tokio::select! {
            result = &mut running.task => result?,
            _ = &mut stop => {
                tracing::info!(timeout = ?config.reliability.shutdown_timeout, "stopping: finishing work in progress");
                let deadline = tokio::time::Instant::now() + config.reliability.shutdown_timeout;
                running.shutdown(deadline).await;
                return Ok(deadline);
            }
        };
        match result {
            Err(serenity::Error::Gateway(serenity::gateway::GatewayError::DisallowedGatewayIntents))
                if message_content =>
            {
                tracing::warn!(
                    "the Message Content intent is not enabled for this bot in the Discord developer portal; \
                     running without it: answers come through the Answer button, and thread replies are \
                     logged only when they mention the bot"
                );
                message_content = false;
            }
            Err(e) => return Err(e).context("the Discord connection failed; check DISCORD_TOKEN and the network"),
            Ok(()) => return Ok(tokio::time::Instant::now() + config.reliability.shutdown_timeout),
        }
    }
}

/// An error as the logs need it: for a refused Discord request, the HTTP
/// status, method, URL and Discord's code and message (serenity's own
/// text leaves out the status, and is unreadable for a 5xx HTML page).
pub fn describe(error: &anyhow::Error) -> String {
    use serenity::http::HttpError;
    for cause in error.chain() {
        if let Some(serenity::Error::Http(HttpError::UnsuccessfulRequest(r))) = cause.downcast_ref() {
            let path = r.url.split("/api/v10").nth(1).unwrap_or(&r.url);
            metrics::counter!("advocate_discord_errors_total", "status" => r.status_code.as_u16().to_string())
                .increment(1);
            let message = match r.error.code {
                -1 => "no error body".to_string(),
                code => format!("{} (code {code})", r.error.message),
            };
            return format!("Discord answered {} to {} {path}: {message}", r.status_code, r.method);
        }
    }
    format!("{error:#}")
}

/// Every command error becomes a reply the user understands: their own
/// mistakes say what to do; our failures are logged and apologised for.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let text = match app::user_message(&error) {
                Some(problem) => problem.to_string(),
                None => {
                    tracing::error!(command = %ctx.command().qualified_name, error = %describe(&error), "command failed");
                    ctx.data().app.prompts.texts.text("replies.apology")
                }
            };
            let _ = ctx.send(poise::CreateReply::default().content(text).ephemeral(true)).await;
        }
        poise::FrameworkError::CommandCheckFailed { error, ctx, .. } => {
            let text = error.map_or_else(|| ctx.data().app.prompts.texts.text("errors.not_allowed"), |e| e.to_string());
            let _ = ctx.send(poise::CreateReply::default().content(text).ephemeral(true)).await;
        }
        poise::FrameworkError::ArgumentParse { error, input, ctx, .. } => {
            let problem = minijinja::context! { option => input, error => error.to_string() };
            let text = ctx.data().app.prompts.texts.render("errors.bad_option", problem);
            let _ = ctx.send(poise::CreateReply::default().content(text).ephemeral(true)).await;
        }
        poise::FrameworkError::CommandStructureMismatch { description, ctx, .. } => {
            tracing::error!(command = %ctx.command.qualified_name, description, "Discord's command differs from ours");
            let text = ctx.data.app.prompts.texts.text("errors.command_changed");
            let _ =
                poise::send_application_reply(ctx, poise::CreateReply::default().content(text).ephemeral(true)).await;
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(event = event.snake_case_name(), error = %describe(&error), "handling an event failed");
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "reporting an error failed");
            }
        }
    }
}
