// DOM helpers (built with createElement: API data never goes through innerHTML), pt-BR formats,
// and the display of a problem+json next to the field it names.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

const TZ = "America/Sao_Paulo";

/** "2027-03-01" → "01/03/2027"; a date-time → "01/03/2027 09:00". */
export function dataBR(value) {
  if (!value) return "—";
  const text = String(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) return `${m[3]}/${m[2]}/${m[1]}`;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  return dataHoraBR(text);  // toLocaleString would give "01/03/2027, 09:00"
}

/** An instant → "01/03/2027 09:00" in Brasília's time (exactly dd/mm/aaaa hh:mm, whatever the browser's locale data). */
export function dataHoraBR(value) {
  const date = new Date(String(value || ""));
  if (!value || Number.isNaN(date.getTime())) return value ? String(value) : "—";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("pt-BR", { timeZone: TZ, day: "2-digit", month: "2-digit",
    year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

export function diaSemana(isoDay) {
  const [y, m, d] = isoDay.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("pt-BR", { weekday: "short", timeZone: "UTC" });
}

export function mesBR(yyyyMm) {
  const [y, m] = yyyyMm.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString("pt-BR", { month: "long", year: "numeric", timeZone: "UTC" });
}

/** "1800.00" → "R$ 1.800,00". */
export function dinheiro(value) {
  const n = Number(value);
  if (value === null || value === undefined || Number.isNaN(n)) return "—";
  return n.toLocaleString("pt-BR", { style: "currency", currency: "BRL" });
}

export function numero(value, digits = 0) {
  return Number(value).toLocaleString("pt-BR", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function horas(minutes) {
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return m ? `${h} h ${String(m).padStart(2, "0")} min` : `${h} h`;
}

/** A datetime-local value ("2027-03-01T08:00") with the browser's UTC offset at that moment
 * ("2027-03-01T08:00:00-05:00" in Rio Branco): the time is the user's, where they are (Brazil has four zones), and
 * the API refuses a ponto without an offset (COOP-08) rather than guess Brasília's. Anything else is sent as typed. */
export function comFuso(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(local || ""));
  if (!m) return local;
  const [, y, mo, d, h, mi, s = "00"] = m;
  const offset = -new Date(+y, +mo - 1, +d, +h, +mi, +s).getTimezoneOffset();
  const two = (n) => String(n).padStart(2, "0");
  const abs = Math.abs(offset);
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${offset < 0 ? "-" : "+"}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

let diaDoTribunal = null;

/** Sets the court's today ("YYYY-MM-DD", from GET /calendario/hoje: see api.js's sincronizarHoje). */
export function definirHoje(dia) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(dia || ""))) diaDoTribunal = dia;
}

/** Today, "YYYY-MM-DD": the court's (its clock, which a local stack playing a month moves months ahead) once read,
 * else the browser's own clock in the tribunal's time zone. */
export function hoje() {
  return diaDoTribunal || new Date().toLocaleDateString("sv-SE", { timeZone: TZ });
}

// ------------------------------------------------------------------ problems next to their field

export function clearProblems(form) {
  form.querySelectorAll(".erro-campo").forEach((n) => n.remove());
  form.querySelectorAll("[aria-invalid]").forEach((n) => {
    n.removeAttribute("aria-invalid");
    const ids = (n.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-erro"));
    if (ids.length) n.setAttribute("aria-describedby", ids.join(" ")); else n.removeAttribute("aria-describedby");
  });
  const alert = form.querySelector(".alerta");
  if (alert) { alert.textContent = ""; alert.className = "alerta"; }
}

/** The form control a problem's ``field`` names: "numero", "numero.digitos_verificadores", "body.inicio", "itens[0].x"… */
export function controlFor(form, field) {
  if (!field) return null;
  const parts = String(field).replace(/\[\d+\]/g, "").split(".").filter((p) => p && p !== "body" && p !== "query");
  for (let i = parts.length; i > 0; i--) {
    const name = parts.slice(0, i).join(".");
    const byName = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (byName) return byName;
  }
  for (const part of parts) {
    const byName = form.querySelector(`[name="${CSS.escape(part)}"]`);
    if (byName) return byName;
  }
  return null;
}

export function problemText(problem) {
  const code = problem.code && !/^HTTP_/.test(problem.code) ? ` (${problem.code})` : "";
  return `${problem.detail}${code}`;
}

/** Shows a Problem next to the control its field names, else in the form's alert region. */
export function showProblem(form, problem) {
  clearProblems(form);
  const control = controlFor(form, problem.field);
  if (control) {
    const id = `${control.id || control.name}-erro`;
    const message = el("p", { class: "erro-campo", id }, problemText(problem));
    control.setAttribute("aria-invalid", "true");
    const described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    control.setAttribute("aria-describedby", [...described, id].join(" "));
    (control.closest(".campo") || control.parentElement).append(message);
    control.focus();
  }
  const alert = form.querySelector(".alerta");
  if (alert) {
    alert.className = "alerta erro";
    alert.textContent = control ? "Corrija o campo indicado: " + problemText(problem) : problemText(problem);
  }
}

export function showMessage(region, text, kind = "") {
  region.className = `alerta ${kind}`.trim();
  region.textContent = text;
}

/** A table from rows: columns = [[header, (row) => cell, {num: true}], …]. */
export function table(caption, columns, rows, emptyText = "Nada encontrado.") {
  if (!rows.length) return el("p", {}, emptyText);
  return el("div", { class: "tabela" }, el("table", {},
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, columns.map(([h, , o]) => el("th", { scope: "col", class: o?.num ? "num" : null }, h)))),
    el("tbody", {}, rows.map((row) => el("tr", {}, columns.map(([h, f, o]) => el("td", { class: o?.num ? "num" : null, "data-rotulo": h }, f(row))))))));
}

/** Saves a Blob as a file (download link clicked for the user). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Replaces a node's children, skipping null/undefined/false (replaceChildren would print "null"). */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}
