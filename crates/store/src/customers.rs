//! The customer record: one per customer and guild, found by any of its
//! names' match keys; insights, follow-ups, outcomes and answers that name
//! a customer point at it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;

use super::{db_id, from_db_id, ms, on_pool, Result, Store};
use domain::customer::{match_key, Customer, CustomerField, Matcher, NameClash, MAX_NAME_CHARS, UNNAMED};

/// Answers matched per step of a guild's relinking.
pub const RELINK_STEP: i64 = 2000;

/// What linking the names already in the database did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Linked {
    /// Distinct names (per guild) that were linked.
    pub names: usize,
    /// Customer records they made.
    pub customers: usize,
}

const FIND: &str = "SELECT customer_id FROM customer_names WHERE guild_id = $1 AND match_key = $2";
const QUEUE_RELINK: &str = "INSERT INTO customer_relinks (guild_id, after_answer) VALUES ($1, 0) \
    ON CONFLICT (guild_id) DO UPDATE SET after_answer = 0";

/// Finding or making the customer a name means, on a connection (inside
/// the caller's transaction): what every write that names one calls.
pub(crate) trait Names {
    /// The customer `name` means in the guild, made (with `segment`) if
    /// none has its key; `None` for a name with no key or the import's
    /// stand-in for a missing one.
    async fn customer_named(&mut self, guild: i64, name: &str, segment: Option<&str>, now: i64) -> Result<Option<i64>>;

    /// Links the guild's insights and follow-ups that name a customer but
    /// point at none yet (just written, or from before the records): how
    /// many distinct names were linked.
    async fn link_guild(&mut self, guild: i64, now: i64) -> Result<usize>;

    /// Links the follow-ups from id `from` on naming `name` to the customer
    /// it means (made if none): those just written, read by their ids
    /// rather than by sweeping the guild's others.
    async fn link_follow_ups(&mut self, guild: i64, from: i64, name: &str, now: i64) -> Result<()>;

    /// Links answers to the customers they name: (guild, answer, customer).
    async fn link_answers(&mut self, links: &[(i64, i64, i64)]) -> Result<usize>;

    /// Whether customer `id` may take `value` (a name's key or a domain),
    /// whose holder `holder_sql` reads: `Ok(true)` if it is theirs
    /// already, `Ok(false)` if it is free; a clash if the guild has no
    /// such customer or another customer holds it.
    async fn claim(&mut self, guild: i64, id: i64, holder_sql: &str, value: &str) -> Result<Claimed>;
}

/// What [`Names::claim`] found.
type Claimed = std::result::Result<bool, NameClash>;

/// The customer holding a name's key, and the one holding a domain.
const NAME_HOLDER: &str = "SELECT c.id, c.name FROM customer_names n JOIN customers c ON c.id = n.customer_id \
    WHERE n.guild_id = $1 AND n.match_key = $2";
const DOMAIN_HOLDER: &str = "SELECT c.id, c.name FROM customer_domains d JOIN customers c ON c.id = d.customer_id \
    WHERE d.guild_id = $1 AND d.domain = $2";

/// Names of a guild's rows not yet linked, with the segment its insights
/// give, first written first (a customer is called as it was first named).
const UNLINKED: [&str; 2] = [
    "SELECT customer, MIN(segment) FROM insights WHERE guild_id = $1 AND customer_id IS NULL AND customer <> $2 \
     GROUP BY customer ORDER BY MIN(id)",
    "SELECT customer, NULL FROM follow_ups WHERE guild_id = $1 AND customer_id IS NULL AND customer IS NOT NULL \
     AND customer <> $2 GROUP BY customer ORDER BY MIN(id)",
];

/// An outcome imported before the records gets its feedback row's
/// insight's customer and segment ("unknown" without one): outcomes are
/// imported with both since, so this runs once per outcome.
const LINK_OUTCOMES: &str = "UPDATE outcomes SET \
    customer_id = (SELECT i.customer_id FROM insights i WHERE i.guild_id = outcomes.guild_id AND i.import_key = outcomes.import_key), \
    segment = COALESCE((SELECT i.segment FROM insights i WHERE i.guild_id = outcomes.guild_id AND i.import_key = outcomes.import_key), 'unknown') \
    WHERE guild_id = $1 AND segment IS NULL";

