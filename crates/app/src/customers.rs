//! The customer record as managers keep it, and finding the customers a
//! text names: one matcher per guild, built again only when its customers'
//! names change (here at once; in another process within the TTL).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use minijinja::context;

use domain::customer::{email_domain, looks_alike, Customer, CustomerField, CustomerName, Matcher, NameClash};
use domain::insight::Segment;
use domain::timeline::{Standing, Timeline};

use crate::explore::{given, id};

/// How long a guild's matcher is used before its names are read again
/// (another process sharing the database may have changed them).
const MATCHER_TTL: Duration = Duration::from_secs(30);

/// Relinking steps one scheduler pass takes (each a bounded batch of answers).
const RELINK_STEPS_PER_PASS: usize = 8;

/// Each guild's matcher, when it was built and how many customers the
/// process had added by then (a customer added since makes it stale).
/// One build at a time: a burst of replies arriving to a stale matcher
/// waits for one build instead of each starting its own.
#[derive(Debug, Default)]
pub(crate) struct Matchers(Mutex<HashMap<u64, Cached>>, tokio::sync::Mutex<()>);

/// A matcher, when it was built and the store's count of added customers then.
type Cached = (Instant, u64, Arc<Matcher>);

impl Matchers {
    fn get(&self, guild_id: u64) -> Option<Arc<Matcher>> {
        let cached = self.0.lock().unwrap();
        let fresh = |(at, added, _): &&Cached| at.elapsed() < MATCHER_TTL && *added == store::customers_added();
        cached.get(&guild_id).filter(fresh).map(|(_, _, m)| m.clone())
    }

    /// Keeps `matcher`, built from what the store held after `added` customers.
    fn put(&self, guild_id: u64, added: u64, matcher: Arc<Matcher>) {
        self.0.lock().unwrap().insert(guild_id, (Instant::now(), added, matcher));
    }

    fn forget(&self, guild_id: u64) {
        self.0.lock().unwrap().remove(&guild_id);
    }
}

/// What adding a customer did, and the look-alikes a manager may merge it with.
#[derive(Clone, Debug, PartialEq)]
pub struct Added {
    pub customer: Customer,
    /// False when the name was one the guild already had (by its key).
    pub new: bool,
    pub look_alikes: Vec<Customer>,
}

impl super::App {
    /// The guild's customers a text names, each once.
    pub async fn customers_named(&self, guild_id: u64, text: &str) -> anyhow::Result<Vec<i64>> {
        Ok(self.matcher(guild_id).await?.named_in(text))
    }

    async fn matcher(&self, guild_id: u64) -> anyhow::Result<Arc<Matcher>> {
        if let Some(m) = self.matchers.get(guild_id) {
            return Ok(m);
        }
        let _building = self.matchers.1.lock().await;
        if let Some(m) = self.matchers.get(guild_id) {
            return Ok(m); // built while this one waited
        }
        let added = store::customers_added();
        let matcher = Arc::new(self.store.customer_matcher(guild_id).await?);
        self.matchers.put(guild_id, added, matcher.clone());
        Ok(matcher)
    }

    /// The guild's customers, by name.
    pub async fn customers(&self, guild_id: u64) -> anyhow::Result<Vec<Customer>> {
        Ok(self.store.customers(guild_id).await?)
    }

    /// The customer a name or alias means; a refusal saying how to add it when none.
    pub async fn customer_named(&self, guild_id: u64, name: &str) -> anyhow::Result<Customer> {
        let found = match self.store.find_customer(guild_id, name).await? {
            Some(id) => self.store.customer(guild_id, id).await?,
            None => None,
        };
        found.ok_or_else(|| self.refuse_with("errors.no_such_customer", context! { name }))
    }

