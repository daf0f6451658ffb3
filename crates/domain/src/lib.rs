//! The domain: plain types and pure rules, with no Discord and no SQL.

pub mod access;
pub mod answer;
pub mod api;
pub mod calendar;
pub mod challenge;
pub mod classify;
pub mod customer;
pub mod customer_week;
pub mod follow_up;
pub mod insight;
pub mod link;
pub mod meeting;
pub mod outcome;
pub mod period;
pub mod post;
pub mod privacy;
pub mod query;
pub mod reaction;
pub mod rotation;
pub mod settings;
pub mod summary;
pub mod text;
pub mod time;
pub mod timeline;
