//! Who a customer is, as the team names them: a name that parses, the key
//! that decides whether two names are one customer ("Acme Inc." = "ACME" =
//! "acme"), how alike two names look (a look-alike is offered as a merge,
//! never merged silently), and the e-mail domain that may identify one
//! (a person's address itself is never kept).

use std::fmt;

/// The most characters of a customer's name or alias.
pub const MAX_NAME_CHARS: usize = 100;

/// The name an imported row without a customer is given: no record.
pub const UNNAMED: &str = "A customer";

/// Legal forms that do not make another customer: "Acme Inc." is Acme.
/// "Corp" and "Group" are left out on purpose: "Acme Corp" may be another
/// company, so it is offered as a merge instead (see [`looks_alike`]).
const LEGAL_FORMS: &[&[&str]] = &[
    &["inc"],
    &["incorporated"],
    &["llc"],
    &["l", "l", "c"],
    &["ltd"],
    &["limited"],
    &["plc"],
    &["gmbh"],
    &["ag"],
    &["sa"],
    &["s", "a"],
    &["sas"],
    &["sarl"],
    &["srl"],
    &["spa"],
    &["s", "p", "a"],
    &["bv"],
    &["b", "v"],
    &["nv"],
    &["oy"],
    &["ab"],
    &["kk"],
    &["pty"],
    &["pty", "ltd"],
    &["co"],
    &["and", "co"],
];

/// A customer's name as a person typed it, trimmed: 1 to 100 characters,
/// with at least one letter or digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerName(String);

impl CustomerName {
    pub fn parse(text: &str) -> Result<CustomerName, String> {
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !name.chars().any(char::is_alphanumeric) {
            return Err("a customer needs a name with a letter or a digit, e.g. Acme".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!("a customer's name is at most {MAX_NAME_CHARS} characters"));
        }
        Ok(CustomerName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two names of one customer share.
    pub fn key(&self) -> String {
        match_key(&self.0)
    }
}

impl fmt::Display for CustomerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lower case, `&` as "and", every run of other than letters and digits
/// one space: the form names and texts are compared in.
fn words_of(text: &str) -> String {
    let lower = text.to_lowercase().replace('&', " and ");
    let spaced: String = lower.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a name without case, punctuation or a legal form at its
/// end: what decides that two names are one customer. Empty for a name
/// that is only a legal form.
pub fn match_key(name: &str) -> String {
    let spaced = words_of(name);
    let mut words: Vec<&str> = spaced.split(' ').filter(|w| !w.is_empty()).collect();
    // The longest form first: "Acme & Co." ends in "and co", not in "co".
    let ending = |words: &[&str]| {
        LEGAL_FORMS.iter().filter(|form| words.len() > form.len() && words.ends_with(form)).max_by_key(|f| f.len())
    };
    while let Some(form) = ending(&words) {
        words.truncate(words.len() - form.len());
    }
    words.join(" ")
}

/// How alike two names of customers look, from 0 to 1 (1: one customer),
/// by edit distance over their keys.
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(&match_key(a), &match_key(b))
}

/// Whether two names are alike enough to offer merging them: not the same
/// customer by key, but one key a word-wise extension of the other
/// ("Acme" and "Acme Corp") or at least `threshold` alike.
pub fn looks_alike(a: &str, b: &str, threshold: f64) -> bool {
    let (ka, kb) = (match_key(a), match_key(b));
    if ka.is_empty() || kb.is_empty() || ka == kb {
        return false;
    }
    let extends = |long: &str, short: &str| long.strip_prefix(short).is_some_and(|rest| rest.starts_with(' '));
    extends(&ka, &kb) || extends(&kb, &ka) || strsim::normalized_levenshtein(&ka, &kb) >= threshold
}

/// Finds the customers a text names: every name and alias of a guild's
/// customers, by its key, as whole words in any case ("we called ACME
/// Inc. today" names Acme). Built once per change of a guild's customers:
/// one automaton over all their names, so a text costs one pass whatever
/// their number.
#[derive(Clone, Debug)]
pub struct Matcher {
    names: aho_corasick::AhoCorasick,
    /// The customer each pattern names, by pattern index.
    customers: Vec<i64>,
}

impl Matcher {
    /// From (customer, one of its names or aliases) pairs.
    pub fn new<'a>(names: impl IntoIterator<Item = (i64, &'a str)>) -> Matcher {
        let (customers, keys): (Vec<i64>, Vec<String>) = names
            .into_iter()
            .map(|(id, name)| (id, match_key(name)))
            .filter(|(_, key)| !key.is_empty())
            .map(|(id, key)| (id, spaced_out(&key)))
            .unzip();
        let names = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&keys)
            .expect("a few thousand short patterns build");
        Matcher { names, customers }
    }

    /// The customers `text` names, each once, in the order first named.
    pub fn named_in(&self, text: &str) -> Vec<i64> {
        let mut named = Vec::new();
        for m in self.names.find_iter(&spaced_out(&words_of(text))) {
            let customer = self.customers[m.pattern().as_usize()];
            if !named.contains(&customer) {
                named.push(customer);
            }
        }
        named
    }
}

