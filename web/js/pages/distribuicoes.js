import { call, sincronizarHoje } from "../api.js";
import { checkCnj, maskCnj } from "../cnj.js";
import { verificar } from "../verify.js";
import { $, clearProblems, dataBR, el, showMessage, showProblem, table, fill } from "../ui.js";

// ---------------------------------------------------------------- consultation of a case (DIST-08)

const consulta = $("#consulta");
const numero = $("#numero");
const estado = $("#numero-estado");

numero.addEventListener("input", () => {
  const masked = maskCnj(numero.value);
  if (/^[\d.\-\s]*$/.test(numero.value) && masked !== numero.value) numero.value = masked;
  const digits = numero.value.replace(/\D/g, "");
  if (!digits) { estado.textContent = ""; estado.className = ""; return; }
  const result = checkCnj(numero.value);
  estado.textContent = result.mensagem;
  estado.className = result.ok ? "ok-campo" : digits.length === 20 ? "estado-invalido" : "dica";
});

consulta.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(consulta);
  const out = $("#processo");
  const check = checkCnj(numero.value);
  if (!check.ok) {
    showProblem(consulta, { field: "numero", detail: check.mensagem, code: "DIST-01" });
    out.hidden = true;
    return;
  }
  try {
    const caso = await call("distribuicao", `/distribuicoes/${encodeURIComponent(check.formatado)}`);
    showCase(out, caso);
  } catch (problem) {
    out.hidden = true;
    showProblem(consulta, problem);
  }
});

function lista(value) {
  if (Array.isArray(value)) return value.length ? value.join("; ") : "—";
  return value || "—";  // "SEGREDO DE JUSTIÇA": masked by the API, shown as it comes
}

function showCase(out, caso) {
  fill(out, 
    el("h2", { id: "processo-titulo" }, `Processo ${caso.numero_processo}`),
    el("dl", { class: "ficha" },
      el("dt", {}, "Órgão"), el("dd", {}, caso.orgao),
      el("dt", {}, "Classe"), el("dd", {}, caso.classe),
      el("dt", {}, "Relator"), el("dd", {}, caso.relator ? caso.relator.nome : "—"),
      el("dt", {}, "Revisor"), el("dd", {}, caso.revisor ? caso.revisor.nome : "—"),
      el("dt", {}, "Regra"), el("dd", {}, termo(caso.regra)),
      el("dt", {}, "Distribuído em"), el("dd", {}, dataBR(caso.distribuido_em)),
      el("dt", {}, "Segredo de justiça"), el("dd", {}, caso.segredo_justica ? "Sim" : "Não"),
      el("dt", {}, "Partes"), el("dd", { class: "partes" }, lista(caso.partes)),
      el("dt", {}, "Advogados"), el("dd", {}, lista(caso.advogados)),
      el("dt", {}, "Assuntos"), el("dd", {}, lista(caso.assuntos)),
      el("dt", {}, "Sorteios no log"), el("dd", { class: "codigo" }, (caso.sorteios || []).join(", ") || "—")),
    el("div", { class: "acoes" }, el("button", { type: "button", class: "secundario", onclick: () => verifyCase(caso) },
      "Verificar o sorteio deste processo")));
  out.hidden = false;
}

async function verifyCase(caso) {
  const day = String(caso.distribuido_em || "").slice(0, 10);
  $("#orgao").value = caso.orgao;
  $("#dia").value = day;
  await verifyLog();
  $("#verificacao").scrollIntoView();
}

// ---------------------------------------------------------------- the day's log of an órgão and its verification

const logForm = $("#log");
let loaded = null;  // {log, exportacao}

async function loadExport() {
  const log = $("#orgao").value.trim().toUpperCase();
  if (!log) throw { field: "log", detail: "Informe o órgão (por exemplo PLENO).", code: "VALIDACAO" };
  if (loaded && loaded.log === log) return loaded.exportacao;
  const exportacao = await call("distribuicao", "/sorteios/exportacao", { query: { log } });
  loaded = { log, exportacao };
  return exportacao;
}

