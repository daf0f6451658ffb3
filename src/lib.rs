//! Advocate: a Discord bot that keeps the customer in every team conversation.

pub mod clock;
pub mod domain;
pub mod prompts;
pub mod store;