/// Words with a space before and after each, as the matcher compares
/// them: a pattern matches whole words only, the longest first, and two
/// names side by side both match.
fn spaced_out(words: &str) -> String {
    format!(" {} ", words.replace(' ', "  "))
}

/// The domain of an e-mail address, lower case, which may identify a
/// customer's company; `None` for text that is not an address. The
/// address itself, a person's, is never kept.
pub fn email_domain(address: &str) -> Option<String> {
    let (local, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_lowercase();
    let labels_ok = domain.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    (!local.is_empty() && domain.contains('.') && labels_ok).then_some(domain)
}

/// Domains whose addresses belong to people, not companies: an address
/// there names no customer.
const FREE_MAIL: [&str; 22] = [
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.ru",
    "yandex.ru",
    "qq.com",
    "163.com",
    "zoho.com",
];

/// Whether `domain` is a free-mail provider's, whose senders are no one company.
pub fn is_free_mail(domain: &str) -> bool {
    FREE_MAIL.contains(&domain)
}

/// `text` with each e-mail address cut to its domain ("…@acme.com"):
/// a person's address is never stored.
pub fn without_addresses(text: &str) -> std::borrow::Cow<'_, str> {
    static ADDRESS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let address =
        ADDRESS.get_or_init(|| regex::Regex::new(r"[\w.+%-]+@((?:[\w-]+\.)+[\w-]+)").expect("a valid pattern"));
    address.replace_all(text, "…@$1")
}

/// A guild's customer as the team keeps it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Customer {
    #[serde(serialize_with = "crate::text::as_text")]
    pub id: i64,
    pub name: String,
    /// Its other names, each also matched in texts.
    pub aliases: Vec<String>,
    pub segment: Option<String>,
    /// A number the team chooses (ARR, seats) that weighs its share.
    pub weight: Option<f64>,
    /// The account's person in Discord.
    #[serde(serialize_with = "crate::text::as_optional_text")]
    pub owner_id: Option<u64>,
    /// E-mail domains whose senders are this customer.
    pub domains: Vec<String>,
    pub crm_id: Option<String>,
    pub support_org_id: Option<String>,
}

/// A customer's field a manager sets (`None` clears it).
#[derive(Clone, Debug, PartialEq)]
pub enum CustomerField {
    Segment(Option<String>),
    Weight(Option<f64>),
    Owner(Option<u64>),
    CrmId(Option<String>),
    SupportOrgId(Option<String>),
}

