//! Discord's documented size limits, applied where messages are built: a
//! text past its limit is cut with an ellipsis, so Discord never refuses a
//! message (400) because a title, a topic or an answer was long.

use serenity::all::{CreateEmbed, CreateEmbedFooter};

/// A message's content.
pub const CONTENT: usize = 2000;
pub const EMBED_TITLE: usize = 256;
pub const EMBED_DESCRIPTION: usize = 4096;
pub const FIELD_NAME: usize = 256;
pub const FIELD_VALUE: usize = 1024;
pub const FOOTER: usize = 2048;
pub const FIELDS: usize = 25;
/// All the text of a message's embeds together.
pub const EMBED_TOTAL: usize = 6000;
pub const THREAD_NAME: usize = 100;
pub const BUTTON_LABEL: usize = 80;
pub const MODAL_TITLE: usize = 45;

pub use domain::text::cut;

/// A message's content, fitted.
pub fn content(text: &str) -> String {
    cut(text, CONTENT)
}

/// An embed's text, fitted to every limit before it is built.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Embed {
    pub title: String,
    pub description: String,
    pub fields: Vec<(String, String)>,
    pub footer: String,
}

impl Embed {
    /// Cuts each part to its own limit, keeps the first 25 fields, then
    /// shortens the longest parts until the whole fits in 6,000.
    pub fn fit(mut self) -> Embed {
        self.title = cut(&self.title, EMBED_TITLE);
        self.description = cut(&self.description, EMBED_DESCRIPTION);
        self.footer = cut(&self.footer, FOOTER);
        self.fields.truncate(FIELDS);
        for (name, value) in &mut self.fields {
            *name = cut(name, FIELD_NAME);
            *value = cut(value, FIELD_VALUE);
        }
        while self.len() > EMBED_TOTAL {
            let over = self.len() - EMBED_TOTAL;
            let longest = self.parts_mut().into_iter().max_by_key(|p| p.chars().count()).expect("an embed has parts");
            let keep = longest.chars().count().saturating_sub(over).max(1);
            *longest = cut(longest, keep);
        }
        self
    }

    /// Characters Discord counts toward the 6,000.
    fn len(&self) -> usize {
        let n = |s: &String| s.chars().count();
        n(&self.title)
            + n(&self.description)
            + n(&self.footer)
            + self.fields.iter().map(|(k, v)| n(k) + n(v)).sum::<usize>()
    }

    fn parts_mut(&mut self) -> Vec<&mut String> {
        let mut parts = vec![&mut self.title, &mut self.description, &mut self.footer];
        for (name, value) in &mut self.fields {
            parts.push(name);
            parts.push(value);
        }
        parts
    }

    /// The serenity embed of the fitted text, with the bot's accent.
    pub fn build(self) -> CreateEmbed {
        let fitted = self.fit();
        let mut embed = CreateEmbed::new().title(fitted.title).colour(super::EMBED_COLOUR);
        if !fitted.description.is_empty() {
            embed = embed.description(fitted.description);
        }
        if !fitted.footer.is_empty() {
            embed = embed.footer(CreateEmbedFooter::new(fitted.footer));
        }
        for (name, value) in fitted.fields {
            embed = embed.field(name, value, false);
        }
        embed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> usize {
        s.chars().count()
    }

    #[test]
    fn text_at_its_limit_is_kept_and_one_more_is_cut_with_an_ellipsis() {
        for max in [THREAD_NAME, CONTENT, EMBED_TITLE, BUTTON_LABEL, MODAL_TITLE] {
            let exact = "é".repeat(max);
            assert_eq!(cut(&exact, max), exact);
            let over = cut(&"é".repeat(max + 1), max);
            assert_eq!(chars(&over), max);
            assert!(over.ends_with('…'));
        }
        assert_eq!(content(&"x".repeat(5000)).chars().count(), CONTENT);
    }

    #[test]
    fn every_embed_part_is_cut_to_its_own_limit() {
        let e = Embed {
            title: "t".repeat(EMBED_TITLE + 47),
            description: "d".repeat(EMBED_DESCRIPTION + 1),
            fields: (0..30).map(|i| (format!("{i}{}", "n".repeat(300)), "v".repeat(2000))).collect(),
            footer: "f".repeat(FOOTER + 1),
        }
        .fit();
        assert!(chars(&e.title) == EMBED_TITLE && e.title.ends_with('…'));
        assert!(chars(&e.description) <= EMBED_DESCRIPTION);
        assert!(chars(&e.footer) <= FOOTER);
        assert_eq!(e.fields.len(), FIELDS);
        assert!(e.fields.iter().all(|(k, v)| chars(k) <= FIELD_NAME && chars(v) <= FIELD_VALUE));
        assert!(e.len() <= EMBED_TOTAL, "{}", e.len());
    }

    #[test]
    fn an_embed_within_every_limit_is_left_alone() {
        let e = Embed {
            title: "t".repeat(EMBED_TITLE),
            description: "d".repeat(2000),
            fields: vec![("n".repeat(FIELD_NAME), "v".repeat(FIELD_VALUE))],
            footer: "f".repeat(100),
        };
        assert_eq!(e.clone().fit(), e);
    }

    #[test]
    fn a_total_over_6000_shortens_the_longest_part_first() {
        let e = Embed {
            title: "title".into(),
            description: "d".repeat(EMBED_DESCRIPTION),
            fields: vec![("n".into(), "v".repeat(FIELD_VALUE)); 2],
            footer: "f".repeat(FOOTER),
        };
        assert!(e.len() > EMBED_TOTAL);
        let fitted = e.fit();
        assert_eq!(fitted.len(), EMBED_TOTAL);
        assert_eq!(fitted.title, "title");
        assert!(fitted.description.ends_with('…'));
    }
}