/// Customers created in this process, by any path (imports, insights,
/// follow-ups): a matcher built before the latest is stale.
static CUSTOMERS_ADDED: AtomicU64 = AtomicU64::new(0);

/// How many customers this process has created so far (see [`CUSTOMERS_ADDED`]).
pub fn customers_added() -> u64 {
    CUSTOMERS_ADDED.load(Ordering::Relaxed)
}

macro_rules! names_on {
    ($conn:ty) => {
        impl Names for $conn {
            async fn customer_named(
                &mut self,
                guild: i64,
                name: &str,
                segment: Option<&str>,
                now: i64,
            ) -> Result<Option<i64>> {
                let name: String = name.trim().chars().take(MAX_NAME_CHARS).collect();
                let key = match_key(&name);
                if key.is_empty() || name == UNNAMED {
                    return Ok(None);
                }
                let found = sqlx::query_scalar::<_, i64>(FIND).bind(guild).bind(&key).fetch_optional(&mut *self).await?;
                if found.is_some() {
                    return Ok(found);
                }
                let segment = segment.filter(|s| *s != "unknown");
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO customers (guild_id, name, segment, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(guild)
                .bind(&name)
                .bind(segment)
                .bind(now)
                .fetch_one(&mut *self)
                .await?;
                let named = sqlx::query(
                    "INSERT INTO customer_names (guild_id, match_key, customer_id, name) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(guild)
                .bind(&key)
                .bind(id)
                .bind(&name)
                .execute(&mut *self)
                .await?
                .rows_affected();
                if named == 0 {
                    // Another writer named it first: theirs stands.
                    sqlx::query("DELETE FROM customers WHERE id = $1").bind(id).execute(&mut *self).await?;
                    return sqlx::query_scalar(FIND).bind(guild).bind(&key).fetch_optional(&mut *self).await;
                }
                // Older answers may name the new customer; newer ones are
                // matched by a new matcher (and relinked if one was built
                // before this commits).
                sqlx::query(QUEUE_RELINK).bind(guild).execute(&mut *self).await?;
                CUSTOMERS_ADDED.fetch_add(1, Ordering::Relaxed);
                Ok(Some(id))
            }

            async fn link_guild(&mut self, guild: i64, now: i64) -> Result<usize> {
                let mut names: Vec<(String, Option<String>)> = vec![];
                for sql in UNLINKED {
                    names.extend(sqlx::query_as(sql).bind(guild).bind(UNNAMED).fetch_all(&mut *self).await?);
                }
                let mut linked = 0;
                for (name, segment) in &names {
                    let Some(id) = self.customer_named(guild, name, segment.as_deref(), now).await? else { continue };
                    for table in ["insights", "follow_ups"] {
                        let sql = format!(
                            "UPDATE {table} SET customer_id = $3 WHERE guild_id = $1 AND customer = $2 AND customer_id IS NULL"
                        );
                        sqlx::query(&sql).bind(guild).bind(name).bind(id).execute(&mut *self).await?;
                    }
                    linked += 1;
                }
                Ok(linked)
            }

            async fn link_follow_ups(&mut self, guild: i64, from: i64, name: &str, now: i64) -> Result<()> {
                if let Some(customer) = self.customer_named(guild, name, None, now).await? {
                    let sql = "UPDATE follow_ups SET customer_id = $1 WHERE id >= $2 AND guild_id = $3 \
                        AND customer = $4 AND customer_id IS NULL";
                    sqlx::query(sql).bind(customer).bind(from).bind(guild).bind(name).execute(&mut *self).await?;
                }
                Ok(())
            }

            async fn link_answers(&mut self, links: &[(i64, i64, i64)]) -> Result<usize> {
                let mut linked = 0;
                for chunk in links.chunks(LINKS_PER_STATEMENT) {
                    let sql = link_answers_sql(chunk.len());
                    let mut q = sqlx::query(&sql);
                    for (g, a, c) in chunk {
                        q = q.bind(g).bind(a).bind(c);
                    }
                    linked += q.execute(&mut *self).await?.rows_affected() as usize;
                }
                Ok(linked)
            }

            async fn claim(&mut self, guild: i64, id: i64, holder_sql: &str, value: &str) -> Result<Claimed> {
                let mine: Option<i64> = sqlx::query_scalar("SELECT id FROM customers WHERE guild_id = $1 AND id = $2")
                    .bind(guild)
                    .bind(id)
                    .fetch_optional(&mut *self)
                    .await?;
                if mine.is_none() {
                    return Ok(Err(NameClash::NoSuchCustomer));
                }
                let holder: Option<(i64, String)> =
                    sqlx::query_as(holder_sql).bind(guild).bind(value).fetch_optional(&mut *self).await?;
                Ok(match holder {
                    Some((by, name)) if by != id => Err(NameClash::Taken { by, name }),
                    held => Ok(held.is_some()),
                })
            }
        }
    };
}
names_on!(sqlx::SqliteConnection);
names_on!(sqlx::PgConnection);

/// The SQL that links answers to the customers they name, for `rows`
/// (guild, answer, customer) triples; a customer merged away meanwhile is
/// skipped.
pub(crate) fn link_answers_sql(rows: usize) -> String {
    let triples: Vec<String> = (0..rows).map(|n| format!("(${}, ${}, ${})", 3 * n + 1, 3 * n + 2, 3 * n + 3)).collect();
    // `WHERE true`: SQLite reads ON CONFLICT after a join as the join's.
    format!(
        "WITH p (g, a, c) AS (VALUES {}) INSERT INTO answer_customers (guild_id, answer_id, customer_id) \
         SELECT p.g, p.a, c.id FROM p JOIN customers c ON c.id = p.c WHERE true ON CONFLICT DO NOTHING",
        triples.join(", ")
    )
}

/// Most links one statement makes.
const LINKS_PER_STATEMENT: usize = 300;

/// Column values of a customer row.
type CustomerTuple = (i64, String, Option<String>, Option<f64>, Option<i64>, Option<String>, Option<String>);

const CUSTOMER: &str = "SELECT id, name, segment, weight, owner_id, crm_id, support_org_id FROM customers";

fn customer_of((id, name, segment, weight, owner, crm_id, support_org_id): CustomerTuple) -> Customer {
    Customer {
        id,
        name,
        aliases: vec![],
        segment,
        weight,
        owner_id: owner.map(from_db_id),
        domains: vec![],
        crm_id,
        support_org_id,
    }
}

impl Store {
    /// Every name of the guild's customers, aliases included, as
    /// (customer, name): what the matcher is built from.
    pub async fn customer_names(&self, guild_id: u64) -> Result<Vec<(i64, String)>> {
        let sql = "SELECT customer_id, name FROM customer_names WHERE guild_id = $1 ORDER BY customer_id, name";
        on_pool!(self, p => sqlx::query_as(sql).bind(db_id(guild_id)).fetch_all(p).await)
    }

    /// The guild's matcher over every name of its customers, as of now.
    pub async fn customer_matcher(&self, guild_id: u64) -> Result<Matcher> {
        let names = self.customer_names(guild_id).await?;
        Ok(Matcher::new(names.iter().map(|(id, n)| (*id, n.as_str()))))
    }

    /// The guild's customers with their aliases and domains, by name.
    pub async fn customers(&self, guild_id: u64) -> Result<Vec<Customer>> {
        let g = db_id(guild_id);
        let sql = format!("{CUSTOMER} WHERE guild_id = $1 ORDER BY name, id");
        let rows: Vec<CustomerTuple> = on_pool!(self, p => sqlx::query_as(&sql).bind(g).fetch_all(p).await)?;
        let mut customers: Vec<Customer> = rows.into_iter().map(customer_of).collect();
        let at: HashMap<i64, usize> = customers.iter().enumerate().map(|(n, c)| (c.id, n)).collect();
        for (id, name) in self.customer_names(guild_id).await? {
            if let Some(c) = at.get(&id).map(|n| &mut customers[*n]) {
                if c.name != name {
                    c.aliases.push(name);
                }
            }
        }
        let sql = "SELECT customer_id, domain FROM customer_domains WHERE guild_id = $1 ORDER BY domain";
        let domains: Vec<(i64, String)> = on_pool!(self, p => sqlx::query_as(sql).bind(g).fetch_all(p).await)?;
        for (id, domain) in domains {
            if let Some(n) = at.get(&id) {
                customers[*n].domains.push(domain);
            }
        }
        Ok(customers)
    }

    /// One of the guild's customers, with its aliases and domains.
    pub async fn customer(&self, guild_id: u64, id: i64) -> Result<Option<Customer>> {
        let (g, sql) = (db_id(guild_id), format!("{CUSTOMER} WHERE guild_id = $1 AND id = $2"));
        let row: Option<CustomerTuple> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(g).bind(id).fetch_optional(p).await)?;
        let Some(mut customer) = row.map(customer_of) else { return Ok(None) };
        let names = "SELECT name FROM customer_names WHERE customer_id = $1 ORDER BY name";
        let names: Vec<String> = on_pool!(self, p => sqlx::query_scalar(names).bind(id).fetch_all(p).await)?;
        customer.aliases = names.into_iter().filter(|n| *n != customer.name).collect();
        let domains = "SELECT domain FROM customer_domains WHERE customer_id = $1 ORDER BY domain";
        customer.domains = on_pool!(self, p => sqlx::query_scalar(domains).bind(id).fetch_all(p).await)?;
        Ok(Some(customer))
    }

    /// The customer a name (or alias) means, by its key.
    pub async fn find_customer(&self, guild_id: u64, name: &str) -> Result<Option<i64>> {
        let key = match_key(name);
        on_pool!(self, p => sqlx::query_scalar(FIND).bind(db_id(guild_id)).bind(&key).fetch_optional(p).await)
    }

    /// The customer whose e-mail domain this is.
    pub async fn customer_by_domain(&self, guild_id: u64, domain: &str) -> Result<Option<i64>> {
        let sql = "SELECT customer_id FROM customer_domains WHERE guild_id = $1 AND domain = $2";
        on_pool!(self, p => sqlx::query_scalar(sql).bind(db_id(guild_id)).bind(domain).fetch_optional(p).await)
    }

    /// The customer a name means, made if the guild has none by it; and
    /// whether it was made now.
    pub async fn add_customer(&self, guild_id: u64, name: &str, now: Timestamp) -> Result<Option<(i64, bool)>> {
        let g = db_id(guild_id);
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let before: Option<i64> = sqlx::query_scalar(FIND).bind(g).bind(match_key(name)).fetch_optional(&mut *tx).await?;
            let id = tx.customer_named(g, name, None, ms(now)).await?;
            tx.commit().await?;
            Ok(id.map(|id| (id, before.is_none())))
        })
    }

    /// Gives a customer another name: its new main name (`rename`; the
    /// old one stays an alias, so old texts still name it) or an alias.
    pub async fn name_customer(
        &self,
        guild_id: u64,
        id: i64,
        name: &str,
        rename: bool,
    ) -> Result<std::result::Result<(), NameClash>> {
        let (g, key) = (db_id(guild_id), match_key(name));
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            match tx.claim(g, id, NAME_HOLDER, &key).await? {
                Err(clash) => return Ok(Err(clash)),
                Ok(true) => {
                    sqlx::query("UPDATE customer_names SET name = $3 WHERE guild_id = $1 AND match_key = $2")
                        .bind(g).bind(&key).bind(name).execute(&mut *tx).await?;
                }
                Ok(false) => {
                    sqlx::query("INSERT INTO customer_names (guild_id, match_key, customer_id, name) VALUES ($1, $2, $3, $4)")
                        .bind(g).bind(&key).bind(id).bind(name).execute(&mut *tx).await?;
                    sqlx::query(QUEUE_RELINK).bind(g).execute(&mut *tx).await?;
                }
            }
            if rename {
                sqlx::query("UPDATE customers SET name = $2 WHERE id = $1").bind(id).bind(name).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(Ok(()))
        })
    }

    /// Merges customer `from` into `into`: its insights, outcomes,
    /// follow-ups, answers, names and domains move, and what `into` has
    /// not set (segment, weight, owner, keys) is taken from it. False if
    /// either is not the guild's or they are one.
    pub async fn merge_customers(&self, guild_id: u64, from: i64, into: i64) -> Result<bool> {
        let g = db_id(guild_id);
        let moves = [
            "UPDATE insights SET customer_id = $2 WHERE customer_id = $1",
            "UPDATE follow_ups SET customer_id = $2 WHERE customer_id = $1",
            "UPDATE outcomes SET customer_id = $2 WHERE customer_id = $1",
            "INSERT INTO answer_customers (guild_id, answer_id, customer_id) \
             SELECT guild_id, answer_id, $2 FROM answer_customers WHERE customer_id = $1 ON CONFLICT DO NOTHING",
            "DELETE FROM answer_customers WHERE customer_id = $1",
            "UPDATE customer_names SET customer_id = $2 WHERE customer_id = $1",
            "UPDATE customer_domains SET customer_id = $2 WHERE customer_id = $1",
            "UPDATE customers SET \
             segment = COALESCE(segment, (SELECT segment FROM customers WHERE id = $1)), \
             weight = COALESCE(weight, (SELECT weight FROM customers WHERE id = $1)), \
             owner_id = COALESCE(owner_id, (SELECT owner_id FROM customers WHERE id = $1)), \
             crm_id = COALESCE(crm_id, (SELECT crm_id FROM customers WHERE id = $1)), \
             support_org_id = COALESCE(support_org_id, (SELECT support_org_id FROM customers WHERE id = $1)) \
             WHERE id = $2",
            "DELETE FROM customers WHERE id = $1",
        ];
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let both: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE guild_id = $1 AND id IN ($2, $3)")
                .bind(g).bind(from).bind(into).fetch_one(&mut *tx).await?;
            if from == into || both != 2 {
                return Ok(false);
            }
            for sql in moves {
                sqlx::query(sql).bind(from).bind(into).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Sets one of a customer's fields; false if the guild has no such customer.
    pub async fn set_customer(&self, guild_id: u64, id: i64, field: &CustomerField) -> Result<bool> {
        let (column, text, number, person) = match field {
            CustomerField::Segment(s) => ("segment", s.clone(), None, None),
            CustomerField::Weight(w) => ("weight", None, *w, None),
            CustomerField::Owner(o) => ("owner_id", None, None, o.map(db_id)),
            CustomerField::CrmId(s) => ("crm_id", s.clone(), None, None),
            CustomerField::SupportOrgId(s) => ("support_org_id", s.clone(), None, None),
        };
        let value = match column {
            "weight" => "$4",
            "owner_id" => "$5",
            _ => "$3",
        };
        let sql = format!("UPDATE customers SET {column} = {value} WHERE guild_id = $1 AND id = $2");
        let done = on_pool!(self, p => sqlx::query(&sql)
            .bind(db_id(guild_id)).bind(id).bind(text).bind(number).bind(person)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Adds an e-mail domain that identifies a customer.
    pub async fn add_customer_domain(
        &self,
        guild_id: u64,
        id: i64,
        domain: &str,
    ) -> Result<std::result::Result<(), NameClash>> {
        let g = db_id(guild_id);
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            match tx.claim(g, id, DOMAIN_HOLDER, domain).await? {
                Err(clash) => return Ok(Err(clash)),
                Ok(true) => {}
                Ok(false) => {
                    sqlx::query("INSERT INTO customer_domains (guild_id, domain, customer_id) VALUES ($1, $2, $3)")
                        .bind(g).bind(domain).bind(id).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(Ok(()))
        })
    }

    /// Links the names already in the database (insights, follow-ups, and
    /// outcomes through their insight) to customer records, making the
    /// records they need. Safe to repeat: only unlinked rows are read.
    pub async fn link_customer_names(&self, now: Timestamp) -> Result<Linked> {
        let guilds = "SELECT DISTINCT guild_id FROM insights WHERE guild_id IS NOT NULL AND customer_id IS NULL \
            UNION SELECT DISTINCT guild_id FROM follow_ups WHERE customer IS NOT NULL AND customer_id IS NULL \
            UNION SELECT DISTINCT guild_id FROM outcomes WHERE segment IS NULL";
        let customers = "SELECT COUNT(*) FROM customers";
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let before: i64 = sqlx::query_scalar(customers).fetch_one(&mut *tx).await?;
            let mut linked = Linked::default();
            for guild in sqlx::query_scalar::<_, i64>(guilds).fetch_all(&mut *tx).await? {
                linked.names += tx.link_guild(guild, ms(now)).await?;
                sqlx::query(LINK_OUTCOMES).bind(guild).execute(&mut *tx).await?;
            }
            let after: i64 = sqlx::query_scalar(customers).fetch_one(&mut *tx).await?;
            linked.customers = (after - before) as usize;
            tx.commit().await?;
            Ok(linked)
        })
    }

    /// One step of relinking answers to the customers they name: takes a
    /// queued guild, matches up to [`RELINK_STEP`] of its answers after
    /// its cursor, and moves the cursor on (or takes the guild off the
    /// queue at its last answer). The guild and how many links it made;
    /// `None` when no guild waits.
    pub async fn relink_step(&self) -> Result<Option<(u64, usize)>> {
        let queued = "SELECT guild_id, after_answer FROM customer_relinks ORDER BY guild_id LIMIT 1";
        let Some((g, after)): Option<(i64, i64)> = on_pool!(self, p => sqlx::query_as(queued).fetch_optional(p).await)?
        else {
            return Ok(None);
        };
        let matcher = self.customer_matcher(from_db_id(g)).await?;
        let sql =
            "SELECT id, body FROM answers WHERE guild_id = $1 AND id > $2 AND deleted_at IS NULL ORDER BY id LIMIT $3";
        let answers: Vec<(i64, String)> =
            on_pool!(self, p => sqlx::query_as(sql).bind(g).bind(after).bind(RELINK_STEP).fetch_all(p).await)?;
        let links: Vec<(i64, i64, i64)> =
            answers.iter().flat_map(|(a, body)| matcher.named_in(body).into_iter().map(move |c| (g, *a, c))).collect();
        let last = answers.last().map(|(id, _)| *id);
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let linked = tx.link_answers(&links).await?;
            // Only the cursor this step started from moves: a change of
            // names meanwhile has set it back to the start.
            match last.filter(|_| answers.len() as i64 == RELINK_STEP) {
                Some(last) => sqlx::query("UPDATE customer_relinks SET after_answer = $3 WHERE guild_id = $1 AND after_answer = $2")
                    .bind(g).bind(after).bind(last).execute(&mut *tx).await?,
                None => sqlx::query("DELETE FROM customer_relinks WHERE guild_id = $1 AND after_answer = $2")
                    .bind(g).bind(after).execute(&mut *tx).await?,
            };
            tx.commit().await?;
            Ok(Some((from_db_id(g), linked)))
        })
    }

    /// Replaces the customers an edited thread reply names.
    pub async fn relink_reply(&self, guild_id: u64, message_id: u64, customers: &[i64]) -> Result<()> {
        let g = db_id(guild_id);
        let answer = "SELECT id FROM answers WHERE message_id = $1 AND guild_id = $2";
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let Some(id): Option<i64> = sqlx::query_scalar(answer).bind(db_id(message_id)).bind(g).fetch_optional(&mut *tx).await? else {
                return Ok(());
            };
            sqlx::query("DELETE FROM answer_customers WHERE answer_id = $1").bind(id).execute(&mut *tx).await?;
            let links: Vec<(i64, i64, i64)> = customers.iter().map(|c| (g, id, *c)).collect();
            tx.link_answers(&links).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
