// One unit at a time: its serial (a barcode scanner types it and presses Enter), a
// large field per measured characteristic that turns red, and says why, as soon as the
// value is outside the limits, and pass/fail buttons per attribute, with defects, a
// defect code and photos from the tablet's camera when it fails. A value far from
// anything plausible asks for confirmation. Then a review of every unit, and send.
import { implausible, limitsText, outsideLimits, parseValue } from "./checks.js";
import { confirmDialog, h, notice, show } from "./ui.js";

function emptyUnit() {
  return { serial: "", values: {}, confirmed: {}, attrs: {}, photos: [] };
}

/**
 * ctx: {order, scope: [{unit, characteristic_ids}], draft, problems: Map(unit -> [text]),
 * save(draft), finish(draft)}.
 */
export function editUnits(main, ctx) {
  const chars = new Map(ctx.order.characteristics.map((c) => [c.characteristic_id, c]));
  let saving = null;
  const save = () => {
    clearTimeout(saving);
    saving = setTimeout(() => ctx.save(ctx.draft), 200);
  };
  const go = (index) => {
    ctx.draft.index = index;
    ctx.save(ctx.draft);
    if (index >= ctx.scope.length) review(main, ctx, chars, go);
    else unitView(main, ctx, chars, index, go, save);
  };
  go(Math.min(ctx.draft.index || 0, ctx.scope.length));
}

function valueField(c, u, onEnter, save) {
  const id = `v-${c.characteristic_id}`;
  const input = h("input", { id, class: "value", inputmode: "decimal", autocomplete: "off", enterkeyhint: "next",
    "data-characteristic": c.name, "aria-describedby": `${id}-state ${id}-limits`, value: u.values[c.characteristic_id] ?? "" });
  const state = h("p", { id: `${id}-state`, class: "state", "aria-live": "polite" });
  const mark = () => {
    const text = input.value;
    const value = parseValue(text);
    const out = outsideLimits(value, c);
    const bad = text.trim() !== "" && !Number.isFinite(value);
    input.classList.toggle("out", Boolean(out));
    input.classList.toggle("bad", bad);
    if (out || bad) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    state.textContent = bad ? "not a number" : out || (Number.isFinite(value) ? "within limits" : "");
    state.className = `state${out || bad ? " out" : Number.isFinite(value) ? " ok" : ""}`;
  };
  input.addEventListener("input", () => {
    u.values[c.characteristic_id] = input.value;
    mark();
    save();
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); onEnter(input); }
  });
  mark();
  return h("div", { class: "card measure" },
    h("label", { for: id }, c.name, c.unit_of_measure ? h("span", { class: "muted" }, ` (${c.unit_of_measure})`) : null),
    h("p", { id: `${id}-limits`, class: "limits" }, limitsText(c)),
    input, state);
}

/** The views the golden sample is photographed from, in order, without repeats. */
function goldenViews(order) {
  const photos = order.golden_sample ? order.golden_sample.photos : [];
  return [...new Set(photos.map((p) => p.view).filter(Boolean))];
}

// A defect photo may name the golden-sample view it is taken from, so the reviewer sees
// it beside the golden sample's photo of that view.
function viewChoice(p, views, save) {
  if (!views.length) return null;
  const id = `view-${p.key}`;
  const select = h("select", { id, class: "photo-view" }, h("option", { value: "" }, "no particular view"),
    views.map((v) => h("option", { value: v }, v)));
  select.value = p.view || "";
  select.addEventListener("change", () => { p.view = select.value || undefined; save(); });
  return h("div", { class: "field" }, h("label", { for: id }, "Seen from"), select);
}

