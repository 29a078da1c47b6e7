// Corregedoria and Núcleo de Cooperação: their decisions (COOP-10 as corregedoria; COOP-12 deliberations).
import { call } from "../api.js";
import { dataBR, el, table, fill } from "../ui.js";
import { form, section, success } from "./forms.js";
import * as gestor from "./gestor.js";

export function screens(ctx) {
  if (ctx.role === "corregedoria") return gestor.screens(ctx);
  const lista = el("div", { "aria-live": "polite" });
  async function refresh() {
    const answer = await call("cooperacao", "/nucleo/pedidos", { token: ctx.token() });
    fill(lista, table("Pedidos de cooperação judiciária", [
      ["Origem", (p) => p.origem], ["Código", (p) => p.id_origem || p.id], ["Solicitante", (p) => p.juizo_solicitante],
      ["Objeto", (p) => p.objeto], ["Situação", (p) => p.situacao], ["Recebido", (p) => dataBR(p.recebido_em)],
    ], answer.itens || [], "Nenhum pedido."));
  }
  refresh().catch((p) => fill(lista, el("p", { class: "alerta erro" }, p.detail)));
  const deliberar = form({
    id: "deliberacao", title: "Deliberar um pedido", submit: "Registrar deliberação",
    fields: [
      { name: "origem", label: "Origem", required: true, hint: "Sigla do tribunal de origem ou INTERNO." },
      { name: "id", label: "Código do pedido", required: true },
      { name: "membro", label: "Membro", options: [["coordenador", "Coordenador"], ["supervisor", "Supervisor"], ["magistrado_cooperacao", "Magistrado de cooperação"], ["secretario", "Secretário"]] },
      { name: "decisao", label: "Decisão", options: [["deferido", "Deferido"], ["indeferido", "Indeferido"], ["concluido", "Concluído"]] },
      { name: "fundamento", label: "Fundamento", type: "textarea", required: true },
    ],
    handler: async (v) => {
      const out = await call("cooperacao", `/nucleo/pedidos/${encodeURIComponent(v.origem || "")}/${encodeURIComponent(v.id || "")}/deliberacao`, {
        method: "POST", body: { membro: v.membro, decisao: v.decisao, fundamento: v.fundamento }, token: ctx.token() });
      await refresh();
      return success(`Pedido ${v.id}: ${out.pedido?.situacao || v.decisao}.`);
    },
  });
  return [section("nucleo", "Cooperação judiciária: pedidos e deliberações", lista, deliberar)];
}
