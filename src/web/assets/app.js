// The app of the tablet and the reviewer: signs in once with a token, then draws the
// page the address names (`/`: lots, `/inspect/{lot_id}`: the inspection order and its
// units; `/lots/{id}`, `/suppliers/{id}`, `/parts/{id}`: the reviewer's pages). The
// service worker keeps the app's files for offline use; the queue sends what was
// recorded when the network allows, and the bar at the top always says what waits.
import { SignInNeeded, setToken, token } from "./api.js";
import { homePage } from "./home.js";
import { inspectPage } from "./inspect.js";
import { lotPage } from "./lot.js";
import { partPage } from "./part.js";
import { supplierPage } from "./supplier.js";
import * as queue from "./queue.js";
import { h } from "./ui.js";

const main = document.getElementById("main");

// A token handed over in the address (`/#token=lgt_...`, e.g. from the QR code of
// `lotgate token create --qr`) is kept once and taken out of the address at once.
function tokenFromAddress() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return;
  setToken(decodeURIComponent(m[1]));
  history.replaceState(null, "", location.pathname + location.search);
}

function syncBar(list) {
  const bar = document.getElementById("sync");
  const n = queue.waiting(list);
  const refused = list.filter((i) => i.state === "refused" || i.photos.some((p) => p.problem)).length;
  const parts = [n === 0 ? "all sent" : `${n} waiting to be sent`];
  if (refused) parts.push(`${refused} refused by the server: fix on the lot's page`);
  if (!navigator.onLine) parts.push("offline");
  bar.textContent = parts.join(" · ");
  bar.dataset.waiting = String(n);
  bar.classList.toggle("pending", n > 0);
  bar.classList.toggle("refused", refused > 0);
}

/** The sign-in form: a device token typed, pasted or scanned once. */
function signIn(why) {
  const existing = document.getElementById("sign-in");
  if (existing) return;
  const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", required: true,
    spellcheck: "false", autocapitalize: "off", "aria-describedby": "token-help" });
  const form = h("form", { class: "card" },
    h("h1", {}, "Sign in"),
    why ? h("p", { class: "notice warn" }, why) : null,
    h("label", { for: "token" }, "Device token"),
    input,
    h("p", { id: "token-help", class: "hint" },
      "Paste or scan the token an admin made with `lotgate token create`. It stays on this tablet. ",
      "Inspections waiting to be sent are kept."),
    h("button", { class: "button", type: "submit" }, "Sign in"));
  const dialog = h("dialog", { id: "sign-in", class: "sign-in", "aria-label": "Sign in" }, form);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!input.value.trim()) return;
    setToken(input.value);
    dialog.close();
    dialog.remove();
    route();
  });
  dialog.addEventListener("cancel", (ev) => ev.preventDefault());
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}

const PAGES = [
  [/^\/inspect\/([0-9a-fA-F-]{36})\/?$/, inspectPage],
  [/^\/lots\/([0-9a-fA-F-]{36})\/?$/, lotPage],
  [/^\/suppliers\/([0-9a-fA-F-]{36})\/?$/, supplierPage],
  [/^\/parts\/([0-9a-fA-F-]{36})\/?$/, partPage],
];

async function route() {
  try {
    for (const [pattern, page] of PAGES) {
      const m = pattern.exec(location.pathname);
      if (m) return await page(main, m[1].toLowerCase());
    }
    await homePage(main);
  } catch (err) {
    if (!(err instanceof SignInNeeded)) {
      main.replaceChildren(h("p", { class: "notice error", role: "alert" }, String(err.message || err)));
    }
  }
}

tokenFromAddress();
window.addEventListener("lotgate:sign-in", (ev) => signIn(ev.detail));
window.addEventListener("online", () => queue.items().then(syncBar));
window.addEventListener("offline", () => queue.items().then(syncBar));
queue.watch(syncBar);
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
if (!token()) signIn(null);
else route();
queue.sync();