function dayOf(reg) { return String(reg.registrado_em || "").slice(0, 10); }

logForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(logForm);
  loaded = null;
  try {
    const exportacao = await loadExport();
    showRecords(exportacao, $("#dia").value);
    showChart(exportacao);
  } catch (problem) {
    showProblem(logForm, problem);
  }
});

$("#verificar").addEventListener("click", () => verifyLog());

async function verifyLog() {
  clearProblems(logForm);
  loaded = null;
  const out = $("#verificacao");
  out.hidden = false;
  fill(out, el("h2", { id: "verificacao-titulo" }, "Verificação"), el("p", {}, "Verificando os sorteios…"));
  try {
    const exportacao = await loadExport();
    showRecords(exportacao, $("#dia").value);
    showChart(exportacao);
    const relatorio = await verificar(exportacao);
    showRecords(exportacao, $("#dia").value, relatorio);  // again, now with each beacon round's verdict
    showReport(out, exportacao, relatorio, $("#dia").value);
  } catch (problem) {
    out.hidden = true;
    showProblem(logForm, problem);
  }
}

// The log's codes as the court writes them; an unknown code is shown with its underscores as spaces.
const TERMOS = { sorteio_manual: "sorteio manual", atribuicao: "atribuição", distribuicao: "distribuição", prevencao: "prevenção",
  prevencao_sem_compensacao: "prevenção, sem compensação", redistribuicao_erro: "redistribuição por erro",
  redistribuicao_impedimento: "redistribuição por impedimento", redistribuicao_suspeicao: "redistribuição por suspeição",
  redistribuicao_revisor_visto: "redistribuição, revisor com visto", redistribuicao_ausencia: "redistribuição por ausência",
  urgencia_ausencia: "urgência na ausência do relator", retorno: "retorno do relator", sucessao: "sucessão",
  substituicao_revisor: "substituição do revisor", carta_precatoria: "carta precatória",
  domicilio_eleitor: "domicílio do eleitor" };
const termo = (code) => TERMOS[code] || String(code ?? "—").replace(/_/g, " ");

// A draw's beacon round as the page shows it: before verification, its number; after, the verdict of its signature.
function farolDe(reg, relatorio) {
  if (!reg.farol) return "—";
  const checked = relatorio?.farois.porSeq[reg.seq];
  if (!checked) return relatorio ? `rodada ${reg.farol.rodada}: não conferida` : `rodada ${reg.farol.rodada}`;
  const verdict = { "válida": "assinatura verificada", "não verificada": "assinatura NÃO verificada" }[checked.situacao]
    || `assinatura ${checked.situacao}`;
  return el("span", { "data-farol": checked.situacao }, `rodada ${checked.rodada}: ${verdict}`);
}

function showRecords(exportacao, day, relatorio = null) {
  const section = $("#registros");
  const rows = exportacao.registros.filter((r) => !day || dayOf(r) === day);
  const seeds = new Set((exportacao.sementes || []).map((s) => s.dia));
  fill(section, 
    el("h2", { id: "registros-titulo" }, day ? `Log ${exportacao.log} em ${dataBR(day)}` : `Log ${exportacao.log}`),
    el("p", {}, `${rows.length} registro(s)${day ? " no dia" : ""}; cabeça do log: seq ${exportacao.cabeca?.seq} `,
       el("span", { class: "codigo" }, exportacao.cabeca?.hash || "")),
    table(`Registros do log ${exportacao.log}`, [
      ["Seq", (r) => r.seq, { num: true }],
      ["Hora", (r) => dataBR(r.registrado_em)],
      ["Processo", (r) => r.processo],
      ["Classe", (r) => r.classe],
      ["Modo", (r) => termo(r.modo)],
      ["Regra", (r) => termo(r.regra)],
      ["Relator", (r) => `${r.resultado?.relator_nome || r.resultado?.relator || "—"} (${r.resultado?.unidade || "—"})`],
      ["Semente do dia", (r) => r.modo !== "sorteio" ? "—" : seeds.has(r.dia_semente) ? "revelada" : "ainda não revelada"],
      ["Farol", (r) => farolDe(r, relatorio)],
    ], rows, "Nenhum registro neste dia."));
  section.hidden = false;
}

