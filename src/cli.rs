//! Command-line interface: a thin layer over the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::db;
use crate::embedded_postgres::EmbeddedPostgres;
use crate::http::{AppState, build_app};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Parser)]
#[command(
    name = "lotgate",
    version,
    about = "Quality inspection of manufactured lots"
)]
struct Cli {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// PostgreSQL (>= 14) to use. Without it, lotgate runs a private PostgreSQL cluster
    /// in --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Data directory of the private PostgreSQL cluster (used without DATABASE_URL).
    #[arg(
        long,
        env = "LOTGATE_DATA_DIR",
        default_value = "./var/postgres",
        global = true
    )]
    pub data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the REST API (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data (a plastic clip, its PCB and the finished product) and exit.
    Demo,
    /// Print the OpenAPI document (the content of openapi/openapi.json).
    Openapi,
    /// Write a consistent backup of the whole database (photos included) to a file.
    Backup {
        /// The backup file to write (pg_dump custom format).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty database, all or nothing.
    Restore {
        /// The backup file written by `lotgate backup`.
        #[arg(long)]
        from: PathBuf,
    },
    /// Import an inspection of a lot from a CSV export (unit,serial,<characteristic>...).
    Import(ImportArgs),
    /// Create, list and revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print the SQL that gives a service role only what lotgate needs (run it as the
    /// owner of the tables after `lotgate migrate`).
    Grants {
        /// The role `serve` will connect as.
        #[arg(long)]
        role: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token and print it as the last line (it is shown only this once).
    Create {
        /// Who holds it: a person's name or a device's label.
        #[arg(long)]
        name: String,
        /// inspector, reviewer or admin.
        #[arg(long)]
        role: String,
        /// person or device.
        #[arg(long, default_value = "person")]
        holder: String,
        /// Bind the token to this supplier (an inspector's or reviewer's): it then sees
        /// and writes only that supplier's lots, inspections, photos and statistics, and
        /// cannot record in-house inspections. The binding never changes.
        #[arg(long)]
        supplier_id: Option<uuid::Uuid>,
        /// Also draw the token as a QR code in the terminal, for a tablet's camera. With
        /// a URL (`--qr http://lotgate.local:8080`), the code holds that address with
        /// `/#token=...`, which the tablet app opens and signs in with; without one, the
        /// token alone, to paste into the app's sign-in.
        #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "URL")]
        qr: Option<String>,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token; it fails on its next request.
    Revoke {
        /// Id of the token (from `lotgate token list`).
        #[arg(long)]
        id: uuid::Uuid,
        /// Why, for the audit trail.
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute the audit trail's hash chain and compare every audited record with its
    /// newest audit row; exits non-zero at a broken row or a record that differs.
    Verify,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// The inspected lot.
    #[arg(long)]
    lot: uuid::Uuid,
    /// The CSV file.
    #[arg(long)]
    file: PathBuf,
    /// Id of the new inspection (a new random one when omitted; give one to make a
    /// repeated import harmless).
    #[arg(long)]
    id: Option<uuid::Uuid>,
    /// `factory` or `in_house`.
    #[arg(long, default_value = "factory")]
    source: String,
    /// `sampling` or `full`.
    #[arg(long, default_value = "sampling")]
    mode: String,
    /// Name or badge of the inspector.
    #[arg(long)]
    inspector: String,
    /// When the inspection was carried out (RFC 3339; default now).
    #[arg(long)]
    inspected_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The resubmission (ISO 2859-1 7.6) the file inspects, if any.
    #[arg(long)]
    resubmission: Option<uuid::Uuid>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LOTGATE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Load the demo data when the database has no parts yet.
    #[arg(long)]
    demo: bool,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "LOTGATE_WORKERS")]
    workers: Option<usize>,
    /// Database connections in the pool.
    #[arg(long, env = "LOTGATE_POOL_SIZE", default_value_t = 16)]
    pool_size: u32,
    /// Largest JSON request body in bytes (larger bodies get 413).
    #[arg(long, env = "LOTGATE_JSON_LIMIT", default_value_t = 4 * 1024 * 1024)]
    json_limit: usize,
    /// Seconds a client has to send its request head, and a database statement to run,
    /// before the request is refused (408) or the statement cancelled (500).
    #[arg(long, env = "LOTGATE_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
    /// Largest photo upload in bytes (larger uploads get 413).
    #[arg(long, env = "LOTGATE_PHOTO_LIMIT", default_value_t = crate::http::photos::DEFAULT_PHOTO_LIMIT)]
    photo_limit: usize,
    /// Megapixels of photos decoded at once, all requests together (at least 50, the
    /// largest photo); photos beyond it wait their turn, up to 20 s, then get 503.
    #[arg(long, env = "LOTGATE_DECODE_MEGAPIXELS", default_value_t = crate::http::photos::DEFAULT_DECODE_PIXELS / 1_000_000, value_parser = clap::value_parser!(u64).range(50..))]
    decode_megapixels: u64,
    /// Measurements and attribute results per recorded inspection, all units together
    /// (more is a 422; larger lots go through the CSV import).
    #[arg(long, env = "LOTGATE_MAX_RESULTS", default_value_t = crate::http::inspections::DEFAULT_MAX_RESULTS)]
    max_results: usize,
    /// Requests per second each token may send on average (0: no limit); above it,
    /// requests get 429 with Retry-After.
    #[arg(long, env = "LOTGATE_RATE_LIMIT", default_value_t = 20.0)]
    rate_limit: f64,
    /// Requests a token may send at once before the rate applies.
    #[arg(long, env = "LOTGATE_RATE_BURST", default_value_t = 100)]
    rate_burst: u32,
    /// Unknown or revoked tokens one client address may send per minute (0: no limit);
    /// beyond it, tokens not seen valid lately get 429 without a database lookup.
    #[arg(long, env = "LOTGATE_AUTH_FAILURES", default_value_t = crate::http::rate_limit::DEFAULT_AUTH_FAILURES_PER_MINUTE)]
    auth_failures: u32,
    /// Start even when PostgreSQL runs with fsync, synchronous_commit or
    /// full_page_writes off (only for a database whose loss does not matter).
    #[arg(long, env = "LOTGATE_THROWAWAY_DATABASE")]
    throwaway_database: bool,
    /// Milliseconds before a failed webhook delivery is tried again the first time; the
    /// wait doubles after each failure up to 720 times this (6 h for the default), with
    /// jitter, and attempts go on for 8640 times this (3 days for the default).
    #[arg(long, env = "LOTGATE_WEBHOOK_BACKOFF_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    webhook_backoff_ms: u64,
    /// Seconds a webhook endpoint has to answer a delivery (connection included).
    #[arg(long, env = "LOTGATE_WEBHOOK_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    webhook_timeout: u64,
    /// Webhook deliveries this process makes at once (each on a thread and a database
    /// connection of its own, outside the pool).
    #[arg(long, env = "LOTGATE_WEBHOOK_WORKERS", default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    webhook_workers: u64,
}

pub fn run() -> Result<(), BoxError> {
    let cli = Cli::parse();
    match cli.command {
        Command::Grants { role } => {
            print!("{}", db::roles::grant_sql(&role));
            Ok(())
        }
        Command::Openapi => {
            println!("{}", crate::http::openapi().to_pretty_json()?);
            Ok(())
        }
        Command::Migrate => with_database(&cli.database, |url| {
            let applied = migrate(url)?;
            println!("{} migration(s) applied", applied.len());
            Ok(())
        }),
        Command::Demo => with_database(&cli.database, |url| {
            migrate(url)?;
            let pool = db::pool(url, 4, Duration::from_secs(5))?;
            match crate::demo::load(&pool)? {
                true => println!("demo data loaded"),
                false => println!("the database already has parts; demo data not loaded"),
            }
            Ok(())
        }),
        Command::Serve(args) => with_database(&cli.database, |url| serve(url, &args)),
        Command::Backup { out } => with_database(&cli.database, |url| {
            crate::operations::backup(url, &out)?;
            println!("backup written to {}", out.display());
            Ok(())
        }),
        Command::Import(args) => with_database(&cli.database, |url| import(url, &args)),
        Command::Token(command) => with_database(&cli.database, |url| token(url, command)),
        Command::Audit(AuditCommand::Verify) => with_database(&cli.database, |url| {
            migrate(url)?;
            let mut conn = PgConnection::establish(url)?;
            audit_verify(&mut conn)
        }),
        Command::Restore { from } => with_database(&cli.database, |url| {
            let mut conn = PgConnection::establish(url)?;
            crate::operations::restore(&mut conn, url, &from)?;
            println!("restored {}", from.display());
            Ok(())
        }),
    }
}

/// The database a command works on: its URL, and the private cluster's data directory
/// when lotgate runs one. It reads as the URL (`&str`) wherever only that is needed.
#[derive(Debug)]
struct Database {
    url: String,
    private_data_dir: Option<PathBuf>,
}

impl std::ops::Deref for Database {
    type Target = str;

    fn deref(&self) -> &str {
        &self.url
    }
}

/// Runs `work` against DATABASE_URL, or against the private cluster: the one already
/// running in the data directory (a `serve`, another command), else one started here
/// and stopped again afterwards (also after Ctrl-C or SIGTERM have stopped the server)
/// unless another lotgate process has come to use it meanwhile.
fn with_database(
    args: &DatabaseArgs,
    work: impl FnOnce(&Database) -> Result<(), BoxError>,
) -> Result<(), BoxError> {
    if let Some(url) = &args.database_url {
        return work(&Database {
            url: url.clone(),
            private_data_dir: None,
        });
    }
    let cluster = EmbeddedPostgres::start(&args.data_dir)?;
    let dir = cluster.data_dir().to_path_buf();
    if cluster.started_here() {
        log::info!("private PostgreSQL started in {}", dir.display());
    } else {
        log::info!(
            "private PostgreSQL already running in {}; using it",
            dir.display()
        );
    }
    let database = Database {
        url: cluster.url("lotgate"),
        private_data_dir: Some(dir),
    };
    let result = ensure_database(&cluster, "lotgate").and_then(|()| work(&database));
    match cluster.stop() {
        Ok(true) => log::info!("private PostgreSQL stopped"),
        Ok(false) => {}
        Err(err) => return result.and(Err(err.into())),
    }
    result
}

/// Creates `name` on the private cluster unless it exists.
pub fn ensure_database(cluster: &EmbeddedPostgres, name: &str) -> Result<(), BoxError> {
    let mut conn = PgConnection::establish(&cluster.url("postgres"))?;
    let exists: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')"
    )))
    .get_result(&mut conn)?;
    if !exists {
        diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn)?;
    }
    Ok(())
}

