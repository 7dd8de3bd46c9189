//! The app's files, compiled into the binary. They are served under
//! `/assets/{version}/{name}`, where the version is a hash of every asset's content:
//! a page always asks for the files of the build that served it, browsers keep them for
//! good (`immutable`), and a new build is a new address. The service worker's cache is
//! named after the same version, so a new build replaces the tablet's copy in one go.

use std::sync::OnceLock;

use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use super::{REVALIDATE, not_found, respond};

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $type:literal) => {
        Asset {
            name: $name,
            content_type: $type,
            body: include_bytes!(concat!("assets/", $name)),
        }
    };
}

/// Every file the pages load; the service worker keeps all of them.
pub const ASSETS: &[Asset] = &[
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("api.js", "text/javascript; charset=utf-8"),
    asset!("store.js", "text/javascript; charset=utf-8"),
    asset!("queue.js", "text/javascript; charset=utf-8"),
    asset!("checks.js", "text/javascript; charset=utf-8"),
    asset!("ui.js", "text/javascript; charset=utf-8"),
    asset!("home.js", "text/javascript; charset=utf-8"),
    asset!("inspect.js", "text/javascript; charset=utf-8"),
    asset!("unit.js", "text/javascript; charset=utf-8"),
    asset!("review.js", "text/javascript; charset=utf-8"),
    asset!("review_list.js", "text/javascript; charset=utf-8"),
    asset!("reconciliation.js", "text/javascript; charset=utf-8"),
    asset!("lot.js", "text/javascript; charset=utf-8"),
    asset!("lot_actions.js", "text/javascript; charset=utf-8"),
    asset!("supplier.js", "text/javascript; charset=utf-8"),
    asset!("part.js", "text/javascript; charset=utf-8"),
    asset!("icon.svg", "image/svg+xml"),
];

const SERVICE_WORKER: &str = include_str!("assets/sw.js");
const MANIFEST: &str = include_str!("assets/manifest.webmanifest");

/// Browsers may keep a versioned asset for a year without asking again.
const FOREVER: &str = "public, max-age=31536000, immutable";

/// The hash of every asset (its name and its bytes) and of the service worker: the
/// first 16 hex digits of their SHA-256.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut hash = Sha256::new();
        for asset in ASSETS {
            hash.update(asset.name.as_bytes());
            hash.update([0]);
            hash.update((asset.body.len() as u64).to_le_bytes());
            hash.update(asset.body);
        }
        hash.update(SERVICE_WORKER.as_bytes());
        hash.update(MANIFEST.as_bytes());
        hash.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// The asset of this name.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// `/assets/{version}/{name}`. An address of an older build (a page loaded before an
/// upgrade) gets today's file, but not for keeps.
pub async fn serve(path: web::Path<(String, String)>) -> HttpResponse {
    let (asked, name) = path.into_inner();
    let Some(asset) = find(&name) else {
        return not_found("This build of lotgate has no such file.");
    };
    let cache = if asked == version() {
        FOREVER
    } else {
        REVALIDATE
    };
    respond(HttpResponse::Ok(), asset.content_type, cache).body(asset.body)
}

/// The service worker, at the root so that it may answer for every page: its text
/// carries the version and the list of assets to keep, so a new build changes its bytes
/// and the browser installs it.
pub fn service_worker_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let v = version();
        let files: Vec<String> = ASSETS
            .iter()
            .map(|a| format!("\"/assets/{v}/{}\"", a.name))
            .collect();
        SERVICE_WORKER
            .replace("\"__VERSION__\"", &format!("\"{v}\""))
            .replace("[/*__ASSETS__*/]", &format!("[{}]", files.join(", ")))
    })
}

/// `/sw.js`.
pub async fn service_worker() -> HttpResponse {
    respond(
        HttpResponse::Ok(),
        "text/javascript; charset=utf-8",
        REVALIDATE,
    )
    .body(service_worker_text())
}

/// `/manifest.webmanifest`: lets the tablet keep the app on its home screen.
pub async fn manifest() -> HttpResponse {
    let text = MANIFEST.replace("__VERSION__", version());
    respond(HttpResponse::Ok(), "application/manifest+json", REVALIDATE).body(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_worker_keeps_every_asset_of_this_version() {
        let sw = service_worker_text();
        let v = version();

        assert!(sw.contains(&format!("const VERSION = \"{v}\"")), "{sw}");
        for asset in ASSETS {
            assert!(
                sw.contains(&format!("\"/assets/{v}/{}\"", asset.name)),
                "{}",
                asset.name
            );
        }
        assert!(!sw.contains("__"), "a placeholder was left: {sw}");
    }

    #[test]
    fn scripts_import_only_files_of_their_own_folder_that_exist() {
        for asset in ASSETS.iter().filter(|a| a.name.ends_with(".js")) {
            let text = std::str::from_utf8(asset.body).unwrap();
            for line in text.lines().filter(|l| l.starts_with("import ")) {
                let (_, from) = line.rsplit_once("from ").unwrap_or(("", line));
                let target = from.trim_matches(|c| c == '"' || c == '\'' || c == ';' || c == ' ');
                let name = target
                    .strip_prefix("./")
                    .unwrap_or_else(|| panic!("{line}"));
                assert!(find(name).is_some(), "{} imports {name}", asset.name);
            }
            assert!(
                !text.contains("http://") && !text.contains("https://"),
                "{}",
                asset.name
            );
        }
    }

    #[test]
    fn the_version_is_sixteen_hex_digits() {
        let v = version();
        assert_eq!(v.len(), 16);
        assert!(v.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
