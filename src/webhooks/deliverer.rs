//! The deliverer: threads of `lotgate serve`, each with a connection of its own, that
//! claim due deliveries (`FOR UPDATE SKIP LOCKED`, so any number of lotgate processes
//! can run them side by side), post them signed, log the attempt and schedule the next
//! one. Never on a request's path: a dead or slow endpoint holds up only a deliverer
//! thread. Woken by `LISTEN lotgate_webhooks` when a delivery becomes due now, and by
//! polling for retries that fall due.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use diesel::prelude::*;
use serde::Serialize;

use super::schedule::Schedule;
use super::signature::{
    DELIVERY_ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER,
    sign,
};
use crate::db::webhooks::{self as db, Attempt, Claimed, Next};
use crate::domain::WebhookDeliveryId;

/// How often a waiting deliverer looks for a notification (a read of what the socket
/// holds, not a round trip).
const NOTIFICATION_POLL: Duration = Duration::from_millis(5);
/// Longest error text kept in the delivery log.
const ERROR_MAX: usize = 1000;

/// How deliveries are made.
#[derive(Debug, Clone)]
pub struct DelivererConfig {
    /// The retry schedule.
    pub schedule: Schedule,
    /// How long an attempt may take, connection included; slower is a failure.
    pub timeout: Duration,
    /// Deliveries in flight at once, from this process.
    pub workers: usize,
}

impl Default for DelivererConfig {
    fn default() -> Self {
        DelivererConfig {
            schedule: Schedule::default(),
            timeout: Duration::from_secs(10),
            workers: 4,
        }
    }
}

impl DelivererConfig {
    /// How long a claimed delivery stays out of reach of other deliverers: the attempt's
    /// timeout and a margin. A deliverer that dies mid-attempt leaves it due after that.
    fn lease(&self) -> Duration {
        self.timeout + Duration::from_secs(5)
    }

    /// How often an idle deliverer looks for retries that fell due.
    fn poll(&self) -> Duration {
        self.schedule
            .base
            .clamp(Duration::from_millis(10), Duration::from_secs(1))
    }
}