    /// Adds a customer (or finds the one its name already means), with the
    /// guild's customers whose names look alike: offered as merges.
    pub async fn add_customer(&self, guild_id: u64, name: &str) -> anyhow::Result<Added> {
        let name = self.customer_name(name)?;
        self.settings(guild_id).await?; // the guild's row must exist first
        let Some((id, new)) = self.store.add_customer(guild_id, name.as_str(), self.clock.now()).await? else {
            return Err(self.refuse_with("errors.bad_customer_name", context! { name => name.as_str() }));
        };
        self.matchers.forget(guild_id);
        let customer = self.customer_by_id(guild_id, id).await?;
        let look_alikes = self.look_alikes(guild_id, &customer).await?;
        Ok(Added { customer, new, look_alikes })
    }

    /// Customers whose names look like one of `customer`'s (never itself).
    pub async fn look_alikes(&self, guild_id: u64, customer: &Customer) -> anyhow::Result<Vec<Customer>> {
        let threshold = self.prompts.similar_insight;
        let names: Vec<&str> =
            std::iter::once(customer.name.as_str()).chain(customer.aliases.iter().map(String::as_str)).collect();
        let alike = |other: &Customer| {
            other.id != customer.id
                && std::iter::once(&other.name)
                    .chain(&other.aliases)
                    .any(|o| names.iter().any(|n| looks_alike(n, o, threshold)))
        };
        Ok(self.store.customers(guild_id).await?.into_iter().filter(alike).collect())
    }

    /// Renames a customer; its old name stays an alias.
    pub async fn rename_customer(&self, guild_id: u64, name: &str, new_name: &str) -> anyhow::Result<Customer> {
        self.name_customer(guild_id, name, new_name, true).await
    }

    /// Gives a customer another name that texts and imports match.
    pub async fn alias_customer(&self, guild_id: u64, name: &str, alias: &str) -> anyhow::Result<Customer> {
        self.name_customer(guild_id, name, alias, false).await
    }

    async fn name_customer(&self, guild_id: u64, name: &str, other: &str, rename: bool) -> anyhow::Result<Customer> {
        let customer = self.customer_named(guild_id, name).await?;
        let other = self.customer_name(other)?;
        match self.store.name_customer(guild_id, customer.id, other.as_str(), rename).await? {
            Ok(()) => {}
            Err(NameClash::Taken { name: holder, .. }) => {
                return Err(self.refuse_with(
                    "errors.customer_name_taken",
                    context! { name => other.as_str(), holder, customer => customer.name },
                ))
            }
            Err(NameClash::NoSuchCustomer) => {
                return Err(self.refuse_with("errors.no_such_customer", context! { name }))
            }
        }
        self.matchers.forget(guild_id);
        self.customer_by_id(guild_id, customer.id).await
    }

    /// Merges customer `from` into `into`: everything that named `from`
    /// now names `into`, and `from`'s names stay as its aliases.
    pub async fn merge_customers(&self, guild_id: u64, from: &str, into: &str) -> anyhow::Result<Customer> {
        let (from, into) = (self.customer_named(guild_id, from).await?, self.customer_named(guild_id, into).await?);
        if from.id == into.id {
            return Err(self.refuse_with("errors.merge_itself", context! { name => into.name }));
        }
        if !self.store.merge_customers(guild_id, from.id, into.id).await? {
            return Err(self.refuse_with("errors.no_such_customer", context! { name => from.name }));
        }
        self.matchers.forget(guild_id);
        self.customer_by_id(guild_id, into.id).await
    }

    /// Sets a customer's segment, weight, owner or external keys.
    pub async fn set_customer(&self, guild_id: u64, name: &str, field: CustomerField) -> anyhow::Result<Customer> {
        let customer = self.customer_named(guild_id, name).await?;
        let field = match field {
            CustomerField::Segment(Some(s)) => {
                CustomerField::Segment(Some(Segment::parse(&s).map_err(super::UserError)?.as_str().to_string()))
            }
            CustomerField::Weight(Some(w)) if !w.is_finite() || w < 0.0 => {
                return Err(self.refuse_with("errors.bad_customer_weight", context! { weight => w }))
            }
            other => other,
        };
        self.store.set_customer(guild_id, customer.id, &field).await?;
        self.customer_by_id(guild_id, customer.id).await
    }

