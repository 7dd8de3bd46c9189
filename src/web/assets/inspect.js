// `/inspect/{lot_id}`: the lot's inspection order (what to check, on which units, under
// which plan), then the units one by one (unit.js), then the finished inspection goes
// to the queue. A refused inspection of this lot is shown here, on the units the server
// named, until the worker fixes and resends it.
import { Offline, Refused, getBlob, getJson } from "./api.js";
import { limitsText, parseValue } from "./checks.js";
import * as queue from "./queue.js";
import * as store from "./store.js";
import { confirmDialog, h, notice, show } from "./ui.js";
import { editUnits } from "./unit.js";

const SOURCE_KEY = "lotgate.source";
const INSPECTOR_KEY = "lotgate.inspector";

/** The order from the server (kept for offline use), else the kept copy. */
async function loadOrder(lotId) {
  try {
    const order = await getJson(`/api/v1/lots/${lotId}/inspection-plan`);
    await store.put("orders", { ...order, key: `plan:${lotId}`, read_at: new Date().toISOString() });
    return { order, offline: false };
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    const kept = await store.get("orders", `plan:${lotId}`);
    return { order: kept, offline: true };
  }
}

export async function inspectPage(main, lotId) {
  show(main, h("p", {}, "Loading the inspection order…"));
  let loaded;
  try {
    loaded = await loadOrder(lotId);
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    show(main, h("h1", {}, "Inspection order"), notice("error", err.message), h("a", { class: "button", href: "/" }, "Lots"));
    return;
  }
  if (!loaded.order) {
    show(main, h("h1", {}, "Inspection order"),
      notice("warn", "No network, and this lot's order was never opened on this tablet."),
      h("a", { class: "button", href: "/" }, "Lots"));
    return;
  }
  await orderView(main, loaded.order, loaded.offline);
}

function thumbnail(photo) {
  const img = h("img", { class: "thumb", alt: "golden sample photo", width: 160, height: 120 });
  (async () => {
    let kept = await store.get("thumbs", photo.photo_id);
    if (!kept) {
      try {
        kept = { key: photo.photo_id, blob: await getBlob(photo.thumbnail_url) };
        await store.put("thumbs", kept);
      } catch {
        return;
      }
    }
    img.src = URL.createObjectURL(kept.blob);
  })();
  return img;
}

function planLine(c) {
  if (c.inspection === "full") return `Full inspection: every unit (${c.sample_size})`;
  const plan = [`Sampling: n = ${c.sample_size}`];
  if (c.code_letter) plan.push(`code letter ${c.code_letter}`);
  if (c.severity) plan.push(c.severity);
  if (c.ac != null) plan.push(`Ac ${c.ac}, Re ${c.re}`);
  return plan.join(" · ");
}

function unitList(units) {
  const shown = units.slice(0, 40).join(", ");
  return units.length > 40 ? `${shown} … (${units.length} units)` : shown;
}

function characteristicCard(c) {
  return h("li", { class: "card characteristic" },
    h("h3", {}, c.name, h("span", { class: "muted" }, ` ${c.kind}${c.destructive ? " · destructive" : ""}`)),
    c.kind === "variable" ? h("p", {}, limitsText(c)) : null,
    h("p", {}, planLine(c)),
    h("p", { class: "muted" }, c.reason),
    h("p", {}, h("span", { class: "muted" }, "Units to draw: "), unitList(c.units)));
}

async function refusedItems(lotId) {
  return (await queue.items()).filter((i) => i.lot_id === lotId);
}

