// Servidor: my cooperations, a new request, my ponto and the hours left of the 40 h of the month (COOP-06).
import { call } from "../api.js";
import { comFuso, dataBR, el, hoje, horas, table, fill } from "../ui.js";
import { form, section, success } from "./forms.js";
import { historyButton, historyPanel } from "./historico.js";

const SITUACOES = { pendente: "aguardando decisão", aprovada: "aprovada", indeferida: "indeferida", encerrada: "encerrada" };
const MODALIDADES = [["M1", "M1"], ["M2", "M2"], ["M3", "M3"], ["M4", "M4"], ["M5", "M5"]];

export function screens(ctx) {
  const lista = el("div");
  const historico = historyPanel();
  async function refresh() {
    const answer = await call("cooperacao", "/cooperacoes", { token: ctx.token() });
    fill(lista, table("Minhas cooperações", [
      ["Código", (c) => c.id], ["Unidade cooperada", (c) => c.unidade_cooperada], ["Modalidade", (c) => c.modalidade],
      ["Período", (c) => `${dataBR(c.inicio)} a ${dataBR(c.fim)}`], ["Situação", (c) => SITUACOES[c.situacao] || c.situacao],
      ["Meta", (c) => c.meta || "—"], ["Histórico", (c) => cooperationHistory(historico, ctx, c.id)],
    ], answer.itens || [], "Você ainda não tem cooperações."));
    return answer.itens || [];
  }
  refresh().catch((p) => fill(lista, el("p", { class: "alerta erro" }, p.detail)));

  const unidades = call("cooperacao", "/unidades", { token: ctx.token(), query: { limite: 200 } }).then((a) => a.itens || []).catch(() => []);
  const pedido = form({
    id: "nova-cooperacao", title: "Nova solicitação de cooperação", submit: "Solicitar",
    fields: [
      { name: "unidade_lotacao", label: "Unidade de lotação (código)", required: true, hint: "Por exemplo 1VC-CBA." },
      { name: "unidade_cooperada", label: "Unidade cooperada (código)", required: true },
      { name: "modalidade", label: "Modalidade", options: MODALIDADES, value: "M4" },
      { name: "inicio", label: "Início", type: "date", required: true },
      { name: "fim", label: "Fim", type: "date", required: true },
    ],
    handler: async (v, _form, key) => {
      const body = { unidade_lotacao: v.unidade_lotacao, unidade_cooperada: v.unidade_cooperada, modalidade: v.modalidade, inicio: v.inicio, fim: v.fim };
      const out = await call("cooperacao", "/cooperacoes", { method: "POST", body, token: ctx.token(), idempotencyKey: key });
      await refresh();
      return success(`Solicitação ${out.id} registrada: ${SITUACOES[out.situacao] || out.situacao}.` +
        (out.vagas_restantes !== null && out.vagas_restantes !== undefined ? ` Vagas restantes na unidade: ${out.vagas_restantes}.` : ""));
    },
  });
  unidades.then((itens) => {
    const list = el("datalist", { id: "unidades-lista" }, itens.map((u) => el("option", { value: u.id }, u.nome)));
    pedido.append(list);
    pedido.querySelectorAll("[name=unidade_lotacao], [name=unidade_cooperada]").forEach((i) => i.setAttribute("list", "unidades-lista"));
  });

  const saldo = el("div", { "aria-live": "polite" });
  async function showMonth(competencia) {
    const answer = await call("cooperacao", `/servidores/${encodeURIComponent(ctx.user)}/pontos`, { token: ctx.token(), query: { competencia } });
    fill(saldo, 
      el("p", { class: "saldo" }, el("strong", {}, `Horas em ${competencia.slice(5)}/${competencia.slice(0, 4)}: ${horas(answer.minutos_mes)}. `),
        `Restam ${horas(answer.disponiveis_minutos)} das 40 h do mês.`),
      table("Sessões registradas", [["Início", (p) => dataBR(p.inicio)], ["Fim", (p) => dataBR(p.fim)], ["Duração", (p) => horas(p.minutos), { num: true }]],
        answer.itens || [], "Nenhuma sessão neste mês."));
  }
  const ponto = form({
    id: "ponto", title: "Registrar ponto", submit: "Registrar sessão",
    fields: [
      { name: "cooperacao", label: "Cooperação (código)", required: true, hint: "O código da cooperação aprovada (veja a lista acima)." },
      { name: "inicio", label: "Início da sessão", type: "datetime-local", required: true, hint: "No horário de onde você está (o fuso do seu computador)." },
      { name: "fim", label: "Fim da sessão", type: "datetime-local", required: true },
    ],
    handler: async (v, _form, key) => {
      const out = await call("cooperacao", `/cooperacoes/${encodeURIComponent(v.cooperacao || "")}/pontos`, {
        method: "POST", body: { inicio: comFuso(v.inicio), fim: comFuso(v.fim) }, token: ctx.token(), idempotencyKey: key });
      await showMonth((v.inicio || hoje()).slice(0, 7));
      const restam = out.disponiveis_minutos ?? out.disponiveis;
      return success(`Sessão registrada. ${restam !== undefined ? `Restam ${typeof restam === "number" ? horas(restam) : restam} no mês.` : ""}`);
    },
  });
  const mes = form({
    id: "meu-ponto", title: "Meu ponto no mês", submit: "Ver o mês",
    fields: [{ name: "competencia", label: "Mês", type: "month", required: true, value: hoje().slice(0, 7) }],
    handler: async (v) => { await showMonth(v.competencia || hoje().slice(0, 7)); return null; },
  });
  return [
    section("minhas-cooperacoes", "Minhas cooperações", lista, historico.node),
    section("solicitar", "Solicitar cooperação", pedido),
    section("meu-ponto-secao", "Ponto e horas do mês", ponto, mes, saldo),
  ];
}

/** The "Histórico" button of a cooperation (GET /cooperacoes/{id}/historico), shared with the gestor's screen. */
export function cooperationHistory(panel, ctx, id) {
  return historyButton(panel, { service: "cooperacao", path: `/cooperacoes/${encodeURIComponent(id)}/historico`,
    title: `cooperação ${id}`, token: ctx.token });
}
