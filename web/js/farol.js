// The beacon round of a draw (issue 16), checked in the browser: a port of confere_farol() and
// assinatura_do_farol() of distribuicao-svc/scripts/verify_draws.py, with the same problem texts.
//
// 1. the chain: quicknet (pinned here, so an export cannot swap its key) or one the export declares in
//    "farois" (the local stack's beacon), its hash recomputed from its parameters as drand does;
// 2. the round: the first published strictly after the record (genesis + (round − 1) × period);
// 3. the randomness is the sha256 of the signature (WebCrypto);
// 4. the BLS signature (scheme bls-unchained-g1-rfc9380: signature on G1, key on G2, message
//    sha256(round as 8 bytes big-endian), RFC 9380 hash-to-G1 with drand's DST), with @noble/curves
//    (web/vendor/noble-bls12-381.js, audited, pinned; see web/vendor/MANIFEST.json). If the library cannot be
//    loaded, the signature is reported NOT verified — never valid.

export const ESQUEMA = "bls-unchained-g1-rfc9380";
export const DST_G1 = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";
export const VALIDA = "válida", INVALIDA = "inválida", NAO_VERIFICADA = "não verificada";
export const QUICKNET = Object.freeze({
  public_key: "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d106451" +
              "0d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
  period: 3,
  genesis_time: 1692803367,
  hash: "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
  groupHash: "f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e",
  schemeID: ESQUEMA,
  metadata: { beaconID: "quicknet" },
});
const VENDOR_BLS = new URL("../vendor/noble-bls12-381.js", import.meta.url).href;
const encoder = new TextEncoder();

class DadosMalformados extends Error {}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

function bytesDeHex(text) {
  if (typeof text !== "string" || text.length % 2 || /[^0-9a-fA-F]/.test(text)) throw new DadosMalformados("hexadecimal inválido");
  return new Uint8Array(text.match(/../g)?.map((b) => parseInt(b, 16)) || []);
}

async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }

let blsCarregada = null;
/** @noble/curves' bls12_381, loaded on first use; null when it cannot be loaded (then nothing is "valid"). */
export function carregarBls(url = VENDOR_BLS) {
  blsCarregada ||= import(url).then((m) => m.bls12_381 ?? null).catch(() => null);
  return blsCarregada;
}

/** drand's chain.Info.Hash: sha256(period u32 BE ‖ genesis i64 BE ‖ public key ‖ groupHash ‖ beacon id). */
export async function hashDaCadeia(cadeia) {
  const beaconId = (cadeia.metadata || {}).beaconID ?? "";
  const periodo = Number(cadeia.period), genese = Number(cadeia.genesis_time);
  if (!Number.isInteger(periodo) || !Number.isInteger(genese)) throw new DadosMalformados("período ou gênese inválidos");
  const cabeca = new DataView(new ArrayBuffer(12));
  cabeca.setUint32(0, periodo);
  cabeca.setBigInt64(4, BigInt(genese));
  const partes = [new Uint8Array(cabeca.buffer), bytesDeHex(cadeia.public_key), bytesDeHex(cadeia.groupHash ?? "")];
  if (beaconId !== "" && beaconId !== "default") partes.push(encoder.encode(beaconId));
  const dados = new Uint8Array(partes.reduce((n, p) => n + p.length, 0));
  let onde = 0;
  for (const p of partes) { dados.set(p, onde); onde += p.length; }
  return hex(await sha256(dados));
}

/** When round ``rodada`` is published (ms since the epoch): genesis + (round − 1) × period. */
export function momentoDaRodada(cadeia, rodada) {
  return (Number(cadeia.genesis_time) + (rodada - 1) * Number(cadeia.period)) * 1000;
}