async function orderView(main, order, offline) {
  document.title = `${order.lot_number} · lotgate`;
  const draftKey = `lot:${order.lot_id}`;
  const draft = await store.get("drafts", draftKey);
  const mine = await refusedItems(order.lot_id);
  const source = h("select", { id: "source", name: "source" },
    h("option", { value: "factory" }, "Factory QC"),
    h("option", { value: "in_house" }, "In-house"));
  source.value = (draft && draft.source) || localStorage.getItem(SOURCE_KEY) || "factory";
  const inspector = h("input", { id: "inspector", name: "inspector", autocomplete: "name", required: true, maxlength: 100,
    value: (draft && draft.inspector) || localStorage.getItem(INSPECTOR_KEY) || "" });
  const done = draft ? Object.keys(draft.units).length : 0;
  const start = h("button", { class: "button big", type: "submit", id: "start" },
    draft ? `Resume (unit ${Math.min(draft.index + 1, order.units.length)} of ${order.units.length})` : `Start: ${order.units.length} units`);
  const form = h("form", { class: "card start" },
    h("div", { class: "field" }, h("label", { for: "source" }, "Inspected by"), source),
    h("div", { class: "field" }, h("label", { for: "inspector" }, "Inspector"), inspector),
    h("div", { class: "row" }, start,
      draft ? h("button", { class: "button secondary", type: "button", id: "start-over", onclick: async () => {
        if (await confirmDialog(`Forget the ${done} unit(s) entered so far?`, "Forget them", "Keep them")) {
          await store.remove("drafts", draftKey);
          orderView(main, order, offline);
        }
      } }, "Start over") : null));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const name = inspector.value.trim();
    if (!name) { inspector.focus(); return; }
    localStorage.setItem(SOURCE_KEY, source.value);
    localStorage.setItem(INSPECTOR_KEY, name);
    const d = draft || { key: draftKey, lot_id: order.lot_id, index: 0, units: {} };
    d.source = source.value;
    d.inspector = name;
    await store.put("drafts", d);
    record(main, order, d);
  });
  const golden = order.golden_sample;
  show(main,
    h("nav", {}, h("a", { href: "/" }, "← Lots")),
    h("h1", {}, `Lot ${order.lot_number}`),
    h("p", { class: "lead" }, `${order.part.number} ${order.part.name} · ${order.supplier.name} · ${order.lot_size} units · ${order.status.replace(/_/g, " ")}`),
    offline ? notice("warn", "Offline: the order as read earlier on this tablet.") : null,
    mine.map((item) => queuedItem(main, order, item)),
    form,
    golden ? h("section", { "aria-labelledby": "golden-h" },
      h("h2", { id: "golden-h" }, `Golden sample, revision ${golden.revision}`),
      h("div", { class: "thumbs" }, golden.photos.map(thumbnail))) : null,
    h("h2", {}, "What to check"),
    h("ul", { class: "characteristics" }, order.characteristics.map(characteristicCard)));
}

/** A queued inspection of this lot: waiting, or refused with what the server said. */
function queuedItem(main, order, item) {
  const units = item.body.units.length;
  if (item.state !== "refused") {
    const photoProblems = item.photos.filter((p) => p.problem);
    return h("div", { class: "card queued" },
      notice(photoProblems.length ? "error" : "info",
        `An inspection of ${units} unit(s) by ${item.body.inspector} is waiting to be sent` +
        (item.state === "stored" ? " (stored; photos still to send)." : ".")),
      photoProblems.map((p) => h("p", {}, `Photo of unit ${p.unit} refused: ${p.problem.detail} `,
        h("button", { class: "button secondary", type: "button", onclick: async () => {
          if (await confirmDialog("Drop this photo? It is not on the server.", "Drop it", "Keep it")) {
            await queue.dropPhoto(item.key, p.key);
            orderView(main, order, false);
          }
        } }, "Drop this photo"))));
  }
  const named = queue.unitsNamed(item);
  return h("div", { class: "card refused", role: "alert" },
    h("h2", {}, "Refused by the server"),
    h("p", {}, item.problem.detail),
    h("ul", {}, [...named].map(([unit, msgs]) => h("li", {}, unit != null ? `Unit ${unit}: ` : "", msgs.join("; ")))),
    h("button", { class: "button", type: "button", onclick: () => fix(main, order, item) }, "Fix and send again"));
}

/** Records the lot's units from the draft, then queues the inspection(s). */
function record(main, order, draft) {
  editUnits(main, {
    order,
    scope: order.units,
    draft,
    problems: new Map(),
    save: (d) => store.put("drafts", d),
    finish: async (d) => {
      const entries = buildEntries(order, order.units, d, {});
      await queue.enqueue(entries, [["drafts", d.key]]);
      sent(main, order, entries);
    },
  });
}

