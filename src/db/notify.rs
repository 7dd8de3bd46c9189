//! The listener that keeps the in-memory caches (see [`crate::cache`]) true: one
//! connection of its own with `LISTEN` on each cache's channel.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::prelude::*;

use crate::cache::Listening;

/// How often the listener looks for notifications that arrived (a read of what the
/// socket holds, not a round trip to the server).
const POLL: Duration = Duration::from_millis(5);

/// How often the listener checks that the server still answers; a connection that died
/// without a word would otherwise keep the caches live.
const PING: Duration = Duration::from_secs(2);

/// A cache and the channel its changes are announced on.
pub type Channel = (&'static str, Arc<dyn Listening>);

/// A thread that keeps caches live while it listens on their channels, and empties a
/// cache on every notification of its channel. Stops (and leaves the caches off) when
/// dropped.
pub struct Listener {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Listener {
    /// Asks the thread to stop and waits up to a second for it; a thread stuck on a dead
    /// connection is left to end with the process rather than hold up a shutdown.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let Some(thread) = self.thread.take() else {
            return;
        };
        let deadline = Instant::now() + Duration::from_secs(1);
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        if thread.is_finished() {
            let _ = thread.join();
        }
    }
}

/// Starts listening on a connection of its own to `database_url`, reconnecting after a
/// second when the connection is lost.
pub fn listen(channels: Vec<Channel>, database_url: String) -> std::io::Result<Listener> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let thread = std::thread::Builder::new()
        .name("cache-listener".into())
        .spawn(move || {
            // Said once per outage, not at every retry.
            let mut reported = false;
            while !stopping.load(Ordering::Relaxed) {
                match PgConnection::establish(&database_url) {
                    Ok(mut conn) => {
                        if reported {
                            log::info!("cache listener connected again");
                            reported = false;
                        }
                        if let Err(err) = listen_on(&mut conn, &channels, &stopping) {
                            log::warn!("cache listener: {err}; reading the database instead");
                            reported = true;
                        }
                        channels.iter().for_each(|(_, cache)| cache.set_live(false));
                    }
                    Err(err) if !reported => {
                        log::warn!("cache listener cannot connect: {err}; retrying every second");
                        reported = true;
                    }
                    Err(_) => {}
                }
                let retry = Instant::now() + Duration::from_secs(1);
                while !stopping.load(Ordering::Relaxed) && Instant::now() < retry {
                    std::thread::sleep(POLL * 10);
                }
            }
        })?;
    Ok(Listener {
        stop,
        thread: Some(thread),
    })
}

/// Listens until `stop` is set (`Ok`) or the connection fails (`Err`).
fn listen_on(conn: &mut PgConnection, channels: &[Channel], stop: &AtomicBool) -> QueryResult<()> {
    for (channel, _) in channels {
        diesel::sql_query(format!("LISTEN {channel}")).execute(conn)?;
    }
    // Live only from here: a change committed before LISTEN took effect was already
    // visible to every read, and set_live empties whatever an earlier life stored.
    channels.iter().for_each(|(_, cache)| cache.set_live(true));
    let mut pinged = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        forget_notified(conn, channels)?;
        if pinged.elapsed() >= PING {
            diesel::sql_query("SELECT 1").execute(conn)?;
            pinged = Instant::now();
            // What arrived with the answer first, then the lease (see cache::LEASE).
            forget_notified(conn, channels)?;
            channels.iter().for_each(|(_, cache)| cache.renew());
        }
        std::thread::sleep(POLL);
    }
    Ok(())
}

/// Empties the cache of every channel notified since the last call.
fn forget_notified(conn: &mut PgConnection, channels: &[Channel]) -> QueryResult<()> {
    for notification in conn.notifications_iter() {
        let notification = notification?;
        channels
            .iter()
            .filter(|(channel, _)| *channel == notification.channel)
            .for_each(|(_, cache)| cache.forget_all());
    }
    Ok(())
}
