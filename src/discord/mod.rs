//! The Discord edge: connects through serenity and turns gateway events
//! into calls on the app. No business rules live here.

use anyhow::Context as _;
use serenity::all::{Context, EventHandler, GatewayIntents, Guild, HttpBuilder, Ready};
use serenity::async_trait;

use crate::app::App;
use crate::config::Config;

/// Builds serenity's HTTP client. In production it talks to discord.com
/// as usual; `ADVOCATE_DISCORD_ADDR`/`_CA` point "discord.com" at a fake
/// for tests and the demo while keeping serenity's own rate limiter and
/// URLs; `DISCORD_API_PROXY` sends REST through a shared proxy (serenity
/// honours the proxy only with its limiter off).
pub fn build_http(config: &Config) -> anyhow::Result<serenity::http::Http> {
    let token = config.discord_token.as_ref().context("DISCORD_TOKEN is not set")?;
    let mut client = reqwest::Client::builder().use_rustls_tls();
    if let Some(addr) = &config.discord_addr {
        let addr: std::net::SocketAddr = addr
            .parse()
            .with_context(|| format!("ADVOCATE_DISCORD_ADDR `{addr}` is not host:port, e.g. 127.0.0.1:8443"))?;
        client = client.resolve("discord.com", addr);
    }
    if let Some(ca) = &config.discord_ca {
        let pem = std::fs::read(ca).with_context(|| format!("ADVOCATE_DISCORD_CA: cannot read {}", ca.display()))?;
        let cert = reqwest::Certificate::from_pem(&pem)
            .with_context(|| format!("ADVOCATE_DISCORD_CA: {} is not a PEM certificate", ca.display()))?;
        client = client.add_root_certificate(cert);
    }
    let mut http = HttpBuilder::new(token.expose()).client(client.build()?);
    if let Some(proxy) = &config.discord_proxy {
        http = http.proxy(proxy.clone()).ratelimiter_disabled(true);
    }
    Ok(http.build())
}

struct Handler {
    app: App,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
    }

    async fn guild_create(&self, _ctx: Context, guild: Guild, _is_new: Option<bool>) {
        let app = &self.app;
        if let Err(e) = app.store.guild_settings(guild.id.get(), &app.defaults, app.clock.now()).await {
            tracing::error!(guild = guild.id.get(), error = %e, "could not load the guild's settings");
        }
    }
}

/// Connects and serves until the gateway closes or the process is stopped.
pub async fn run(app: App, config: &Config) -> anyhow::Result<()> {
    let http = build_http(config)?;
    let intents = GatewayIntents::GUILDS
        | GatewayIntents::GUILD_MESSAGES
        | GatewayIntents::GUILD_MESSAGE_REACTIONS
        | GatewayIntents::GUILD_SCHEDULED_EVENTS;
    let mut client = serenity::all::ClientBuilder::new_with_http(http, intents)
        .event_handler(Handler { app })
        .await
        .context("setting up the Discord client failed")?;
    client.start_autosharded().await.context("the Discord connection failed; check DISCORD_TOKEN and the network")
}
