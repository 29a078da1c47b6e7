// The history of a resource (issue 17): its audit records, oldest first, a page at a time ("Carregar mais").
// One component for every screen: a screen makes a panel (historyPanel) and opens it from its buttons or forms
// with the resource's `GET …/historico` path. The Auditoria screen reuses recordNode for its listing.
// Every value of a record goes into the page as text (el(), textContent): never through innerHTML.
import { call } from "../api.js";
import { dataBR, dataHoraBR, el, fill } from "../ui.js";
import { atoLabel, quemLabel } from "./rotulos.js";

const VAZIO = "Sem histórico disponível.";
export const POR_PAGINA = 20;  // records per page of a history or of the audit listing ("Carregar mais" for the rest)
let panels = 0;

/** A value of a record's before/after as text: "—" for nothing, "sim"/"não", dates in pt-BR, objects as JSON. */
export function valor(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "sim" : "não";
  if (typeof value === "string") {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return dataBR(value);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return dataHoraBR(value);
    return value;
  }
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) return value.map(valor).join(", ") || "—";
  if (typeof value === "object") return Object.keys(value).length ? JSON.stringify(value) : "—";
  return String(value);
}

/** {a: {b: 1}, c: [1]} → {"a.b": 1, c: [1]}: nested objects compared field by field. */
function flatten(object, prefix = "", out = {}) {
  if (!object || typeof object !== "object" || Array.isArray(object)) return out;
  for (const [key, value] of Object.entries(object)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length) flatten(value, name, out);
    else out[name] = value;
  }
  return out;
}

/** The fields a record changed: [[field, before, after]] (a creation: every field after; a deletion: every field before). */
export function mudancas(antes, depois) {
  const a = flatten(antes), d = flatten(depois);
  const fields = [...new Set([...Object.keys(a), ...Object.keys(d)])];
  // absent, null and empty are all shown as "—": going from one to another is no change
  const shown = (v) => (v === undefined || v === "" || (v && typeof v === "object" && !Object.keys(v).length) ? null : v);
  const same = (x, y) => JSON.stringify(shown(x)) === JSON.stringify(shown(y));
  return fields.filter((f) => !same(a[f], d[f])).map((f) => [f, a[f], d[f]]);
}

function changesNode(record) {
  const rows = mudancas(record.antes, record.depois);
  if (!rows.length) return el("p", { class: "mudancas-nenhuma" }, "Sem alteração de campos.");
  const resumo = record.antes == null ? "criação" : record.depois == null ? "exclusão" : "antes → depois";
  return el("div", { class: "tabela" }, el("table", { class: "mudancas" },
    el("caption", {}, `O que mudou (${resumo})`),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Campo"), el("th", { scope: "col" }, "Antes"), el("th", { scope: "col" }, "Depois"))),
    el("tbody", {}, rows.map(([field, before, after]) => el("tr", { "data-campo": field },
      el("th", { scope: "row", "data-rotulo": "Campo" }, field),
      el("td", { class: "antes", "data-rotulo": "Antes" }, valor(before)),
      el("td", { class: "depois", "data-rotulo": "Depois" }, valor(after)))))));
}

/** One audit record as a list item: when, the act, who, the rules (and, when asked, the target and the service). */
export function recordNode(record, { alvo = false, servico = null } = {}) {
  const regras = Array.isArray(record.regras) ? record.regras : [];
  return el("li", { class: "registro", "data-ato": record.ato || "" },
    el("p", { class: "registro-cabecalho" },
      el("time", { datetime: record.quando || "" }, dataHoraBR(record.quando)), " · ",
      el("strong", { class: "ato", title: record.ato || "" }, atoLabel(record.ato)), " · ",
      el("span", { class: "quem" }, quemLabel(record.quem))),
    el("p", { class: "registro-detalhes" },
      alvo && record.alvo ? el("span", { class: "alvo" }, `Alvo: ${record.alvo.tipo} ${record.alvo.id}. `) : null,
      servico ? `Serviço: ${servico}. ` : null,
      el("span", { class: "regras" }, `Regras: ${regras.length ? regras.join(", ") : "—"}.`),
      " ", el("span", { class: "codigo-ato" }, `Código: ${record.ato || "—"}.`)),
    changesNode(record));
}

