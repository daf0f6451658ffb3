//! Advocate: a Discord bot that keeps the customer in every team
//! conversation. This crate is the composition root: the command line,
//! the running service (bot, scheduler, web server) and the offline demo.
//! The layers live in their own crates, so that a forbidden import does
//! not compile: `domain` ← `store` ← `app` ← `discord` | `web`.

pub mod cli;
#[cfg(feature = "demo")]
pub mod demo;
pub mod logging;
mod memory;
pub mod service;
