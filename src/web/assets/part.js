// `/parts/{part_id}`: a part's characteristics, its golden samples with their revisions
// and photos, and the capability of each measured characteristic lot by lot.
import { getBlob, getJson } from "./api.js";
import { chart, num, table, words } from "./review.js";
import { h, show } from "./ui.js";

function thumb(links, alt) {
  const img = h("img", { class: "thumb", alt, width: 160, height: 120 });
  getBlob(links.thumbnail).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => {});
  return img;
}

function spec(c) {
  if (c.kind !== "variable") return "pass / fail";
  const u = c.unit ? ` ${c.unit}` : "";
  return [c.lsl != null ? `LSL ${c.lsl}${u}` : null, c.nominal != null ? `nominal ${c.nominal}${u}` : null,
    c.usl != null ? `USL ${c.usl}${u}` : null].filter(Boolean).join(" · ");
}

function goldenSection(samples) {
  if (!samples.length) return h("p", { class: "muted" }, "No golden sample registered.");
  return samples.map((s) => h("div", { class: "golden" },
    h("h3", {}, `${s.code}`, h("span", { class: "muted" }, ` · kept at ${s.storage_location} · approved revision ${s.approved_revision || "none"}`)),
    s.revisions.map((r) => h("div", { class: "revision" },
      h("p", {}, h("strong", {}, `Revision ${r.revision}`), ` · ${words(r.status)} · revalidate by ${r.revalidation_due}`,
        r.approval ? ` · approved by ${r.approval.approved_by || ""}` : "", r.description ? ` · ${r.description}` : ""),
      r.photos.length ? h("div", { class: "thumbs" }, r.photos.map((p) =>
        h("figure", {}, thumb(p.links, `${s.code} rev. ${r.revision} ${p.view || ""}`), h("figcaption", { class: "hint" }, p.view || "photo"))))
        : h("p", { class: "muted" }, "No photos.")))));
}

function trend(cap) {
  const rows = cap.lots.map((l) => [h("a", { href: `/lots/${l.lot_id}` }, l.lot_number), l.produced_on, `${l.statistics.n}`,
    num(l.statistics.mean, 4), num(l.statistics.sd, 4), num(l.statistics.cpk, 2), num(l.statistics.ppk, 2),
    h("td", { class: l.statistics.cpk != null && l.statistics.cpk < 1.33 ? "out" : "" },
      l.statistics.cpk == null ? "too few values" : l.statistics.cpk < 1.0 ? "not capable" : l.statistics.cpk < 1.33 ? "marginal" : "capable")]);
  return h("div", { class: "trend", "data-characteristic": cap.characteristic_id },
    h("h3", {}, `${cap.name}: capability by lot`),
    h("p", { class: "hint" }, `Over all lots: n ${cap.overall.n}, Cpk ${num(cap.overall.cpk, 2)}, Ppk ${num(cap.overall.ppk, 2)}`),
    chart(`/api/v1/parts/${cap.part_id}/characteristics/${cap.characteristic_id}/charts/capability`),
    rows.length ? table(["Lot", "Produced", "n", "Mean", "SD", "Cpk", "Ppk", "Reading"], rows) : h("p", { class: "muted" }, "No measurements yet."));
}

export async function partPage(main, id) {
  document.title = "Part · lotgate";
  show(main, h("h1", {}, "Part"), h("p", {}, "Loading…"));
  const [part, golden] = await Promise.all([getJson(`/api/v1/parts/${id}`), getJson(`/api/v1/parts/${id}/golden-samples`)]);
  document.title = `${part.number} · lotgate`;
  const variables = part.characteristics.filter((c) => c.kind === "variable");
  const [samples, caps] = await Promise.all([
    Promise.all(golden.map((g) => getJson(`/api/v1/golden-samples/${g.id}`))),
    Promise.all(variables.map((c) => getJson(`/api/v1/parts/${id}/characteristics/${c.id}/capability`))),
  ]);
  show(main,
    h("article", { class: "report", "data-part": id },
      h("p", { class: "crumbs" }, h("a", { href: "/" }, "Lots"), " › ", part.number),
      h("h1", {}, `${part.number} ${part.name}`),
      h("p", { class: "lead" }, `${words(part.stage)}${part.description ? ` · ${part.description}` : ""}`),
      h("section", { class: "card", "aria-labelledby": "chars-h" },
        h("h2", { id: "chars-h" }, "Characteristics"),
        table(["Name", "Kind", "Specification", "Class", "AQL", "Level", "Destructive"], part.characteristics.map((c) => [
          c.name, words(c.kind), spec(c), words(c.classification), `${c.aql} %`, c.inspection_level, c.destructive ? "yes" : "no"]))),
      h("section", { class: "card", "aria-labelledby": "golden-h" },
        h("h2", { id: "golden-h" }, "Golden samples"), goldenSection(samples)),
      h("section", { class: "card", "aria-labelledby": "trend-h" },
        h("h2", { id: "trend-h" }, "Capability over lots"),
        caps.length ? caps.map(trend) : h("p", { class: "muted" }, "No measured characteristic."))));
}
