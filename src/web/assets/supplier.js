// `/suppliers/{supplier_id}`: a supplier's scorecard: acceptance and ppm by month (a
// chart from the server and the same figures as a table), defects ranked, the
// switching state per characteristic, its source policy, its NCRs, how its factory QC's
// results compare with the in-house ones, and its lots.
import { getJson } from "./api.js";
import { supplierReconciliation } from "./reconciliation.js";
import { chart, num, table, verdictBadge, staleBadge, when, words } from "./review.js";
import { h, show } from "./ui.js";

export async function supplierPage(main, id) {
  document.title = "Supplier · lotgate";
  show(main, h("h1", {}, "Supplier"), h("p", {}, "Loading…"));
  const [suppliers, parts, card, ncrs, lots] = await Promise.all([
    getJson("/api/v1/suppliers?limit=200"),
    getJson("/api/v1/parts?limit=200"),
    getJson(`/api/v1/suppliers/${id}/scorecard`),
    getJson(`/api/v1/ncrs?supplier_id=${id}&limit=100`),
    getJson(`/api/v1/lots?supplier_id=${id}&limit=100`),
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
          // Whose results decide when the factory and in-house inspections both recorded a
          // characteristic (get_supplier_source_policy has the history).
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
      h("section", { class: "card", "aria-labelledby": "lots-h" },
        h("h2", { id: "lots-h" }, "Lots"),
        table(["Lot", "Part", "Produced", "Status", "Verdict"], lots.items.map((l) => [
          h("a", { href: `/lots/${l.id}` }, l.lot_number), partName.get(l.part_id) || "", l.produced_on, words(l.status),
          h("td", {}, verdictBadge(l.verdict), " ", staleBadge(l))])))));
}
