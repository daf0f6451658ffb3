//! Which insight a channel sees next. No insight repeats until every one
//! in the pool has been shown; segments take turns so that one kind of
//! customer does not stand for all of them.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::insight::Segment;

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
}

/// Picks the next insight for a channel, or `None` for an empty pool.
///
/// 1. Only insights shown the fewest times in this channel qualify, so
///    none repeats before the whole pool has been shown.
/// 2. Among them, the segment shown longest ago (or never) wins.
/// 3. Within that segment the guild's own insights come first, then a
///    per-channel order, so two channels do not post the same insight.
pub fn next_insight(pool: &[Candidate], history: &[Shown], channel: u64) -> Option<i64> {
    let mut times_shown: HashMap<i64, usize> = HashMap::new();
    // Index of the last post per segment; higher is more recent.
    let mut segment_last: HashMap<&Segment, usize> = HashMap::new();
    for (i, shown) in history.iter().enumerate() {
        *times_shown.entry(shown.id).or_default() += 1;
        segment_last.insert(&shown.segment, i);
    }
    let count = |c: &Candidate| times_shown.get(&c.id).copied().unwrap_or(0);
    let fewest = pool.iter().map(count).min()?;
    pool.iter()
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

    fn seg(name: &str) -> Segment {
        Segment::parse(name).unwrap()
    }

    fn pool(spec: &[(i64, &str, bool)]) -> Vec<Candidate> {
        spec.iter().map(|&(id, s, own)| Candidate { id, segment: seg(s), own }).collect()
    }

    /// Posts `n` times, feeding each choice back as history.
    fn run(pool: &[Candidate], n: usize) -> Vec<i64> {
        let mut history = Vec::new();
        for _ in 0..n {
            let id = next_insight(pool, &history, 42).unwrap();
            let segment = pool.iter().find(|c| c.id == id).unwrap().segment.clone();
            history.push(Shown { id, segment });
        }
        history.into_iter().map(|s| s.id).collect()
    }

    #[test]
    fn empty_pool_has_no_next() {
        assert_eq!(next_insight(&[], &[], 1), None);
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
        let history = [Shown { id: 9, segment: seg("smb") }];
        assert_eq!(next_insight(&p, &history, 7), Some(2));
    }

    #[test]
    fn guild_own_insight_is_preferred_within_a_segment() {
        let p = pool(&[(1, "smb", false), (2, "smb", true), (3, "smb", false)]);
        assert_eq!(next_insight(&p, &[], 3), Some(2));
    }

    #[test]
    fn an_insight_added_later_is_shown_before_repeats() {
        let mut p = pool(&[(1, "smb", false), (2, "edu", false)]);
        let history = [Shown { id: 1, segment: seg("smb") }, Shown { id: 2, segment: seg("edu") }];
        p.push(Candidate { id: 3, segment: seg("smb"), own: false });
        assert_eq!(next_insight(&p, &history, 1), Some(3));
    }

    #[test]
    fn retired_insights_are_not_in_the_pool_and_never_chosen() {
        // The store leaves retired ones out; history may still name them.
        let p = pool(&[(2, "edu", false)]);
        let history = [Shown { id: 1, segment: seg("smb") }];
        assert_eq!(run(&p, 3), [2, 2, 2]);
        assert_eq!(next_insight(&p, &history, 5), Some(2));
    }
}
