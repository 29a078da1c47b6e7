// The independent verifier of the distribution log (DIST-11), in the browser with WebCrypto.
// A line-by-line port of distribuicao-svc/scripts/verify_draws.py: same checks, same order, same
// problem texts, so the page and the script give the same verdict on the same export
// (tests/browser/test_journeys.py feeds both the same genuine and tampered exports). A draw decided by a
// beacon round (issue 16) has that round checked by farol.js: timing, chain, randomness and BLS signature.

import { cadeiasDoFarol, confereFarol, novoResumoDosFarois } from "./farol.js";

const FORMATO = "br.jus.tribunal.distribuicao.exportacao";
const HASH_INICIAL = "0".repeat(64);
const SEGREDO = "SEGREDO DE JUSTIÇA";
const FORA_DO_HASH = new Set(["hash", "detalhes"]);
const encoder = new TextEncoder();

class CampoInvalido extends Error {}

/** dict[key] as Python: a missing key raises (reported as FORMATO, like the script's KeyError). */
function req(obj, key) {
  if (obj === null || typeof obj !== "object" || !(key in obj)) throw new CampoInvalido(`KeyError('${key}')`);
  return obj[key];
}

function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
function cmpTuple(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) { const c = cmp(a[i], b[i]); if (c) return c; }
  return a.length - b.length;
}
const sorted = (items) => [...items].sort(cmp);

/** Python's json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False). */
export function jsonCanonico(valor) {
  if (valor === null) return "null";
  if (Array.isArray(valor)) return `[${valor.map(jsonCanonico).join(",")}]`;
  switch (typeof valor) {
    case "object":
      return `{${Object.keys(valor).sort(cmp).map((k) => `${JSON.stringify(k)}:${jsonCanonico(valor[k])}`).join(",")}}`;
    case "number":
      if (!Number.isFinite(valor)) throw new CampoInvalido("ValueError('Out of range float values are not JSON compliant')");
      return JSON.stringify(valor);
    default:
      return JSON.stringify(valor);
  }
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(bytes) { return hex(await crypto.subtle.digest("SHA-256", bytes)); }

async function hashDoRegistro(registro) {
  const corpo = {};
  for (const [k, v] of Object.entries(registro)) if (!FORA_DO_HASH.has(k)) corpo[k] = v;
  return sha256(encoder.encode(jsonCanonico(corpo)));
}

function fromHex(text) {
  if (typeof text !== "string") return null;
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 2 || /[^0-9a-fA-F]/.test(clean)) return null;
  return new Uint8Array(clean.match(/../g)?.map((b) => parseInt(b, 16)) || []);
}

/** Python's repr of the values the problem texts quote (lists of strings, tuples, numbers). */
function pyRepr(v) {
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (Array.isArray(v)) return v.tuple ? `(${v.map(pyRepr).join(", ")}${v.length === 1 ? "," : ""})` : `[${v.map(pyRepr).join(", ")}]`;
  return String(v);
}
const tuple = (...items) => Object.assign(items, { tuple: true });

export function candidatosPelaRegra(contagensAntes) {
  const entradas = Object.entries(contagensAntes);
  if (!entradas.length) return [];
  const menorClasse = Math.min(...entradas.map(([, c]) => c.classe));
  const empatados = entradas.filter(([, c]) => c.classe === menorClasse).map(([u, c]) => [u, c.total]);
  const menorTotal = Math.min(...empatados.map(([, t]) => t));
  return sorted(empatados.filter(([, t]) => t === menorTotal).map(([u]) => u));
}

