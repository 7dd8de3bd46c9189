// `/lots/{lot_id}`: the reviewer's page of a lot, also its printable report: the
// decision and why, per characteristic; for each variable characteristic its histogram,
// control chart and capability; for each sampled one the OC curve of its plan; defect
// photos beside the golden sample's; and the actions a reviewer may take.
import { Refused, call, getBlob, getJson } from "./api.js";
import { lotActions } from "./lot_actions.js";
import { lotReconciliation } from "./reconciliation.js";
import { chart, num, staleBadge, table, verdictBadge, when, words } from "./review.js";
import { h, notice, show } from "./ui.js";

async function optional(path) {
  const answer = await call(path);
  if (answer.status === 404) return null;
  if (!answer.ok) throw new Refused(answer);
  return answer;
}

async function load(id) {
  const lot = await getJson(`/api/v1/lots/${id}`);
  const [part, suppliers, decision, stats, inspections, dispositions, resubmissions, ncrs, golden] = await Promise.all([
    getJson(`/api/v1/parts/${lot.part_id}`),
    getJson("/api/v1/suppliers?limit=200"),
    // A lot without a verdict has no decision: not asked for, so no 404 is logged.
    lot.verdict ? optional(`/api/v1/lots/${id}/decision`) : null,
    getJson(`/api/v1/lots/${id}/statistics`),
    getJson(`/api/v1/lots/${id}/inspections?limit=100`),
    getJson(`/api/v1/lots/${id}/dispositions`),
    getJson(`/api/v1/lots/${id}/resubmissions`),
    getJson(`/api/v1/ncrs?lot_id=${id}&limit=100`),
    getJson(`/api/v1/parts/${lot.part_id}/golden-samples`),
  ]);
  const current = inspections.items.filter((i) => !i.superseded_by);
  const details = await Promise.all(current.map((i) => getJson(`/api/v1/inspections/${i.id}`)));
  const samples = await Promise.all(golden.map((g) => getJson(`/api/v1/golden-samples/${g.id}`)));
  return {
    lot, part, decision: decision && decision.data, supplier: suppliers.items.find((s) => s.id === lot.supplier_id),
    stats, inspections: inspections.items, details, dispositions: dispositions.items, resubmissions,
    ncrs: ncrs.items, samples,
  };
}

function thumb(links, alt) {
  const img = h("img", { class: "thumb", alt, width: 160, height: 120 });
  getBlob(links.thumbnail).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => {});
  return img;
}

function header(d) {
  const { lot, part, supplier, decision } = d;
  return h("header", { class: "lot-head" },
    h("p", { class: "crumbs" }, h("a", { href: "/" }, "Lots"), " › ", lot.lot_number),
    h("h1", {}, `Lot ${lot.lot_number} `, verdictBadge(lot.verdict), " ", staleBadge(lot)),
    h("dl", { class: "facts" },
      h("dt", {}, "Part"), h("dd", {}, h("a", { href: `/parts/${part.id}` }, `${part.number} ${part.name}`)),
      h("dt", {}, "Supplier"), h("dd", {}, h("a", { href: `/suppliers/${lot.supplier_id}` }, supplier ? supplier.name : lot.supplier_id)),
      h("dt", {}, "Lot size"), h("dd", {}, `${lot.lot_size} units`),
      h("dt", {}, "Produced"), h("dd", {}, lot.produced_on),
      h("dt", {}, "Status"), h("dd", { "data-status": lot.status }, words(lot.status)),
      h("dt", {}, "Disposition"), h("dd", {}, words(lot.disposition)),
      h("dt", {}, "Decision"), h("dd", { class: "decided" }, decision ? `revision ${decision.revision}, decided ${when(decision.decided_at)}${deciderText(decision)}` : "none yet")),
    lot.decision_stale ? notice("warn", `The decision is stale: ${lot.stale_because}. Decide again.`) : null,
    h("p", { class: "no-print" },
      h("a", { class: "button secondary", href: `/inspect/${lot.id}` }, "Inspect"), " ",
      h("button", { class: "button secondary", type: "button", onclick: () => window.print() }, "Print report")));
}

/** Who asked for the decision, as " by NAME (role)"; empty for a decision stored before
 * lotgate recorded it. */
function deciderText(dec) {
  if (!dec.decider) return "";
  return ` by ${dec.decider.name}${dec.decider.role ? ` (${dec.decider.role})` : ""}`;
}

function planText(c) {
  if (!c.plan) return c.mode === "full" ? "Full inspection" : "—";
  const p = c.plan;
  return `ISO 2859-1, level ${p.inspection_level}, AQL ${p.aql} %, ${p.severity}, code ${p.code_letter}: n = ${c.applied.sample_size}, Ac ${c.applied.acceptance_number}, Re ${c.applied.rejection_number}`;
}

function unitsText(units) {
  if (!units.length) return "none";
  const named = units.slice(0, 12).map((u) => (u.serial ? `#${u.unit} (${u.serial})` : `#${u.unit}`)).join(", ");
  return units.length > 12 ? `${named} and ${units.length - 12} more` : named;
}