fn token(url: &str, command: TokenCommand) -> Result<(), BoxError> {
    use crate::auth::Principal;
    use crate::domain::{Role, SupplierId, TokenHolder, TokenId};
    use crate::service::{ServiceError, tokens};
    migrate(url)?;
    let mut conn = PgConnection::establish(url)?;
    match command {
        TokenCommand::Create {
            name,
            role,
            holder,
            supplier_id,
            qr,
        } => {
            let new = tokens::NewToken {
                name,
                holder: holder.parse::<TokenHolder>()?,
                role: role.parse::<Role>()?,
                supplier_id: supplier_id.map(SupplierId),
            };
            let by = Principal::command_line("lotgate token create");
            // Field names become the options that set them.
            let option = |field: &str| format!("--{}", field.replace('_', "-"));
            let (token, secret) = match tokens::issue(&mut conn, &by, new) {
                Err(ServiceError::Invalid(violations)) => {
                    let text: Vec<String> = violations
                        .iter()
                        .map(|v| match v.field.as_str() {
                            "name" => "--name must be 1 to 200 characters".to_string(),
                            field => format!("{}: {}", option(field), v.message),
                        })
                        .collect();
                    return Err(text.join("; ").into());
                }
                Err(ServiceError::UnknownReference { field, what, id }) => {
                    return Err(format!("{}: no {what} with id {id}", option(&field)).into());
                }
                other => other?,
            };
            let bound = token
                .supplier_id
                .map_or_else(String::new, |s| format!(", bound to supplier {s}"));
            eprintln!(
                "created {} token {} for {}{bound}; it is shown only now:",
                token.role, token.id, token.name
            );
            if let Some(url) = qr {
                eprintln!("{}", qr_code(&sign_in_address(&url, &secret))?);
            }
            println!("{secret}");
        }
        TokenCommand::List => {
            for t in tokens::list(&mut conn)? {
                let state = match t.revoked_at {
                    Some(at) => format!("revoked {}", at.to_rfc3339()),
                    None => "active".into(),
                };
                let used = t.last_used_at.map_or_else(
                    || "never used".into(),
                    |at| format!("last used {}", at.to_rfc3339()),
                );
                let bound = t
                    .supplier_id
                    .map_or_else(String::new, |s| format!(", supplier {s}"));
                println!(
                    "{}  {:<9} {:<6} {}  ({state}, {used}{bound})",
                    t.id, t.role, t.holder, t.name
                );
            }
        }
        TokenCommand::Revoke { id, reason } => {
            let by = Principal::command_line("lotgate token revoke");
            match tokens::revoke(&mut conn, &by, TokenId(id), reason.as_deref()) {
                Ok(t) => println!("revoked token {} of {}", t.id, t.name),
                Err(ServiceError::Conflict { .. }) => {
                    return Err(format!("token {id} was already revoked").into());
                }
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(())
}

/// What the QR code of `token create --qr` holds: the tablet app's address with the
/// token in its fragment (never sent to a server, and removed by the app once read), or
/// the token alone.
fn sign_in_address(url: &str, secret: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    if url.is_empty() {
        secret.to_string()
    } else {
        format!("{url}/#token={secret}")
    }
}

/// `text` as a QR code drawn with half-block characters, dark on a light quiet zone.
fn qr_code(text: &str) -> Result<String, BoxError> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(text.as_bytes())?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// Prints what `audit verify` found, one line per record that differs.
fn audit_verify(conn: &mut PgConnection) -> Result<(), BoxError> {
    let found = crate::service::audit::verify::verify(conn)?;
    match &found.chain {
        Ok(chain) => println!(
            "audit trail intact: {} row(s), last hash {}",
            chain.rows,
            crate::audit::hex(&chain.last_hash)
        ),
        Err(broken) => println!("audit trail broken at row {}: {}", broken.seq, broken.why),
    }
    let data = &found.data;
    for mismatch in &data.mismatches {
        println!("{mismatch}");
    }
    if data.mismatch_count > data.mismatches.len() as u64 {
        println!(
            "... and {} more",
            data.mismatch_count - data.mismatches.len() as u64
        );
    }
    let kinds: Vec<String> = data
        .checked
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    println!(
        "records compared with the audit trail: {} ({}); {} differ",
        data.records(),
        kinds.join(", "),
        data.mismatch_count
    );
    match (&found.chain, data.mismatch_count) {
        (Ok(_), 0) => Ok(()),
        (Err(broken), _) => {
            Err(format!("audit trail broken at row {}: {}", broken.seq, broken.why).into())
        }
        (Ok(_), n) => Err(format!("{n} record(s) differ from the audit trail").into()),
    }
}

fn import(url: &str, args: &ImportArgs) -> Result<(), BoxError> {
    use crate::domain::{InspectionId, LotId, ResubmissionId};
    use crate::service::{ServiceError, inspections};
    let header = inspections::ImportHeader {
        id: InspectionId(args.id.unwrap_or_else(uuid::Uuid::new_v4)),
        source: args.source.parse()?,
        mode: args.mode.parse()?,
        inspector: args.inspector.clone(),
        inspected_at: args.inspected_at.unwrap_or_else(chrono::Utc::now),
        resubmission_id: args.resubmission.map(ResubmissionId),
    };
    let bytes = std::fs::read(&args.file)?;
    let mut conn = PgConnection::establish(url)?;
    migrate(url)?;
    let by = crate::auth::Principal::command_line("lotgate import");
    let max_results = inspections::DEFAULT_MAX_RESULTS;
    match inspections::import_csv(&mut conn, &by, max_results, LotId(args.lot), header, &bytes) {
        Ok(recorded) => {
            let rows = &recorded.stored.rows;
            let verb = if recorded.created {
                "imported"
            } else {
                "already imported"
            };
            println!(
                "{verb}: inspection {} with {} units and {} measurements",
                recorded.stored.inspection.id,
                rows.units.len(),
                rows.measurements.len()
            );
            Ok(())
        }
        // One line per bad field (CSV line and column), then what went wrong.
        Err(ServiceError::Invalid(violations)) => {
            for v in &violations {
                eprintln!("{}: {}", v.field, v.message);
            }
            Err(ServiceError::Invalid(violations).into())
        }
        Err(ServiceError::UnknownReference { field, what, id }) => {
            eprintln!("{field}: no {what} with id {id}");
            Err(format!("no {what} with id {id}").into())
        }
        Err(ServiceError::Conflict {
            field: Some(field),
            detail,
        }) => {
            eprintln!("{field}: {detail}");
            Err(detail.into())
        }
        Err(err) => Err(err.into()),
    }
}

/// Removes stored Idempotency-Key responses past their retention, now and every hour.
fn expire_idempotency_keys(pool: db::PgPool) {
    std::thread::spawn(move || {
        loop {
            if let Ok(mut conn) = pool.get() {
                match db::idempotency::expire(&mut conn, db::idempotency::RETENTION) {
                    Ok(0) => {}
                    Ok(n) => log::info!("removed {n} expired Idempotency-Key responses"),
                    Err(err) => log::warn!("could not expire Idempotency-Key responses: {err}"),
                }
            }
            std::thread::sleep(Duration::from_secs(3600));
        }
    });
}

fn migrate(url: &str) -> Result<Vec<String>, BoxError> {
    let mut conn = PgConnection::establish(url)?;
    db::run_migrations(&mut conn)
}

/// Warns, once, when the role lotgate serves as could disable its append-only triggers.
fn warn_if_too_powerful(conn: &mut PgConnection) -> Result<(), BoxError> {
    if let Some(found) = db::roles::too_powerful(conn)? {
        let what = if found.superuser {
            "is a superuser"
        } else {
            "owns lotgate's tables"
        };
        log::warn!(
            "lotgate serves as role '{}', which {what}: it could disable the triggers that \
             keep inspections and the audit trail append-only. Serve as a role that owns \
             nothing: see \"Running lotgate as a role that owns nothing\" in docs/operations.md",
            found.role
        );
    }
    Ok(())
}

fn serve(database: &Database, args: &ServeArgs) -> Result<(), BoxError> {
    // Before anything else: a second serve on the same private cluster is refused, and
    // touches nothing. The claim is kept until this process exits, so it outlasts the
    // stop of the cluster that follows the server's.
    if let Some(dir) = &database.private_data_dir {
        std::mem::forget(crate::embedded_postgres::claim_for_serving(dir)?);
    }
    let url: &str = database;
    crate::operations::check_durability(
        &mut PgConnection::establish(url)?,
        args.throwaway_database,
    )?;
    let applied = migrate(url)?;
    if !applied.is_empty() {
        log::info!("applied {} migration(s)", applied.len());
    }
    warn_if_too_powerful(&mut PgConnection::establish(url)?)?;
    let timeout = Duration::from_secs(args.request_timeout.max(1));
    let pool = db::pool_with_statement_timeout(
        url,
        args.pool_size,
        Duration::from_secs(1),
        Some(timeout),
    )?;
    let mut demo_tokens = Vec::new();
    if args.demo {
        if crate::demo::load(&pool)? {
            log::info!("demo data loaded");
        }
        demo_tokens = crate::demo::demo_tokens(&pool)?;
    }
    expire_idempotency_keys(pool.clone());
    let tokens = std::sync::Arc::new(crate::cache::tokens());
    let decisions = std::sync::Arc::new(crate::cache::decisions());
    // Kept until the server has stopped, and stopped before a private PostgreSQL is.
    let listener = db::notify::listen(
        vec![
            (db::tokens::CHANGES_CHANNEL, tokens.clone()),
            (db::decisions::CHANGES_CHANNEL, decisions.clone()),
        ],
        url.to_owned(),
    )?;
    // Kept until the server has stopped, like the listener.
    let deliverer = crate::webhooks::Deliverer::start(
        url.to_owned(),
        crate::webhooks::DelivererConfig {
            schedule: crate::webhooks::Schedule {
                base: Duration::from_millis(args.webhook_backoff_ms),
            },
            timeout: Duration::from_secs(args.webhook_timeout),
            workers: args.webhook_workers as usize,
        },
    )?;
    let state = AppState {
        tokens,
        decisions,
        rate_limit: std::sync::Arc::new(crate::http::rate_limit::RateLimiter::new(
            args.rate_limit,
            args.rate_burst,
        )),
        auth_failures: std::sync::Arc::new(crate::http::rate_limit::AuthFailures::new(
            args.auth_failures,
        )),
        photo_limit: args.photo_limit,
        decode_budget: std::sync::Arc::new(lotgate_imaging::DecodeBudget::new(
            args.decode_megapixels * 1_000_000,
        )),
        max_results: args.max_results,
        body_timeout: timeout,
        ..AppState::new(pool, args.json_limit)
    };
    let mut server = actix_web::HttpServer::new(move || build_app(state.clone()))
        .client_request_timeout(timeout)
        .shutdown_timeout(30);
    if let Some(workers) = args.workers {
        server = server.workers(workers);
    }
    let server = server.bind(args.bind)?;
    log::info!("lotgate serving http://{} (API docs at /docs)", args.bind);
    if !demo_tokens.is_empty() {
        println!("demo tokens (new at every start with --demo; the previous ones are revoked):");
        for (role, secret) in &demo_tokens {
            println!("  {:<9}  {secret}", role.as_str());
        }
        let (_, admin) = &demo_tokens[demo_tokens.len() - 1];
        println!(
            "try: curl -H 'Authorization: Bearer {admin}' http://{}/api/v1/lots",
            args.bind
        );
        if let Some((_, inspector)) = demo_tokens
            .iter()
            .find(|(r, _)| *r == crate::domain::Role::Inspector)
        {
            println!("tablet app: http://{}/#token={inspector}", args.bind);
        }
    }
    actix_web::rt::System::new().block_on(server.run())?;
    drop(deliverer);
    drop(listener);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_holds_the_app_address_with_the_token_in_its_fragment() {
        let secret = "lgt_0123";

        assert_eq!(
            sign_in_address("http://lotgate.local:8080/", secret),
            "http://lotgate.local:8080/#token=lgt_0123"
        );
        assert_eq!(sign_in_address("", secret), secret);
    }

    #[test]
    fn the_qr_code_is_drawn_as_a_square_of_half_blocks() {
        // The smallest code (version 1) has 21 modules a side; with a quiet zone of 4
        // modules on each side every line is at least 29 characters, one per module.
        let text = format!("http://127.0.0.1:8080/#token=lgt_{}", "a".repeat(64));

        let drawn = qr_code(&text).unwrap();

        let lines: Vec<&str> = drawn.lines().collect();
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() == lines[0].chars().count())
        );
        assert!(lines[0].chars().count() >= 29, "{drawn}");
        assert_eq!(
            lines.len(),
            lines[0].chars().count().div_ceil(2),
            "two rows a line"
        );
    }
}
