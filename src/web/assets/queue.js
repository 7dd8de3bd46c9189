// The outbox: finished inspections and their photos wait in IndexedDB until the server
// has them. Each inspection carries its client-generated id, sent as the Idempotency-Key
// too, so a retry after a lost answer never records it twice. Network failures, 429 and
// 5xx are retried with exponential backoff (or the server's Retry-After); a refusal
// (422, 409, 404, ...) is kept with the server's problem, shown on the unit it names,
// until the worker fixes and resends it. A 401 stops sending and asks for a new token;
// nothing queued is lost.
import { call, Offline, SignInNeeded } from "./api.js";
import * as store from "./store.js";

const MAX_DELAY = 60_000;
const listeners = new Set();
let running = false;
let timer = null;

/** Calls `fn(items)` now and whenever the queue changes. */
export function watch(fn) {
  listeners.add(fn);
  items().then(fn);
  return () => listeners.delete(fn);
}

async function changed() {
  const list = await items();
  for (const fn of listeners) fn(list);
}

/** Everything waiting, oldest first. */
export async function items() {
  const list = await store.all("queue");
  return list.sort((a, b) => a.created_at.localeCompare(b.created_at));
}

/** How many records (inspections and photos) are still to reach the server. */
export function waiting(list) {
  let n = 0;
  for (const item of list) {
    if (item.state !== "stored") n += 1;
    n += item.photos.filter((p) => !p.sent).length;
  }
  return n;
}

/**
 * Puts finished inspections in the queue, and removes `draftKey` (and a refused item
 * they replace) in the same transaction, then tries to send.
 */
export async function enqueue(entries, removes = []) {
  const now = new Date().toISOString();
  const puts = entries.map((e, i) => ["queue", {
    ...e, key: e.body.id, state: "waiting", attempts: 0, next_at: 0,
    created_at: `${now}#${i}`, problem: null,
  }]);
  await store.change(puts, removes);
  await changed();
  sync();
}

/** Sends what is due, one record at a time; several tabs never send at once. */
export async function sync() {
  if (running) return;
  running = true;
  try {
    if (navigator.locks) await navigator.locks.request("lotgate-sync", { ifAvailable: true }, (lock) => lock && sendDue());
    else await sendDue();
  } finally {
    running = false;
    schedule();
  }
}

/** Everything due is tried now (the network came back, or the worker asked). */
export async function retryNow() {
  for (const item of await items()) {
    if (item.state !== "refused" && item.next_at > 0) await store.put("queue", { ...item, next_at: 0 });
  }
  sync();
}

async function schedule() {
  clearTimeout(timer);
  const due = (await items()).filter((i) => i.state !== "refused").map((i) => i.next_at);
  if (due.length) timer = setTimeout(sync, Math.max(500, Math.min(...due) - Date.now()));
}

async function sendDue() {
  for (const item of await items()) {
    if (item.state === "refused" || item.next_at > Date.now()) continue;
    try {
      await send(item);
    } catch (err) {
      if (err instanceof Offline) { await later(item, null); break; }
      if (err instanceof SignInNeeded) break;
      await later(item, null);
    }
    await changed();
  }
}

async function send(item) {
  if (item.state === "waiting") {
    const answer = await call(`/api/v1/lots/${item.lot_id}/inspections`, { method: "POST", json: item.body, key: item.body.id });
    if (answer.ok) {
      item.state = "stored";
    } else if (answer.status === 409 && await isStored(item.body.id, answer)) {
      item.state = "stored";
    } else if (answer.status === 409 && conflictOnKey(answer)) {
      return later(item, answer.retryAfter || 2);
    } else if (answer.status === 429 || answer.status >= 500) {
      return later(item, answer.retryAfter);
    } else {
      return refuse(item, answer);
    }
    item.attempts = 0;
    item.next_at = 0;
    await store.put("queue", item);
  }
  for (const photo of item.photos) {
    if (photo.sent || photo.problem) continue;
    const form = new FormData();
    form.append("photo", photo.blob, photo.name || "defect.jpg");
    if (photo.view) form.append("view", photo.view);
    const path = `/api/v1/inspections/${item.body.id}/units/${photo.unit}/attributes/${photo.characteristic_id}/photos`;
    const answer = await call(path, { method: "POST", form, key: photo.key });
    if (answer.ok) {
      photo.sent = true;
      await store.put("queue", item);
    } else if (answer.status === 429 || answer.status >= 500 || (answer.status === 409 && conflictOnKey(answer))) {
      return later(item, answer.retryAfter);
    } else {
      // The inspection is stored; only this photo is refused. It stays, with the
      // server's words, until the worker takes another or drops it.
      photo.problem = problemOf(answer);
      await store.put("queue", item);
    }
  }
  if (item.photos.every((p) => p.sent)) await store.remove("queue", item.key);
}

/** A 409 for a record that is in fact stored under this id: a retry whose first answer was lost. */
async function isStored(id, answer) {
  if (conflictOnKey(answer)) return false;
  const read = await call(`/api/v1/inspections/${id}`);
  return read.ok;
}

function conflictOnKey(answer) {
  const errors = (answer.data && answer.data.errors) || [];
  return errors.some((e) => e.field === "Idempotency-Key");
}

function problemOf(answer) {
  const d = answer.data || {};
  return { status: answer.status, detail: d.detail || `the server answered ${answer.status}`, errors: d.errors || [] };
}

async function refuse(item, answer, what) {
  item.state = "refused";
  item.problem = { ...problemOf(answer), what: what || null };
  await store.put("queue", item);
}

async function later(item, retryAfter) {
  const fresh = (await store.get("queue", item.key)) || item;
  fresh.attempts = (fresh.attempts || 0) + 1;
  const seconds = Number(retryAfter);
  const backoff = Math.min(MAX_DELAY, 1000 * 2 ** Math.min(fresh.attempts, 6));
  const delay = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : backoff * (0.5 + Math.random() / 2);
  fresh.next_at = Date.now() + delay;
  await store.put("queue", fresh);
}

/** Drops a photo the server refused, at the worker's word. */
export async function dropPhoto(itemKey, photoKey) {
  const item = await store.get("queue", itemKey);
  if (!item) return;
  item.photos = item.photos.filter((p) => p.key !== photoKey);
  if (item.state === "stored" && item.photos.every((p) => p.sent)) await store.remove("queue", item.key);
  else await store.put("queue", item);
  await changed();
}

/** The unit numbers a refusal names (`units[3]...` is the fourth unit of the body). */
export function unitsNamed(item) {
  const named = new Map();
  const problem = item.problem;
  if (!problem) return named;
  for (const e of problem.errors) {
    const m = /^(?:inspection\.)?units\[(\d+)\]/.exec(e.field);
    const unit = m && item.body.units[Number(m[1])];
    const key = unit ? unit.unit : null;
    if (!named.has(key)) named.set(key, []);
    named.get(key).push(`${e.field}: ${e.message}`);
  }
  for (const p of item.photos) {
    if (p.problem) {
      if (!named.has(p.unit)) named.set(p.unit, []);
      named.get(p.unit).push(`photo: ${p.problem.detail}`);
    }
  }
  if (!named.size) named.set(null, [problem.detail]);
  return named;
}

window.addEventListener("online", retryNow);
window.addEventListener("lotgate:signed-in", retryNow);
setInterval(sync, 5000);
