// The reviewer's actions on a lot page: decide, correct an inspection, resubmit,
// dispose, open an NCR. Each calls the API operation with its required reasons and
// shows the server's field errors next to the fields; a success redraws the page.
import { actionForm, field, text } from "./review.js";
import { h } from "./ui.js";

function select(options, value) {
  return h("select", {}, options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
}

const area = (attrs = {}) => h("textarea", { rows: 3, ...attrs });

function decideForm(d, redraw) {
  return actionForm({
    id: "decide", title: "Decide", submit: "Decide the lot",
    intro: "Computes a new revision of the decision from the lot's current inspections.",
    fields: [],
    build: () => [`/api/v1/lots/${d.lot.id}/decision`, {}],
    done: redraw,
  });
}

function disposeForm(d, redraw) {
  const choice = select([["scrap", "Scrap"], ["sort", "Sort (100 % screen)"], ["rework", "Rework"],
    ["return_to_supplier", "Return to supplier"], ["use_as_is", "Use as is (concession)"]], "return_to_supplier");
  const concession = h("fieldset", { class: "concession", hidden: true },
    h("legend", {}, "Concession"),
    field("approver", "Approved by", h("input", { type: "text", maxlength: 200 })),
    field("justification", "Why the concession is acceptable", area({ maxlength: 2000 })),
    field("quantity", "Units covered", h("input", { type: "number", min: 1, max: d.lot.lot_size })),
    field("expires_on", "Holds until", h("input", { type: "date" })));
  choice.addEventListener("change", () => { concession.hidden = choice.value !== "use_as_is"; });
  return actionForm({
    id: "dispose", title: "Dispose", submit: "Record the disposition",
    intro: "What becomes of the lot not accepted, or of the units rejected individually.",
    fields: [field("disposition", "Disposition", choice), field("reason", "Reason", area({ maxlength: 2000 })), concession],
    build: (data) => {
      const body = { disposition: data.get("disposition"), reason: text(data, "reason") };
      if (body.disposition === "use_as_is") {
        body.approver = text(data, "approver");
        body.justification = text(data, "justification");
        const q = text(data, "quantity");
        if (q !== undefined) body.quantity = Number(q);
        body.expires_on = text(data, "expires_on");
      }
      return [`/api/v1/lots/${d.lot.id}/disposition`, body];
    },
    done: redraw,
  });
}

function resubmitForm(d, redraw) {
  return actionForm({
    id: "resubmit", title: "Resubmit", submit: "Resubmit the lot",
    intro: "The supplier sorted or reworked every unit; the lot is inspected again as a resubmission (ISO 2859-1 7.6).",
    fields: [
      field("action", "What the supplier did", select([["sorted", "Sorted"], ["reworked", "Reworked"]], "sorted")),
      field("severity", "Inspect at", select([["tightened", "Tightened"], ["normal", "Normal"]], "tightened")),
      field("reason", "Reason", area({ maxlength: 2000 })),
    ],
    build: (data) => [`/api/v1/lots/${d.lot.id}/resubmissions`,
      { action: data.get("action"), severity: data.get("severity"), reason: text(data, "reason") }],
    done: redraw,
  });
}

function ncrForm(d, redraw) {
  return actionForm({
    id: "open-ncr", title: "Open an NCR", submit: "Open the report",
    fields: [
      field("description", "What was found", area({ maxlength: 4000 })),
      field("containment", "Containment so far", area({ maxlength: 4000 })),
    ],
    build: (data) => {
      const body = { description: text(data, "description") };
      const containment = text(data, "containment");
      if (containment !== undefined) body.containment = containment;
      return [`/api/v1/lots/${d.lot.id}/ncrs`, body];
    },
    done: redraw,
  });
}

/** The stored inspection as a new recording of it, with one result changed. */
function corrected(insp, unit, c, value) {
  const units = insp.units.map((u) => ({
    unit: u.unit, serial: u.serial,
    measurements: u.measurements.map((m) => ({ characteristic_id: m.characteristic_id,
      value: u.unit === unit && m.characteristic_id === c.id ? Number(value) : m.value })),
    attributes: u.attributes.map((a) => ({ characteristic_id: a.characteristic_id, defects: a.defects, note: a.note,
      defect_codes: a.defect_codes,
      pass: u.unit === unit && a.characteristic_id === c.id ? value === "pass" : a.pass })),
  }));
  const body = { id: crypto.randomUUID(), source: insp.source, mode: insp.mode, inspector: insp.inspector,
    inspected_at: insp.inspected_at, units };
  if (insp.golden_sample_revision_id) body.golden_sample_revision_id = insp.golden_sample_revision_id;
  if (insp.resubmission_id) body.resubmission_id = insp.resubmission_id;
  return body;
}

function correctForm(d, redraw) {
  if (!d.details.length) return null;
  const chars = d.part.characteristics;
  const inspection = select(d.details.map((i) => [i.id, `${new Date(i.inspected_at).toLocaleString()} · ${i.source} · ${i.units.length} units`]), d.details[0].id);
  const characteristic = select(chars.map((c) => [c.id, `${c.name} (${c.kind})`]), chars[0] && chars[0].id);
  return actionForm({
    id: "correct", title: "Correct an inspection", submit: "Record the correction",
    intro: "Records a corrected copy of the inspection with one result changed; the original is kept, superseded.",
    fields: [
      field("inspection_id", "Inspection", inspection),
      field("unit", "Unit number", h("input", { type: "number", min: 1, value: 1 })),
      field("characteristic_id", "Characteristic", characteristic),
      field("value", "New value (a number, or pass / fail)", h("input", { type: "text", inputmode: "decimal" })),
      field("reason", "Reason", area({ maxlength: 1000 })),
      h("p", { class: "field-error", "data-error-for": "inspection", role: "alert", hidden: true }),
    ],
    build: (data) => {
      const insp = d.details.find((i) => i.id === data.get("inspection_id"));
      const c = chars.find((x) => x.id === data.get("characteristic_id"));
      const body = { reason: text(data, "reason"), inspection: corrected(insp, Number(data.get("unit")), c, String(data.get("value") || "").trim()) };
      return [`/api/v1/inspections/${insp.id}/corrections`, body];
    },
    done: redraw,
  });
}

export function lotActions(d, redraw) {
  return h("section", { class: "actions no-print", "aria-labelledby": "actions-h" },
    h("h2", { id: "actions-h" }, "Reviewer's actions"),
    h("p", { class: "hint" }, "These need a token with the reviewer role; the server says which field to fix."),
    h("div", { class: "action-grid" },
      decideForm(d, redraw), disposeForm(d, redraw), resubmitForm(d, redraw), ncrForm(d, redraw), correctForm(d, redraw)));
}

