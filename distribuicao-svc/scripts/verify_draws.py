#!/usr/bin/env python3
"""Verificador independente dos sorteios de distribuição de processos (DIST-11).

Uso:  python3 verify_draws.py exportacao.json [--cabeca-publicada HASH]

Só usa a biblioteca padrão do Python (3.9 ou mais novo): baixe este arquivo e a exportação pública do
log e rode. Ele refaz, sem confiar no tribunal:
  * o encadeamento: cada registro guarda o hash do anterior; qualquer registro alterado, removido,
    inserido ou fora de ordem aparece;
  * as sementes: cada semente revelada deve ter o sha256 publicado de antemão (compromisso);
  * cada sorteio: o valor aleatório = HMAC-SHA256(semente do dia, "<log>|<20 dígitos do processo>|<seq>"),
    os candidatos = entre os elegíveis, os de menor contagem na classe e, entre esses, os de menor total
    (ordenados pelo identificador), e o sorteado = candidatos[valor mod nº de candidatos];
  * as contagens: a contagem "antes" de cada registro deve ser a soma dos registros anteriores;
  * as partes e advogados publicados conferem com o hash registrado (exceto os em segredo de justiça).

Farol (sorteios com "farol": {"cadeia", "rodada", "assinatura", "aleatoriedade"}): a rodada deve ser a
primeira publicada depois do registro, a aleatoriedade o sha256 da assinatura, e a assinatura BLS a da
cadeia registrada (quicknet da League of Entropy, fixada aqui, ou uma das "farois" da exportação,
cujo hash é recalculado dos seus parâmetros). O valor aleatório passa a ser
HMAC-SHA256(semente, "<log>|<20 dígitos>|<seq>|<aleatoriedade>"). A assinatura BLS é o único passo fora
da biblioteca padrão: precisa do pacote py-arkworks-bls12381 (pip install py-arkworks-bls12381); sem ele
o verificador confere todo o resto e diz que as assinaturas NÃO foram verificadas — nunca que são válidas.

Vale para todo log exportado: o de um órgão julgador (distribuições, sorteios manuais, redistribuições e as
redistribuições por afastamento do DIST-06, cada sorteio com a sua rodada) e o das zonas eleitorais de um
município ("ZONAS-<municipio>", cartas precatórias do DIST-10: as zonas no lugar das cadeiras, classe "carta").

Código de saída: 0 tudo confere; 1 problemas encontrados; 2 arquivo ilegível; 3 nada de errado, mas há
sorteios cuja semente ainda não foi revelada (verifique de novo amanhã); 4 nada de errado, mas há
assinaturas do farol não verificadas (falta o pacote py-arkworks-bls12381).

Formato da exportação (JSON): {"formato": "br.jus.tribunal.distribuicao.exportacao", "versao": 1,
"tribunal", "log", "gerado_em", "testemunhas_minimas", "cabeca": {"seq", "hash"},
"compromissos": [{"dia", "sha256"}], "sementes": [{"dia", "semente"}], "registros": [...]}; cada
registro tem os campos do corpo encadeado, mais "hash" e "detalhes" (que ficam fora do hash). O campo
"agente" (quem fez a distribuição: papel, e a identificação quando é a Presidência), presente nos registros
mais novos, faz parte do corpo: está coberto pelo hash, e alterá-lo aparece como registro alterado.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import importlib
import json
import struct
import sys
from datetime import datetime, timedelta, timezone

FORMATO = "br.jus.tribunal.distribuicao.exportacao"
HASH_INICIAL = "0" * 64
SEGREDO = "SEGREDO DE JUSTIÇA"
FORA_DO_HASH = ("hash", "detalhes")


def json_canonico(valor):
    return json.dumps(valor, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def sha256(dados):
    return hashlib.sha256(dados).hexdigest()


def hash_do_registro(registro):
    corpo = {k: v for k, v in registro.items() if k not in FORA_DO_HASH}
    return sha256(json_canonico(corpo))


def candidatos_pela_regra(contagens_antes):
    """Menor contagem na classe; entre esses, menor total; ordenados pelo identificador."""
    if not contagens_antes:
        return []
    menor_classe = min(c["classe"] for c in contagens_antes.values())
    empatados = {u: c["total"] for u, c in contagens_antes.items() if c["classe"] == menor_classe}
    menor_total = min(empatados.values())
    return sorted(u for u, t in empatados.items() if t == menor_total)


def valor_aleatorio(semente, log, processo, seq):
    digitos = "".join(ch for ch in processo if ch.isdigit())
    mensagem = f"{log}|{digitos}|{seq}".encode()
    return hmac.new(semente, mensagem, hashlib.sha256).digest()


def sorteado(semente, log, processo, seq, candidatos, aleatoriedade=None):
    """Sem farol, o sorteio de hoje; com ``aleatoriedade`` (hex da rodada), o valor inclui a rodada."""
    if aleatoriedade is None:
        valor = valor_aleatorio(semente, log, processo, seq)
    else:
        digitos = "".join(ch for ch in processo if ch.isdigit())
        mensagem = f"{log}|{digitos}|{seq}|{aleatoriedade.lower()}".encode()
        valor = hmac.new(semente, mensagem, hashlib.sha256).digest()
    indice = int.from_bytes(valor, "big") % len(candidatos)
    return valor.hex(), indice, candidatos[indice]


# --- farol (drand) ------------------------------------------------------------------------------

PACOTE_BLS = "py-arkworks-bls12381"
MODULO_BLS = "py_arkworks_bls12381"  # carregado só se instalado (importlib): o resto é biblioteca padrão
ESQUEMA_FAROL = "bls-unchained-g1-rfc9380"
DST_G1 = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
VALIDA, INVALIDA, NAO_VERIFICADA = "válida", "inválida", "não verificada"
# A quicknet da League of Entropy, fixada aqui para que a exportação não possa trocar a sua chave.
QUICKNET = {
    "public_key": "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d106451"
                  "0d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
    "period": 3,
    "genesis_time": 1692803367,
    "hash": "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
    "groupHash": "f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e",
    "schemeID": ESQUEMA_FAROL,
    "metadata": {"beaconID": "quicknet"},
}


def hash_da_cadeia(cadeia):
    """O hash de uma cadeia do drand, recalculado dos seus parâmetros (chain.Info.Hash do drand)."""
    beacon_id = (cadeia.get("metadata") or {}).get("beaconID", "")
    dados = struct.pack(">Iq", int(cadeia["period"]), int(cadeia["genesis_time"]))
    dados += bytes.fromhex(cadeia["public_key"]) + bytes.fromhex(cadeia.get("groupHash", ""))
    if beacon_id not in ("", "default"):
        dados += beacon_id.encode()
    return sha256(dados)


def momento_da_rodada(cadeia, rodada):
    """Quando a rodada é publicada: gênese + (rodada − 1) × período."""
    genese = datetime.fromtimestamp(int(cadeia["genesis_time"]), timezone.utc)  # noqa: UP017 - Python 3.9+
    return genese + timedelta(seconds=(rodada - 1) * int(cadeia["period"]))


def _bls():
    """O pacote BLS, se instalado; None se não."""
    try:
        return importlib.import_module(MODULO_BLS)
    except ImportError:
        return None


def assinatura_do_farol(cadeia, rodada, assinatura, aleatoriedade):
    """(VALIDA | INVALIDA | NAO_VERIFICADA, motivo) da rodada ``rodada`` da ``cadeia`` (documento /info do drand).

    A aleatoriedade deve ser o sha256 da assinatura (biblioteca padrão). A assinatura BLS (sobre G1, da
    mensagem sha256(rodada em 8 bytes big-endian), chave pública em G2) precisa do pacote PACOTE_BLS;
    sem ele, o resultado é NAO_VERIFICADA, nunca VALIDA."""
    try:
        if cadeia.get("schemeID") != ESQUEMA_FAROL:
            return INVALIDA, f"esquema {cadeia.get('schemeID')!r} não suportado"
        if hash_da_cadeia(cadeia) != str(cadeia.get("hash", "")).lower():
            return INVALIDA, "o hash da cadeia não confere com os seus parâmetros"
        sig = bytes.fromhex(assinatura)
        if len(sig) != 48 or not isinstance(rodada, int) or rodada < 1:
            return INVALIDA, "assinatura ou rodada malformada"
        if not hmac.compare_digest(sha256(sig), str(aleatoriedade).lower()):
            return INVALIDA, "a aleatoriedade não é o sha256 da assinatura"
        chave = bytes.fromhex(cadeia["public_key"])
    except (KeyError, TypeError, ValueError) as erro:
        return INVALIDA, f"dados do farol malformados ({erro!r})"
    ark = _bls()
    if ark is None:
        return NAO_VERIFICADA, f"instale o pacote {PACOTE_BLS} para verificar a assinatura BLS"
    try:
        sigma = ark.G1Point.from_compressed_bytes(sig)
        pk = ark.G2Point.from_compressed_bytes(chave)
    except Exception:  # o pacote tem os seus próprios tipos de erro para um ponto inválido
        return INVALIDA, "a assinatura ou a chave não é um ponto válido da curva"
    if sigma == ark.G1Point.identity() or pk == ark.G2Point.identity():
        return INVALIDA, "ponto no infinito"
    mensagem = hashlib.sha256(rodada.to_bytes(8, "big")).digest()
    h = ark.G1Point.hash_to_curve(mensagem, DST_G1)
    if ark.GT.pairing_check([sigma, -h], [ark.G2Point(), pk]):
        return VALIDA, ""
    return INVALIDA, "a assinatura BLS não é da cadeia para esta rodada"


def _cadeias_do_farol(exportacao):
    """hash → documento /info: a quicknet fixada, mais as declaradas na exportação (ex.: o farol local)."""
    cadeias = {QUICKNET["hash"]: QUICKNET}
    for info in exportacao.get("farois", []) or []:
        if isinstance(info, dict) and info.get("hash") and info["hash"] != QUICKNET["hash"]:
            cadeias[str(info["hash"]).lower()] = info
    return cadeias


def confere_farol(reg, cadeias, rel):
    """A rodada fixada no registro: da cadeia conhecida, publicada depois do registro (a primeira), assinada."""
    seq = reg["seq"]
    farol = reg["farol"]
    cadeia = cadeias.get(str(farol.get("cadeia", "")).lower())
    if cadeia is None:
        rel.problema("FAROL", f"registro seq {seq}: cadeia do farol desconhecida ({farol.get('cadeia')})")
        return
    if cadeia is not QUICKNET:
        rel.farois_fora_da_quicknet.add((cadeia["hash"], (cadeia.get("metadata") or {}).get("beaconID", "")))
    rodada = farol.get("rodada")
    registrado = datetime.fromisoformat(reg["registrado_em"])
    if not isinstance(rodada, int) or rodada < 1:
        rel.problema("FAROL", f"registro seq {seq}: rodada do farol inválida ({rodada!r})")
        return
    if momento_da_rodada(cadeia, rodada) <= registrado:
        rel.problema("FAROL", f"registro seq {seq}: a rodada {rodada} foi publicada antes do registro (previsível)")
    elif rodada > 1 and momento_da_rodada(cadeia, rodada - 1) > registrado + timedelta(seconds=1):
        # registrado_em tem precisão de segundos: a rodada anterior pode ter saído no mesmo segundo
        rel.problema("FAROL", f"registro seq {seq}: a rodada {rodada} não é a primeira depois do registro")
    situacao, motivo = assinatura_do_farol(cadeia, rodada, farol.get("assinatura", ""), farol.get("aleatoriedade"))
    if situacao == VALIDA:
        rel.farois_verificados += 1
    elif situacao == NAO_VERIFICADA:
        rel.farois_nao_verificados.append(seq)
    else:
        rel.problema("FAROL", f"registro seq {seq}: rodada {rodada} do farol {situacao}: {motivo}")


class Relatorio:
    def __init__(self):
        self.problemas = []
        self.pendentes = []
        self.sorteios_verificados = 0
        self.manuais = 0
        self.atribuicoes = 0
        self.farois_verificados = 0
        self.farois_nao_verificados = []
        self.farois_fora_da_quicknet = set()

    def problema(self, marca, texto):
        self.problemas.append(f"[{marca}] {texto}")


def _sementes_validas(exportacao, rel):
    compromissos = {}
    for item in exportacao.get("compromissos", []):
        dia = item["dia"]
        if dia in compromissos and compromissos[dia] != item["sha256"]:
            rel.problema("SEMENTE", f"dois compromissos diferentes publicados para o dia {dia}")
        compromissos[dia] = str(item["sha256"]).lower()
    validas, invalidas = {}, set()
    for item in exportacao.get("sementes", []):
        dia = item["dia"]
        try:
            semente = bytes.fromhex(item["semente"])
        except (ValueError, TypeError):
            rel.problema("SEMENTE", f"a semente do dia {dia} não é hexadecimal")
            invalidas.add(dia)
            continue
        if dia not in compromissos:
            rel.problema("SEMENTE", f"a semente do dia {dia} não tem compromisso publicado")
            invalidas.add(dia)
        elif not hmac.compare_digest(sha256(semente), compromissos[dia]):
            rel.problema("SEMENTE", f"a semente do dia {dia} não confere com o compromisso publicado (sha256)")
            invalidas.add(dia)
        else:
            validas[dia] = semente
    return validas, invalidas


def _ordem_e_encadeamento(registros, rel):
    """Alterados, fora de ordem, inseridos, ausentes e quebras do encadeamento."""
    anterior_seq = None
    vistos = {}
    for posicao, reg in enumerate(registros, start=1):
        seq = reg["seq"]
        if hash_do_registro(reg) != reg.get("hash"):
            rel.problema("ALTERADO", f"registro seq {seq} (posição {posicao}): conteúdo alterado — o hash não confere")
        if seq in vistos:
            rel.problema(
                "INSERIDO",
                f"há dois registros com seq {seq} (posições {vistos[seq]} e {posicao}): um deles foi inserido",
            )
        elif anterior_seq is not None and seq < anterior_seq:
            rel.problema(
                "FORA DE ORDEM", f"registro seq {seq} (posição {posicao}) aparece depois do seq {anterior_seq}"
            )
        vistos.setdefault(seq, posicao)
        anterior_seq = seq if anterior_seq is None else max(anterior_seq, seq)
    esperado, hash_anterior = 1, HASH_INICIAL
    unicos = []
    for reg in sorted(registros, key=lambda r: r["seq"]):
        seq = reg["seq"]
        if seq < esperado:
            continue  # duplicado, já relatado
        if seq > esperado:
            faltam = f"{esperado}" if seq == esperado + 1 else f"{esperado} a {seq - 1}"
            rel.problema("AUSENTE", f"falta(m) o(s) registro(s) seq {faltam} (removidos do log)")
        elif reg["hash_anterior"] != hash_anterior:
            rel.problema(
                "ENCADEAMENTO",
                f"registro seq {seq} não aponta para o registro seq {seq - 1}: o anterior foi alterado ou substituído, "
                "ou este foi inserido",
            )
        esperado, hash_anterior = seq + 1, reg.get("hash")
        unicos.append(reg)
    return unicos


def _confere_semente(reg, candidatos, sementes, invalidas, rel):
    seq = reg["seq"]
    escolhida = reg["resultado"]["unidade"]
    dia = reg["dia_semente"]
    if dia != reg["registrado_em"][:10]:
        rel.problema(
            "SORTEIO",
            f"registro seq {seq}: usou a semente do dia {dia}, mas foi registrado em {reg['registrado_em'][:10]}",
        )
    aleatoriedade = (reg.get("farol") or {}).get("aleatoriedade")
    if dia in sementes:
        valor, indice, esperado = sorteado(sementes[dia], reg["log"], reg["processo"], seq, candidatos, aleatoriedade)
        if reg["valor"] != valor:
            rel.problema("SORTEIO", f"registro seq {seq}: o valor aleatório não é o que a semente do dia {dia} produz")
        if reg["indice"] != indice or escolhida != esperado:
            rel.problema(
                "SORTEIO", f"registro seq {seq}: o sorteado deveria ser {esperado}, e o registro diz {escolhida}"
            )
        else:
            rel.sorteios_verificados += 1
    elif dia in invalidas:
        rel.problema("SORTEIO", f"registro seq {seq}: sorteio não verificável, a semente do dia {dia} não confere")
    else:
        rel.pendentes.append(seq)


def _confere_deltas(reg, rel):
    """Cada registro só pode mexer nas contagens do jeito que a sua regra permite."""
    seq = reg["seq"]
    if reg["regra"] == "abertura":
        if seq != 1:
            rel.problema("CONTAGEM", f"registro seq {seq}: saldos iniciais só podem abrir o log (seq 1)")
        return
    classe = reg["classe_contagem"]
    feitos = sorted((d["unidade"], d["classe"], d["delta"]) for d in reg["deltas"])
    destino = reg["resultado"]["unidade"]
    origem = (reg.get("anterior") or {}).get("unidade")
    permitidos = [[], [(destino, classe, 1)]]
    if origem and origem != destino:
        permitidos.append(sorted([(origem, classe, -1), (destino, classe, 1)]))
    if feitos not in permitidos:
        rel.problema(
            "CONTAGEM",
            f"registro seq {seq}: alterações de contagem incompatíveis com a regra {reg['regra']}: {feitos}",
        )


def _confere_registro(reg, exportacao, sementes, invalidas, contagens, totais, rel):
    seq = reg["seq"]
    classe = reg["classe_contagem"]
    if reg["log"] != exportacao["log"]:
        rel.problema("ALTERADO", f"registro seq {seq} é de outro log ({reg['log']})")
    antes = reg["contagens_antes"]
    for unidade, valores in sorted(antes.items()):
        historico = (contagens.get((unidade, classe), 0), totais.get(unidade, 0))
        if (valores["classe"], valores["total"]) != historico:
            rel.problema(
                "CONTAGEM",
                f"registro seq {seq}: contagem anterior de {unidade} registrada como classe {valores['classe']} / "
                f"total {valores['total']}, mas os registros anteriores dão {historico[0]} / {historico[1]}",
            )
            # adota o valor registrado para não repetir o mesmo erro em todos os registros seguintes
            contagens[(unidade, classe)] = valores["classe"]
            totais[unidade] = valores["total"]
    elegiveis = reg["elegiveis"]
    excluidos = {e["unidade"] for e in reg["excluidos"]}
    if excluidos & set(elegiveis):
        rel.problema("SORTEIO", f"registro seq {seq}: unidade ao mesmo tempo elegível e excluída")
    modo = reg["modo"]
    escolhida = reg["resultado"]["unidade"]
    if modo in ("sorteio", "sorteio_manual"):
        if sorted(antes) != sorted(elegiveis) or elegiveis != sorted(set(elegiveis)):
            rel.problema("SORTEIO", f"registro seq {seq}: as contagens anteriores não cobrem exatamente os elegíveis")
        candidatos = candidatos_pela_regra({u: antes[u] for u in elegiveis if u in antes})
        if list(reg["candidatos"]) != candidatos:
            rel.problema(
                "SORTEIO",
                f"registro seq {seq}: candidatos registrados {reg['candidatos']}, pela regra seriam {candidatos}",
            )
        if not candidatos:
            rel.problema("SORTEIO", f"registro seq {seq}: sorteio sem candidatos")
        elif escolhida not in candidatos:
            rel.problema("SORTEIO", f"registro seq {seq}: {escolhida} não estava entre os candidatos {candidatos}")
        if {"unidade": escolhida, "classe": classe, "delta": 1} not in reg["deltas"]:
            rel.problema("CONTAGEM", f"registro seq {seq}: o sorteio não somou 1 à contagem de {escolhida}")
    if modo == "sorteio":
        if candidatos:
            _confere_semente(reg, candidatos, sementes, invalidas, rel)
        if reg.get("farol") is not None:
            confere_farol(reg, _cadeias_do_farol(exportacao), rel)
    elif modo == "sorteio_manual":
        manual = reg.get("manual") or {}
        testemunhas = {t.strip() for t in manual.get("testemunhas", []) if t and t.strip()}
        if len(testemunhas) < int(exportacao.get("testemunhas_minimas", 2)) or not str(manual.get("ata", "")).strip():
            rel.problema("MANUAL", f"registro seq {seq}: sorteio manual sem as testemunhas exigidas ou sem ata")
        rel.manuais += 1
    elif modo == "atribuicao":
        rel.atribuicoes += 1
    else:
        rel.problema("FORMATO", f"registro seq {seq}: modo desconhecido {modo!r}")
    if reg["dados_hash"] is not None:
        detalhes = reg.get("detalhes")
        if reg["sigilo"]:
            if (
                not isinstance(detalhes, dict)
                or detalhes.get("partes") != SEGREDO
                or detalhes.get("advogados") != SEGREDO
            ):
                rel.problema(
                    "SIGILO", f"registro seq {seq}: processo em segredo de justiça com partes ou advogados expostos"
                )
        elif not isinstance(detalhes, dict) or sha256(json_canonico(detalhes)) != reg["dados_hash"]:
            rel.problema(
                "DADOS",
                f"registro seq {seq}: partes, advogados ou assuntos publicados não conferem com o hash registrado",
            )
    _confere_deltas(reg, rel)
    for delta in reg["deltas"]:
        chave = (delta["unidade"], delta["classe"])
        contagens[chave] = contagens.get(chave, 0) + delta["delta"]
        totais[delta["unidade"]] = totais.get(delta["unidade"], 0) + delta["delta"]


def verificar(exportacao, cabeca_publicada=None):
    """Confere a exportação; devolve o relatório (lança ValueError se o arquivo nem tem o formato)."""
    if not isinstance(exportacao, dict) or exportacao.get("formato") != FORMATO or exportacao.get("versao") != 1:
        raise ValueError(f"não é uma exportação {FORMATO} versão 1")
    registros = exportacao.get("registros")
    if not isinstance(registros, list) or not all(
        isinstance(r, dict) and isinstance(r.get("seq"), int) for r in registros
    ):
        raise ValueError("a lista de registros está ausente ou malformada")
    rel = Relatorio()
    sementes, invalidas = _sementes_validas(exportacao, rel)
    unicos = _ordem_e_encadeamento(registros, rel)
    contagens, totais = {}, {}
    for reg in unicos:
        try:
            _confere_registro(reg, exportacao, sementes, invalidas, contagens, totais, rel)
        except (KeyError, TypeError, ValueError, AttributeError) as erro:
            rel.problema("FORMATO", f"registro seq {reg.get('seq')}: campo ausente ou inválido ({erro!r})")
    cabeca = exportacao.get("cabeca") or {}
    ultimo = unicos[-1] if unicos else {"seq": 0, "hash": HASH_INICIAL}
    if cabeca.get("seq") != ultimo["seq"] or cabeca.get("hash") != ultimo.get("hash"):
        rel.problema(
            "CABEÇA",
            f"a cabeça declarada (seq {cabeca.get('seq')}) não é o último registro (seq {ultimo['seq']}): "
            "registros finais removidos?",
        )
    if cabeca_publicada and cabeca_publicada.lower() not in {r.get("hash") for r in registros}:
        rel.problema("CABEÇA", "o hash publicado pelo tribunal não está neste log: registros removidos ou alterados")
    return rel


def texto_do_relatorio(exportacao, rel):
    registros = exportacao.get("registros", [])
    linhas = [
        f"Verificação do log de distribuição {exportacao.get('log')} — {exportacao.get('tribunal')}",
        f"Exportado em {exportacao.get('gerado_em')}; {len(registros)} registro(s); "
        f"{len(exportacao.get('compromissos', []))} compromisso(s) e "
        f"{len(exportacao.get('sementes', []))} semente(s) revelada(s).",
        f"Sorteios conferidos: {rel.sorteios_verificados}; sorteios manuais: {rel.manuais}; "
        f"atribuições sem sorteio (prevenção, redistribuição...): {rel.atribuicoes}.",
        "Compare os compromissos abaixo com os publicados pelo tribunal antes de cada dia:",
    ]
    linhas += [f"  {c['dia']}  {c['sha256']}" for c in exportacao.get("compromissos", [])]
    if rel.farois_verificados or rel.farois_nao_verificados:
        linhas.append(
            f"Rodadas do farol com assinatura conferida: {rel.farois_verificados}; "
            f"NÃO verificadas: {len(rel.farois_nao_verificados)}."
        )
    for cadeia, nome in sorted(rel.farois_fora_da_quicknet):
        linhas.append(
            f"ATENÇÃO: sorteios decididos pelo farol {nome or '?'} (cadeia {cadeia}), que NÃO é a quicknet da "
            "League of Entropy: confira que essa cadeia é a que o tribunal publicou."
        )
    if rel.problemas:
        linhas.append(f"PROBLEMAS ENCONTRADOS ({len(rel.problemas)}):")
        linhas += [f"  {p}" for p in rel.problemas]
        linhas.append("RESULTADO: o log NÃO confere.")
    elif rel.pendentes:
        linhas.append(
            f"RESULTADO: nada de errado até aqui, mas {len(rel.pendentes)} sorteio(s) aguardam a revelação da "
            f"semente do dia (seq {', '.join(map(str, rel.pendentes[:10]))}"
            f"{'...' if len(rel.pendentes) > 10 else ''}). "
            "PENDENTE: verifique de novo amanhã."
        )
    elif rel.farois_nao_verificados:
        linhas.append(
            f"RESULTADO: nada de errado no que foi conferido, mas a assinatura do farol de "
            f"{len(rel.farois_nao_verificados)} sorteio(s) NÃO foi verificada (falta o pacote {PACOTE_BLS}: "
            f"pip install {PACOTE_BLS}). NÃO VERIFICADO."
        )
    else:
        linhas.append("RESULTADO: log íntegro — todos os registros e sorteios conferem.")
    return "\n".join(linhas)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verifica a exportação pública do log de distribuição.")
    parser.add_argument("exportacao", help="arquivo JSON exportado pelo tribunal")
    parser.add_argument("--cabeca-publicada", help="hash do último registro publicado pelo tribunal (ex.: no edital)")
    args = parser.parse_args(argv)
    try:
        with open(args.exportacao, encoding="utf-8") as arquivo:
            exportacao = json.load(arquivo)
        rel = verificar(exportacao, args.cabeca_publicada)
    except (OSError, ValueError) as erro:
        sys.stdout.write(f"ERRO: não foi possível ler a exportação: {erro}\n")
        return 2
    sys.stdout.write(texto_do_relatorio(exportacao, rel) + "\n")
    if rel.problemas:
        return 1
    if rel.pendentes:
        return 3
    return 4 if rel.farois_nao_verificados else 0


if __name__ == "__main__":
    sys.exit(main())
