//! Text shortened for a limit, the same way wherever it is cut.

/// `text` in at most `max` characters; a cut one ends with "…".
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
