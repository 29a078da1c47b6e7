import { call, sincronizarHoje } from "../api.js";
import { $, clearProblems, dataBR, diaSemana, el, mesBR, showProblem, table, fill } from "../ui.js";

const form = $("#filtro");
const inicial = (text) => text.charAt(0).toUpperCase() + text.slice(1);  // a heading starts with a capital

function daysOf(mes) {
  const [y, m] = mes.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: last }, (_, i) => `${mes}-${String(i + 1).padStart(2, "0")}`);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(form);
  const mes = $("#mes").value;
  const municipio = $("#municipio").value.trim();
  const out = $("#dias");
  if (!/^\d{4}-\d{2}$/.test(mes)) { showProblem(form, { field: "mes", detail: "Informe o mês (mês e ano).", code: "VALIDACAO" }); return; }
  try {
    // One request for the month (CAL-01/02): its days without expediente, each with its reason; the answer also
    // checks the municipality (422 naming "municipio" if it is not the tribunal's).
    const days = daysOf(mes);
    const answer = await call("plantao", "/calendario/dias-uteis", { query: { inicio: days[0], fim: days[days.length - 1], municipio } });
    const fechados = answer.dias_sem_expediente || [];
    const fimDeSemanaSo = (s) => !s.motivo || /^(sábado|domingo)$/.test(s.motivo);
    const semExpediente = fechados.filter((s) => !fimDeSemanaSo(s));
    const fimDeSemana = fechados.filter(fimDeSemanaSo).length;
    fill(out, 
      el("h2", {}, `${inicial(mesBR(mes))}${municipio ? ` — ${municipio}` : " — todo o tribunal"}`),
      table(`Dias sem expediente em ${mesBR(mes)} (além de ${fimDeSemana} dias de fim de semana)`, [
        ["Dia", (s) => `${dataBR(s.data)} (${diaSemana(s.data)})`],
        ["Motivo", (s) => s.motivo],
      ], semExpediente, "Nenhum feriado ou ponto facultativo neste mês (só os fins de semana)."));
  } catch (problem) {
    out.replaceChildren();
    showProblem(form, problem);
  }
});

$("#mes").value = new URLSearchParams(location.search).get("mes") || (await sincronizarHoje()).slice(0, 7);
form.requestSubmit();