function showReport(out, exportacao, relatorio, day) {
  const byDay = day ? relatorio.porDia[day] : null;
  const children = [el("h2", { id: "verificacao-titulo" }, "Verificação")];
  if (relatorio.resultado === "ok") {
    children.push(el("p", { class: "alerta sucesso", "data-resultado": "ok" },
      el("strong", {}, "OK: o log confere. "),
      `Todos os ${exportacao.registros.length} registros e ${relatorio.sorteiosVerificados} sorteio(s) foram refeitos neste navegador a partir das sementes reveladas.`));
  } else if (relatorio.resultado === "nao_verificado") {
    children.push(el("p", { class: "alerta aviso", "data-resultado": "nao_verificado" },
      el("strong", {}, "NÃO VERIFICADO: "),
      `nada de errado no que foi conferido, mas a assinatura do farol de ${relatorio.farois.naoVerificados.length} sorteio(s) não foi verificada: assinatura não verificada no navegador — use scripts/verify_draws.py.`));
  } else if (relatorio.resultado === "pendente") {
    children.push(el("p", { class: "alerta aviso", "data-resultado": "pendente" },
      el("strong", {}, "Pendente: "),
      `nada de errado até aqui, mas ${relatorio.pendentes.length} sorteio(s) aguardam a revelação da semente do dia (seq ${relatorio.pendentes.slice(0, 10).join(", ")}). Verifique de novo amanhã.`));
  } else {
    const first = relatorio.problemas[0];
    children.push(el("div", { class: "alerta erro", "data-resultado": "problemas", "data-primeiro-seq": first.seq ?? "" },
      el("p", {}, el("strong", {}, "NÃO CONFERE. "), first.seq !== null ? `Primeiro registro que não confere: seq ${first.seq}.` : "A exportação não confere."),
      el("p", { class: "primeiro-problema" }, first.texto),
      relatorio.problemas.length > 1 ? el("details", {}, el("summary", {}, `Todos os problemas (${relatorio.problemas.length})`),
        el("ul", {}, relatorio.problemas.map((p) => el("li", {}, p.texto)))) : null));
  }
  if (day) {
    children.push(el("p", {}, byDay
      ? `Em ${dataBR(day)}: ${byDay.conferidos} de ${byDay.sorteios} sorteio(s) refeitos e conferidos.`
      : `Em ${dataBR(day)} não houve sorteio neste log.`));
  }
  children.push(...farolSummary(relatorio));
  children.push(el("p", { class: "dica" }, `Sorteios conferidos: ${relatorio.sorteiosVerificados}; sorteios manuais: ${relatorio.manuais}; atribuições sem sorteio (prevenção, redistribuição…): ${relatorio.atribuicoes}. Sementes reveladas: ${(exportacao.sementes || []).length}.`));
  fill(out, ...children);
  out.hidden = false;
}

// The beacon rounds (issue 16): how many signatures were checked here, and any chain that is not quicknet's.
function farolSummary(relatorio) {
  const { verificados, naoVerificados, foraDaQuicknet } = relatorio.farois;
  const lines = [];
  if (verificados || naoVerificados.length) {
    lines.push(el("p", { class: "farol-resumo", "data-verificadas": verificados, "data-nao-verificadas": naoVerificados.length },
      `Rodadas do farol: ${verificados} com assinatura verificada neste navegador (BLS, @noble/curves)` +
      (naoVerificados.length ? `; ${naoVerificados.length} com assinatura NÃO verificada (seq ${naoVerificados.slice(0, 10).join(", ")}).` : ".") +
      " Cada rodada também foi conferida como a primeira publicada depois do registro."));
  }
  for (const [cadeia, nome] of [...foraDaQuicknet.entries()].sort()) {
    lines.push(el("p", { class: "alerta aviso farol-local" },
      `ATENÇÃO: sorteios decididos pelo farol ${nome || "?"} (cadeia ${cadeia}), que NÃO é a quicknet da League of Entropy: confira que essa cadeia é a que o tribunal publicou.`));
  }
  return lines;
}