function decisionSection(d) {
  if (!d.decision) return h("section", { class: "card" }, h("h2", {}, "Decision"), h("p", {}, "The lot has not been decided yet."));
  const dec = d.decision;
  const cards = dec.characteristics.map((c) => h("li", { class: "card judged", "data-characteristic": c.characteristic_id },
    h("h3", {}, `${c.name} `, verdictBadge(c.verdict)),
    h("p", { class: "hint" }, `${words(c.kind)} · ${words(c.classification)} · ${words(c.severity)} inspection`),
    h("p", {}, h("strong", {}, "Plan: "), planText(c)),
    h("p", {}, h("strong", {}, `${words(c.mode)}: `), c.mode_reason),
    h("p", {}, h("strong", {}, "Found: "), `${c.defectives} nonconforming of ${c.units_inspected} inspected`),
    h("p", {}, c.explanation),
    h("p", {}, h("strong", {}, "Nonconforming units: "), unitsText(c.nonconforming_units))));
  return h("section", { class: "card decision", "aria-labelledby": "decision-h" },
    h("h2", { id: "decision-h" }, "Decision: ", verdictBadge(dec.verdict)),
    h("p", {}, dec.explanation),
    h("p", { class: "hint" }, `Revision ${dec.revision}, decided ${when(dec.decided_at)}${deciderText(dec)}. ${dec.rule}`),
    h("ul", { class: "judged-list" }, cards));
}

function capability(p) {
  const rows = [
    ["n", p.n], ["Mean", num(p.mean, 4)], ["Standard deviation", num(p.sd, 4)],
    ["Min / max", `${num(p.min, 4)} / ${num(p.max, 4)}`],
    ["Deviation from nominal", num(p.deviation_from_nominal, 4)],
    ["Deviation from golden sample", num(p.deviation_from_golden_sample, 4)],
    ["Outside the limits", p.count_outside == null ? "—" : `${p.count_outside} (${num(p.pct_outside, 2)} %)`],
    ["Cp / Cpk", `${num(p.cp, 2)} / ${num(p.cpk, 2)}`],
    ["Cpk 95 % interval", `${num(p.cpk_ci_lower, 2)} … ${num(p.cpk_ci_upper, 2)}`],
    ["Pp / Ppk", `${num(p.pp, 2)} / ${num(p.ppk, 2)}`],
    ["Expected ppm below / above", `${num(p.ppm_below_lsl, 0)} / ${num(p.ppm_above_usl, 0)}`],
    ["Anderson-Darling p", num(p.anderson_darling_p, 3)],
  ];
  return h("div", { class: "figures" },
    h("dl", { class: "facts" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])),
    p.warnings.length ? h("ul", { class: "warnings" }, p.warnings.map((w) => h("li", { "data-code": w.code }, "⚠ ", w.message))) : null);
}

function variableSection(d, c) {
  const base = `/api/v1/lots/${d.lot.id}/charts/${c.characteristic_id}`;
  const spec = c.spec;
  const limits = [spec.lsl != null ? `LSL ${spec.lsl}` : null, spec.nominal != null ? `nominal ${spec.nominal}` : null,
    spec.usl != null ? `USL ${spec.usl}` : null].filter(Boolean).join(" · ");
  return h("section", { class: "card characteristic-charts", "data-characteristic": c.characteristic_id, "data-kind": "variable" },
    h("h3", {}, `${c.name}${spec.unit ? ` (${spec.unit})` : ""}`),
    h("p", { class: "hint" }, limits, c.golden_sample ? ` · golden sample ${c.golden_sample.code} rev. ${c.golden_sample.revision}: ${c.golden_sample.value}` : ""),
    h("div", { class: "charts" },
      chart(`${base}/histogram`),
      chart(`${base}/control-chart`),
      chart(`${base}/control-chart?series=spread`)),
    capability(c.pooled));
}

function ocSection(d, c) {
  return h("section", { class: "card characteristic-charts", "data-characteristic": c.characteristic_id, "data-kind": "sampled" },
    h("h3", {}, `${c.name}: operating characteristic`),
    h("p", { class: "hint" }, planText(c), ` · ${c.defectives} of ${c.units_inspected} nonconforming`),
    chart(`/api/v1/lots/${d.lot.id}/charts/${c.characteristic_id}/oc-curve`));
}

/** The approved (else the latest) revision's photos of each golden sample of the part. */
function goldenPhotos(d) {
  const golden = [];
  for (const s of d.samples) {
    const rev = s.revisions.find((r) => r.revision === s.approved_revision) || s.revisions[s.revisions.length - 1];
    if (!rev) continue;
    for (const p of rev.photos) golden.push({ p: p.links, view: p.view, label: `${s.code} rev. ${rev.revision}${p.view ? `, ${p.view}` : ""}` });
  }
  return golden;
}

