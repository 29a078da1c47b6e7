// Presidência: generate and approve the plantão scales (PLAN-04), swaps (PLAN-05), impediments (PLAN-06); sign memos (PAG-10).
import { call } from "../api.js";
import { dataBR, dinheiro, el, hoje, mesBR, table, fill } from "../ui.js";
import { form, section, success } from "./forms.js";
import { historyButton, historyPanel } from "./historico.js";

const TIPOS = [["estadual", "Estadual"], ["municipal", "Municipal"], ["noturno", "Noturno"], ["segundo_grau", "2º grau"], ["eleitoral", "Eleitoral"]];
const TIPO = Object.fromEntries(TIPOS);
const proximoMes = () => { const [y, m] = hoje().split("-").map(Number); return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`; };

export function screens(ctx) {
  const escalas = el("div", { "aria-live": "polite" });
  const historicoEscala = historyPanel();
  const historicoMemo = historyPanel();
  let mesAtual = null;
  // PLAN-04: the portaria's PDF is produced after the approval; until then the console says so (no link to a file
  // that does not exist yet).
  function portariaLabel(p) {
    return p.documento === "pendente" ? `${p.numero} (documento em preparação)` : p.numero;
  }
  async function showScales(mes) {
    mesAtual = mes;
    const answer = await call("plantao", "/escalas", { token: ctx.token(), query: { mes } });
    const itens = answer.itens || [];
    fill(escalas, table(`Escalas de ${mesBR(mes)}`, [
      ["Escala", (s) => s.id], ["Tipo", (s) => TIPO[s.tipo] || s.tipo], ["Situação", (s) => s.status], ["Plantões", (s) => (s.plantoes || []).length, { num: true }],
      ["Portarias", (s) => (s.portarias || []).map(portariaLabel).join(", ") || "—"],
      ["Ação", (s) => (s.status === "rascunho"
        ? el("button", { type: "button", "data-escala": s.id, onclick: (e) => approve(s.id, e.currentTarget) }, `Aprovar ${TIPO[s.tipo] || s.tipo}`)
        : "—")],
      ["Histórico", (s) => historyButton(historicoEscala, { service: "plantao", path: `/escalas/${encodeURIComponent(s.id)}/historico`,
        title: `escala ${s.id}`, token: ctx.token })],
    ], itens, "Nenhuma escala neste mês."));
  }
  async function approve(id, button) {
    button.disabled = true;
    try {
      const out = await call("plantao", `/escalas/${encodeURIComponent(id)}/aprovacao`, { method: "POST", token: ctx.token() });
      await showScales(mesAtual);
      const pendente = (out.portarias || []).some((p) => p.documento === "pendente");
      escalas.prepend(success(`Escala ${out.id} aprovada: ${(out.portarias || []).map((p) => p.numero).join(", ")}; ${pendente
        ? "o documento da portaria e os avisos aos designados estão sendo preparados."
        : `${out.avisos_enviados ?? 0} aviso(s) enviados.`}`));
    } catch (problem) {
      button.disabled = false;
      escalas.prepend(el("p", { class: "alerta erro", role: "alert" }, `${problem.detail}${problem.code ? ` (${problem.code})` : ""}`));
    }
  }
  const ver = form({
    id: "escalas-mes", title: "Escalas do mês", submit: "Ver escalas",
    fields: [{ name: "mes", label: "Mês", type: "month", required: true, value: proximoMes() }],
    handler: async (v) => { await showScales(v.mes); return null; },
  });
  // POST /escalas answers 202 at once (the draft is made on plantão's queue): the status is polled, bounded, until
  // it ends; then the month's scales are shown.
  const POLL_MS = 1000, POLL_MAX = 300;
  async function followGeneration(out, mes, status) {
    for (let i = 0; i < POLL_MAX; i++) {
      if (out.situacao === "concluida") {
        await showScales(mes);
        status.replaceWith(success(`Rascunho ${out.escala} gerado com ${(out.resumo && out.resumo.plantoes) ?? 0} plantões.`));
        return;
      }
      if (out.situacao === "falhou") {
        status.replaceWith(el("p", { class: "alerta erro", role: "alert" },
          `Geração da escala ${out.escala} falhou: ${out.motivo || "motivo não informado"}${out.resumo?.codigo ? ` (${out.resumo.codigo})` : ""}.`));
        return;
      }
      status.textContent = `Geração da escala ${out.escala} solicitada: ${out.situacao === "em_andamento" ? "em andamento" : "pendente"}.`;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      try {
        out = await call("plantao", `/geracoes/${encodeURIComponent(out.escala)}`, { token: ctx.token() });
      } catch (problem) {
        status.replaceWith(el("p", { class: "alerta erro", role: "alert" }, problem.detail));
        return;
      }
    }
    status.textContent = `Geração da escala ${out.escala} ainda não terminou; consulte de novo mais tarde.`;
  }
  const gerar = form({
    id: "gerar-escala", title: "Gerar escala", submit: "Gerar rascunho",
    intro: "O rascunho é gerado em segundo plano; a situação aparece aqui até a escala ficar pronta.",
    fields: [{ name: "mes", label: "Mês", type: "month", required: true, value: proximoMes() }, { name: "tipo", label: "Tipo", options: TIPOS }],
    handler: async (v, _f, key) => {
      const out = await call("plantao", "/escalas", { method: "POST", body: { mes: v.mes, tipo: v.tipo }, token: ctx.token(), idempotencyKey: key });
      const status = el("p", { class: "alerta", "data-geracao": out.escala }, `Geração da escala ${out.escala} solicitada: pendente.`);
      followGeneration(out, v.mes, status);
      return status;
    },
  });
  const permuta = form({
    id: "permuta", title: "Permuta entre plantonistas", submit: "Pedir permuta",
    fields: [
      { name: "escala", label: "Escala", required: true, hint: "Por exemplo 2027-04-estadual." },
      { name: "plantao_a", label: "Plantão A (código)", required: true }, { name: "magistrado_a", label: "Magistrado A", required: true },
      { name: "plantao_b", label: "Plantão B (código)", required: true }, { name: "magistrado_b", label: "Magistrado B", required: true },
      { name: "motivo", label: "Motivo", required: true },
    ],
    handler: async (v, _f, key) => {
      const { escala, ...body } = v;
      const asked = await call("plantao", `/escalas/${encodeURIComponent(escala || "")}/permutas`, { method: "POST", body, token: ctx.token(), idempotencyKey: key });
      const done = await call("plantao", `/permutas/${encodeURIComponent(asked.id)}/aprovacao`, { method: "POST", token: ctx.token() });
      return success(`Permuta ${asked.id} aprovada${done.portaria?.numero ? `: ${done.portaria.numero}` : ""}.`);
    },
  });
  const impedimento = form({
    id: "impedimento", title: "Impedimento de plantonista", submit: "Registrar impedimento",
    intro: "O substituto é quem abriria o mês seguinte, antecipado (PLAN-06).",
    fields: [
      { name: "escala", label: "Escala", required: true, hint: "Por exemplo 2027-04-estadual." },
      { name: "plantao", label: "Plantão (código)", required: true, hint: "Por exemplo 2027-04-03#estadual:R1." },
      { name: "motivo", label: "Motivo", required: true },
    ],
    handler: async (v, _f, key) => {
      const out = await call("plantao", `/escalas/${encodeURIComponent(v.escala || "")}/impedimentos`, {
        method: "POST", body: { plantao: v.plantao, motivo: v.motivo }, token: ctx.token(), idempotencyKey: key });
      return success(`Impedimento registrado: ${dataBR(out.plantao?.data)} passa a ${out.plantao?.nome || out.plantao?.magistrado || "—"}${out.portaria ? ` (${out.portaria})` : ""}.`);
    },
  });

  const memos = el("div", { "aria-live": "polite" });
  let competenciaAtual = null;
  async function showMemos(competencia) {
    competenciaAtual = competencia;
    const answer = await call("pagamentos", "/memorandos", { token: ctx.token(), query: { competencia } });
    fill(memos, table(`Memorandos de ${mesBR(competencia)}`, [
      ["Memorando", (m) => m.titulo], ["Regra", (m) => m.regra], ["Situação", (m) => m.status],
      ["Linhas", (m) => m.linhas, { num: true }], ["Total", (m) => dinheiro(m.total), { num: true }],
      ["Ação", (m) => (m.status === "rascunho" && m.linhas > 0
        ? el("button", { type: "button", onclick: (e) => sign(m.id, e.currentTarget) }, `Assinar ${m.categoria}`) : "—")],
      ["Histórico", (m) => memoHistory(historicoMemo, ctx, m)],
    ], answer.memorandos || answer.itens || [], "Nenhum memorando nesta competência."));
  }
  async function sign(id, button) {
    button.disabled = true;
    try {
      const out = await call("pagamentos", `/memorandos/${encodeURIComponent(id)}/assinatura`, { method: "POST", token: ctx.token() });
      await showMemos(competenciaAtual);
      memos.prepend(success(`${out.numero || id} assinado.`));
    } catch (problem) {
      button.disabled = false;
      memos.prepend(el("p", { class: "alerta erro", role: "alert" }, `${problem.detail}${problem.code ? ` (${problem.code})` : ""}`));
    }
  }
  const verMemos = form({
    id: "memos-presidencia", title: "Memorandos de pagamento", submit: "Ver memorandos",
    fields: [{ name: "competencia", label: "Competência", type: "month", required: true }],
    handler: async (v) => { await showMemos(v.competencia); return null; },
  });
  return [
    section("escalas", "Escalas de plantão", ver, escalas, historicoEscala.node, gerar, permuta, impedimento),
    section("memorandos-assinatura", "Memorandos para assinar", verMemos, memos, historicoMemo.node),
  ];
}

/** The "Histórico" button of a memo (GET /memorandos/{id}/historico): edits, signature, sending; shared with DIMAG. */
export function memoHistory(panel, ctx, memo) {
  return historyButton(panel, { service: "pagamentos", path: `/memorandos/${encodeURIComponent(memo.id)}/historico`,
    title: memo.titulo || `memorando ${memo.id}`, token: ctx.token });
}
