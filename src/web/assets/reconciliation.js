// Factory against in-house on the reviewer's pages: what the supplier's own QC reported
// about a lot compared with what the in-house inspection found, unit by unit
// (`get_lot_reconciliation`). Each figure is the server's; the page only lays it out.
import { Refused, getJson } from "./api.js";
import { num, table, words } from "./review.js";
import { h, notice } from "./ui.js";

function section(...children) {
  return h("section", { id: "reconciliation", class: "card reconciliation", "aria-labelledby": "reconciliation-h" },
    h("h2", { id: "reconciliation-h" }, "Factory and in-house results"), ...children);
}

/** `[low, high]` as "low … high", or an em dash. */
function interval(pair, d) {
  return pair ? `${num(pair[0], d)} … ${num(pair[1], d)}` : "—";
}

function verdictOf(v) {
  return v ? h("span", { title: v.explanation }, words(v.verdict)) : "—";
}

function rowOf(c) {
  const unit = c.unit ? ` ${c.unit}` : "";
  const variable = c.kind === "variable";
  const escapes = c.factory_passed_in_house_failed;
  return [
    c.name,
    `${c.paired_units}${c.pairing === "unit_number" ? " (by unit number)" : ""}`,
    variable ? `${num(c.mean_difference, 4)}${unit}` : "—",
    variable ? interval(c.mean_difference_ci95, 4) : "—",
    variable ? num(c.p_value, 4) : "—",
    variable ? interval(c.limits_of_agreement, 4) : "—",
    h("td", { class: escapes > 0 ? "bad" : "", "data-escapes": escapes }, String(escapes)),
    `${num(c.agreement == null ? null : 100 * c.agreement, 1)} % / ${num(c.kappa, 2)}`,
    verdictOf(c.verdicts && c.verdicts.factory),
    verdictOf(c.verdicts && c.verdicts.in_house),
  ];
}

/** The lot's reconciliation, filled in when it arrives. */
export function lotReconciliation(lotId) {
  const box = section(h("p", { class: "muted" }, "Loading…"));
  (async () => {
    try {
      const r = await getJson(`/api/v1/lots/${lotId}/reconciliation`);
      const [f, i] = [r.factory_inspections.length, r.in_house_inspections.length];
      if (!f || !i) {
        const only = f ? "Only the factory's QC" : i ? "Only the in-house inspection" : "Nobody";
        box.replaceChildren(box.firstChild,
          h("p", { class: "muted", "data-reconciled": "no" }, `${only} inspected this lot: there is nothing to reconcile.`));
        return;
      }
      const head = ["Characteristic", "Paired units", "In-house − factory", "95 % interval", "Paired t p",
        "Limits of agreement", "Escapes", "Agreement / κ", "Factory's verdict", "In-house verdict"];
      box.replaceChildren(box.firstChild,
        h("p", { class: "hint" }, `${f} factory and ${i} in-house inspection(s) compared unit by unit. `,
          "An escape is a unit the factory passed that failed here."),
        h("ul", { class: "sentences" }, r.characteristics.map((c) =>
          h("li", { "data-characteristic": c.characteristic_id }, h("strong", {}, `${c.name}: `), c.sentence))),
        table(head, r.characteristics.map(rowOf), { class: "reconciliation-table", "data-reconciled": "yes" }));
    } catch (err) {
      const why = err instanceof Refused ? err.message : String(err.message || err);
      box.replaceChildren(box.firstChild, notice("warn", `No reconciliation: ${why}`));
    }
  })();
  return box;
}

function pct(v) {
  return v == null ? "—" : `${(100 * v).toFixed(1)} %`;
}

function fraction(f) {
  return f ? `${pct(f.fraction)} (${f.nonconforming} of ${f.inspected})` : "—";
}

function supplierRow(c, partName) {
  const b = c.bias;
  const unit = c.unit ? ` ${c.unit}` : "";
  const flagged = c.factory_reports_fewer && c.factory_reports_fewer.flag;
  return [
    `${c.name}${partName ? ` (${partName})` : ""}`,
    `${c.lots.length}`,
    b ? `${num(b.mean_difference, 4)}${unit} (${interval(b.mean_difference_ci95, 4)}), p ${num(b.p_value, 4)}` : "—",
    h("td", { class: c.escapes > 0 ? "bad" : "", "data-escapes": c.escapes },
      c.escape_rate == null ? String(c.escapes) : `${c.escapes} of ${c.factory_passed} (${pct(c.escape_rate)})`),
    fraction(c.factory_fraction_nonconforming),
    fraction(c.in_house_fraction_nonconforming),
    h("td", { "data-flag": flagged ? "yes" : "no" },
      c.factory_reports_fewer ? num(c.factory_reports_fewer.p_value, 4) : "—", flagged ? h("span", { class: "flag" }, " fewer") : null),
  ];
}

