// Calls to lotgate's API with the token the tablet signed in with. A call either
// returns the answer (any status) or throws Offline (no answer at all) or SignInNeeded
// (no token, or the server refused it with 401).
export const TOKEN_KEY = "lotgate.token";

export class Offline extends Error {}
export class SignInNeeded extends Error {}

/** An answer that was not a 2xx, with the server's problem details. */
export class Refused extends Error {
  constructor(answer) {
    super((answer.data && answer.data.detail) || `the server answered ${answer.status}`);
    this.answer = answer;
  }
}

export function token() {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  localStorage.setItem(TOKEN_KEY, value.trim());
  window.dispatchEvent(new Event("lotgate:signed-in"));
}

function signInNeeded(why) {
  window.dispatchEvent(new CustomEvent("lotgate:sign-in", { detail: why }));
  return new SignInNeeded(why);
}

/**
 * One request. `json` is sent as the JSON body, `form` as multipart; `key` becomes the
 * Idempotency-Key. Resolves to {status, ok, data, retryAfter}.
 */
export async function call(path, { method = "GET", json, form, key } = {}) {
  const secret = token();
  if (!secret) throw signInNeeded("no token on this tablet yet");
  const headers = { Accept: "application/json, application/problem+json", Authorization: `Bearer ${secret}` };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  if (key) headers["Idempotency-Key"] = key;
  let res;
  try {
    res = await fetch(path, { method, headers, body, cache: "no-store", credentials: "omit" });
  } catch (err) {
    throw new Offline(String(err && err.message || err));
  }
  const type = res.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await res.json().catch(() => null) : null;
  if (res.status === 401) throw signInNeeded((data && data.detail) || "the token was refused");
  return { status: res.status, ok: res.ok, data, retryAfter: res.headers.get("Retry-After") };
}

/** The JSON of a GET that must succeed. */
export async function getJson(path) {
  const answer = await call(path);
  if (!answer.ok) throw new Refused(answer);
  return answer.data;
}

/** A picture behind the token, as a Blob (an <img> cannot send the token itself). */
export async function getBlob(path) {
  const secret = token();
  if (!secret) throw signInNeeded("no token on this tablet yet");
  let res;
  try {
    res = await fetch(path, { headers: { Authorization: `Bearer ${secret}` }, credentials: "omit" });
  } catch (err) {
    throw new Offline(String(err));
  }
  if (res.status === 401) throw signInNeeded("the token was refused");
  if (!res.ok) throw new Refused({ status: res.status, ok: false, data: null });
  return res.blob();
}

/** A chart (SVG text) behind the token; throws Refused with the problem's detail. */
export async function getSvg(path) {
  const secret = token();
  if (!secret) throw signInNeeded("no token on this tablet yet");
  let res;
  try {
    res = await fetch(path, { headers: { Accept: "image/svg+xml, application/problem+json", Authorization: `Bearer ${secret}` },
      cache: "no-store", credentials: "omit" });
  } catch (err) {
    throw new Offline(String(err));
  }
  if (res.status === 401) throw signInNeeded("the token was refused");
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    throw new Refused({ status: res.status, ok: false, data });
  }
  return res.text();
}
