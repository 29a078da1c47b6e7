// DIMAG: run the month (PAG-01), see the memos, download JSON/CSV/PDF (PAG-11), send them (PAG-10), the parked events.
import { call } from "../api.js";
import { dataBR, dinheiro, el, mesBR, saveBlob, table, fill } from "../ui.js";
import { form, section, success } from "./forms.js";
import { historyPanel } from "./historico.js";
import { memoHistory } from "./presidencia.js";

export function screens(ctx) {
  const memos = el("div", { "aria-live": "polite" });
  const historico = historyPanel();
  let competenciaAtual = null;
  async function download(id, formato, button) {
    button.disabled = true;
    try {
      const accept = { pdf: "application/pdf", csv: "text/csv", json: "application/json" }[formato];
      const path = formato === "json" ? `/memorandos/${id}` : `/memorandos/${id}/${formato}`;
      const blob = await call("pagamentos", path, { token: ctx.token(), accept, as: "blob" });
      saveBlob(blob, `${id}.${formato}`);
    } catch (problem) {
      memos.prepend(el("p", { class: "alerta erro", role: "alert" }, problem.detail));
    } finally {
      button.disabled = false;
    }
  }
  async function send(id, titulo, button) {
    button.disabled = true;
    try {
      await call("pagamentos", `/memorandos/${id}/envio`, { method: "POST", token: ctx.token() });
      await showMemos(competenciaAtual);
      memos.prepend(success(`Memorando “${titulo || id}” (${mesBR(competenciaAtual)}) enviado à folha.`));
    } catch (problem) {
      button.disabled = false;
      memos.prepend(el("p", { class: "alerta erro", role: "alert" }, `${problem.detail}${problem.code ? ` (${problem.code})` : ""}`));
    }
  }
  async function showMemos(competencia) {
    competenciaAtual = competencia;
    const answer = await call("pagamentos", "/memorandos", { token: ctx.token(), query: { competencia } });
    const itens = answer.memorandos || answer.itens || [];
    fill(memos, 
      table(`Memorandos de ${mesBR(competencia)}`, [
        ["Memorando", (m) => m.titulo], ["Regra", (m) => m.regra], ["Situação", (m) => m.status],
        ["Linhas", (m) => m.linhas, { num: true }], ["Total", (m) => dinheiro(m.total), { num: true }],
        ["Baixar", (m) => el("span", { class: "acoes" }, ["pdf", "csv", "json"].map((f) =>
          el("button", { type: "button", class: "secundario", "aria-label": `Baixar ${m.titulo} em ${f.toUpperCase()}`, "data-memo": m.id, "data-formato": f,
            onclick: (e) => download(m.id, f, e.currentTarget) }, f.toUpperCase())))],
        ["Envio", (m) => (m.status === "assinado" ? el("button", { type: "button", onclick: (e) => send(m.id, m.titulo, e.currentTarget) }, "Enviar à folha") : "—")],
        ["Histórico", (m) => memoHistory(historico, ctx, m)],
      ], itens, "Nenhum memorando nesta competência: execute o mês."),
      answer.total_geral !== undefined ? el("p", {}, el("strong", {}, `Total geral: ${dinheiro(answer.total_geral)}`)) : null);
  }
  // POST /execucoes answers 202 at once (the run goes on the queue): the status is polled, bounded, until it ends.
  const POLL_MS = 1000, POLL_MAX = 300;
  async function followRun(competencia, status) {
    for (let i = 0; i < POLL_MAX; i++) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      let out;
      try {
        out = await call("pagamentos", `/execucoes/${competencia}`, { token: ctx.token() });
      } catch (problem) {
        status.replaceWith(el("p", { class: "alerta erro", role: "alert" }, problem.detail));
        return;
      }
      if (out.situacao === "concluida") {
        await showMemos(competencia);
        const quantos = Object.keys((out.resumo && out.resumo.memorandos) || {}).length;
        status.replaceWith(success(`Execução de ${mesBR(competencia)} concluída${quantos ? `: ${quantos} memorandos` : ""}.`));
        return;
      }
      if (out.situacao === "falhou") {
        status.replaceWith(el("p", { class: "alerta erro", role: "alert" }, `Execução de ${mesBR(competencia)} falhou: ${out.motivo || "motivo não informado"}.`));
        return;
      }
      status.textContent = `Solicitado; acompanhe a situação: ${out.situacao === "em_andamento" ? "em andamento" : "pendente"}.`;
    }
    status.textContent = `Execução de ${mesBR(competencia)} ainda não terminou; consulte de novo mais tarde.`;
  }
  const executar = form({
    id: "execucao", title: "Executar o mês", submit: "Executar",
    intro: "Apura os nove memorandos de um mês encerrado (padrão: o mês anterior). A execução segue em segundo plano.",
    fields: [{ name: "competencia", label: "Competência", type: "month" }],
    handler: async (v, _f, key) => {
      const out = await call("pagamentos", "/execucoes", { method: "POST", body: v.competencia ? { competencia: v.competencia } : {}, token: ctx.token(), idempotencyKey: key });
      const status = el("p", { class: "alerta" }, "Solicitado; acompanhe a situação.");
      followRun(out.competencia, status);
      return status;
    },
  });
  const ver = form({
    id: "memos-dimag", title: "Memorandos do mês", submit: "Ver memorandos",
    fields: [{ name: "competencia", label: "Competência", type: "month", required: true }],
    handler: async (v) => { await showMemos(v.competencia); return null; },
  });
  const estacionados = el("div");
  call("pagamentos", "/estacionados", { token: ctx.token() }).then((answer) => fill(estacionados, 
    table("Eventos estacionados", [["Evento", (e) => e.evento || e.id], ["Tipo", (e) => e.tipo || e.evento_tipo || "—"],
      ["Motivo", (e) => e.motivo || "—"], ["Desde", (e) => dataBR(e.estacionado_em || e.recebido_em)]],
      answer.itens || [], "Nenhum evento estacionado."))).catch((p) => fill(estacionados, el("p", { class: "alerta erro" }, p.detail)));
  return [
    section("execucao-mes", "Execução mensal e memorandos", executar, ver, memos, historico.node),
    section("estacionados", "Eventos estacionados", estacionados),
  ];
}