    /// Adds the e-mail domain (or an address's domain: the address itself
    /// is never kept) whose senders are this customer.
    pub async fn add_customer_domain(&self, guild_id: u64, name: &str, domain: &str) -> anyhow::Result<Customer> {
        let customer = self.customer_named(guild_id, name).await?;
        let domain = email_domain(domain)
            .or_else(|| email_domain(&format!("x@{domain}")))
            .ok_or_else(|| self.refuse_with("errors.bad_domain", context! { domain }))?;
        match self.store.add_customer_domain(guild_id, customer.id, &domain).await? {
            Ok(()) => self.customer_by_id(guild_id, customer.id).await,
            Err(NameClash::Taken { name: holder, .. }) => {
                Err(self.refuse_with("errors.customer_domain_taken", context! { domain, holder }))
            }
            Err(NameClash::NoSuchCustomer) => Err(self.refuse_with("errors.no_such_customer", context! { name })),
        }
    }

    /// A change a manager makes to `customer` on the dashboard: one of
    /// [`CUSTOMER_EDITS`] and its value (empty clears a field).
    pub async fn edit_customer(
        &self,
        guild_id: u64,
        customer: i64,
        edit: &str,
        value: &str,
    ) -> anyhow::Result<Customer> {
        let name = self.customer_by_id(guild_id, customer).await?.name;
        let value = value.trim();
        let text = || Some(value.to_string()).filter(|v| !v.is_empty());
        let field = match edit {
            "rename" => return self.rename_customer(guild_id, &name, value).await,
            "alias" => return self.alias_customer(guild_id, &name, value).await,
            "merge_into" => return self.merge_customers(guild_id, &name, value).await,
            "domain" => return self.add_customer_domain(guild_id, &name, value).await,
            "segment" => CustomerField::Segment(text()),
            "weight" => match text().map(|w| w.parse::<f64>()) {
                None => CustomerField::Weight(None),
                Some(Ok(w)) => CustomerField::Weight(Some(w)),
                Some(Err(_)) => {
                    return Err(self.refuse_with("errors.bad_customer_weight", context! { weight => value }))
                }
            },
            "owner" => {
                let owner = id(&text().map(|v| v.trim_matches(|c| "<@!>".contains(c)).to_string()), "owner");
                CustomerField::Owner(owner.map_err(super::UserError)?)
            }
            "crm_id" => CustomerField::CrmId(text()),
            "support_org_id" => CustomerField::SupportOrgId(text()),
            _ => return Err(self.refuse_with("errors.no_such_edit", context! { edit, edits => CUSTOMER_EDITS })),
        };
        self.set_customer(guild_id, &name, field).await
    }

    /// Customers whose name or alias starts with, or contains, what was typed: autocomplete.
    pub async fn customer_choices(&self, guild_id: u64, typed: &str) -> anyhow::Result<Vec<String>> {
        let typed = typed.trim().to_lowercase();
        let mut names: Vec<String> = self.store.customer_names(guild_id).await?.into_iter().map(|(_, n)| n).collect();
        names.retain(|n| n.to_lowercase().contains(&typed));
        names.sort_by_key(|n| (!n.to_lowercase().starts_with(&typed), n.to_lowercase()));
        names.dedup();
        names.truncate(25);
        Ok(names)
    }

    /// Matches queued guilds' answers against their customers' names
    /// again, a few bounded steps at a time; how many links it made.
    pub async fn relink_customers(&self) -> anyhow::Result<usize> {
        let mut linked = 0;
        for _ in 0..RELINK_STEPS_PER_PASS {
            let Some((guild, n)) = self.store.relink_step().await? else { break };
            linked += n;
            if n > 0 {
                tracing::info!(guild, linked = n, "linked earlier answers to the customers they name");
            }
        }
        Ok(linked)
    }

    async fn customer_by_id(&self, guild_id: u64, id: i64) -> anyhow::Result<Customer> {
        let found = self.store.customer(guild_id, id).await?;
        found.ok_or_else(|| self.refuse_with("errors.no_such_customer", context! { name => id }))
    }