function attributeField(c, u, save, rerender, views) {
  const cid = c.characteristic_id;
  const a = u.attrs[cid] || (u.attrs[cid] = { pass: null, defects: 1, note: "", code: "" });
  const choose = (pass) => () => {
    a.pass = pass;
    save();
    rerender();
  };
  const body = [
    h("div", { class: "row choice", role: "group", "aria-label": c.name },
      h("button", { type: "button", id: `a-${cid}-pass`, class: "button pass", "aria-pressed": String(a.pass === true), onclick: choose(true) }, "Pass"),
      h("button", { type: "button", id: `a-${cid}-fail`, class: "button fail", "aria-pressed": String(a.pass === false), onclick: choose(false) }, "Fail")),
  ];
  if (a.pass === false) {
    const id = `a-${cid}`;
    const defects = h("input", { id: `${id}-defects`, inputmode: "numeric", autocomplete: "off", value: a.defects ?? 1 });
    defects.addEventListener("input", () => { a.defects = defects.value; save(); });
    const note = h("input", { id: `${id}-note`, maxlength: 500, autocomplete: "off", value: a.note || "" });
    note.addEventListener("input", () => { a.note = note.value; save(); });
    body.push(h("div", { class: "field" }, h("label", { for: `${id}-defects` }, "Defects on this unit"), defects));
    const codes = c.defect_codes || [];
    if (codes.length) {
      const select = h("select", { id: `${id}-code` }, h("option", { value: "" }, "— none —"),
        codes.map((d) => h("option", { value: d.code }, `${d.code} ${d.name}`)));
      select.value = a.code || "";
      select.addEventListener("change", () => { a.code = select.value; save(); });
      body.push(h("div", { class: "field" }, h("label", { for: `${id}-code` }, "Defect code"), select));
    }
    body.push(h("div", { class: "field" }, h("label", { for: `${id}-note` }, "What is seen"), note));
    const camera = h("input", { id: `${id}-photo`, type: "file", accept: "image/*", capture: "environment", class: "file" });
    camera.addEventListener("change", () => {
      for (const file of camera.files) {
        u.photos.push({ key: crypto.randomUUID(), characteristic_id: cid, blob: file, name: file.name, type: file.type });
      }
      save();
      rerender();
    });
    const mine = u.photos.filter((p) => p.characteristic_id === cid);
    body.push(h("div", { class: "field" },
      h("label", { for: `${id}-photo`, class: "button secondary" }, "Take a photo"), camera,
      h("div", { class: "thumbs" }, mine.map((p) => h("figure", {},
        h("img", { class: "thumb", alt: `defect photo of ${c.name}`, src: URL.createObjectURL(p.blob) }),
        viewChoice(p, views, save),
        h("button", { type: "button", class: "button secondary", onclick: () => {
          u.photos = u.photos.filter((q) => q !== p);
          save();
          rerender();
        } }, "Remove"))))));
  }
  return h("fieldset", { class: `card attribute${a.pass === false ? " failed" : ""}` },
    h("legend", {}, c.name), ...body);
}

/** The first thing missing on the unit, or null: [element to focus, message]. */
function missing(container, entry, u, chars) {
  for (const cid of entry.characteristic_ids) {
    const c = chars.get(cid);
    if (!c) continue;
    if (c.kind === "variable" && !Number.isFinite(parseValue(u.values[cid]))) {
      return [container.querySelector(`#v-${cid}`), `${c.name}: enter the measured value`];
    }
    if (c.kind !== "variable" && (!u.attrs[cid] || u.attrs[cid].pass == null)) {
      return [container.querySelector(`#a-${cid}-pass`) || container.querySelector("fieldset button"), `${c.name}: choose pass or fail`];
    }
  }
  return null;
}

/** Confirms every implausible value of the unit once; false when one is to be corrected. */
async function confirmed(container, entry, u, chars) {
  for (const cid of entry.characteristic_ids) {
    const c = chars.get(cid);
    if (!c || c.kind !== "variable") continue;
    const text = u.values[cid];
    const why = implausible(parseValue(text), c);
    if (!why || u.confirmed[cid] === text) continue;
    const keep = await confirmDialog(`${c.name}: ${text} ${c.unit_of_measure || ""} is ${why}. Is that what was measured?`,
      "Yes, keep it", "No, correct it");
    if (!keep) {
      const input = container.querySelector(`#v-${cid}`);
      input.focus();
      input.select();
      return false;
    }
    u.confirmed[cid] = text;
  }
  return true;
}

