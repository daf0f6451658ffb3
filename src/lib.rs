//! Advocate: a Discord bot that keeps the customer in every team conversation.

pub mod app;
pub mod chart;
pub mod cli;
pub mod clock;
pub mod config;
#[cfg(feature = "demo")]
pub mod demo;
pub mod discord;
pub mod domain;
pub mod logging;
pub mod memory;
pub mod prompts;
pub mod scheduler;
pub mod service;
pub mod store;
pub mod web;
