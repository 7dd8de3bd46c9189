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