function unitView(main, ctx, chars, index, go, save, again = null) {
  const entry = ctx.scope[index];
  const u = ctx.draft.units[entry.unit] || (ctx.draft.units[entry.unit] = emptyUnit());
  // Drawn again after a choice on the same unit: the worker's place on the page and
  // the control they were at stay where they were.
  const rerender = () => {
    const at = document.activeElement && document.activeElement.id;
    unitView(main, ctx, chars, index, go, save, { y: window.scrollY, focus: at });
  };
  const problems = ctx.problems.get(entry.unit) || [];
  const message = h("div", { class: "message", "aria-live": "assertive" });
  const next = h("button", { type: "button", class: "button big", id: "next" }, index + 1 < ctx.scope.length ? "Next unit" : "Review");
  const fields = [];
  const focusAfter = (el) => {
    const inputs = [...main.querySelectorAll("input.value")];
    const i = inputs.indexOf(el);
    if (i >= 0 && i + 1 < inputs.length) inputs[i + 1].focus();
    else next.focus();
  };
  const serial = h("input", { id: "serial", class: "serial", autocomplete: "off", enterkeyhint: "next", maxlength: 64,
    spellcheck: "false", autocapitalize: "off", value: u.serial || "" });
  serial.addEventListener("input", () => { u.serial = serial.value; save(); });
  serial.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    const first = main.querySelector("input.value, fieldset button");
    (first || next).focus();
  });
  for (const cid of entry.characteristic_ids) {
    const c = chars.get(cid);
    if (!c) continue;
    fields.push(c.kind === "variable" ? valueField(c, u, focusAfter, save) : attributeField(c, u, save, rerender, goldenViews(ctx.order)));
  }
  next.addEventListener("click", async () => {
    const gap = missing(main, entry, u, chars);
    if (gap) {
      message.replaceChildren(notice("error", gap[1]));
      if (gap[0]) gap[0].focus();
      return;
    }
    if (!(await confirmed(main, entry, u, chars))) return;
    go(index + 1);
  });
  const progress = h("progress", { max: ctx.scope.length, value: index, "aria-label": "units done" });
  show(main,
    h("div", { class: "unit-head" },
      h("h1", {}, `Unit ${index + 1} of ${ctx.scope.length}`),
      h("p", { class: "lead" }, `Lot ${ctx.order.lot_number} · draw unit no. `, h("strong", { id: "lot-unit" }, String(entry.unit)))),
    progress,
    problems.length ? h("div", { class: "notice error", role: "alert" }, h("strong", {}, "Refused by the server: "), problems.join("; ")) : null,
    h("div", { class: "card field" }, h("label", { for: "serial" }, "Serial number (scan or type)"), serial),
    h("div", { class: "fields" }, fields),
    message,
    h("div", { class: "row nav" },
      h("button", { type: "button", class: "button secondary big", disabled: index === 0, onclick: () => go(index - 1) }, "Previous unit"),
      next));
  if (!again) {
    serial.focus();
    return;
  }
  window.scrollTo(0, again.y);
  const back = again.focus && document.getElementById(again.focus);
  if (back) back.focus({ preventScroll: true });
}

function review(main, ctx, chars, go) {
  const ids = [...new Set(ctx.scope.flatMap((s) => s.characteristic_ids))].map((id) => chars.get(id)).filter(Boolean);
  const source = h("select", { id: "review-source" },
    h("option", { value: "factory" }, "Factory QC"), h("option", { value: "in_house" }, "In-house"));
  source.value = ctx.draft.source;
  source.addEventListener("change", () => { ctx.draft.source = source.value; ctx.save(ctx.draft); });
  const inspector = h("input", { id: "review-inspector", value: ctx.draft.inspector, maxlength: 100, autocomplete: "name" });
  inspector.addEventListener("input", () => { ctx.draft.inspector = inspector.value; ctx.save(ctx.draft); });
  const rows = ctx.scope.map((entry, i) => {
    const u = ctx.draft.units[entry.unit] || emptyUnit();
    return h("tr", {},
      h("th", { scope: "row" }, h("button", { type: "button", class: "link", onclick: () => go(i) }, String(entry.unit))),
      h("td", {}, u.serial || ""),
      ids.map((c) => {
        if (!entry.characteristic_ids.includes(c.characteristic_id)) return h("td", { class: "muted" }, "–");
        if (c.kind === "variable") {
          const text = u.values[c.characteristic_id] ?? "";
          const out = outsideLimits(parseValue(text), c);
          return h("td", { class: out ? "out" : "" }, text, out ? h("span", { class: "sr" }, ` (${out})`) : null);
        }
        const a = u.attrs[c.characteristic_id];
        return h("td", { class: a && a.pass === false ? "out" : "" }, a ? (a.pass ? "pass" : "fail") : "");
      }));
  });
  const sendButton = h("button", { type: "button", class: "button big", id: "send" }, "Send");
  const message = h("div", { "aria-live": "assertive" });
  sendButton.addEventListener("click", async () => {
    if (!ctx.draft.inspector || !ctx.draft.inspector.trim()) {
      message.replaceChildren(notice("error", "Name the inspector."));
      inspector.focus();
      return;
    }
    for (let i = 0; i < ctx.scope.length; i++) {
      if (missing(main, ctx.scope[i], ctx.draft.units[ctx.scope[i].unit] || emptyUnit(), chars)) {
        go(i);
        return;
      }
    }
    sendButton.disabled = true;
    await ctx.finish(ctx.draft);
  });
  show(main,
    h("h1", {}, `Review: lot ${ctx.order.lot_number}`),
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "review-source" }, "Inspected by"), source),
      h("div", { class: "field" }, h("label", { for: "review-inspector" }, "Inspector"), inspector)),
    h("div", { class: "table" }, h("table", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Unit"), h("th", { scope: "col" }, "Serial"),
        ids.map((c) => h("th", { scope: "col" }, c.name)))),
      h("tbody", {}, rows))),
    message,
    h("div", { class: "row nav" },
      h("button", { type: "button", class: "button secondary big", onclick: () => go(ctx.scope.length - 1) }, "Back"),
      sendButton));
}