// ---------------------------------------------------------------- cases per judge and class, with the spread

function showChart(exportacao) {
  const section = $("#grafico");
  const counts = {}, names = {}, classes = new Set(), drawable = new Set();
  for (const reg of exportacao.registros) {
    (reg.elegiveis || []).forEach((u) => drawable.add(u));
    if (reg.resultado?.unidade && reg.resultado?.relator_nome) names[reg.resultado.unidade] = reg.resultado.relator_nome;
    for (const d of reg.deltas || []) {
      classes.add(d.classe);
      counts[d.unidade] ||= {};
      counts[d.unidade][d.classe] = (counts[d.unidade][d.classe] || 0) + d.delta;
    }
  }
  const seats = [...drawable].sort();
  const classList = [...classes].sort();
  if (!seats.length) { section.hidden = true; return; }
  const total = (u) => classList.reduce((s, c) => s + (counts[u]?.[c] || 0), 0);
  const spread = (values) => Math.max(...values) - Math.min(...values);
  const max = Math.max(1, ...seats.map(total));
  const bars = el("div", { class: "barras", "aria-hidden": "true" });
  for (const u of seats) {
    const bar = el("span", { class: "barra" }, String(total(u)));
    bar.style.width = `${Math.max(6, (100 * total(u)) / max)}%`;
    bars.append(el("span", {}, names[u] ? `${u} · ${names[u]}` : u), el("span", {}, bar));
  }
  fill(section, 
    el("h2", { id: "grafico-titulo" }, `Processos por relator e classe — ${exportacao.log}`),
    bars,
    table("Distribuídos por cadeira e classe, com a diferença entre a maior e a menor contagem", [
      ["Cadeira", (u) => (u === "Diferença" ? el("strong", {}, u) : names[u] ? `${u} · ${names[u]}` : u)],
      ...classList.map((c) => [c, (u) => (u === "Diferença" ? spread(seats.map((s) => counts[s]?.[c] || 0)) : counts[u]?.[c] || 0), { num: true }]),
      ["Total", (u) => (u === "Diferença" ? spread(seats.map(total)) : total(u)), { num: true }],
    ], [...seats, "Diferença"]));
  section.hidden = false;
}

// ---------------------------------------------------------------- an export file, verified offline

const arquivo = $("#arquivo");
arquivo.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(arquivo);
  const file = $("#exportacao").files[0];
  const out = $("#verificacao");
  if (!file) { showProblem(arquivo, { field: "exportacao", detail: "Escolha o arquivo JSON da exportação.", code: "VALIDACAO" }); return; }
  let exportacao;
  try {
    exportacao = JSON.parse(await file.text());
  } catch {
    showProblem(arquivo, { field: "exportacao", detail: "O arquivo não é JSON válido.", code: "ARQUIVO_ILEGIVEL" });
    return;
  }
  try {
    const relatorio = await verificar(exportacao, $("#cabeca").value.trim() || null);
    showReport(out, exportacao, relatorio, "");
    out.scrollIntoView();
  } catch (erro) {
    out.hidden = true;
    showProblem(arquivo, { field: "exportacao", detail: `Não foi possível ler a exportação: ${erro.message}.`, code: "ARQUIVO_ILEGIVEL" });
  }
});

$("#dia").value = await sincronizarHoje();
const params = new URLSearchParams(location.search);
if (params.get("numero")) { numero.value = params.get("numero"); numero.dispatchEvent(new Event("input")); consulta.requestSubmit(); }