/** Bias and escapes lot by lot, oldest first: how the factory's readings move over time. */
function overTime(c) {
  const unit = c.unit ? ` ${c.unit}` : "";
  return h("details", { class: "over-time", "data-characteristic": c.characteristic_id },
    h("summary", {}, `${c.name}, lot by lot`),
    table(["Lot", "Produced", "Paired units", "In-house − factory", "Escapes", "Factory NC", "In-house NC"], c.lots.map((l) => [
      h("a", { href: `/lots/${l.lot_id}` }, l.lot_number), l.produced_on,
      `${l.paired_units}${l.pairing === "unit_number" ? " (by unit number)" : ""}`,
      l.mean_difference == null ? "—" : `${num(l.mean_difference, 4)}${unit}`, String(l.escapes),
      `${l.factory_nonconforming} of ${l.factory_inspected}`, `${l.in_house_nonconforming} of ${l.in_house_inspected}`])));
}

/** A supplier's reconciliation over every lot both sources inspected, filled in when it arrives. */
export function supplierReconciliation(supplierId, partName = () => "") {
  const box = section(h("p", { class: "muted" }, "Loading…"));
  (async () => {
    try {
      const r = await getJson(`/api/v1/suppliers/${supplierId}/reconciliation`);
      const trust = r.flagged_characteristics > 0;
      const summary = h("p", { class: trust ? "notice warn summary" : "summary", "data-flagged": String(r.flagged_characteristics) }, r.summary);
      if (!r.lots_compared) {
        box.replaceChildren(box.firstChild, summary);
        return;
      }
      const head = ["Characteristic", "Lots", "In-house − factory (95 %), paired t p", "Escapes", "Factory nonconforming",
        "In-house nonconforming", "Fisher p (factory reports fewer)"];
      box.replaceChildren(box.firstChild, summary,
        h("ul", { class: "sentences" }, r.characteristics.map((c) =>
          h("li", { "data-characteristic": c.characteristic_id }, h("strong", {}, `${c.name}: `), c.sentence))),
        table(head, r.characteristics.map((c) => supplierRow(c, partName(c.part_id))), { class: "reconciliation-table" }),
        ...r.characteristics.map(overTime));
    } catch (err) {
      const why = err instanceof Refused ? err.message : String(err.message || err);
      box.replaceChildren(box.firstChild, notice("warn", `No reconciliation: ${why}`));
    }
  })();
  return box;
}

/** Every supplier's reconciliation in one line each, those to trust less first. */
export function factoryTrust(suppliers) {
  const box = h("section", { class: "card factory-trust", "aria-labelledby": "trust-h" },
    h("h2", { id: "trust-h" }, "How far to trust each factory's QC"), h("p", { class: "muted" }, "Loading…"));
  (async () => {
    try {
      const all = await Promise.all(suppliers.map(async (s) => [s, await getJson(`/api/v1/suppliers/${s.id}/reconciliation`)]));
      all.sort((a, b) => b[1].flagged_characteristics - a[1].flagged_characteristics || a[0].name.localeCompare(b[0].name));
      box.replaceChildren(box.firstChild, table(["Supplier", "Lots compared", "Flagged", "In short"], all.map(([s, r]) => [
        h("a", { href: `/suppliers/${s.id}#reconciliation` }, s.name), String(r.lots_compared),
        h("td", { class: r.flagged_characteristics ? "bad" : "", "data-flagged": String(r.flagged_characteristics) },
          r.flagged_characteristics ? `${r.flagged_characteristics} characteristic(s)` : "none"),
        r.summary]), { class: "trust-table" }));
    } catch (err) {
      const why = err instanceof Refused ? err.message : String(err.message || err);
      box.replaceChildren(box.firstChild, notice("warn", `No reconciliation: ${why}`));
    }
  })();
  return box;
}
