import { call, sincronizarHoje } from "../api.js";
import { $, clearProblems, dataBR, diaSemana, el, mesBR, showProblem, table, fill } from "../ui.js";

const TIPOS = { estadual: "Estadual", municipal: "Municipal", noturno: "Noturno", segundo_grau: "2º grau", eleitoral: "Eleitoral" };
const form = $("#filtro");

function hora(iso) {
  return new Date(iso).toLocaleTimeString("pt-BR", { timeZone: "America/Sao_Paulo", hour: "2-digit", minute: "2-digit" });
}

function dia(iso) {
  return new Date(iso).toLocaleDateString("sv-SE", { timeZone: "America/Sao_Paulo" });
}

/** "11:00 às 18:00"; a shift that ends on another day says so ("18:00 às 11:00 do dia seguinte"). */
function horario(p) {
  const inicio = dia(p.inicio), fim = dia(p.fim);
  if (fim === inicio) return `${hora(p.inicio)} às ${hora(p.fim)}`;
  const seguinte = new Date(`${inicio}T12:00:00Z`);
  seguinte.setUTCDate(seguinte.getUTCDate() + 1);
  const quando = fim === seguinte.toISOString().slice(0, 10) ? "do dia seguinte" : `de ${dataBR(fim)}`;
  return `${hora(p.inicio)} às ${hora(p.fim)} ${quando}`;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(form);
  const mes = $("#mes").value;
  const out = $("#escala");
  if (!/^\d{4}-\d{2}$/.test(mes)) { showProblem(form, { field: "mes", detail: "Informe o mês (mês e ano).", code: "VALIDACAO" }); return; }
  try {
    const escala = await call("plantao", `/publico/escalas/${mes}`, { query: { tipo: $("#tipo").value } });
    const plantoes = escala.plantoes || [];
    const ocultos = plantoes.filter((p) => !p.divulgado).length;
    fill(out, 
      el("h2", {}, `Plantões de ${mesBR(mes)}`),
      ocultos ? el("p", { class: "alerta aviso" }, `${ocultos} plantão(ões) ainda sem nome: o nome é divulgado cinco dias antes do plantão (PLAN-03).`) : null,
      table(`Escala de ${mesBR(mes)}`, [
        ["Dia", (p) => `${dataBR(p.data)} (${diaSemana(p.data)})`],
        ["Tipo", (p) => TIPOS[p.tipo] || p.tipo],
        ["Unidade", (p) => p.unidade],
        ["Horário", horario],
        ["Magistrado(a)", (p) => (p.divulgado && p.magistrado ? p.magistrado : el("span", { class: "selo" }, `divulgado em ${dataBR(p.divulgacao_em)}`))],
        ["Juízo", (p) => (p.divulgado && p.juizo ? p.juizo : "—")],
      ], plantoes, "Não há escala aprovada para este mês e tipo."),
      (escala.portarias || []).length ? el("p", {}, `Portarias: ${escala.portarias.map((x) => x.numero || x).join(", ")}`) : null);
  } catch (problem) {
    out.replaceChildren();
    showProblem(form, problem);
  }
});

const params = new URLSearchParams(location.search);
$("#mes").value = params.get("mes") || (await sincronizarHoje()).slice(0, 7);
if (params.get("tipo")) $("#tipo").value = params.get("tipo");
form.requestSubmit();