// Defect photos beside the golden sample's photos of the same view: one row per
// characteristic and view; a defect photo sent without a view sits beside every golden
// photo, since any of them may be the one to compare with.
function photosSection(d) {
  const rows = new Map();
  for (const insp of d.details) {
    for (const u of insp.units) {
      for (const a of u.attributes) {
        for (const p of a.photos) {
          const key = `${a.characteristic_id}/${p.view || ""}`;
          if (!rows.has(key)) rows.set(key, { id: a.characteristic_id, view: p.view, photos: [] });
          rows.get(key).photos.push({ p, label: `unit ${u.unit}${u.serial ? ` (${u.serial})` : ""}${p.view ? `, ${p.view}` : ""}${a.note ? `: ${a.note}` : ""}` });
        }
      }
    }
  }
  const golden = goldenPhotos(d);
  const names = new Map(d.part.characteristics.map((c) => [c.id, c.name]));
  const fig = ({ p, label }) => h("figure", {}, thumb(p, label), h("figcaption", { class: "hint" }, label));
  const compared = [...rows.values()].map((row) => {
    const same = row.view ? golden.filter((g) => g.view === row.view) : golden;
    const title = row.view ? `Golden sample, ${row.view}` : "Golden sample";
    return h("div", { class: "compare", "data-characteristic": row.id, "data-view": row.view || "" },
      h("div", {}, h("h3", {}, `Defects: ${names.get(row.id) || row.id}${row.view ? `, ${row.view}` : ""}`),
        h("div", { class: "thumbs defect-photos" }, row.photos.map(fig))),
      h("div", {}, h("h3", {}, title),
        same.length ? h("div", { class: "thumbs golden-photos" }, same.map(fig))
          : h("p", { class: "muted" }, row.view ? `The golden sample has no ${row.view} photo.` : "No photos.")));
  });
  return h("section", { class: "card photos", "aria-labelledby": "photos-h" },
    h("h2", { id: "photos-h" }, "Photos"),
    compared.length ? compared : [h("p", { class: "muted" }, "No defect photos recorded."),
      golden.length ? h("div", {}, h("h3", {}, "Golden sample"), h("div", { class: "thumbs golden-photos" }, golden.map(fig))) : null]);
}

function historySection(d) {
  const insp = d.inspections.map((i) => [when(i.inspected_at), words(i.source), words(i.mode), i.inspector, `${i.unit_count}`,
    i.superseded_by ? "superseded" : i.supersedes ? `correction: ${i.reason || ""}` : "current"]);
  const disp = d.dispositions.map((x) => [when(x.recorded_at), words(x.scope), words(x.disposition), x.reason, x.recorded_by]);
  const resub = d.resubmissions.map((r) => [when(r.recorded_at), words(r.action), words(r.severity), r.reason]);
  const ncrs = d.ncrs.map((n) => [n.number, words(n.status), n.description, n.opened_by, when(n.opened_at)]);
  const block = (title, head, rows, empty) => [h("h3", {}, title), rows.length ? table(head, rows) : h("p", { class: "muted" }, empty)];
  return h("section", { class: "card history", "aria-labelledby": "history-h" },
    h("h2", { id: "history-h" }, "Record"),
    block("Inspections", ["Inspected", "Source", "Mode", "Inspector", "Units", "State"], insp, "No inspection recorded."),
    block("Dispositions", ["Recorded", "Scope", "Disposition", "Reason", "By"], disp, "No disposition."),
    block("Resubmissions", ["Recorded", "Action", "Severity", "Reason"], resub, "No resubmission."),
    block("Nonconformance reports", ["Number", "Status", "Description", "Opened by", "Opened"], ncrs, "No NCR."));
}

export async function lotPage(main, id) {
  document.title = "Lot · lotgate";
  show(main, h("h1", {}, "Lot"), h("p", {}, "Loading…"));
  const d = await load(id);
  document.title = `Lot ${d.lot.lot_number} · lotgate`;
  const sampled = d.decision
    ? d.decision.characteristics.filter((c) => c.mode === "sampling" && !c.applied.full_inspection && c.applied.sample_size < d.lot.lot_size)
    : [];
  show(main,
    h("article", { class: "report", "data-lot": d.lot.id },
      header(d),
      decisionSection(d),
      h("section", { "aria-labelledby": "variables-h" },
        h("h2", { id: "variables-h" }, "Measured characteristics"),
        d.stats.characteristics.length ? d.stats.characteristics.map((c) => variableSection(d, c)) : h("p", { class: "muted" }, "None.")),
      h("section", { "aria-labelledby": "oc-h" },
        h("h2", { id: "oc-h" }, "Sampling plans"),
        sampled.length ? h("div", { class: "charts" }, sampled.map((c) => ocSection(d, c))) : h("p", { class: "muted" }, d.decision ? "No characteristic was sampled: each was inspected in full." : "Decide the lot to see the plans used.")),
      photosSection(d),
      lotReconciliation(d.lot.id),
      historySection(d),
      lotActions(d, () => lotPage(main, id))));
}
