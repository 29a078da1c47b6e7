// Forms for the console: every control has its label; a refusal of the API is shown next to the field it names.
import { newKey } from "../api.js";
import { clearProblems, el, showProblem, fill } from "../ui.js";

let counter = 0;

/** A labelled control. spec: {name, label, type, value, options: [[value, text]], hint, required, rows} */
export function field(spec, prefix) {
  const id = `${prefix}-${spec.name}`;
  const hintId = spec.hint ? `${id}-dica` : null;
  let control;
  if (spec.options) {
    control = el("select", { id, name: spec.name, required: spec.required, "aria-describedby": hintId },
      spec.options.map(([value, text]) => el("option", { value, selected: String(value) === String(spec.value ?? "") }, text)));
  } else if (spec.type === "textarea") {
    control = el("textarea", { id, name: spec.name, rows: spec.rows || 3, required: spec.required, "aria-describedby": hintId }, spec.value ?? "");
  } else if (spec.type === "checkbox") {
    control = el("input", { id, name: spec.name, type: "checkbox", checked: !!spec.value, "aria-describedby": hintId });
    return el("div", { class: "campo" }, el("label", { for: id }, control, " ", spec.label), spec.hint ? el("p", { class: "dica", id: hintId }, spec.hint) : null);
  } else {
    control = el("input", { id, name: spec.name, type: spec.type || "text", value: spec.value ?? "", required: spec.required,
      min: spec.min, max: spec.max, step: spec.step, autocomplete: "off", "aria-describedby": hintId });
  }
  return el("div", { class: "campo" }, el("label", { for: id }, spec.label), control,
    spec.hint ? el("p", { class: "dica", id: hintId }, spec.hint) : null);
}

/** Values of a form's controls by name (checkbox → boolean, empty → omitted). */
export function values(form) {
  const out = {};
  for (const control of form.querySelectorAll("input, select, textarea")) {
    if (!control.name) continue;
    if (control.type === "checkbox") out[control.name] = control.checked;
    else if (control.value.trim() !== "") out[control.name] = control.value.trim();
  }
  return out;
}

/**
 * A form: title (h3), fields, a submit button; ``handler(values, form, key)`` runs on submit and may return a Node to show.
 * A refusal (Problem) is shown next to its field. The Idempotency-Key of a submission is kept until it succeeds,
 * so pressing the button again after a failure of the network retries the same request.
 */
export function form({ id, title, fields = [], submit = "Enviar", handler, intro }) {
  const prefix = id || `f${++counter}`;
  const result = el("div", { class: "resultado", "aria-live": "polite" });
  const node = el("form", { id: prefix, novalidate: true, "aria-labelledby": `${prefix}-titulo` },
    el("h3", { id: `${prefix}-titulo` }, title),
    intro ? el("p", {}, intro) : null,
    el("div", { class: "alerta", role: "alert" }),
    fields.map((spec) => field(spec, prefix)),
    el("button", { type: "submit" }, submit),
    result);
  let key = newKey();
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(node);
    const button = node.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const shown = await handler(values(node), node, key);
      key = newKey();
      fill(result, ...(shown ? [shown] : []));
    } catch (problem) {
      if (!(problem && problem.detail)) throw problem;
      result.replaceChildren();
      showProblem(node, problem);
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

export function success(text) { return el("p", { class: "alerta sucesso" }, text); }

export function section(id, title, ...children) {
  return el("section", { id, class: "cartao", "aria-labelledby": `${id}-titulo` }, el("h2", { id: `${id}-titulo` }, title), ...children);
}