/// What changing a customer's names may run into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameClash {
    /// The name is already another customer's (by its key): merge instead.
    Taken { by: i64, name: String },
    /// The guild has no customer of that number.
    NoSuchCustomer,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_in_a_text_keeps_only_its_domain() {
        let said = without_addresses("Ask jane.doe+billing@Acme.co.uk or bob@acme.com; not @here");
        assert_eq!(said, "Ask …@Acme.co.uk or …@acme.com; not @here");
        assert!(matches!(without_addresses("no address"), std::borrow::Cow::Borrowed(_)));
        assert!(is_free_mail("gmail.com") && !is_free_mail("acme.com"));
    }

    #[test]
    fn case_punctuation_spacing_and_legal_forms_do_not_make_another_customer() {
        for name in ["Acme Inc.", "ACME", "acme", "  Acme,  Inc ", "Acme Ltd", "Acme GmbH", "ACME S.A.", "Acme & Co."] {
            assert_eq!(match_key(name), "acme", "{name}");
        }
        assert_eq!(match_key("Globex Pty Ltd"), "globex");
        assert_eq!(match_key("Müller AG"), "müller");
    }

    #[test]
    fn a_legal_form_alone_is_a_name_not_an_empty_key() {
        assert_eq!(match_key("Inc"), "inc");
        assert_eq!(match_key("Co"), "co");
    }

    #[test]
    fn corp_is_a_look_alike_offered_as_a_merge_not_the_same_customer() {
        assert_ne!(match_key("Acme Corp"), match_key("Acme"));
        assert!(looks_alike("Acme Corp", "Acme Inc.", 0.85));
        assert!(looks_alike("Initech", "Inittech", 0.8), "one letter apart");
        assert!(!looks_alike("Acme", "ACME Inc.", 0.85), "one customer is not a look-alike of itself");
        assert!(!looks_alike("Acme", "Globex", 0.85));
        assert!(!looks_alike("Acmeworks", "Acme", 0.9), "a longer word is not an extension by words");
    }

    #[test]
    fn a_name_needs_a_letter_and_fits_100_characters() {
        assert_eq!(CustomerName::parse("  Acme \t Inc. ").unwrap().as_str(), "Acme Inc.");
        assert_eq!(CustomerName::parse("Acme Inc.").unwrap().key(), "acme");
        assert!(CustomerName::parse(" - ").unwrap_err().contains("letter or a digit"));
        assert!(CustomerName::parse(&"x".repeat(101)).unwrap_err().contains("100 characters"));
        assert!(CustomerName::parse(&"x".repeat(100)).is_ok());
    }

    #[test]
    fn an_address_gives_only_its_domain() {
        assert_eq!(email_domain("Jane.Doe@Acme.COM").as_deref(), Some("acme.com"));
        assert_eq!(email_domain(" ops@sub.acme.co.uk. ").as_deref(), Some("sub.acme.co.uk"));
        for not_one in ["acme.com", "@acme.com", "jane@", "jane@localhost", "jane@acme..com", "a@b@"] {
            assert_eq!(email_domain(not_one), None, "{not_one}");
        }
    }

    fn guild() -> Matcher {
        Matcher::new([(1, "Acme Inc."), (1, "Road Runner Co"), (2, "Acme Labs"), (3, "Globex"), (4, "Initech & Co.")])
    }

    #[test]
    fn a_text_names_customers_by_name_or_alias_in_any_case() {
        let m = guild();
        assert_eq!(m.named_in("We called ACME yesterday"), [1]);
        assert_eq!(m.named_in("acme, inc. asked again; globex too"), [1, 3]);
        assert_eq!(m.named_in("the road-runner team asked for exports"), [1], "an alias, punctuation aside");
        assert_eq!(m.named_in("Initech asked"), [4]);
    }

    #[test]
    fn only_whole_words_name_a_customer() {
        let m = guild();
        assert!(m.named_in("acmes are everywhere; Globexia is not Globex-like").contains(&3), "Globex-like has Globex");
        assert_eq!(m.named_in("acmes and globexia"), Vec::<i64>::new());
    }

    #[test]
    fn the_longest_name_wins_and_each_customer_counts_once() {
        let m = guild();
        assert_eq!(m.named_in("Acme Labs shipped it"), [2], "Acme Labs, not Acme");
        assert_eq!(m.named_in("Acme, then Acme again, then Acme Labs"), [1, 2]);
    }

    #[test]
    fn a_longer_name_that_is_not_whole_leaves_the_shorter_one() {
        assert_eq!(guild().named_in("acme labsx"), [1]);
        assert_eq!(guild().named_in("globex acme"), [3, 1], "side by side");
    }

    #[test]
    fn a_guild_without_customers_names_none() {
        assert!(Matcher::new([]).named_in("Acme asked").is_empty());
    }

    #[test]
    fn similarity_is_one_for_one_customer() {
        assert_eq!(similarity("Acme Inc.", "ACME"), 1.0);
        assert!(similarity("Acme", "Globex") < 0.5);
    }
}
