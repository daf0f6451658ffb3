//! What the process knows of its own health, for `/healthz`: which
//! gateway shards are connected (the Discord edge keeps it current).

use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Health {
    /// Shard id → connected.
    shards: Mutex<HashMap<u32, bool>>,
}

impl Health {
    pub fn set_shard(&self, shard: u32, connected: bool) {
        self.shards.lock().unwrap().insert(shard, connected);
    }

    /// A problem with the gateway, if any: none connected yet, or some down.
    pub fn gateway_problem(&self) -> Option<String> {
        let shards = self.shards.lock().unwrap();
        let down: Vec<String> = shards.iter().filter(|(_, up)| !**up).map(|(id, _)| id.to_string()).collect();
        match (shards.is_empty(), down.is_empty()) {
            (true, _) => Some("the Discord gateway is not connected yet".into()),
            (false, true) => None,
            (false, false) => Some(format!("Discord gateway shard(s) {} not connected", down.join(", "))),
        }
    }
}

impl super::App {
    /// Whether the database answers a trivial query.
    pub async fn database_answers(&self) -> anyhow::Result<()> {
        Ok(self.store.ping().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_only_with_every_known_shard_connected() {
        let h = Health::default();
        assert!(h.gateway_problem().is_some(), "nothing connected yet");
        h.set_shard(0, true);
        h.set_shard(1, true);
        assert_eq!(h.gateway_problem(), None);
        h.set_shard(1, false);
        assert_eq!(h.gateway_problem().as_deref(), Some("Discord gateway shard(s) 1 not connected"));
    }
}
