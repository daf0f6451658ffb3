//! The `advocate` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use app::clock::Clock;
use app::config::{Config, SETTINGS};
use app::import::{parse_mapping, ImportOptions};
use app::prompts;
use app::report::{self, Format};
use app::App;
use domain::insight::{EvidenceSource, Segment};
use domain::period::Period;
use domain::settings::parse_id;
use domain::time::IsoWeek;

#[derive(Parser, Debug)]
#[command(name = "advocate", version, about = "A Discord bot that keeps the customer in every team conversation.",
    after_help = settings_help())]
pub struct Cli {
    /// Configuration file (default: advocate.toml in this folder, if present).
    #[arg(long, global = true, value_name = "FILE", env = "ADVOCATE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the bot (needs DISCORD_TOKEN).
    Run,
    /// Apply database migrations and exit (also done by `run`); safe to repeat.
    Migrate,
    /// Check the prompts files.
    Prompts {
        #[command(subcommand)]
        command: PromptsCommand,
    },
    /// Import customer feedback (NPS, survey or support export, CSV) as a guild's insights.
    ImportFeedback(ImportArgs),
    /// Print a guild's weekly numbers.
    Report(ReportArgs),
    /// List the guilds (servers) in the database: id, name, last activity.
    Guilds,
    /// Try Advocate offline: a fake Discord, the real bot, one simulated week.
    Demo {
        /// Keep the demo's database in this (new) file, to try `advocate report` on it.
        #[arg(long, value_name = "FILE")]
        keep: Option<PathBuf>,
    },
}

impl Command {
    /// The bot and the demo log their work; other commands print a result.
    pub fn is_long_running(&self) -> bool {
        matches!(self, Command::Run | Command::Demo { .. })
    }
}

