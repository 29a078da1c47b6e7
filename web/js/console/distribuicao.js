// Distribuição: distribute a case (DIST-01, DIST-02), the órgão's equality panel, a manual draw (DIST-09).
import { call } from "../api.js";
import { el, table, fill } from "../ui.js";
import { form, section, success } from "./forms.js";
import { historyPanel } from "./historico.js";

const lines = (text) => (text || "").split("\n").map((s) => s.trim()).filter(Boolean);

export function screens(ctx) {
  const historico = historyPanel();
  const abrir = (numero) => historico.open({ service: "distribuicao", path: `/distribuicoes/${encodeURIComponent(numero)}/historico`,
    title: `processo ${numero}`, token: ctx.token });
  const distribuir = form({
    id: "distribuir", title: "Distribuir um processo", submit: "Distribuir",
    fields: [
      { name: "numero_processo", label: "Número do processo (CNJ)", required: true, hint: "Deixe em branco e use “Gerar número” para numerar um processo novo." },
      { name: "orgao", label: "Órgão", value: "PLENO", required: true },
      { name: "classe", label: "Classe", value: "RE", required: true },
      { name: "partes", label: "Partes (uma por linha)", type: "textarea" },
      { name: "advogados", label: "Advogados (um por linha)", type: "textarea" },
      { name: "assuntos", label: "Assuntos (um por linha)", type: "textarea" },
      { name: "segredo_justica", label: "Segredo de justiça", type: "checkbox" },
    ],
    handler: async (v, _f, key) => {
      const body = { numero_processo: v.numero_processo || "", orgao: v.orgao, classe: v.classe, partes: lines(v.partes),
        advogados: lines(v.advogados), assuntos: lines(v.assuntos), segredo_justica: !!v.segredo_justica };
      const out = await call("distribuicao", "/distribuicoes", { method: "POST", body, token: ctx.token(), idempotencyKey: key });
      return el("div", { class: "alerta sucesso acoes" },
        el("p", {}, `Processo ${out.numero_processo} distribuído a ${out.relator?.nome || "—"} (${out.cadeira || out.regra}); sorteio ${out.sorteio?.log || ""} seq ${out.sorteio?.seq ?? "—"}.`),
        el("button", { type: "button", class: "secundario", onclick: () => abrir(out.numero_processo) }, "Ver histórico do processo"));
    },
  });
  const gerar = el("button", { type: "button", class: "secundario", onclick: async () => {
    try {
      const out = await call("distribuicao", "/processos/numeracao", { method: "POST", body: { origem: 0 }, token: ctx.token() });
      distribuir.querySelector("[name=numero_processo]").value = out.numero_processo;
    } catch (problem) {
      distribuir.querySelector(".alerta").textContent = problem.detail;
    }
  } }, "Gerar número");
  distribuir.querySelector("button[type=submit]").before(gerar, " ");

  const verProcesso = form({
    id: "historico-processo-form", title: "Histórico de um processo", submit: "Ver histórico",
    intro: "Distribuição, redistribuições e sorteio manual do processo, com quem fez, quando e sob qual regra.",
    fields: [{ name: "numero", label: "Número do processo (CNJ)", required: true }],
    handler: async (v) => {
      if (!v.numero) throw { field: "numero", detail: "Informe o número do processo.", code: "VALIDACAO" };
      await abrir(v.numero);
      return null;
    },
  });
  const painel = el("div", { "aria-live": "polite" });
  const igualdade = form({
    id: "igualdade", title: "Painel de igualdade do órgão", submit: "Ver painel",
    fields: [{ name: "orgao", label: "Órgão", value: "PLENO", required: true }],
    handler: async (v) => {
      const orgao = await call("distribuicao", `/orgaos/${encodeURIComponent(v.orgao || "")}`, { token: ctx.token() });
      const classes = orgao.classes || [];
      const ig = orgao.igualdade || {};
      fill(painel, 
        el("p", {}, `${orgao.nome}: diferença total ${ig.diferenca_total ?? "—"} (limite ${ig.maximo_total ?? "—"}); por classe até ${ig.maximo_por_classe ?? "—"}.`),
        ...(ig.alertas || []).map((a) => el("p", { class: "alerta aviso" }, typeof a === "string" ? a : a.mensagem || JSON.stringify(a))),
        table(`Contagens por cadeira — ${orgao.id}`, [
          ["Cadeira", (c) => c.rotulo], ["Relator", (c) => c.relator || "—"], ["Sorteável", (c) => (c.sorteavel ? "sim" : `não: ${c.motivo_exclusao || ""}`)],
          ...classes.map((k) => [k, (c) => c.contagens?.[k] || 0, { num: true }]), ["Total", (c) => c.total, { num: true }],
        ], orgao.cadeiras || []));
      return null;
    },
  });
  const manual = form({
    id: "manual", title: "Sorteio manual (sistema indisponível)", submit: "Registrar sorteio manual",
    intro: "Com duas testemunhas e a ata (DIST-09).",
    fields: [
      { name: "numero_processo", label: "Número do processo (CNJ)", required: true }, { name: "orgao", label: "Órgão", value: "PLENO" },
      { name: "classe", label: "Classe", value: "RE" }, { name: "partes", label: "Partes (uma por linha)", type: "textarea" },
      { name: "cadeira", label: "Cadeira sorteada", required: true, hint: "Por exemplo C3." },
      { name: "realizado_em", label: "Realizado em (horário de Brasília)", type: "datetime-local", required: true },
      { name: "autorizado_por", label: "Autorizado por", required: true },
      { name: "testemunhas", label: "Testemunhas (uma por linha)", type: "textarea" },
      { name: "ata", label: "Ata (justificativa do sorteio manual)", type: "textarea" },
    ],
    handler: async (v, _f, key) => {
      // The form's local time is Brasília's (UTC−3, no daylight saving since 2019); the API wants the offset.
      const realizado = v.realizado_em ? `${v.realizado_em.length === 16 ? `${v.realizado_em}:00` : v.realizado_em}-03:00` : "";
      const body = { numero_processo: v.numero_processo || "", orgao: v.orgao, classe: v.classe, partes: lines(v.partes),
        cadeira: v.cadeira, realizado_em: realizado, autorizado_por: v.autorizado_por || "", testemunhas: lines(v.testemunhas), ata: v.ata || "" };
      const out = await call("distribuicao", "/distribuicoes/manuais", { method: "POST", body, token: ctx.token(), idempotencyKey: key });
      return success(`Sorteio manual registrado: ${out.numero_processo} → ${out.relator?.nome || "—"} (${out.cadeira || "—"}); sorteio ${out.sorteio?.log || ""} seq ${out.sorteio?.seq ?? "—"}.`);
    },
  });
  return [section("distribuir-secao", "Distribuição de processos", distribuir, verProcesso, historico.node), section("painel", "Igualdade da distribuição", igualdade, painel), section("manual-secao", "Sorteio manual", manual)];
}
