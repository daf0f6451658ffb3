//! prompts/holidays.csv: public holidays by country (`country,date,name`),
//! the days a guild with `/setup set holidays <country>` gets no post.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

use super::Problem;

pub use domain::calendar::Holidays as Calendar;
use domain::settings::GuildSettings;

/// Every country's holidays, by ISO 3166 code (`DE`, `US`).
#[derive(Debug, Default)]
pub struct Holidays(HashMap<String, Calendar>);

impl Holidays {
    pub fn country(&self, code: &str) -> Option<Calendar> {
        self.0.get(code).cloned()
    }

    /// Gives settings their country's calendar (none if it has no
    /// country, or one this file lacks).
    pub fn attach(&self, settings: &mut GuildSettings) {
        settings.holiday_calendar = settings.holidays.as_deref().and_then(|c| self.country(c)).unwrap_or_default();
    }

    /// The country codes, sorted, for messages.
    pub fn countries(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self.0.keys().map(String::as_str).collect();
        codes.sort();
        codes
    }
}

pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Holidays, Vec<Problem>> {
    let mut days: HashMap<String, BTreeMap<Date, String>> = HashMap::new();
    let mut problems = Vec::new();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    for row in rows.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(Problem { path: path.as_ref().into(), line, message: e.to_string() });
                continue;
            }
        };
        let line = row.position().map_or(0, |p| p.line() as usize);
        let (country, date, name) = (row.get(0).unwrap_or(""), row.get(1).unwrap_or(""), row.get(2).unwrap_or(""));
        let bad = |message: String| Problem { path: path.as_ref().into(), line, message };
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            problems.push(bad(format!("`{country}` is not a two-letter country code such as DE or US")));
        } else if name.trim().is_empty() {
            problems.push(bad("the holiday has no name".into()));
        } else {
            match date.parse::<Date>() {
                Ok(date) => {
                    days.entry(country.to_string()).or_default().insert(date, name.trim().to_string());
                }
                Err(_) => problems.push(bad(format!("`{date}` is not a day; write it like 2026-12-25"))),
            }
        }
    }
    match problems.is_empty() {
        true => Ok(Holidays(days.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())),
        false => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn rows_load_by_country_and_bad_ones_are_named_by_line() {
        let h = parse(
            "h.csv",
            "country,date,name\nDE,2026-10-03,German Unity Day\nUS,2026-07-03,\"Independence Day, observed\"\n",
        )
        .unwrap();
        assert_eq!(h.country("DE").unwrap()[&date(2026, 10, 3)], "German Unity Day");
        assert_eq!(h.countries(), ["DE", "US"]);
        let problems =
            parse("h.csv", "country,date,name\nDE,2026-10-03,ok\nde,2026-10-04,x\nFR,2026-13-01,y\n").unwrap_err();
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text[0].starts_with("h.csv:3: `de` is not a two-letter country code"), "{text:?}");
        assert!(text[1].starts_with("h.csv:4: `2026-13-01` is not a day"), "{text:?}");
    }
}