/// The deliverer threads. Stop (each after its attempt in flight) when dropped.
pub struct Deliverer {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Deliverer {
    /// Starts `config.workers` deliverer threads on connections of their own to
    /// `database_url`, each reconnecting after a second when its connection is lost.
    pub fn start(database_url: String, config: DelivererConfig) -> std::io::Result<Deliverer> {
        let stop = Arc::new(AtomicBool::new(false));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent("lotgate-webhooks")
            .build()
            .into();
        let mut threads = Vec::new();
        for n in 0..config.workers.max(1) {
            let (stop, url, config, agent) = (
                stop.clone(),
                database_url.clone(),
                config.clone(),
                agent.clone(),
            );
            threads.push(
                std::thread::Builder::new()
                    .name(format!("webhooks-{n}"))
                    .spawn(move || run(&url, &config, &agent, &stop))?,
            );
        }
        Ok(Deliverer { stop, threads })
    }
}

impl Drop for Deliverer {
    /// Asks the threads to stop and waits up to a second for them; a thread in the middle
    /// of an attempt is left to end with the process (its delivery is tried again after
    /// its lease).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let deadline = Instant::now() + Duration::from_secs(1);
        for thread in std::mem::take(&mut self.threads) {
            while !thread.is_finished() && Instant::now() < deadline {
                std::thread::sleep(NOTIFICATION_POLL);
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

/// One deliverer thread: connects, delivers until stopped, reconnects after a failure.
fn run(url: &str, config: &DelivererConfig, agent: &ureq::Agent, stop: &AtomicBool) {
    // Said once per outage, not at every retry.
    let mut reported = false;
    while !stop.load(Ordering::Relaxed) {
        match PgConnection::establish(url) {
            Ok(mut conn) => {
                if reported {
                    log::info!("webhook deliverer connected again");
                    reported = false;
                }
                if let Err(err) = deliver_until_stopped(&mut conn, config, agent, stop) {
                    log::warn!("webhook deliverer: {err}; reconnecting");
                    reported = true;
                }
            }
            Err(err) if !reported => {
                log::warn!("webhook deliverer cannot connect: {err}; retrying every second");
                reported = true;
            }
            Err(_) => {}
        }
        let retry = Instant::now() + Duration::from_secs(1);
        while !stop.load(Ordering::Relaxed) && Instant::now() < retry {
            std::thread::sleep(NOTIFICATION_POLL * 10);
        }
    }
}

fn deliver_until_stopped(
    conn: &mut PgConnection,
    config: &DelivererConfig,
    agent: &ureq::Agent,
    stop: &AtomicBool,
) -> QueryResult<()> {
    diesel::sql_query(format!("LISTEN {}", db::DUE_CHANNEL)).execute(conn)?;
    let lease = config.lease().as_secs_f64();
    while !stop.load(Ordering::Relaxed) {
        // Notifications already here are answered by this claim.
        drain(conn)?;
        match db::claim(conn, lease)? {
            Some(job) => {
                let (attempt, next) = attempt(agent, &config.schedule, &job);
                db::finish(conn, &attempt, next)?;
            }
            None => wait(conn, config.poll(), stop)?,
        }
    }
    Ok(())
}

/// Whether a notification arrived since the last call.
fn drain(conn: &mut PgConnection) -> QueryResult<bool> {
    let mut any = false;
    for notification in conn.notifications_iter() {
        notification?;
        any = true;
    }
    Ok(any)
}

/// Waits until a delivery is announced as due, `poll` has passed, or the deliverer stops.
fn wait(conn: &mut PgConnection, poll: Duration, stop: &AtomicBool) -> QueryResult<()> {
    let until = Instant::now() + poll;
    while !stop.load(Ordering::Relaxed) && Instant::now() < until {
        if drain(conn)? {
            return Ok(());
        }
        std::thread::sleep(NOTIFICATION_POLL);
    }
    Ok(())
}

/// The body of a delivery: the event's id, type, time and data.
#[derive(Serialize)]
struct Envelope<'a> {
    id: uuid::Uuid,
    #[serde(rename = "type")]
    event_type: &'a str,
    created_at: chrono::DateTime<Utc>,
    data: &'a serde_json::Value,
}

/// Posts a claimed delivery once: the attempt to log, and what comes next.
fn attempt(agent: &ureq::Agent, schedule: &Schedule, job: &Claimed) -> (Attempt, Next) {
    let started_at = Utc::now();
    let clock = Instant::now();
    let body = serde_json::to_vec(&Envelope {
        id: job.event_id,
        event_type: &job.event_type,
        created_at: job.occurred_at,
        data: &job.data,
    })
    .unwrap_or_default();
    let timestamp = started_at.timestamp();
    let sent = agent
        .post(&job.url)
        .header("Content-Type", "application/json")
        .header(EVENT_ID_HEADER, job.event_id.to_string())
        .header(EVENT_TYPE_HEADER, &job.event_type)
        .header(DELIVERY_ID_HEADER, job.id.to_string())
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, sign(&job.secret, timestamp, &body))
        .send(&body[..]);
    let duration_ms = i32::try_from(clock.elapsed().as_millis()).unwrap_or(i32::MAX);
    let (status_code, error) = match sent {
        Ok(response) => (Some(i32::from(response.status().as_u16())), None),
        Err(err) => (None, Some(truncated(err.to_string()))),
    };
    let delivered = status_code.is_some_and(|s| (200..300).contains(&s));
    let next = if delivered {
        Next::Delivered
    } else {
        let elapsed = (Utc::now() - job.created_at).to_std().unwrap_or_default();
        let failed = u32::try_from(job.attempt).unwrap_or(1);
        match schedule.next(failed, elapsed, jitter()) {
            Some(wait) => Next::Retry(wait.as_secs_f64()),
            None => Next::GiveUp,
        }
    };
    let id = WebhookDeliveryId(job.id);
    match (&next, status_code, &error) {
        (Next::Delivered, _, _) => {}
        (Next::GiveUp, _, _) => log::warn!(
            "webhook delivery {id} to {} failed {} times; giving up after the retry period",
            job.url,
            job.attempt
        ),
        (_, Some(status), _) => {
            log::info!("webhook delivery {id} to {} answered {status}", job.url)
        }
        (_, None, Some(error)) => log::info!("webhook delivery {id} to {}: {error}", job.url),
        _ => {}
    }
    let attempt = Attempt {
        delivery_id: id,
        attempt: job.attempt,
        started_at,
        duration_ms,
        status_code,
        error,
    };
    (attempt, next)
}

/// A random number in [0, 1] from the operating system; the middle when it fails.
fn jitter() -> f64 {
    getrandom::u32().map_or(0.5, |n| f64::from(n) / f64::from(u32::MAX))
}

fn truncated(mut text: String) -> String {
    if text.chars().count() > ERROR_MAX {
        text = text.chars().take(ERROR_MAX).collect();
    }
    text
}
