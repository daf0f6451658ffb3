//! Which insight a channel sees next. No insight repeats within the
//! guild's window (nor before every one in the pool has been shown);
//! segments take turns so that one kind of customer does not stand for
//! all of them. A pool too small for the window reuses the oldest.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use jiff::civil::Date;

use super::insight::Segment;
use super::time::Days;

/// An insight that may be posted: live and not retired for the guild.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub segment: Segment,
    /// The guild's own (added or imported) rather than the shipped library.
    pub own: bool,
}

/// A past post in the channel, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub id: i64,
    pub segment: Segment,
    /// The local day it was posted for.
    pub day: Date,
}

/// How many posts a channel makes in `window_days` at most: what a pool
/// needs so that none repeats within the window.
pub fn posts_in_window(days: Days, window_days: u32) -> u32 {
    let per_week = days.per_week();
    window_days / 7 * per_week + (window_days % 7).min(per_week)
}

/// Picks the next insight for a channel, or `None` for an empty pool.
/// `since` is the first day of the repeat window: an insight shown on or
/// after it is not shown again while any other is left.
///
/// 1. Only insights not shown since `since` qualify; if none does, the
///    one shown longest ago is reused.
/// 2. Of those, only the ones shown the fewest times qualify, so none
///    repeats before the whole pool has been shown.
/// 3. Among them, the segment shown longest ago (or never) wins.
/// 4. Within that segment the guild's own insights come first, then a
///    per-channel order, so two channels do not post the same insight.
pub fn next_insight(pool: &[Candidate], history: &[Shown], channel: u64, since: Date) -> Option<i64> {
    let mut times_shown: HashMap<i64, usize> = HashMap::new();
    // Index of the last post per insight and per segment; higher is more recent.
    let mut insight_last: HashMap<i64, (usize, Date)> = HashMap::new();
    let mut segment_last: HashMap<&Segment, usize> = HashMap::new();
    for (i, shown) in history.iter().enumerate() {
        *times_shown.entry(shown.id).or_default() += 1;
        insight_last.insert(shown.id, (i, shown.day));
        segment_last.insert(&shown.segment, i);
    }
    let outside_window = |c: &&Candidate| insight_last.get(&c.id).is_none_or(|&(_, day)| day < since);
    if !pool.iter().any(|c| outside_window(&c)) {
        let oldest =
            pool.iter().min_by_key(|c| (insight_last.get(&c.id).map(|&(i, _)| i), channel_order(channel, c.id)));
        return oldest.map(|c| c.id);
    }
    let count = |c: &Candidate| times_shown.get(&c.id).copied().unwrap_or(0);
    let fewest = pool.iter().filter(outside_window).map(count).min()?;
    pool.iter()
        .filter(outside_window)
        .filter(|c| count(c) == fewest)
        .min_by_key(|c| {
            let recency = segment_last.get(&c.segment).map_or(0, |i| i + 1);
            (recency, !c.own, channel_order(channel, c.id))
        })
        .map(|c| c.id)
}

