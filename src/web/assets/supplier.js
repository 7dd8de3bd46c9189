// `/suppliers/{supplier_id}`: a supplier's scorecard: acceptance and ppm by month (a
// chart from the server and the same figures as a table), defects ranked, the
// switching state per characteristic, its source policy, its NCRs, how its factory QC's
// results compare with the in-house ones, and its lots.
import { getJson } from "./api.js";
import { supplierReconciliation } from "./reconciliation.js";
import { actionForm, chart, field, num, table, text, verdictBadge, staleBadge, when, words } from "./review.js";
import { h, show } from "./ui.js";

const POLICIES = [["in_house_decides", "In-house inspection decides (default)"],
  ["factory_results_decide", "The factory's results decide (a trusted supplier)"]];

// Whose results decide a characteristic both the factory's QC and the in-house inspection
// recorded, since when and why, with its history; a reviewer changes it with a reason.
// A change applies to decisions made afterwards, never to those already made.
function policySection(id, policy, redraw) {
  const label = new Map(POLICIES);
  const choice = h("select", {}, POLICIES.map(([v, l]) => h("option", { value: v, selected: v === policy.policy }, l)));
  return h("section", { id: "source-policy", class: "card", "aria-labelledby": "policy-h", "data-policy": policy.policy },
    h("h2", { id: "policy-h" }, "Whose results decide"),
    h("p", { class: "current" }, label.get(policy.policy) || words(policy.policy),
      policy.since ? `, since ${when(policy.since)} (${policy.set_by}: ${policy.reason})` : ": never changed."),
    policy.history.length ? table(["Set", "Policy", "By", "Reason"], policy.history.map((e) => [
      when(e.set_at), words(e.policy), e.set_by, e.reason]), { class: "policy-history" }) : null,
    h("div", { class: "no-print" }, actionForm({
      id: "set-policy", title: "Change the policy", submit: "Set the policy", method: "PUT",
      intro: "Applies to decisions made from now on; decisions already made stand.",
      fields: [field("policy", "Policy", choice), field("reason", "Reason", h("textarea", { rows: 3, maxlength: 2000 }))],
      build: (data) => [`/api/v1/suppliers/${id}/source-policy`, { policy: data.get("policy"), reason: text(data, "reason") }],
      done: redraw,
    })));
}

export async function supplierPage(main, id) {
  document.title = "Supplier · lotgate";
  show(main, h("h1", {}, "Supplier"), h("p", {}, "Loading…"));
  const [suppliers, parts, card, ncrs, lots, policy] = await Promise.all([
    getJson("/api/v1/suppliers?limit=200"),
    getJson("/api/v1/parts?limit=200"),
    getJson(`/api/v1/suppliers/${id}/scorecard`),
    getJson(`/api/v1/ncrs?supplier_id=${id}&limit=100`),
    getJson(`/api/v1/lots?supplier_id=${id}&limit=100`),
    getJson(`/api/v1/suppliers/${id}/source-policy`),
  ]);
  const supplier = suppliers.items.find((s) => s.id === id);
  const partName = new Map(parts.items.map((p) => [p.id, `${p.number} ${p.name}`]));
  const name = supplier ? supplier.name : id;
  document.title = `${name} · lotgate`;
  const f = card.figures;
  const pct = (v) => (v == null ? "—" : `${(v * 100).toFixed(1)} %`);
  const months = card.by_month.map((m) => [m.month, `${m.figures.lots_decided}`, `${m.figures.lots_accepted}`,
    pct(m.figures.acceptance_rate), num(m.figures.ppm, 0), `${m.figures.resubmissions}`]);
  const defects = f.defects.map((x) => [x.code, x.name, partName.get(x.part_id) || "", `${x.count}`, pct(x.share)]);
  const switching = card.switching.flatMap((p) => p.characteristics.map((c) => [
    h("a", { href: `/parts/${p.part_id}` }, p.part_number), c.name, words(c.severity)]));
  show(main,
    h("article", { class: "report", "data-supplier": id },
      h("p", { class: "crumbs" }, h("a", { href: "/" }, "Lots"), " › ", name),
      h("h1", {}, name, supplier ? h("span", { class: "muted" }, ` (${supplier.code})`) : null),
      h("section", { class: "card", "aria-labelledby": "score-h" },
        h("h2", { id: "score-h" }, "Scorecard"),
        h("dl", { class: "facts" },
          h("dt", {}, "Lots decided"), h("dd", {}, `${f.lots_decided}`),
          h("dt", {}, "Accepted on original inspection"), h("dd", {}, `${f.lots_accepted} (${pct(f.acceptance_rate)})`),
          h("dt", {}, "Nonconforming"), h("dd", {}, f.ppm == null ? "—" : `${num(f.ppm, 0)} ppm (95 %: ${num(f.ppm_interval.lower, 0)} … ${num(f.ppm_interval.upper, 0)})`),
          h("dt", {}, "Resubmissions"), h("dd", {}, `${f.resubmissions}`),
          h("dt", {}, "NCRs open / closed"), h("dd", {}, `${f.ncrs.open} / ${f.ncrs.closed}`),
          h("dt", {}, "Source policy"), h("dd", {}, words(supplier && supplier.source_policy))),
        chart(`/api/v1/suppliers/${id}/charts/scorecard`),
        months.length ? table(["Month", "Decided", "Accepted", "Rate", "ppm", "Resubmissions"], months) : null),
      h("section", { class: "card", "aria-labelledby": "defects-h" },
        h("h2", { id: "defects-h" }, "Defects ranked"),
        defects.length ? table(["Code", "Defect", "Part", "Count", "Share"], defects) : h("p", { class: "muted" }, "No defect recorded.")),
      h("section", { class: "card", "aria-labelledby": "switching-h" },
        h("h2", { id: "switching-h" }, "Switching state per characteristic"),
        switching.length ? table(["Part", "Characteristic", "Severity"], switching) : h("p", { class: "muted" }, "No lots yet.")),
      h("section", { class: "card", "aria-labelledby": "ncrs-h" },
        h("h2", { id: "ncrs-h" }, "Nonconformance reports"),
        ncrs.items.length ? table(["Number", "Lot", "Status", "Description", "Opened"], ncrs.items.map((n) => [
          n.number, h("a", { href: `/lots/${n.lot_id}` }, n.lot_number), words(n.status), n.description, when(n.opened_at)]))
          : h("p", { class: "muted" }, "No NCR.")),
      supplierReconciliation(id, (partId) => partName.get(partId)),
      policySection(id, policy, () => supplierPage(main, id)),
      h("section", { class: "card", "aria-labelledby": "lots-h" },
        h("h2", { id: "lots-h" }, "Lots"),
        table(["Lot", "Part", "Produced", "Status", "Verdict"], lots.items.map((l) => [
          h("a", { href: `/lots/${l.id}` }, l.lot_number), partName.get(l.part_id) || "", l.produced_on, words(l.status),
          h("td", {}, verdictBadge(l.verdict), " ", staleBadge(l))])))));
}