#[derive(Subcommand, Debug)]
pub enum PromptsCommand {
    /// Load and check every prompts file; exit non-zero on any problem.
    Check {
        /// Folder to check (default: ADVOCATE_PROMPTS, else the built-in prompts).
        dir: Option<PathBuf>,
    },
    /// Write the built-in prompts into a folder to edit; then point
    /// ADVOCATE_PROMPTS at it.
    Export {
        /// An empty or new folder.
        dir: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The CSV file; its first row names the columns.
    pub file: PathBuf,
    /// The Discord guild (server) id the insights belong to.
    #[arg(long, value_parser = guild_id, allow_hyphen_values = true)]
    pub guild: u64,
    /// Map a column to a field: customer, segment, score, comment, date or source.
    /// Repeat for each column, e.g. --map "Account Name=customer".
    #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = parse_mapping)]
    pub map: Vec<(String, String)>,
    /// Evidence source for rows without a source column.
    #[arg(long, default_value = "nps_survey", value_parser = EvidenceSource::parse)]
    pub source: EvidenceSource,
    /// Segment for rows without a segment column.
    #[arg(long, default_value = "unknown", value_parser = Segment::parse)]
    pub segment: Segment,
    /// Leave a column out (as --map "COLUMN=ignore"); repeat for each.
    #[arg(long, value_name = "COLUMN")]
    pub ignore: Vec<String>,
    /// The dates' pattern when they are not YYYY-MM-DD, e.g. %m/%d/%Y or %d.%m.%Y.
    #[arg(long, value_name = "PATTERN")]
    pub date_format: Option<String>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The Discord guild (server) id.
    #[arg(long, value_parser = guild_id, allow_hyphen_values = true)]
    pub guild: u64,
    /// ISO week such as 2026-W47 (the default: the last complete week in the guild's zone).
    #[arg(long, value_parser = IsoWeek::parse, group = "period")]
    pub week: Option<IsoWeek>,
    /// Calendar month such as 2026-11.
    #[arg(long, value_parser = Period::parse_month, group = "period")]
    pub month: Option<Period>,
    /// Quarter such as 2026-Q4.
    #[arg(long, value_parser = Period::parse_quarter, group = "period")]
    pub quarter: Option<Period>,
    /// First day of a range such as --from 2026-11-01 --to 2026-11-15 (both days included).
    #[arg(long, value_name = "DAY", requires = "to", group = "period")]
    pub from: Option<jiff::civil::Date>,
    /// Last day of the range (with --from).
    #[arg(long, value_name = "DAY", requires = "from")]
    pub to: Option<jiff::civil::Date>,
    /// Only this channel's posts, meetings and answers.
    #[arg(long, value_parser = channel_id, allow_hyphen_values = true)]
    pub channel: Option<u64>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
}

fn guild_id(text: &str) -> Result<u64, String> {
    parse_id("--guild", text)
}

fn channel_id(text: &str) -> Result<u64, String> {
    parse_id("--channel", text)
}

fn settings_help() -> String {
    let mut help = String::from("Settings (environment variable, or key in advocate.toml):\n");
    for (var, key, what) in SETTINGS {
        help.push_str(&format!("  {var:<24} {key:<24} {what}\n"));
    }
    help
}

/// Runs a parsed command; errors are printed by `main` as one message.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::from_env(cli.config.as_deref())?;
    match cli.command {
        Command::Run => run_bot(config).await,
        Command::Migrate => migrate(&config).await,
        Command::Prompts { command: PromptsCommand::Check { dir } } => {
            Ok(check_prompts(dir.map_or(config.prompts, prompts::Origin::Folder)))
        }
        Command::Prompts { command: PromptsCommand::Export { dir } } => {
            let written =
                prompts::export(&dir).with_context(|| format!("cannot export the prompts to {}", dir.display()))?;
            println!("Wrote {written} files to {}; use them with ADVOCATE_PROMPTS={}", dir.display(), dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportFeedback(args) => import(&config, args).await,
        Command::Report(args) => report(&config, args).await,
        Command::Demo { keep } => demo(keep).await,
        Command::Guilds => guilds(&config).await,
    }
}

#[cfg(feature = "demo")]
async fn demo(keep: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let run = crate::demo::run(keep.as_deref()).await?;
    print!("{}", crate::demo::render(&run)?);
    if let Some(file) = &keep {
        let (guild, week) = (run.report.guild_id, run.report.period);
        println!(
            "\nThe demo's database is kept in {0}; try:\n  DATABASE_URL=sqlite:{0} advocate report --guild {guild} --week {week}",
            file.display()
        );
    }
    Ok(if run.matches() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[cfg(not(feature = "demo"))]
async fn demo(_keep: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this build of advocate has no demo; build it with the default features (`cargo install --path .`)")
}

async fn run_bot(config: Config) -> anyhow::Result<ExitCode> {
    if config.discord_token.is_none() {
        anyhow::bail!(
            "DISCORD_TOKEN is not set. Create an application at https://discord.com/developers/applications, \
             open Bot, press Reset Token and export it as DISCORD_TOKEN (README: \"Create the Discord application\"). \
             To try Advocate without Discord, run `advocate demo`."
        );
    }
    let app = App::start(&config, Clock::System).await?;
    crate::service::run(app, &config).await?;
    Ok(ExitCode::SUCCESS)
}

async fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let store = store::Store::connect(&config.database_url).await?;
    let applied = store.migrate().await?;
    match applied {
        0 => println!("The {} database is up to date; nothing to apply.", store.backend()),
        n => println!("Applied {n} migration(s) to the {} database.", store.backend()),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn check_prompts(origin: prompts::Origin) -> ExitCode {
    match prompts::load_from(&origin) {
        Ok(p) => {
            println!("{origin}: OK ({} library insights, texts and patterns valid)", p.library.len());
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("{} problem(s) in {origin}", problems.0.len());
            ExitCode::FAILURE
        }
    }
}

async fn import(config: &Config, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let options = ImportOptions {
        map: args.map,
        ignore: args.ignore,
        default_source: args.source,
        default_segment: args.segment,
        date_format: args.date_format,
    };
    let app = App::start(config, Clock::System).await?;
    let done = app
        .import_feedback(args.guild, bytes.as_slice(), &options, None)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e:#}", args.file.display()))?;
    println!(
        "Imported {} insight(s) and {} outcome(s) (NPS, CSAT, churn) into guild {} from {}; {} row(s) were already there.",
        done.added,
        done.outcomes,
        args.guild,
        args.file.display(),
        done.already_there
    );
    for warning in &done.warnings {
        eprintln!("note: {warning}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn guilds(config: &Config) -> anyhow::Result<ExitCode> {
    let store = store::Store::open_existing(&config.database_url).await?;
    let guilds = store.guild_list().await?;
    if guilds.is_empty() {
        println!("No guilds yet: the bot records a guild when it joins one.");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{:<20}  {:<32}  {:<16}  status", "guild id", "name", "last activity");
    for g in guilds {
        let day = |t: jiff::Timestamp| t.strftime("%Y-%m-%d").to_string();
        let status = g.left_at.map_or("active".to_string(), |t| format!("removed {}", day(t)));
        let name = g.name.unwrap_or_else(|| "(name not seen yet)".into());
        let last = g.last_activity.map_or("none".to_string(), day);
        println!("{:<20}  {:<32}  {:<16}  {status}", g.guild_id, name, last);
    }
    Ok(ExitCode::SUCCESS)
}

impl ReportArgs {
    /// The one period asked for (clap lets at most one through).
    fn period(&self) -> Result<Option<Period>, String> {
        match (self.week, self.month, self.quarter, self.from.zip(self.to)) {
            (Some(week), ..) => Ok(Some(week.into())),
            (_, Some(period), ..) | (_, _, Some(period), _) => Ok(Some(period)),
            (.., Some((from, to))) => Period::range(from, to).map(Some),
            _ => Ok(None),
        }
    }
}

async fn report(config: &Config, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let period = args.period().map_err(anyhow::Error::msg)?;
    let store = store::Store::open_existing(&config.database_url).await?;
    // The guild's public holidays and the numbers' names come from the prompts, as the bot reads them.
    let prompts = app::load_prompts(config)?;
    let now = jiff::Timestamp::now();
    let report = report::report(&store, &config.defaults, &prompts, args.guild, period, args.channel, now).await?;
    print!("{}", report.render(args.format)?);
    Ok(ExitCode::SUCCESS)
}
