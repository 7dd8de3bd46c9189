//! The HTML of the pages: one shell that loads the stylesheet and the app's module,
//! which draws the page from the API with the worker's token. Every page has the same
//! shell, so the service worker can answer any page from one cached copy offline.

use actix_web::{HttpResponse, web};

use super::{REVALIDATE, assets, not_found, respond};

/// `/`: today's and open lots.
pub async fn home() -> HttpResponse {
    page()
}

/// `/inspect/{lot_id}`: the inspection order of a lot, then its units one by one.
pub async fn inspect(path: web::Path<String>) -> HttpResponse {
    by_id(
        path,
        "There is no lot at this address: a lot's id is a UUID.",
    )
}

/// `/lots/{lot_id}`: the reviewer's page of a lot, printable as its report.
pub async fn lot(path: web::Path<String>) -> HttpResponse {
    by_id(
        path,
        "There is no lot at this address: a lot's id is a UUID.",
    )
}

/// `/suppliers/{supplier_id}`: a supplier's scorecard.
pub async fn supplier(path: web::Path<String>) -> HttpResponse {
    by_id(
        path,
        "There is no supplier at this address: a supplier's id is a UUID.",
    )
}

/// `/parts/{part_id}`: a part's characteristics, golden samples and capability.
pub async fn part(path: web::Path<String>) -> HttpResponse {
    by_id(
        path,
        "There is no part at this address: a part's id is a UUID.",
    )
}

/// The shell for an address that ends in a UUID, else 404.
fn by_id(path: web::Path<String>, missing: &str) -> HttpResponse {
    match uuid::Uuid::parse_str(&path.into_inner()) {
        Ok(_) => page(),
        Err(_) => not_found(missing),
    }
}

fn page() -> HttpResponse {
    respond(HttpResponse::Ok(), "text/html; charset=utf-8", REVALIDATE).body(shell())
}

/// The page every route serves; the module reads the address and draws the page.
pub fn shell() -> String {
    let v = assets::version();
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lotgate</title>
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/assets/{v}/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/{v}/app.css">
<script type="module" src="/assets/{v}/app.js"></script>
</head>
<body>
<header class="bar"><a class="brand" href="/">lotgate</a><span id="sync" class="sync" role="status" aria-live="polite"></span></header>
<main id="main"><p>Loading…</p></main>
<noscript><p class="notice">lotgate's pages need JavaScript.</p></noscript>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_loads_only_versioned_assets_of_this_origin() {
        let html = shell();
        let v = assets::version();

        assert!(
            html.contains(&format!("src=\"/assets/{v}/app.js\"")),
            "{html}"
        );
        assert!(
            html.contains(&format!("href=\"/assets/{v}/app.css\"")),
            "{html}"
        );
        assert!(!html.contains("http:") && !html.contains("https:") && !html.contains("//cdn"));
        assert!(
            !html.contains("style=") && !html.contains("<script>"),
            "nothing inline"
        );
    }
}