async function valorAleatorio(semente, log, processo, seq, aleatoriedade = null) {
  const digitos = Array.from(processo).filter((ch) => /[0-9]/.test(ch)).join("");
  const chave = await crypto.subtle.importKey("raw", semente, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  // with a beacon round (issue 16) the message also carries the round's randomness, as the script's sorteado()
  const mensagem = aleatoriedade === null ? `${log}|${digitos}|${seq}` : `${log}|${digitos}|${seq}|${String(aleatoriedade).toLowerCase()}`;
  return new Uint8Array(await crypto.subtle.sign("HMAC", chave, encoder.encode(mensagem)));
}

export async function sorteado(semente, log, processo, seq, candidatos, aleatoriedade = null) {
  const valor = await valorAleatorio(semente, log, processo, seq, aleatoriedade);
  const indice = Number(BigInt(`0x${hex(valor)}`) % BigInt(candidatos.length));
  return { valor: hex(valor), indice, esperado: candidatos[indice] };
}

class Relatorio {
  constructor() {
    this.problemas = [];  // {marca, seq, texto}
    this.pendentes = [];
    this.sorteiosVerificados = 0;
    this.manuais = 0;
    this.atribuicoes = 0;
    this.porDia = {};  // dia_semente → {sorteios, conferidos}
    this.farois = novoResumoDosFarois();  // beacon rounds: verified, NOT verified, chains other than quicknet
  }
  problema(marca, texto, seq = null) { this.problemas.push({ marca, seq, texto: `[${marca}] ${texto}` }); }
  get resultado() {
    if (this.problemas.length) return "problemas";
    if (this.pendentes.length) return "pendente";
    return this.farois.naoVerificados.length ? "nao_verificado" : "ok";  // never "ok" with a signature unchecked
  }
}

async function sementesValidas(exportacao, rel) {
  const compromissos = {};
  for (const item of exportacao.compromissos || []) {
    const dia = item.dia;
    if (dia in compromissos && compromissos[dia] !== item.sha256) rel.problema("SEMENTE", `dois compromissos diferentes publicados para o dia ${dia}`);
    compromissos[dia] = String(item.sha256).toLowerCase();
  }
  const validas = {}, invalidas = new Set();
  for (const item of exportacao.sementes || []) {
    const dia = item.dia;
    const semente = fromHex(item.semente);
    if (semente === null) {
      rel.problema("SEMENTE", `a semente do dia ${dia} não é hexadecimal`);
      invalidas.add(dia);
      continue;
    }
    if (!(dia in compromissos)) {
      rel.problema("SEMENTE", `a semente do dia ${dia} não tem compromisso publicado`);
      invalidas.add(dia);
    } else if (await sha256(semente) !== compromissos[dia]) {
      rel.problema("SEMENTE", `a semente do dia ${dia} não confere com o compromisso publicado (sha256)`);
      invalidas.add(dia);
    } else {
      validas[dia] = semente;
    }
  }
  return { validas, invalidas };
}

async function ordemEEncadeamento(registros, rel) {
  let anteriorSeq = null;
  const vistos = new Map();
  for (const [i, reg] of registros.entries()) {
    const posicao = i + 1, seq = reg.seq;
    if (await hashDoRegistro(reg) !== reg.hash) rel.problema("ALTERADO", `registro seq ${seq} (posição ${posicao}): conteúdo alterado — o hash não confere`, seq);
    if (vistos.has(seq)) rel.problema("INSERIDO", `há dois registros com seq ${seq} (posições ${vistos.get(seq)} e ${posicao}): um deles foi inserido`, seq);
    else if (anteriorSeq !== null && seq < anteriorSeq) rel.problema("FORA DE ORDEM", `registro seq ${seq} (posição ${posicao}) aparece depois do seq ${anteriorSeq}`, seq);
    if (!vistos.has(seq)) vistos.set(seq, posicao);
    anteriorSeq = anteriorSeq === null ? seq : Math.max(anteriorSeq, seq);
  }
  let esperado = 1, hashAnterior = HASH_INICIAL;
  const unicos = [];
  for (const reg of [...registros].sort((a, b) => a.seq - b.seq)) {
    const seq = reg.seq;
    if (seq < esperado) continue;
    if (seq > esperado) {
      const faltam = seq === esperado + 1 ? `${esperado}` : `${esperado} a ${seq - 1}`;
      rel.problema("AUSENTE", `falta(m) o(s) registro(s) seq ${faltam} (removidos do log)`, esperado);
    } else if (reg.hash_anterior !== hashAnterior) {
      rel.problema("ENCADEAMENTO", `registro seq ${seq} não aponta para o registro seq ${seq - 1}: o anterior foi alterado ou substituído, ou este foi inserido`, seq);
    }
    esperado = seq + 1;
    hashAnterior = reg.hash;
    unicos.push(reg);
  }
  return unicos;
}

async function confereSemente(reg, candidatos, sementes, invalidas, rel) {
  const seq = reg.seq;
  const escolhida = req(req(reg, "resultado"), "unidade");
  const dia = req(reg, "dia_semente");
  const registradoEm = String(req(reg, "registrado_em")).slice(0, 10);
  const contagem = (rel.porDia[dia] ||= { sorteios: 0, conferidos: 0 });
  contagem.sorteios += 1;
  if (dia !== registradoEm) rel.problema("SORTEIO", `registro seq ${seq}: usou a semente do dia ${dia}, mas foi registrado em ${registradoEm}`, seq);
  if (dia in sementes) {
    const farol = reg.farol ?? null;
    const aleatoriedade = farol !== null && typeof farol === "object" && farol.aleatoriedade != null ? farol.aleatoriedade : null;
    const { valor, indice, esperado } = await sorteado(sementes[dia], req(reg, "log"), req(reg, "processo"), seq, candidatos, aleatoriedade);
    if (req(reg, "valor") !== valor) rel.problema("SORTEIO", `registro seq ${seq}: o valor aleatório não é o que a semente do dia ${dia} produz`, seq);
    if (req(reg, "indice") !== indice || escolhida !== esperado) {
      rel.problema("SORTEIO", `registro seq ${seq}: o sorteado deveria ser ${esperado}, e o registro diz ${escolhida}`, seq);
    } else {
      rel.sorteiosVerificados += 1;
      contagem.conferidos += 1;
    }
  } else if (invalidas.has(dia)) {
    rel.problema("SORTEIO", `registro seq ${seq}: sorteio não verificável, a semente do dia ${dia} não confere`, seq);
  } else {
    rel.pendentes.push(seq);
  }
}

function confereDeltas(reg, rel) {
  const seq = reg.seq;
  if (req(reg, "regra") === "abertura") {
    if (seq !== 1) rel.problema("CONTAGEM", `registro seq ${seq}: saldos iniciais só podem abrir o log (seq 1)`, seq);
    return;
  }
  const classe = req(reg, "classe_contagem");
  const feitos = req(reg, "deltas").map((d) => tuple(req(d, "unidade"), req(d, "classe"), req(d, "delta"))).sort(cmpTuple);
  const destino = req(req(reg, "resultado"), "unidade");
  const origem = (reg.anterior || {}).unidade;
  const permitidos = [[], [tuple(destino, classe, 1)]];
  if (origem && origem !== destino) permitidos.push([tuple(origem, classe, -1), tuple(destino, classe, 1)].sort(cmpTuple));
  const igual = (a, b) => a.length === b.length && a.every((t, i) => cmpTuple(t, b[i]) === 0);
  if (!permitidos.some((p) => igual(feitos, p))) {
    rel.problema("CONTAGEM", `registro seq ${seq}: alterações de contagem incompatíveis com a regra ${reg.regra}: ${pyRepr(feitos)}`, seq);
  }
}

async function confereRegistro(reg, exportacao, sementes, invalidas, contagens, totais, rel) {
  const seq = reg.seq;
  const classe = req(reg, "classe_contagem");
  if (req(reg, "log") !== exportacao.log) rel.problema("ALTERADO", `registro seq ${seq} é de outro log (${reg.log})`, seq);
  const antes = req(reg, "contagens_antes");
  for (const unidade of sorted(Object.keys(antes))) {
    const valores = antes[unidade];
    const historico = [contagens.get(`${unidade}\u0000${classe}`) || 0, totais.get(unidade) || 0];
    if (req(valores, "classe") !== historico[0] || req(valores, "total") !== historico[1]) {
      rel.problema("CONTAGEM", `registro seq ${seq}: contagem anterior de ${unidade} registrada como classe ${valores.classe} / total ${valores.total}, mas os registros anteriores dão ${historico[0]} / ${historico[1]}`, seq);
      contagens.set(`${unidade}\u0000${classe}`, valores.classe);
      totais.set(unidade, valores.total);
    }
  }
  const elegiveis = req(reg, "elegiveis");
  const excluidos = new Set(req(reg, "excluidos").map((e) => req(e, "unidade")));
  if (elegiveis.some((u) => excluidos.has(u))) rel.problema("SORTEIO", `registro seq ${seq}: unidade ao mesmo tempo elegível e excluída`, seq);
  const modo = req(reg, "modo");
  const escolhida = req(req(reg, "resultado"), "unidade");
  let candidatos = [];
  if (modo === "sorteio" || modo === "sorteio_manual") {
    const unicos = sorted(new Set(elegiveis));
    if (jsonCanonico(sorted(Object.keys(antes))) !== jsonCanonico(sorted(elegiveis)) || jsonCanonico(elegiveis) !== jsonCanonico(unicos)) {
      rel.problema("SORTEIO", `registro seq ${seq}: as contagens anteriores não cobrem exatamente os elegíveis`, seq);
    }
    const cobertos = {};
    for (const u of elegiveis) if (u in antes) cobertos[u] = antes[u];
    candidatos = candidatosPelaRegra(cobertos);
    if (jsonCanonico(Array.from(req(reg, "candidatos"))) !== jsonCanonico(candidatos)) {
      rel.problema("SORTEIO", `registro seq ${seq}: candidatos registrados ${pyRepr(reg.candidatos)}, pela regra seriam ${pyRepr(candidatos)}`, seq);
    }
    if (!candidatos.length) rel.problema("SORTEIO", `registro seq ${seq}: sorteio sem candidatos`, seq);
    else if (!candidatos.includes(escolhida)) rel.problema("SORTEIO", `registro seq ${seq}: ${escolhida} não estava entre os candidatos ${pyRepr(candidatos)}`, seq);
    if (!req(reg, "deltas").some((d) => d.unidade === escolhida && d.classe === classe && d.delta === 1 && Object.keys(d).length === 3)) {
      rel.problema("CONTAGEM", `registro seq ${seq}: o sorteio não somou 1 à contagem de ${escolhida}`, seq);
    }
  }
  if (modo === "sorteio") {
    if (candidatos.length) await confereSemente(reg, candidatos, sementes, invalidas, rel);
    if (reg.farol !== undefined && reg.farol !== null) await confereFarol(reg, cadeiasDoFarol(exportacao), rel);
  } else if (modo === "sorteio_manual") {
    const manual = reg.manual || {};
    const testemunhas = new Set((manual.testemunhas || []).filter((t) => t && t.trim()).map((t) => t.trim()));
    if (testemunhas.size < Number(exportacao.testemunhas_minimas ?? 2) || !String(manual.ata ?? "").trim()) {
      rel.problema("MANUAL", `registro seq ${seq}: sorteio manual sem as testemunhas exigidas ou sem ata`, seq);
    }
    rel.manuais += 1;
  } else if (modo === "atribuicao") {
    rel.atribuicoes += 1;
  } else {
    rel.problema("FORMATO", `registro seq ${seq}: modo desconhecido ${pyRepr(modo)}`, seq);
  }
  if (req(reg, "dados_hash") !== null) {
    const detalhes = reg.detalhes;
    const ehObjeto = detalhes !== null && typeof detalhes === "object" && !Array.isArray(detalhes);
    if (req(reg, "sigilo")) {
      if (!ehObjeto || detalhes.partes !== SEGREDO || detalhes.advogados !== SEGREDO) {
        rel.problema("SIGILO", `registro seq ${seq}: processo em segredo de justiça com partes ou advogados expostos`, seq);
      }
    } else if (!ehObjeto || await sha256(encoder.encode(jsonCanonico(detalhes))) !== reg.dados_hash) {
      rel.problema("DADOS", `registro seq ${seq}: partes, advogados ou assuntos publicados não conferem com o hash registrado`, seq);
    }
  }
  confereDeltas(reg, rel);
  for (const delta of req(reg, "deltas")) {
    const chave = `${delta.unidade}\u0000${delta.classe}`;
    contagens.set(chave, (contagens.get(chave) || 0) + delta.delta);
    totais.set(delta.unidade, (totais.get(delta.unidade) || 0) + delta.delta);
  }
}

/** Checks an export; returns the report. Throws Error if the file is not an export at all. */
export async function verificar(exportacao, cabecaPublicada = null) {
  if (exportacao === null || typeof exportacao !== "object" || Array.isArray(exportacao) || exportacao.formato !== FORMATO || exportacao.versao !== 1) {
    throw new Error(`não é uma exportação ${FORMATO} versão 1`);
  }
  const registros = exportacao.registros;
  if (!Array.isArray(registros) || !registros.every((r) => r && typeof r === "object" && Number.isInteger(r.seq))) {
    throw new Error("a lista de registros está ausente ou malformada");
  }
  const rel = new Relatorio();
  const { validas, invalidas } = await sementesValidas(exportacao, rel);
  const unicos = await ordemEEncadeamento(registros, rel);
  const contagens = new Map(), totais = new Map();
  for (const reg of unicos) {
    try {
      await confereRegistro(reg, exportacao, validas, invalidas, contagens, totais, rel);
    } catch (erro) {
      rel.problema("FORMATO", `registro seq ${reg.seq}: campo ausente ou inválido (${erro.message})`, reg.seq);
    }
  }
  const cabeca = exportacao.cabeca || {};
  const ultimo = unicos.length ? unicos[unicos.length - 1] : { seq: 0, hash: HASH_INICIAL };
  if (cabeca.seq !== ultimo.seq || cabeca.hash !== ultimo.hash) {
    rel.problema("CABEÇA", `a cabeça declarada (seq ${cabeca.seq ?? "None"}) não é o último registro (seq ${ultimo.seq}): registros finais removidos?`);
  }
  if (cabecaPublicada && !registros.some((r) => r.hash === cabecaPublicada.toLowerCase())) {
    rel.problema("CABEÇA", "o hash publicado pelo tribunal não está neste log: registros removidos ou alterados");
  }
  rel.contagensFinais = { contagens, totais };
  return rel;
}
