// The reviewer's list on `/`: every lot, filtered by status, verdict, supplier, part
// and production date, with its verdict and whether the decision is stale; each links
// to its inspection order and to its review. The filters live in the address, so a
// filtered list can be bookmarked and the back button returns to it.
import { getJson } from "./api.js";
import { staleBadge, table, verdictBadge, words } from "./review.js";
import { h } from "./ui.js";

const STATUSES = ["registered", "under_inspection", "accepted", "not_accepted", "dispositioned", "released", "cancelled"];
const VERDICTS = [["accept", "accepted"], ["reject", "rejected"], ["pending", "pending"]];
const FILTERS = ["status", "verdict", "supplier_id", "part_id", "produced_from", "produced_to"];

function choice(name, label, options, value) {
  const id = `filter-${name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", { id, name }, h("option", { value: "" }, "any"),
      options.map(([v, text]) => h("option", { value: v, selected: v === value }, text))));
}

function date(name, label, value) {
  const id = `filter-${name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, name, type: "date", value: value || "" }));
}

async function fill(box, query, names) {
  box.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  const params = new URLSearchParams();
  for (const k of FILTERS) if (query.get(k)) params.set(k, query.get(k));
  params.set("limit", "100");
  try {
    const page = await getJson(`/api/v1/lots?${params}`);
    if (!page.items.length) {
      box.replaceChildren(h("p", { class: "muted" }, "No lot matches."));
      return;
    }
    box.replaceChildren(table(["Lot", "Part", "Supplier", "Produced", "Status", "Verdict", ""], page.items.map((l) => {
      const part = names.parts.get(l.part_id);
      const supplier = names.suppliers.get(l.supplier_id);
      return [
        h("a", { href: `/lots/${l.id}`, "data-review": l.lot_number }, l.lot_number),
        part ? h("a", { href: `/parts/${part.id}` }, `${part.number} ${part.name}`) : l.part_id,
        supplier ? h("a", { href: `/suppliers/${supplier.id}` }, supplier.name) : l.supplier_id,
        l.produced_on,
        words(l.status),
        h("td", {}, verdictBadge(l.verdict), " ", staleBadge(l)),
        h("td", { class: "links" }, h("a", { href: `/inspect/${l.id}` }, "Inspect"), " · ", h("a", { href: `/lots/${l.id}` }, "Review")),
      ];
    }), { class: "lot-table" }),
    page.next_cursor ? h("p", { class: "hint" }, "The first 100 shown: narrow the filters to see others.") : null);
  } catch (err) {
    box.replaceChildren(h("p", { class: "notice error" }, String(err.message || err)));
  }
}

/** The section, filled from the API with the filters of the address. */
export function reviewList(names) {
  const query = new URLSearchParams(location.search);
  const box = h("div", { class: "review-results", "aria-live": "polite" });
  const byName = (m, text) => [...m.values()].map((x) => [x.id, text(x)]).sort((a, b) => a[1].localeCompare(b[1]));
  const form = h("form", { class: "filters card", role: "search", "aria-label": "Filter lots" },
    h("div", { class: "row" },
      choice("status", "Status", STATUSES.map((s) => [s, words(s)]), query.get("status")),
      choice("verdict", "Verdict", VERDICTS, query.get("verdict")),
      choice("supplier_id", "Supplier", byName(names.suppliers, (s) => s.name), query.get("supplier_id")),
      choice("part_id", "Part", byName(names.parts, (p) => `${p.number} ${p.name}`), query.get("part_id")),
      date("produced_from", "Produced from", query.get("produced_from")),
      date("produced_to", "Produced to", query.get("produced_to")),
      h("button", { class: "button", type: "submit" }, "Filter")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) next.set(k, String(v));
    history.replaceState(null, "", next.toString() ? `/?${next}` : "/");
    fill(box, next, names);
  });
  fill(box, query, names);
  return h("section", { class: "review", "aria-labelledby": "review-h" },
    h("h2", { id: "review-h" }, "Review lots"), form, box);
}
