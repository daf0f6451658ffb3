//! `/healthz` for load balancers and supervisors, `/metrics` for Prometheus.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use app::App;

pub fn router(app: App) -> Router {
    Router::new().route("/healthz", get(healthz)).route("/metrics", get(metrics)).with_state(app)
}

/// How long the database may take to answer a health check.
const DATABASE_PATIENCE: Duration = Duration::from_secs(2);

/// 200 "ok" while the gateway is connected, the scheduler passes and the
/// database answers;
/// 503 with one line per problem otherwise.
async fn healthz(State(app): State<App>) -> impl IntoResponse {
    let mut problems: Vec<String> = app.health.gateway_problem().into_iter().collect();
    problems.extend(app.health.scheduler_problem(app::health::SCHEDULER_PATIENCE));
    match tokio::time::timeout(DATABASE_PATIENCE, app.database_answers()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => problems.push(format!("the database does not answer: {e:#}")),
        Err(_) => problems.push(format!("the database did not answer within {DATABASE_PATIENCE:?}")),
    }
    match problems.is_empty() {
        true => (StatusCode::OK, "ok\n".to_string()),
        false => (StatusCode::SERVICE_UNAVAILABLE, problems.join("\n") + "\n"),
    }
}

/// The process's counters in Prometheus' text format.
async fn metrics(State(app): State<App>) -> impl IntoResponse {
    super::metrics::set_waiting(app.work.waiting());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], super::metrics::render())
}
