// Gestor: the requests awaiting my decision (the units I manage), decide, extend, end early (COOP-09, COOP-10).
import { call } from "../api.js";
import { dataBR, el, table, fill } from "../ui.js";
import { form, section, success } from "./forms.js";
import { historyPanel } from "./historico.js";
import { cooperationHistory } from "./servidor.js";

const SITUACOES = { pendente: "aguardando decisão", aprovada: "aprovada", indeferida: "indeferida", encerrada: "encerrada" };

export function screens(ctx) {
  const lista = el("div", { "aria-live": "polite" });
  const historico = historyPanel();
  async function refresh() {
    const unidades = (await call("cooperacao", "/unidades", { token: ctx.token(), query: { limite: 200 } })).itens || [];
    const minhas = ctx.role === "gestor" ? unidades.filter((u) => u.gestor === ctx.user) : unidades;
    const pedidos = [];
    for (const unidade of minhas) {
      const answer = await call("cooperacao", `/unidades/${encodeURIComponent(unidade.id)}/cooperacoes`, { token: ctx.token() });
      pedidos.push(...(answer.itens || []));
    }
    const pendentes = pedidos.filter((c) => c.situacao === "pendente");
    fill(lista, 
      el("p", {}, `Unidades sob a sua gestão: ${minhas.map((u) => `${u.nome} (${u.id})`).join(", ") || "nenhuma"}.`),
      table("Pedidos aguardando a minha decisão", [
        ["Código", (c) => c.id], ["Servidor", (c) => c.servidor], ["Lotação", (c) => c.unidade_lotacao],
        ["Modalidade", (c) => c.modalidade], ["Período", (c) => `${dataBR(c.inicio)} a ${dataBR(c.fim)}`],
        ["Histórico", (c) => cooperationHistory(historico, ctx, c.id)],
      ], pendentes, "Nenhum pedido aguardando decisão."),
      table("Cooperações das minhas unidades", [
        ["Código", (c) => c.id], ["Servidor", (c) => c.servidor], ["Período", (c) => `${dataBR(c.inicio)} a ${dataBR(c.fim)}`],
        ["Situação", (c) => SITUACOES[c.situacao] || c.situacao], ["Histórico", (c) => cooperationHistory(historico, ctx, c.id)],
      ], pedidos.filter((c) => c.situacao !== "pendente"), "Nenhuma cooperação decidida ainda."));
  }
  refresh().catch((p) => fill(lista, el("p", { class: "alerta erro" }, p.detail)));

  const decidir = form({
    id: "decisao", title: "Decidir um pedido", submit: "Registrar decisão",
    fields: [
      { name: "cooperacao", label: "Pedido (código)", required: true },
      { name: "deferir", label: "Decisão", options: [["sim", "Deferir"], ["nao", "Indeferir"]], value: "sim" },
      { name: "meta", label: "Meta de produtividade (ao deferir)", hint: "Por exemplo: 20 minutas por mês." },
      { name: "motivo", label: "Motivo (ao indeferir)", type: "textarea", rows: 2 },
    ],
    handler: async (v) => {
      const body = { deferir: v.deferir === "sim" };
      if (v.meta) body.meta = v.meta;
      if (v.motivo) body.motivo = v.motivo;
      const out = await call("cooperacao", `/cooperacoes/${encodeURIComponent(v.cooperacao || "")}/decisao`, { method: "POST", body, token: ctx.token() });
      await refresh();
      return success(`Pedido ${out.id}: ${SITUACOES[out.situacao] || out.situacao}.`);
    },
  });
  const prazo = form({
    id: "prazo", title: "Prorrogar ou encerrar antes", submit: "Alterar o fim",
    fields: [
      { name: "cooperacao", label: "Cooperação (código)", required: true },
      { name: "acao", label: "Ação", options: [["prorrogacao", "Prorrogar (fim mais tarde)"], ["termino", "Encerrar antes (fim mais cedo)"]] },
      { name: "fim", label: "Novo fim", type: "date", required: true },
    ],
    handler: async (v) => {
      const out = await call("cooperacao", `/cooperacoes/${encodeURIComponent(v.cooperacao || "")}/${v.acao}`, { method: "POST", body: { fim: v.fim }, token: ctx.token() });
      await refresh();
      return success(`Cooperação ${out.id}: fim em ${dataBR(out.fim)}.`);
    },
  });
  return [section(`pedidos-${ctx.role}`, ctx.role === "gestor" ? "Pedidos de cooperação das minhas unidades" : "Pedidos de cooperação", lista, historico.node, decidir, ctx.role === "gestor" ? prazo : null)];
}
