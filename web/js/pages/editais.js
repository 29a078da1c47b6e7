import { call, sincronizarHoje } from "../api.js";
import { $, clearProblems, dataBR, el, showProblem, table, fill } from "../ui.js";

const form = $("#filtro");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(form);
  const out = $("#lista");
  try {
    const answer = await call("distribuicao", "/editais", { query: { ano: $("#ano").value } });
    fill(out, 
      el("h2", {}, `Editais de ${answer.ano}`),
      table(`Editais publicados em ${answer.ano}`, [
        ["Período", (e) => `${dataBR(e.inicio)} a ${dataBR(e.fim)}`],
        ["PDF", (e) => el("a", { href: e.pdf_url, rel: "noopener" }, `Edital de ${dataBR(e.inicio)} (PDF)`)],
        ["Dados", (e) => el("a", { href: e.json_url, rel: "noopener" }, `Edital de ${dataBR(e.inicio)} (JSON)`)],
      ], answer.itens || [], "Nenhum edital publicado neste ano."),
      el("p", { class: "dica" }, "Os links valem por uma hora; recarregue a página para obter links novos."));
  } catch (problem) {
    out.replaceChildren();
    showProblem(form, problem);
  }
});

$("#ano").value = new URLSearchParams(location.search).get("ano") || (await sincronizarHoje()).slice(0, 4);
form.requestSubmit();
