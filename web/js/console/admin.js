// Admin: the calendar (CAL-01), partner courts' keys, the dead-letter queues with redrive; the history of a
// calendar day and of a partner's key (issue 17).
import { call } from "../api.js";
import { dataBR, el, table, fill } from "../ui.js";
import { form, section, success } from "./forms.js";
import { historyPanel } from "./historico.js";

// The kinds of PUT /referencia (plantao-svc) by their Portuguese names; a new kind shows its key.
const REFERENCIA = {
  regioes: "Regiões", comarcas: "Comarcas", juizos: "Juízos", magistrados: "Magistrados", zonas: "Zonas",
  periodos_eleitorais: "Períodos eleitorais", noturno: "Plantão noturno (quadrimestres)",
};

const SERVICOS = [["cooperacao", "Cooperação"], ["plantao", "Plantão"], ["distribuicao", "Distribuição"], ["pagamentos", "Pagamentos"]];

export function screens(ctx) {
  const historicoDia = historyPanel();
  const abrirDia = (data) => historicoDia.open({ service: "plantao", path: `/calendario/dias/${encodeURIComponent(data)}/historico`,
    title: `dia ${dataBR(data)} do calendário`, token: ctx.token });
  const dia = form({
    id: "dia-calendario", title: "Registrar dia sem expediente", submit: "Registrar",
    fields: [
      { name: "data", label: "Dia", type: "date", required: true },
      { name: "tipo", label: "Tipo", options: [["feriado_municipal", "Feriado municipal"], ["ponto_facultativo", "Ponto facultativo"], ["sem_expediente", "Sem expediente"]] },
      { name: "municipio", label: "Município (nome ou código IBGE)", hint: "Obrigatório para feriado municipal; em branco vale para todo o tribunal." },
      { name: "descricao", label: "Descrição", required: true },
      { name: "decretado_em", label: "Decretado em", type: "date" },
    ],
    handler: async (v, _f, key) => {
      const out = await call("plantao", "/calendario/dias", { method: "POST", body: v, token: ctx.token(), idempotencyKey: key });
      return el("div", { class: "alerta sucesso acoes" }, el("p", {}, `Dia ${out.data} registrado: ${out.descricao}.`),
        el("button", { type: "button", class: "secundario", onclick: () => abrirDia(out.data) }, "Ver histórico do dia"));
    },
  });
  const verDia = form({
    id: "historico-dia-form", title: "Histórico de um dia do calendário", submit: "Ver histórico",
    intro: "Registros, alterações e exclusões do dia, com quem fez e quando.",
    fields: [{ name: "data", label: "Dia", type: "date", required: true }],
    handler: async (v) => {
      if (!v.data) throw { field: "data", detail: "Informe o dia.", code: "VALIDACAO" };
      await abrirDia(v.data);
      return null;
    },
  });
  const parceiro = form({
    id: "parceiro", title: "Chave de tribunal parceiro", submit: "Registrar chave",
    intro: "A chave aparece uma única vez: entregue-a ao parceiro por canal seguro.",
    fields: [{ name: "servico", label: "Serviço", options: SERVICOS }, { name: "id", label: "Sigla do parceiro", required: true }, { name: "nome", label: "Nome", required: true }],
    handler: async (v, _f, key) => {
      const out = await call(v.servico, "/admin/parceiros", { method: "POST", body: { id: v.id, nome: v.nome }, token: ctx.token(), idempotencyKey: key });
      return el("div", { class: "alerta sucesso" }, el("p", {}, `Parceiro ${out.id || v.id} registrado. Chave de assinatura:`), el("p", { class: "codigo" }, out.segredo));
    },
  });
  const revogar = form({
    id: "revogar-parceiro", title: "Revogar chave de tribunal parceiro", submit: "Revogar chave",
    intro: "A partir da revogação, as chamadas assinadas com a chave do parceiro são recusadas.",
    fields: [{ name: "servico", label: "Serviço", options: SERVICOS }, { name: "id", label: "Sigla do parceiro", required: true }],
    handler: async (v) => {
      await call(v.servico, `/admin/parceiros/${encodeURIComponent(v.id || "")}`, { method: "DELETE", token: ctx.token() });
      return success(`Chave do parceiro ${v.id} revogada.`);
    },
  });
  const historicoParceiro = historyPanel();
  const verParceiro = form({
    id: "historico-parceiro-form", title: "Histórico da chave de um parceiro", submit: "Ver histórico",
    intro: "Cadastro, trocas e revogação da chave, com quem fez e quando (a chave nunca aparece).",
    fields: [{ name: "servico", label: "Serviço", options: SERVICOS }, { name: "id", label: "Sigla do parceiro", required: true }],
    handler: async (v) => {
      if (!v.id) throw { field: "id", detail: "Informe a sigla do parceiro.", code: "VALIDACAO" };
      const nome = SERVICOS.find(([s]) => s === v.servico)?.[1] || v.servico;
      await historicoParceiro.open({ service: v.servico, path: `/admin/parceiros/${encodeURIComponent(v.id)}/historico`,
        title: `chave do parceiro ${v.id} (${nome})`, token: ctx.token });
      return null;
    },
  });
  const referencia = el("div", { "aria-live": "polite" });
  async function showReference() {
    const ref = await call("plantao", "/referencia", { token: ctx.token() });
    const kinds = Object.entries(ref).filter(([, v]) => Array.isArray(v));
    fill(referencia, table("Dados de referência do plantão", [["Tipo", ([k]) => REFERENCIA[k] || k], ["Registros", ([, v]) => v.length, { num: true }]], kinds));
  }
  showReference().catch((p) => fill(referencia, el("p", { class: "alerta erro" }, p.detail)));
  const importar = form({
    id: "referencia", title: "Importar dados de referência (JSON)", submit: "Importar",
    intro: "Regiões, comarcas, juízos, magistrados, zonas… (PUT /referencia do plantão): o conjunto inteiro é validado antes de gravar.",
    fields: [{ name: "dados", label: "JSON", type: "textarea", rows: 6, required: true }],
    handler: async (v) => {
      let body;
      try { body = JSON.parse(v.dados || ""); } catch {
        throw { field: "dados", detail: "O texto não é JSON válido.", code: "VALIDACAO" };
      }
      await call("plantao", "/referencia", { method: "PUT", body, token: ctx.token() });
      await showReference();
      return success("Dados de referência importados.");
    },
  });
  const filas = el("div", { "aria-live": "polite" });
  async function showQueues() {
    const rows = [];
    for (const [servico, nome] of SERVICOS) {
      const answer = await call(servico, "/admin/dlq", { token: ctx.token() });
      rows.push({ servico, nome, total: answer.total_aproximado ?? (answer.itens || []).length, itens: answer.itens || [] });
    }
    const vazias = rows.every((r) => !r.total);
    fill(filas, vazias ? el("p", { class: "vazio" }, "Nenhuma mensagem nas filas mortas.") : null, table("Mensagens nas filas mortas", [
      ["Serviço", (r) => r.nome], ["Mensagens", (r) => r.total, { num: true }],
      ["Ação", (r) => (r.total ? el("button", { type: "button", onclick: (e) => redrive(r.servico, e.currentTarget) }, `Reprocessar ${r.nome}`) : "—")],
    ], rows));
  }
  async function redrive(servico, button) {
    button.disabled = true;
    try {
      const out = await call(servico, "/admin/dlq/reprocessar", { method: "POST", body: {}, token: ctx.token() });
      await showQueues();
      filas.prepend(success(`${out.reprocessadas} mensagem(ns) devolvida(s) à fila de ${servico}.`));
    } catch (problem) {
      button.disabled = false;
      filas.prepend(el("p", { class: "alerta erro", role: "alert" }, problem.detail));
    }
  }
  showQueues().catch((p) => fill(filas, el("p", { class: "alerta erro" }, p.detail)));
  return [section("calendario-admin", "Calendário do tribunal", dia, verDia, historicoDia.node),
    section("referencia-secao", "Dados de referência", referencia, importar),
    section("parceiros", "Tribunais parceiros", parceiro, revogar, verParceiro, historicoParceiro.node),
    section("dlq", "Filas mortas (DLQ)", filas)];
}
