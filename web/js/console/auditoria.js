// The Auditoria screen (issue 17), for corregedoria and admin: one service's audit trail filtered by target,
// person, act and period (GET /auditoria, paginated), and the check of a day's hash chains
// (GET /auditoria/verificacao?dia=) per shard: íntegra, or the problem and the first sequence it touches.
import { call } from "../api.js";
import { dataBR, el, fill, hoje, table } from "../ui.js";
import { form, section } from "./forms.js";
import { POR_PAGINA, recordNode } from "./historico.js";
import { ATOS } from "./rotulos.js";

export const AUDIT_ROLES = ["corregedoria", "admin"];
const SERVICOS = [["cooperacao", "Cooperação"], ["plantao", "Plantão e calendário"], ["distribuicao", "Distribuição"], ["pagamentos", "Pagamentos"]];
const nomeServico = (id) => SERVICOS.find(([s]) => s === id)?.[1] || id;
const PROBLEMAS = {
  alterado: "registro alterado", ausente: "registro ausente", fora_de_ordem: "registro fora de ordem",
  encadeamento: "encadeamento rompido",
};

export function mayAudit(roles) {
  return roles.some((r) => AUDIT_ROLES.includes(r));
}

/** The screen, or for any other role the refusal (the API would refuse too: 403). */
export function screens(ctx) {
  if (!mayAudit(ctx.roles)) {
    return [el("section", { id: "auditoria", class: "cartao", "aria-labelledby": "auditoria-titulo" },
      el("h2", { id: "auditoria-titulo" }, "Auditoria"),
      el("p", { class: "alerta erro", role: "alert" },
        "Acesso negado: a trilha de auditoria é restrita à Corregedoria e à Administração. O seu perfil não tem acesso a esta tela."))];
  }
  return [consulta(ctx), verificacao(ctx)];
}

function consulta(ctx) {
  const resultado = el("div", { class: "auditoria-resultado", "aria-live": "polite" });
  const estado = el("p", { class: "historico-estado", role: "status" });
  const lista = el("ol", { class: "registros" });
  const mais = el("button", { type: "button", class: "secundario", hidden: true }, "Carregar mais");
  let current = null;

  async function load(request) {
    const page = await call(request.servico, "/auditoria", { token: ctx.token(), query: { ...request.filtros, limite: POR_PAGINA, cursor: request.cursor } });
    if (request !== current) return;
    lista.append(...(page?.itens || []).map((r) => recordNode(r, { alvo: true })));
    request.cursor = page?.proximo || null;
    mais.hidden = !request.cursor;
    estado.textContent = lista.children.length
      ? `${lista.children.length} registro(s) em ${nomeServico(request.servico)}${request.cursor ? "; há mais" : ""}.`
      : `Nenhum registro em ${nomeServico(request.servico)} com esses filtros.`;
  }

  mais.addEventListener("click", async () => {
    if (!current) return;
    mais.disabled = true;
    try {
      await load(current);
    } catch (problem) {
      if (!(problem && problem.detail)) throw problem;
      estado.textContent = problem.detail;
    } finally {
      mais.disabled = false;
    }
  });

  const filtro = form({
    id: "auditoria-filtro", title: "Consultar a trilha de auditoria", submit: "Consultar",
    intro: "Sem alvo nem pessoa, o período vai de no máximo 31 dias (padrão: hoje).",
    fields: [
      { name: "servico", label: "Serviço", options: SERVICOS },
      { name: "alvo", label: "Alvo (tipo:código)", hint: "Por exemplo parceiro:TJSC, processo:0600123-45.2027.6.11.0000 ou escala:2027-04-estadual." },
      { name: "pessoa", label: "Pessoa (login)", hint: "O login de quem agiu, parceiro:<sigla> ou sistema:<nome>." },
      { name: "ato", label: "Ato (código)", hint: "Por exemplo PLAN.IMPEDIMENTO; a lista sugere os códigos conhecidos." },
      { name: "de", label: "De", type: "date" },
      { name: "ate", label: "Até", type: "date" },
    ],
    handler: async (v) => {
      const { servico, ...filtros } = v;
      if (filtros.ato) filtros.ato = filtros.ato.toUpperCase();
      current = { servico, filtros, cursor: undefined };
      lista.replaceChildren();
      mais.hidden = true;
      estado.textContent = "Consultando…";
      try {
        await load(current);
      } catch (problem) {
        estado.textContent = "";
        throw problem;  // shown next to the field it names (alvo, ato, de…)
      }
      return null;
    },
  });
  const atos = el("datalist", { id: "auditoria-atos" }, Object.entries(ATOS).map(([code, label]) => el("option", { value: code }, label)));
  filtro.append(atos);
  filtro.querySelector("[name=ato]").setAttribute("list", "auditoria-atos");
  fill(resultado, estado, lista, mais);
  return section("auditoria", "Auditoria: trilha dos atos", filtro, resultado);
}

function verificacao(ctx) {
  const resultado = el("div", { class: "verificacao-resultado", "aria-live": "polite" });
  const verificar = form({
    id: "auditoria-verificacao", title: "Verificar dia", submit: "Verificar dia",
    intro: "Recalcula o hash, a sequência e o encadeamento de cada cadeia do dia que tem registros e confere com a cabeça da cadeia.",
    fields: [
      { name: "servico", label: "Serviço", options: [["todos", "Todos os serviços"], ...SERVICOS] },
      { name: "dia", label: "Dia", type: "date", required: true, value: hoje() },
    ],
    handler: async (v) => {
      if (!v.dia) throw { field: "dia", detail: "Informe o dia.", code: "VALIDACAO" };
      const servicos = v.servico === "todos" ? SERVICOS.map(([s]) => s) : [v.servico];
      const rows = [];
      for (const servico of servicos) {
        const answer = await call(servico, "/auditoria/verificacao", { token: ctx.token(), query: { dia: v.dia } });
        for (const c of answer.cadeias || []) rows.push({ servico, ...c });
      }
      const integra = rows.every((r) => r.integra);
      fill(resultado,
        el("p", { class: `alerta ${integra ? "sucesso" : "erro"}`, "data-integra": String(integra) },
          integra ? `Cadeias de ${dataBR(v.dia)} íntegras (${servicos.map(nomeServico).join(", ")}).`
            : `Problema nas cadeias de ${dataBR(v.dia)}: veja a tabela.`),
        table(`Cadeias de auditoria de ${dataBR(v.dia)}`, [
          ["Serviço", (r) => nomeServico(r.servico)], ["Cadeia", (r) => r.cadeia, { num: true }],
          ["Registros", (r) => r.registros, { num: true }],
          ["Situação", (r) => (r.integra ? el("span", { class: "selo ok" }, "íntegra")
            : el("span", { class: "selo falha" }, `${PROBLEMAS[r.problema] || r.problema || "problema"}${r.sequencia ? ` na sequência ${r.sequencia}` : ""}`))],
          ["Detalhe", (r) => r.detalhe || "—"],
        ], rows, "Nenhuma cadeia nesse dia."));
      return null;
    },
  });
  return section("auditoria-verificar", "Auditoria: verificação das cadeias", verificar, resultado);
}
