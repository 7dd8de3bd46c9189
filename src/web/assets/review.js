// Shared parts of the reviewer's pages: charts fetched from the server as SVG and
// inserted, forms that send a reviewer's action and show the problem's field errors
// next to the fields, and small formatters.
import { Refused, call, getSvg } from "./api.js";
import { h, notice } from "./ui.js";

/** A figure that fills in with the chart at `path` (an SVG made by the server). */
export function chart(path, caption) {
  const fig = h("figure", { class: "chart-box" }, h("p", { class: "muted" }, "Drawing…"));
  (async () => {
    try {
      const text = await getSvg(path);
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      const svg = doc.documentElement;
      if (svg.nodeName !== "svg") throw new Error("not a chart");
      fig.replaceChildren(document.importNode(svg, true));
      if (caption) fig.append(h("figcaption", { class: "hint" }, caption));
    } catch (err) {
      const why = err instanceof Refused ? err.message : String(err.message || err);
      fig.replaceChildren(notice("warn", `No chart: ${why}`));
    }
  })();
  return fig;
}

/** A number with `d` decimals, or an em dash. */
export function num(v, d = 3) {
  return v == null || Number.isNaN(v) ? "—" : Number(v).toFixed(d);
}

export function words(s) {
  return s == null ? "—" : String(s).replace(/_/g, " ");
}

export function when(t) {
  return t ? new Date(t).toLocaleString() : "—";
}

/** A verdict as a badge that reads without colour. */
export function verdictBadge(verdict) {
  if (!verdict) return h("span", { class: "badge none" }, "not decided");
  const text = { accept: "accepted", reject: "rejected", pending: "pending" }[verdict] || verdict;
  return h("span", { class: `badge ${verdict}`, "data-verdict": verdict }, text);
}

export function staleBadge(lot) {
  return lot.decision_stale
    ? h("span", { class: "badge stale", title: lot.stale_because || "" }, "decision stale")
    : null;
}

/** A labelled input (or select / textarea) with a place for its field error. */
export function field(name, label, control, hint) {
  control.id = control.id || `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  control.name = name;
  const err = h("p", { class: "field-error", "data-error-for": name, role: "alert", hidden: true });
  control.setAttribute("aria-describedby", `${control.id}-err`);
  err.id = `${control.id}-err`;
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control,
    hint ? h("p", { class: "hint" }, hint) : null, err);
}

/** Puts a problem's field errors next to their fields, the rest at the top of the form. */
export function showProblem(form, problem) {
  for (const p of form.querySelectorAll(".field-error")) { p.hidden = true; p.textContent = ""; }
  for (const c of form.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
  const top = form.querySelector(".form-error");
  const rest = [];
  for (const e of (problem && problem.errors) || []) {
    const name = String(e.field || "").split(/[.[]/)[0];
    const slot = form.querySelector(`[data-error-for="${CSS.escape(e.field)}"]`) ||
      form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) {
      slot.hidden = false;
      slot.textContent = slot.textContent ? `${slot.textContent} ${e.message}` : e.message;
      const input = form.querySelector(`[name="${CSS.escape(slot.dataset.errorFor)}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
    } else {
      rest.push(`${e.field}: ${e.message}`);
    }
  }
  top.hidden = false;
  top.textContent = [(problem && (problem.detail || problem.title)) || "Refused", ...rest].join(" · ");
}

/**
 * A form of a reviewer's action: `fields` are nodes from field(); `build(data)` turns
 * the form's values into [path, body]; `done(answer)` runs after a 2xx.
 */
export function actionForm({ id, title, intro, fields, submit, build, done, method = "POST" }) {
  const top = h("p", { class: "notice error form-error", role: "alert", hidden: true });
  const ok = h("p", { class: "notice info form-ok", role: "status", hidden: true });
  const button = h("button", { class: "button", type: "submit" }, submit);
  const form = h("form", { class: "card action", id, novalidate: true },
    h("h3", {}, title), intro ? h("p", { class: "hint" }, intro) : null, top, ...fields, button, ok);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    top.hidden = true;
    ok.hidden = true;
    button.disabled = true;
    try {
      const [path, body] = build(new FormData(form), form);
      // A POST carries an Idempotency-Key so a retry is not recorded twice; a PUT is
      // idempotent by itself.
      const key = method === "POST" ? crypto.randomUUID() : undefined;
      const answer = await call(path, { method, json: body, key });
      if (!answer.ok) {
        showProblem(form, answer.data);
        return;
      }
      showProblem(form, null);
      top.hidden = true;
      ok.hidden = false;
      ok.textContent = "Recorded.";
      if (done) await done(answer);
    } catch (err) {
      top.hidden = false;
      top.textContent = String(err.message || err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** A trimmed text value, or undefined when blank (so the server's "required" speaks). */
export function text(data, name) {
  const v = data.get(name);
  return v == null || String(v).trim() === "" ? undefined : String(v);
}

/** A table of `rows` (arrays of cells) under `head`. */
export function table(head, rows, attrs = {}) {
  return h("div", { class: "table" }, h("table", attrs,
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => (c instanceof Node && c.nodeName === "TD") ? c : h("td", {}, c)))))));
}
