//! The customer matcher: what naming customers costs per thread reply with
//! 10, 1,000 and 10,000 customers (two names each), and what building the
//! matcher costs. Run: cargo bench -p advocate-domain --bench matcher
//! Prints figures; asserts nothing about speed.

use std::hint::black_box;
use std::time::Instant;

use advocate_domain::customer::Matcher;

/// A reply as teams write them: ~160 characters, one customer named.
fn reply(n: usize) -> String {
    format!(
        "Support saw 12 tickets from Northwind {n} Labs since Monday; I think the export is too slow for them, \
         follow up with their admin before Friday."
    )
}

fn main() {
    const REPLIES: usize = 20_000;
    for customers in [10usize, 1_000, 10_000] {
        let names: Vec<(i64, String)> = (0..customers)
            .flat_map(|n| [(n as i64, format!("Northwind {n} Labs Inc.")), (n as i64, format!("NW{n}"))])
            .collect();
        let started = Instant::now();
        let matcher = Matcher::new(names.iter().map(|(id, name)| (*id, name.as_str())));
        let built = started.elapsed();
        let texts: Vec<String> = (0..REPLIES).map(|i| reply(i % customers)).collect();
        let started = Instant::now();
        let mut found = 0;
        for text in &texts {
            found += black_box(matcher.named_in(black_box(text))).len();
        }
        let per_reply = started.elapsed().as_secs_f64() * 1e6 / REPLIES as f64;
        assert_eq!(found, REPLIES, "each reply names its one customer");
        println!(
            "{customers:>6} customers: {per_reply:.2} µs per reply ({REPLIES} replies), matcher built in {:.1} ms",
            built.as_secs_f64() * 1e3
        );
    }
}
