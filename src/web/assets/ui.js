// Small helpers to build the pages: elements, a confirmation dialog, and messages.

/** An element with attributes (on* become listeners) and children (text or nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces the content of `main`. */
export function show(main, ...children) {
  main.replaceChildren(...children.flat().filter(Boolean));
  window.scrollTo(0, 0);
}

/** Asks a question in a modal dialog; resolves to true for `yes`. */
export function confirmDialog(question, yes, no) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-q" },
      h("p", { id: "confirm-q" }, question),
      h("div", { class: "row" },
        h("button", { type: "button", class: "button secondary", "data-answer": "no" }, no),
        h("button", { type: "button", class: "button", "data-answer": "yes" }, yes)));
    dialog.addEventListener("click", (ev) => {
      const answer = ev.target.closest("[data-answer]");
      if (!answer) return;
      dialog.close();
      dialog.remove();
      resolve(answer.dataset.answer === "yes");
    });
    dialog.addEventListener("cancel", () => { dialog.remove(); resolve(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A message block; `kind` is info, warn or error. */
export function notice(kind, ...text) {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, ...text);
}