    fn customer_name(&self, name: &str) -> anyhow::Result<CustomerName> {
        CustomerName::parse(name).map_err(|_| self.refuse_with("errors.bad_customer_name", context! { name }))
    }
}

/// The customers list's filters and order, as typed (the dashboard's form
/// and the API's query), every one optional.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CustomerQuery {
    /// `name` (default), `open` (most open promises), `waiting` (longest
    /// waiting), `score` (latest score first), `quiet` (longest undiscussed).
    pub sort: Option<String>,
    pub segment: Option<String>,
    /// A Discord id: the account's person.
    pub owner: Option<String>,
    /// Only customers not named in an answer for this many days.
    pub quiet_days: Option<String>,
    /// `yes`: only detractors whose loop is not closed.
    pub detractors: Option<String>,
    /// `yes`: only customers with open promises.
    pub open: Option<String>,
}

/// The changes the dashboard makes to a customer (see `App::edit_customer`).
pub const CUSTOMER_EDITS: [&str; 9] =
    ["rename", "alias", "merge_into", "domain", "segment", "weight", "owner", "crm_id", "support_org_id"];

/// The sorts a customers list takes.
pub const CUSTOMER_SORTS: [&str; 5] = ["name", "open", "waiting", "score", "quiet"];

impl CustomerQuery {
    /// Keeps the customers the query asks for, in its order; a problem
    /// (a bad number or sort) as the text to show.
    pub fn apply(&self, mut list: Vec<Standing>, now: jiff::Timestamp) -> Result<Vec<Standing>, String> {
        let sort = given(&self.sort).unwrap_or("name");
        if !CUSTOMER_SORTS.contains(&sort) {
            return Err(format!("sort `{sort}` is not one of {}", CUSTOMER_SORTS.join(", ")));
        }
        if let Some(segment) = given(&self.segment) {
            let segment = Segment::parse(segment)?;
            list.retain(|s| s.customer.segment.as_deref() == Some(segment.as_str()));
        }
        if let Some(owner) = id(&self.owner, "owner")? {
            list.retain(|s| s.customer.owner_id == Some(owner));
        }
        if let Some(days) = given(&self.quiet_days) {
            let days: i64 = days
                .parse()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| format!("quiet_days is a whole number of days from 1 to 3650, not `{days}`"))?;
            let since = now - jiff::SignedDuration::from_hours(24 * days);
            list.retain(|s| s.undiscussed_since(since));
        }
        if given(&self.detractors) == Some("yes") {
            list.retain(|s| s.detractor_waiting);
        }
        if given(&self.open) == Some("yes") {
            list.retain(|s| s.open_promises > 0);
        }
        match sort {
            "open" => list.sort_by_key(|s| std::cmp::Reverse(s.open_promises)),
            "waiting" => list.sort_by_key(|s| s.waiting_since.unwrap_or(jiff::Timestamp::MAX)),
            "score" => list.sort_by_key(|s| std::cmp::Reverse(s.last_score.as_ref().map(|s| s.day))),
            "quiet" => list.sort_by_key(|s| s.last_discussed.unwrap_or(jiff::Timestamp::MIN)),
            _ => {}
        }
        Ok(list)
    }
}

impl super::App {
    /// The guild's customers as they stand, filtered and sorted by `query`.
    pub async fn customer_list(&self, guild_id: u64, query: &CustomerQuery) -> anyhow::Result<Vec<Standing>> {
        let csat_at = f64::from(self.settings(guild_id).await?.csat_detractor_at);
        let list = self.store.customer_standings(guild_id, csat_at).await?;
        query.apply(list, self.clock.now()).map_err(|p| super::UserError(p).into())
    }

    /// One customer's timeline; `None` if the guild has no such customer.
    pub async fn customer_timeline(&self, guild_id: u64, id: i64) -> anyhow::Result<Option<Timeline>> {
        let csat_at = f64::from(self.settings(guild_id).await?.csat_detractor_at);
        Ok(self.store.customer_timeline(guild_id, id, csat_at).await?)
    }
}