/** [VALIDA | INVALIDA | NAO_VERIFICADA, motivo] of round ``rodada`` of ``cadeia`` (drand's /info document). */
export async function assinaturaDoFarol(cadeia, rodada, assinatura, aleatoriedade, bls = undefined) {
  let sig, chave;
  try {
    if (cadeia.schemeID !== ESQUEMA) return [INVALIDA, `esquema '${cadeia.schemeID}' não suportado`];
    if (await hashDaCadeia(cadeia) !== String(cadeia.hash ?? "").toLowerCase()) {
      return [INVALIDA, "o hash da cadeia não confere com os seus parâmetros"];
    }
    sig = bytesDeHex(assinatura);
    if (sig.length !== 48 || !Number.isInteger(rodada) || rodada < 1) return [INVALIDA, "assinatura ou rodada malformada"];
    if (hex(await sha256(sig)) !== String(aleatoriedade).toLowerCase()) {
      return [INVALIDA, "a aleatoriedade não é o sha256 da assinatura"];
    }
    chave = bytesDeHex(cadeia.public_key);
  } catch (erro) {
    return [INVALIDA, `dados do farol malformados (${erro.message})`];
  }
  const curva = bls === undefined ? await carregarBls() : bls;
  if (!curva) return [NAO_VERIFICADA, "a biblioteca BLS não carregou neste navegador: use scripts/verify_draws.py"];
  const curta = curva.shortSignatures;
  let sigma, pk;
  try {
    sigma = curta.Signature.fromBytes(sig);
    pk = curva.G2.Point.fromBytes(chave);
  } catch {
    return [INVALIDA, "a assinatura ou a chave não é um ponto válido da curva"];
  }
  if (sigma.is0() || pk.is0()) return [INVALIDA, "ponto no infinito"];
  const numero = new DataView(new ArrayBuffer(8));
  numero.setBigUint64(0, BigInt(rodada));
  const mensagem = await sha256(new Uint8Array(numero.buffer));
  let confere = false;
  try {
    confere = curta.verify(sigma, curta.hash(mensagem, DST_G1), pk);
  } catch {
    confere = false;
  }
  return confere ? [VALIDA, ""] : [INVALIDA, "a assinatura BLS não é da cadeia para esta rodada"];
}

/** hash → /info document: quicknet, pinned, plus the chains the export declares (e.g. the local beacon). */
export function cadeiasDoFarol(exportacao) {
  const cadeias = { [QUICKNET.hash]: QUICKNET };
  for (const info of exportacao.farois || []) {
    if (info && typeof info === "object" && info.hash && info.hash !== QUICKNET.hash) cadeias[String(info.hash).toLowerCase()] = info;
  }
  return cadeias;
}

/** The round fixed in ``reg``: of a known chain, the first published after the record, signed by the chain.
 * Records the outcome in ``rel.farois`` ({verificados, naoVerificados, foraDaQuicknet, porSeq}). */
export async function confereFarol(reg, cadeias, rel) {
  const seq = reg.seq;
  const farol = reg.farol;
  const cadeia = cadeias[String(farol.cadeia ?? "").toLowerCase()];
  if (cadeia === undefined) {
    rel.problema("FAROL", `registro seq ${seq}: cadeia do farol desconhecida (${farol.cadeia ?? "None"})`, seq);
    return;
  }
  if (cadeia !== QUICKNET) rel.farois.foraDaQuicknet.set(cadeia.hash, (cadeia.metadata || {}).beaconID ?? "");
  const rodada = farol.rodada;
  const registrado = Date.parse(reg.registrado_em);
  if (!Number.isInteger(rodada) || rodada < 1) {
    rel.problema("FAROL", `registro seq ${seq}: rodada do farol inválida (${rodada ?? "None"})`, seq);
    return;
  }
  if (Number.isNaN(registrado)) throw new Error(`ValueError('registrado_em inválido: ${reg.registrado_em}')`);
  if (momentoDaRodada(cadeia, rodada) <= registrado) {
    rel.problema("FAROL", `registro seq ${seq}: a rodada ${rodada} foi publicada antes do registro (previsível)`, seq);
  } else if (rodada > 1 && momentoDaRodada(cadeia, rodada - 1) > registrado + 1000) {
    // registrado_em is to the second: the previous round may have come out in the same second
    rel.problema("FAROL", `registro seq ${seq}: a rodada ${rodada} não é a primeira depois do registro`, seq);
  }
  const [situacao, motivo] = await assinaturaDoFarol(cadeia, rodada, farol.assinatura ?? "", farol.aleatoriedade);
  rel.farois.porSeq[seq] = { rodada, situacao, cadeia: cadeia.hash };
  if (situacao === VALIDA) rel.farois.verificados += 1;
  else if (situacao === NAO_VERIFICADA) rel.farois.naoVerificados.push(seq);
  else rel.problema("FAROL", `registro seq ${seq}: rodada ${rodada} do farol ${situacao}: ${motivo}`, seq);
}

export function novoResumoDosFarois() {
  return { verificados: 0, naoVerificados: [], foraDaQuicknet: new Map(), porSeq: {} };
}
