//! Gateway control and faults: what a test does to the bot's connection
//! and requests, as Discord's outages and errors would.

use serde_json::{json, Value};

use crate::gateway::Out;
use crate::state::{Fault, HANG};
use crate::FakeDiscord;

impl FakeDiscord {
    /// Whether a bot asking for Message Content gets it (else close 4014).
    pub fn allow_message_content(&self, allowed: bool) {
        self.inner.state.lock().unwrap().message_content_allowed = allowed;
    }

    pub fn gateway_stats(&self) -> (usize, usize, u64) {
        let gw = self.inner.gateway.lock().unwrap();
        (gw.identifies, gw.resumes, gw.intents)
    }

    /// Sends a dispatch as is: a failure names why serenity would drop it.
    pub fn dispatch_raw(&self, t: &str, d: Value) -> anyhow::Result<()> {
        self.inner.dispatch(t, d).map_err(anyhow::Error::msg)
    }

    /// Benchmarks: sends dispatches without first checking that serenity
    /// parses them (a check as costly as the bot's own parse), so that the
    /// fake's send rate measures less of itself. Tests keep the check.
    pub fn skip_dispatch_checks(&self) {
        self.inner.gateway.lock().unwrap().unchecked = true;
    }

    /// Drops the gateway connection as a network failure would; events
    /// sent until the bot resumes are replayed then.
    pub fn drop_connection(&self) {
        self.inner.gateway_out(Out::Drop);
    }

    /// Forgets the bot's session and drops the connection: its RESUME is
    /// answered with INVALID_SESSION (op 9), so it must identify again.
    pub fn invalidate_session(&self) {
        self.inner.gateway.lock().unwrap().session_id.clear();
        self.inner.gateway_out(Out::Drop);
    }

    /// Sends INVALID_SESSION with `d: true` on the live connection: the
    /// session may be resumed, and events since are replayed on RESUME.
    pub fn invalidate_session_resumable(&self) {
        self.inner.gateway_out(Out::Text(json!({"op": 9, "d": true}).to_string()));
    }

    /// The gateway becomes unreachable: the connection drops and new ones
    /// are closed before their WebSocket handshake. Events meanwhile are
    /// kept (history, and replay on RESUME).
    pub fn gateway_down(&self) {
        let mut gw = self.inner.gateway.lock().unwrap();
        gw.down = true;
        gw.send(Out::Drop);
    }

    /// The gateway is reachable again. With `resumable` false the session
    /// has expired meanwhile, as after a long outage: RESUME gets
    /// INVALID_SESSION, and events of the gap are never delivered.
    pub fn gateway_up(&self, resumable: bool) {
        let mut gw = self.inner.gateway.lock().unwrap();
        gw.down = false;
        if !resumable {
            gw.session_id.clear();
        }
    }

    /// The heartbeat interval HELLO asks for from the next connection on
    /// (Discord's is 41.25 s): tests of missed heartbeats use a short one.
    pub fn set_heartbeat_interval(&self, interval: std::time::Duration) {
        self.inner.gateway.lock().unwrap().heartbeat_ms = interval.as_millis() as u64;
    }

    /// Heartbeats go unacknowledged until the bot identifies again.
    pub fn stop_heartbeat_acks(&self) {
        self.inner.gateway.lock().unwrap().no_acks = true;
    }

    /// The connection goes silent (a zombie): nothing reaches the bot,
    /// events included, until it identifies again.
    pub fn go_zombie(&self) {
        self.inner.gateway.lock().unwrap().zombie = true;
    }

    /// Asks the bot to reconnect (op 7).
    pub fn request_reconnect(&self) {
        self.inner.gateway_out(Out::Text(json!({"op": 7, "d": null}).to_string()));
    }

    /// Answers the next `count` requests to `method path_prefix…` with
    /// `status`; a `*` segment in the prefix matches any one segment.
    pub fn fail_next(&self, method: &str, path_prefix: &str, status: u16, count: usize) {
        self.inner.state.lock().unwrap().faults.push(Fault {
            method: method.into(),
            path_prefix: path_prefix.into(),
            status,
            remaining: count,
        });
    }

    /// Never answers the next `count` requests to `method path_prefix…`,
    /// as a Discord that accepted the connection and then went silent.
    pub fn hang_next(&self, method: &str, path_prefix: &str, count: usize) {
        self.fail_next(method, path_prefix, HANG, count);
    }

    /// Discord remembers a message nonce only for a few minutes: after
    /// this, a resend with the same nonce makes a second message.
    pub fn forget_nonces(&self) {
        self.inner.state.lock().unwrap().nonces.clear();
    }

    /// Enforces Discord's global rate limit: past `per_second` requests
    /// in any second (interaction callbacks aside), a global 429.
    pub fn set_global_limit(&self, per_second: usize) {
        let limit = crate::state::GlobalLimit { per_second, recent: Default::default(), refused: 0 };
        self.inner.state.lock().unwrap().global_limit = Some(limit);
    }

    /// Requests refused by the global limit so far.
    pub fn global_limit_refusals(&self) -> u64 {
        self.inner.state.lock().unwrap().global_limit.as_ref().map_or(0, |l| l.refused)
    }

    pub fn clear_faults(&self) {
        self.inner.state.lock().unwrap().faults.clear();
    }
}
