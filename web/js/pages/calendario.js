import { call } from "../api.js";
import { $, clearProblems, dataBR, diaSemana, el, hoje, mesBR, showProblem, table, fill } from "../ui.js";

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
    // The first answer also checks the municipality (422 naming "municipio" if it is not the tribunal's).
    const days = daysOf(mes);
    const first = await call("plantao", `/calendario/situacao/${days[0]}`, { query: { municipio } });
    const rest = await Promise.all(days.slice(1).map((d) => call("plantao", `/calendario/situacao/${d}`, { query: { municipio } })));
    const semExpediente = [first, ...rest].filter((s) => !s.dia_util && s.motivo && !/^(sábado|domingo)$/.test(s.motivo));
    const fimDeSemana = [first, ...rest].filter((s) => !s.dia_util && (!s.motivo || /^(sábado|domingo)$/.test(s.motivo))).length;
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

$("#mes").value = new URLSearchParams(location.search).get("mes") || hoje().slice(0, 7);
form.requestSubmit();