/** The Portuguese message for a failed history read: 404 (and a route not deployed yet) → "Sem histórico disponível." */
export function historyFailure(problem) {
  // A path the API does not have at all is answered by the gateway itself (403 "Missing Authentication Token",
  // no problem+json: code HTTP_403): for the reader that is a resource without history yet, not a refusal.
  // 405: a sibling route answers the path with another method (the service has no history route there yet).
  if ([404, 405].includes(problem.status) || (problem.status === 403 && problem.code === "HTTP_403")) return { text: VAZIO, kind: "vazio" };
  if (problem.status === 403) return { text: "O seu perfil não pode ver o histórico deste registro.", kind: "erro" };
  return { text: problem.detail || "Não foi possível carregar o histórico.", kind: "erro" };
}

/**
 * A "Histórico" panel, hidden until opened: ``panel.open({service, path, title, token})`` loads the first page of
 * ``GET path`` on ``service``; "Carregar mais" follows ``proximo``. Put ``panel.node`` where the screen shows it.
 */
export function historyPanel() {
  const id = `historico-${++panels}`;
  const titulo = el("h3", { id: `${id}-titulo`, tabindex: "-1" }, "Histórico");
  const estado = el("p", { class: "historico-estado", role: "status" });
  const lista = el("ol", { class: "registros" });
  const mais = el("button", { type: "button", class: "secundario", hidden: true }, "Carregar mais");
  const fechar = el("button", { type: "button", class: "secundario fechar" }, "Fechar histórico");
  const node = el("section", { class: "historico", id, "aria-labelledby": `${id}-titulo`, hidden: true },
    el("div", { class: "acoes historico-topo" }, titulo, fechar), estado, lista, mais);
  let current = null;

  async function load(request, cursor) {
    mais.disabled = true;
    try {
      const page = await call(request.service, request.path, { token: request.token(), query: { limite: POR_PAGINA, cursor } });
      if (request !== current) return;  // another resource was opened meanwhile
      const itens = page?.itens || [];
      lista.append(...itens.map((r) => recordNode(r)));
      request.cursor = page?.proximo || null;
      mais.hidden = !request.cursor;
      if (!lista.children.length) fill(estado, VAZIO);
      else estado.textContent = `${lista.children.length} registro(s), do mais antigo ao mais recente.`;
      estado.className = "historico-estado";
    } catch (problem) {
      if (request !== current) return;
      if (!(problem && problem.detail)) throw problem;
      const failure = historyFailure(problem);
      estado.textContent = failure.text;
      estado.className = `historico-estado ${failure.kind === "erro" ? "alerta erro" : ""}`.trim();
      mais.hidden = !cursor;  // a failed "carregar mais" may be tried again
    } finally {
      mais.disabled = false;
    }
  }

  mais.addEventListener("click", () => current && load(current, current.cursor));
  fechar.addEventListener("click", () => { current = null; node.hidden = true; });

  return {
    node,
    /** Opens the history of one resource (replacing what the panel showed). token: a function returning the token. */
    open({ service, path, title, token }) {
      current = { service, path, token: typeof token === "function" ? token : () => token, cursor: null };
      titulo.textContent = `Histórico — ${title}`;
      lista.replaceChildren();
      estado.textContent = "Carregando o histórico…";
      estado.className = "historico-estado";
      mais.hidden = true;
      node.hidden = false;
      titulo.focus();
      return load(current, undefined);
    },
  };
}

/** A "Histórico" button for a table row: opens ``panel`` on the resource. */
export function historyButton(panel, { service, path, title, token }) {
  return el("button", { type: "button", class: "secundario", "aria-label": `Histórico — ${title}`,
    onclick: () => panel.open({ service, path, title, token }) }, "Histórico");
}