fn channel_order(channel: u64, insight: i64) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (channel, insight).hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn seg(name: &str) -> Segment {
        Segment::parse(name).unwrap()
    }

    fn pool(spec: &[(i64, &str, bool)]) -> Vec<Candidate> {
        spec.iter().map(|&(id, s, own)| Candidate { id, segment: seg(s), own }).collect()
    }

    fn day(n: i64) -> Date {
        date(2026, 1, 1).checked_add(jiff::Span::new().days(n)).unwrap()
    }

    fn shown(id: i64, segment: &str) -> Shown {
        Shown { id, segment: seg(segment), day: day(0) }
    }

    /// Posts daily for `n` days with a window of `window` days, feeding
    /// each choice back as history.
    fn run_window(pool: &[Candidate], n: i64, window: i64) -> Vec<i64> {
        let mut history = Vec::new();
        for today in 0..n {
            let id = next_insight(pool, &history, 42, day(today - window + 1)).unwrap();
            let segment = pool.iter().find(|c| c.id == id).unwrap().segment.clone();
            history.push(Shown { id, segment, day: day(today) });
        }
        history.into_iter().map(|s| s.id).collect()
    }

    fn run(pool: &[Candidate], n: i64) -> Vec<i64> {
        run_window(pool, n, 0)
    }

    #[test]
    fn empty_pool_has_no_next() {
        assert_eq!(next_insight(&[], &[], 1, day(0)), None);
    }

    #[test]
    fn no_insight_repeats_within_the_window_when_the_pool_is_large_enough() {
        let segments = ["smb", "enterprise", "edu", "health"];
        let p: Vec<Candidate> =
            (1..=40).map(|id| Candidate { id, segment: seg(segments[id as usize % 4]), own: id % 5 == 0 }).collect();
        let shown = run_window(&p, 60, 30);
        for (i, id) in shown.iter().enumerate() {
            let window = &shown[i.saturating_sub(29)..i];
            assert!(!window.contains(id), "insight {id} repeated within 30 days on day {i}: {shown:?}");
        }
        assert!(shown[40..].iter().all(|id| shown[..40].contains(id)), "the pool was used before any repeat");
    }

    #[test]
    fn a_pool_too_small_for_the_window_reuses_the_oldest_first() {
        // Uneven segments: taking turns alone would reorder the second round.
        let segment = |id| if id <= 7 { seg("smb") } else { seg("edu") };
        let p: Vec<Candidate> = (1..=10).map(|id| Candidate { id, segment: segment(id), own: false }).collect();
        let shown = run_window(&p, 30, 90);
        let mut first: Vec<_> = shown[..10].to_vec();
        first.sort();
        assert_eq!(first, (1..=10).collect::<Vec<_>>());
        assert_eq!(shown[10..20], shown[..10], "reused in the order first shown");
        assert_eq!(shown[20..30], shown[..10]);
    }

    #[test]
    fn posts_in_a_window_count_the_post_days_only() {
        assert_eq!(posts_in_window(Days::EVERY, 90), 90);
        assert_eq!(posts_in_window(Days::parse("mon,wed,fri").unwrap(), 90), 12 * 3 + 3);
        assert_eq!(posts_in_window(Days::WEEKDAYS, 9), 5 + 2);
        assert_eq!(posts_in_window(Days::WEEKDAYS, 0), 0);
    }

    #[test]
    fn no_repeat_until_the_pool_is_used_up() {
        let p = pool(&[
            (1, "smb", false),
            (2, "smb", false),
            (3, "enterprise", false),
            (4, "edu", false),
            (5, "smb", false),
        ]);
        let shown = run(&p, 10);
        let mut first: Vec<_> = shown[..5].to_vec();
        first.sort();
        assert_eq!(first, [1, 2, 3, 4, 5]);
        let mut second: Vec<_> = shown[5..].to_vec();
        second.sort();
        assert_eq!(second, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn segments_alternate_while_several_remain() {
        let p = pool(&[
            (1, "smb", false),
            (2, "smb", false),
            (3, "smb", false),
            (4, "enterprise", false),
            (5, "enterprise", false),
        ]);
        let segments: Vec<String> =
            run(&p, 4).iter().map(|id| p.iter().find(|c| c.id == *id).unwrap().segment.to_string()).collect();
        for pair in segments.windows(2) {
            assert_ne!(pair[0], pair[1], "same segment twice in a row: {segments:?}");
        }
    }

    #[test]
    fn a_segment_never_shown_comes_before_one_shown_recently() {
        let p = pool(&[(1, "smb", false), (2, "edu", false)]);
        let history = [shown(9, "smb")];
        assert_eq!(next_insight(&p, &history, 7, day(0)), Some(2));
    }

    #[test]
    fn guild_own_insight_is_preferred_within_a_segment() {
        let p = pool(&[(1, "smb", false), (2, "smb", true), (3, "smb", false)]);
        assert_eq!(next_insight(&p, &[], 3, day(0)), Some(2));
    }

    #[test]
    fn an_insight_added_later_is_shown_before_repeats() {
        let mut p = pool(&[(1, "smb", false), (2, "edu", false)]);
        let history = [shown(1, "smb"), shown(2, "edu")];
        p.push(Candidate { id: 3, segment: seg("smb"), own: false });
        assert_eq!(next_insight(&p, &history, 1, day(0)), Some(3));
    }

    #[test]
    fn retired_insights_are_not_in_the_pool_and_never_chosen() {
        // The store leaves retired ones out; history may still name them.
        let p = pool(&[(2, "edu", false)]);
        let history = [shown(1, "smb")];
        assert_eq!(run(&p, 3), [2, 2, 2]);
        assert_eq!(next_insight(&p, &history, 5, day(0)), Some(2));
    }
}