/** Opens a refused inspection for correction; resent as a new record (new id and key). */
function fix(main, order, item) {
  const draft = { key: `fix:${item.key}`, lot_id: order.lot_id, index: 0, units: {},
    source: item.body.source, inspector: item.body.inspector };
  const scope = item.body.units.map((u) => {
    const unit = { serial: u.serial || "", values: {}, confirmed: {}, attrs: {}, photos: [] };
    for (const m of u.measurements) { unit.values[m.characteristic_id] = String(m.value); unit.confirmed[m.characteristic_id] = String(m.value); }
    for (const a of u.attributes) unit.attrs[a.characteristic_id] = { pass: a.pass, defects: a.defects, note: a.note || "", code: (a.defect_codes || [])[0] || "" };
    unit.photos = item.photos.filter((p) => p.unit === u.unit && !p.sent);
    draft.units[u.unit] = unit;
    return { unit: u.unit, characteristic_ids: [...u.measurements, ...u.attributes].map((r) => r.characteristic_id) };
  });
  const problems = queue.unitsNamed(item);
  const first = scope.findIndex((s) => problems.has(s.unit));
  draft.index = Math.max(0, first);
  editUnits(main, {
    order, scope, draft, problems,
    save: async () => {},
    finish: async (d) => {
      const entries = buildEntries(order, scope, d, { mode: item.body.mode });
      await queue.enqueue(entries, [["queue", item.key]]);
      sent(main, order, entries);
    },
  });
}

/**
 * The inspection(s) to send: one per mode the order's characteristics call for
 * (sampling, full), each with a new client-generated id, and the photos of its results.
 */
export function buildEntries(order, scope, draft, { mode }) {
  const chars = new Map(order.characteristics.map((c) => [c.characteristic_id, c]));
  const groups = new Map();
  for (const entry of scope) {
    const u = draft.units[entry.unit] || { serial: "", values: {}, attrs: {}, photos: [] };
    for (const cid of entry.characteristic_ids) {
      const c = chars.get(cid);
      if (!c) continue;
      const m = mode || (c.inspection === "full" ? "full" : "sampling");
      if (!groups.has(m)) groups.set(m, { units: new Map(), photos: [] });
      const g = groups.get(m);
      if (!g.units.has(entry.unit)) {
        const serial = (u.serial || "").trim();
        g.units.set(entry.unit, { unit: entry.unit, ...(serial ? { serial } : {}), measurements: [], attributes: [] });
      }
      const rec = g.units.get(entry.unit);
      if (c.kind === "variable") {
        rec.measurements.push({ characteristic_id: cid, value: parseValue(u.values[cid]) });
      } else {
        const a = u.attrs[cid];
        const note = (a.note || "").trim();
        const coded = !a.pass && a.code && (c.defect_codes || []).some((d) => d.code === a.code);
        rec.attributes.push({
          characteristic_id: cid, pass: a.pass, defects: a.pass ? 0 : Math.max(1, Number(a.defects) || 1),
          ...(note ? { note } : {}), ...(coded ? { defect_codes: [a.code] } : {}),
        });
        if (!a.pass) {
          for (const p of u.photos.filter((p) => p.characteristic_id === cid)) g.photos.push({ ...p, unit: entry.unit, sent: false, problem: null });
        }
      }
    }
  }
  const inspectedAt = new Date().toISOString();
  return [...groups].map(([m, g]) => ({
    lot_id: order.lot_id,
    lot_number: order.lot_number,
    body: {
      id: crypto.randomUUID(),
      source: draft.source,
      mode: m,
      inspector: draft.inspector,
      inspected_at: inspectedAt,
      ...(order.golden_sample ? { golden_sample_revision_id: order.golden_sample.revision_id } : {}),
      units: [...g.units.values()].sort((a, b) => a.unit - b.unit),
    },
    photos: g.photos,
  }));
}

function sent(main, order, entries) {
  const units = entries.reduce((n, e) => n + e.body.units.length, 0);
  // An inspection has one mode, so an order mixing full inspection and sampling is sent
  // as one record per mode; the worker is told so.
  const parts = entries.map((e) => `${e.body.mode === "full" ? "full inspection" : "sampling"} (${e.body.units.length} unit(s))`);
  const what = entries.length > 1
    ? `Inspection saved on this tablet as ${entries.length} records, one per mode: ${parts.join(" and ")}.`
    : `Inspection of ${units} unit(s) saved on this tablet.`;
  show(main,
    h("h1", {}, `Lot ${order.lot_number}`),
    notice("info", `${what} It is sent as soon as the network allows; the bar at the top says what is still waiting.`),
    h("div", { class: "row" },
      h("a", { class: "button big", href: "/" }, "Lots"),
      h("a", { class: "button secondary big", href: `/inspect/${order.lot_id}` }, "This lot's order")));
}
