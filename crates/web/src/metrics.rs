//! The process's metrics, in one place: names, help and how they are
//! recorded (the `metrics` facade), rendered by the Prometheus exporter.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Seconds a database write (one shared commit of answers) may take, as
/// histogram buckets.
const WRITE_BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Full("advocate_db_write_seconds".into()),
                WRITE_BUCKETS,
            )
            .expect("valid buckets");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // A second recorder (another test in this process) keeps the first.
        let _ = metrics::set_global_recorder(recorder);
        describe();
        handle
    })
}

fn describe() {
    metrics::describe_counter!("advocate_gateway_events_total", "Gateway events received, by type");
    metrics::describe_counter!("advocate_gateway_sessions_total", "New gateway sessions (READY)");
    metrics::describe_counter!("advocate_gateway_resumes_total", "Resumed gateway sessions (RESUMED)");
    metrics::describe_counter!("advocate_gateway_pauses_total", "Times the gateway stopped reading for handlers");
    metrics::describe_counter!("advocate_answers_logged_total", "Answers stored, by how they came");
    metrics::describe_counter!("advocate_answers_failed_total", "Answers that could not be stored");
    metrics::describe_gauge!("advocate_answers_waiting", "Answers waiting for the database");
    metrics::describe_counter!("advocate_posts_sent_total", "Scheduled messages sent, by job");
    metrics::describe_counter!("advocate_posts_failed_total", "Scheduled messages that failed, by job");
    metrics::describe_counter!("advocate_discord_errors_total", "Discord API requests refused, by HTTP status");
    metrics::describe_histogram!("advocate_db_write_seconds", "Time to commit one batch of answers");
}

/// Starts recording (idempotent); `render` works after it.
pub fn install() {
    handle();
}

pub fn render() -> String {
    handle().render()
}

pub fn set_waiting(n: usize) {
    metrics::gauge!("advocate_answers_waiting").set(n as f64);
}
