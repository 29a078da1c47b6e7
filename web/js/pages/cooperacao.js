import { call } from "../api.js";
import { $, clearProblems, dataBR, el, showProblem, fill } from "../ui.js";

const TIPOS = { acordo_cooperacao_tecnica: "Acordo de cooperação técnica", termo_cooperacao: "Termo de cooperação",
  ato_concertado: "Ato concertado", ato_conjunto: "Ato conjunto", boa_pratica: "Boa prática" };
const form = $("#busca");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(form);
  const out = $("#atos");
  try {
    const answer = await call("cooperacao", "/registro/atos", { query: { q: $("#q").value.trim(), tipo: $("#tipo").value, ano: $("#ano").value } });
    const itens = answer.itens || [];
    fill(out, 
      el("h2", {}, `${itens.length} ato(s) encontrado(s)`),
      ...itens.map((ato) => el("article", { class: "cartao" },
        el("h3", {}, ato.titulo),
        el("p", {}, el("span", { class: "selo" }, TIPOS[ato.tipo] || ato.tipo), " ", dataBR(ato.data), ato.numero ? ` · ${ato.numero}` : ""),
        el("p", {}, ato.resumo),
        el("p", {}, el("strong", {}, "Partes: "), (ato.partes || []).join(", ") || "—"),
        ato.link ? el("p", {}, el("a", { href: ato.link, rel: "noopener" }, "Íntegra do ato")) : null)));
    if (!itens.length) out.append(el("p", {}, "Nenhum ato encontrado com esses critérios."));
  } catch (problem) {
    out.replaceChildren();
    showProblem(form, problem);
  }
});

form.requestSubmit();
