// lotgate's service worker: keeps the app's files so that the tablet opens the app
// with no network. The pages are one shell; API calls are never cached here (the app
// keeps what it needs in IndexedDB, with the token it was read under).
const VERSION = "__VERSION__";
const CACHE = "lotgate-" + VERSION;
const SHELL = "/";
const FILES = [/*__ASSETS__*/];
// The app's pages, all one shell: the tablet's and the reviewer's.
const PAGES = /^\/(?:$|inspect\/|lots\/|suppliers\/|parts\/)/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([SHELL, "/manifest.webmanifest", ...FILES]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("lotgate-") && k !== CACHE).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

// A page: the network's copy when it answers (and kept), else the kept shell.
async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(SHELL, response.clone());
    return response;
  } catch (err) {
    const kept = await cache.match(SHELL);
    if (kept) return kept;
    throw err;
  }
}

// A file of this version never changes: the kept copy, else the network's.
async function file(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (event.request.mode === "navigate" && PAGES.test(url.pathname)) {
    event.respondWith(page(event.request));
  } else if (url.pathname.startsWith("/assets/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(file(event.request));
  }
});
