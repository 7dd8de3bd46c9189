// `/`: the lots a worker may inspect today: open ones (registered or under inspection)
// and those produced today, each a large button to its inspection order. Kept in
// IndexedDB, so the list is there offline too.
import { Offline, getJson } from "./api.js";
import * as queue from "./queue.js";
import * as store from "./store.js";
import { factoryTrust } from "./reconciliation.js";
import { reviewList } from "./review_list.js";
import { h, notice, show } from "./ui.js";

function localDate(d = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

async function lotsWithStatus(status) {
  return (await getJson(`/api/v1/lots?status=${status}&limit=100`)).items;
}

/** Reads the lists from the server. Without the `status` filter (an older server),
 *  the newest lots stand in for the open ones. */
async function load() {
  const today = localDate();
  const [parts, suppliers, todays] = await Promise.all([
    getJson("/api/v1/parts?limit=200"),
    getJson("/api/v1/suppliers?limit=200"),
    getJson(`/api/v1/lots?produced_from=${today}&limit=100`),
  ]);
  // A server whose lots carry a `status` can list them by it; an older one cannot.
  const newest = (await getJson("/api/v1/lots?limit=50")).items;
  const filtered = newest.length > 0 && "status" in newest[0];
  const open = filtered
    ? (await Promise.all([lotsWithStatus("registered"), lotsWithStatus("under_inspection")])).flat()
    : newest;
  return { key: "home", read_at: new Date().toISOString(), today, parts: parts.items, suppliers: suppliers.items, todays: todays.items, open, filtered };
}

function lotButton(lot, names, waiting) {
  const part = names.parts.get(lot.part_id);
  const supplier = names.suppliers.get(lot.supplier_id);
  return h("li", {},
    h("a", { class: "lot", href: `/inspect/${lot.id}`, "data-lot": lot.lot_number },
      h("strong", {}, lot.lot_number),
      h("span", {}, part ? `${part.number} ${part.name}` : lot.part_id),
      h("span", { class: "muted" }, `${supplier ? supplier.name : ""} · ${lot.lot_size} units · produced ${lot.produced_on}`),
      lot.status ? h("span", { class: `status ${lot.status}` }, lot.status.replace(/_/g, " ")) : null,
      waiting ? h("span", { class: "status pending" }, `${waiting} waiting to be sent`) : null));
}

export async function homePage(main) {
  document.title = "Lots · lotgate";
  show(main, h("h1", {}, "Lots"), h("p", {}, "Loading…"));
  let data, offline = false;
  try {
    data = await load();
    await store.put("orders", data);
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    data = await store.get("orders", "home");
    offline = true;
  }
  if (!data) {
    show(main, h("h1", {}, "Lots"), notice("warn", "No network, and no list of lots kept on this tablet yet."));
    return;
  }
  const names = {
    parts: new Map(data.parts.map((p) => [p.id, p])),
    suppliers: new Map(data.suppliers.map((s) => [s.id, s])),
  };
  const waitingByLot = new Map();
  for (const item of await queue.items()) waitingByLot.set(item.lot_id, (waitingByLot.get(item.lot_id) || 0) + 1);
  const list = (lots, empty) => lots.length
    ? h("ul", { class: "lots" }, lots.map((l) => lotButton(l, names, waitingByLot.get(l.id))))
    : h("p", { class: "muted" }, empty);
  const seen = new Set();
  const unique = (lots) => lots.filter((l) => !seen.has(l.id) && seen.add(l.id));
  show(main,
    h("h1", {}, "Lots"),
    offline ? notice("warn", `Offline: the list as read at ${new Date(data.read_at).toLocaleString()}.`) : null,
    h("section", { "aria-labelledby": "today-h" },
      h("h2", { id: "today-h" }, `Produced today (${data.today})`),
      list(unique(data.todays), "No lot produced today.")),
    h("section", { "aria-labelledby": "open-h" },
      h("h2", { id: "open-h" }, data.filtered ? "Open lots" : "Newest lots"),
      list(unique(data.open), "No open lot.")),
    offline ? null : reviewList(names),
    offline ? null : factoryTrust(data.suppliers));
}
