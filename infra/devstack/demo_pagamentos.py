"""Demo data of pagamentos-svc: the shared demo magistrates and servants (same ids as the other services),
and a few designations, vacations and a session of the Pleno in November 2026, so that a manual run
(``POST /execucoes {"competencia": "2026-11"}`` as ``dimag.folha``, 202, then ``GET /execucoes/2026-11`` until
``concluida``) produces every kind of memo line.

Entrâncias (a choice for the demo, documented in docs/pagamentos.md): Cuiabá especial, Várzea Grande final,
Chapada dos Guimarães inicial. Pay tables: the defaults of ``chalicelib.pagamentos.config.TabelaPagamentos``.
"""

from __future__ import annotations

from devstack.seeding import SeedStep

CUIABA, VARZEA_GRANDE, CHAPADA = "5103403", "5108402", "5103007"


def _judge(pid: str, nome: str, juizo: str, entrancia: str, municipio: str) -> dict:
    return {"id": pid, "nome": nome, "tipo": "magistrado", "cargo": "juiz", "entrancia": entrancia, "juizo": juizo,
            "municipio": municipio}


PEOPLE = [
    _judge("jz.alves", "Juiz André Alves", "1VC-CBA", "especial", CUIABA),
    _judge("jz.barros", "Juíza Beatriz Barros", "2VC-CBA", "especial", CUIABA),
    _judge("jz.campos", "Juiz Caio Campos", "1VCR-CBA", "especial", CUIABA),
    _judge("jz.duarte", "Juíza Daniela Duarte", "2VCR-CBA", "especial", CUIABA),
    _judge("jz.esteves", "Juiz Eduardo Esteves", "1V-VGR", "final", VARZEA_GRANDE),
    _judge("jz.farias", "Juíza Fernanda Farias", "2V-VGR", "final", VARZEA_GRANDE),
    _judge("jz.gomes", "Juiz Gustavo Gomes", "VU-CHA", "inicial", CHAPADA),
    # the Pleno of the electoral court (infra/devstack/demo.py _PLENO_MEMBERS)
    {"id": "des.presidente", "nome": "Des. Presidente Carlos Almeida", "tipo": "magistrado",
     "cargo": "desembargador", "funcao_tre": "presidente"},
    {"id": "des.corregedora", "nome": "Des.ª Corregedora Lúcia Ferraz", "tipo": "magistrado",
     "cargo": "desembargador", "funcao_tre": "corregedor"},
    {**_judge("jd.paulo", "Juiz Paulo Henrique Costa", "3VC-CBA", "especial", CUIABA), "funcao_tre": "membro"},
    {**_judge("jd.marina", "Juíza Marina Duarte", "4VC-CBA", "especial", CUIABA), "funcao_tre": "membro"},
    {"id": "jf.ricardo", "nome": "Juiz Federal Ricardo Tavares", "tipo": "magistrado", "cargo": "membro",
     "funcao_tre": "membro"},
    {"id": "jur.helena", "nome": "Jurista Helena Prado", "tipo": "magistrado", "cargo": "membro",
     "funcao_tre": "membro"},
    {"id": "jur.otavio", "nome": "Jurista Otávio Nunes", "tipo": "magistrado", "cargo": "membro",
     "funcao_tre": "membro"},
    {"id": "servidor.ana", "nome": "Ana Servidora", "tipo": "servidor", "cargo": "servidor", "juizo": "1VC-CBA",
     "municipio": CUIABA},
    {"id": "servidor.bruno", "nome": "Bruno Servidor", "tipo": "servidor", "cargo": "servidor", "juizo": "GAB-C3",
     "municipio": CUIABA},
]

DESIGNATIONS = [
    {"id": "demo-cumulacao-1", "tipo": "cumulacao", "pessoa": "jz.alves", "juizo": "2VC-CBA",
     "inicio": "2026-11-03", "fim": "2026-11-14", "portaria": "Portaria M 101/2026"},
    {"id": "demo-auxilio-1", "tipo": "auxilio", "pessoa": "jz.campos", "juizo": "2VC-CBA",
     "inicio": "2026-11-10", "fim": "2026-11-14", "portaria": "Portaria M 102/2026"},
    {"id": "demo-convocacao-1", "tipo": "convocacao", "pessoa": "jz.barros", "juizo": "CAMARA-1",
     "inicio": "2026-11-09", "fim": "2026-11-13", "prejuizo": True},
    {"id": "demo-convocacao-quorum", "tipo": "convocacao", "pessoa": "jz.duarte", "juizo": "CAMARA-2",
     "inicio": "2026-11-17", "fim": "2026-11-17", "quorum": True},
    {"id": "demo-substituicao-1", "tipo": "substituicao", "pessoa": "jz.gomes", "juizo": "2V-VGR",
     "inicio": "2026-11-03", "fim": "2026-11-28", "entrancia_destino": "final", "plena": True},
    {"id": "demo-diarias-1", "tipo": "diarias", "pessoa": "jz.esteves", "juizo": "VU-CHA", "municipio": CHAPADA,
     "inicio": "2026-11-16", "fim": "2026-11-20"},
    {"id": "demo-funcao-1", "tipo": "funcao", "pessoa": "jz.alves", "juizo": "FORO-CBA", "funcao": "direcao_foro",
     "inicio": "2026-01-01", "fim": "2026-12-31"},
]

SEED_STEPS: list[SeedStep] = [
    SeedStep("pagamentos", "POST", "/importacao", {"pessoas": PEOPLE, "designacoes": DESIGNATIONS}),
    SeedStep("pagamentos", "POST", "/ferias", {"id": "demo-ferias-farias", "pessoa": "jz.farias",
                                               "inicio": "2026-11-02", "fim": "2026-12-01"}),
    SeedStep("pagamentos", "POST", "/ferias-renunciadas", {"id": "demo-renuncia-duarte", "pessoa": "jz.duarte",
                                                           "dias": 10, "autorizado_em": "2026-11-12",
                                                           "periodo_aquisitivo": "2025/2026"}),
    SeedStep("pagamentos", "POST", "/sessoes", {"id": "SO-2026-45", "data": "2026-11-10", "presencas": [
        {"membro": "des.presidente", "situacao": "presente"},
        {"membro": "des.corregedora", "situacao": "correicao"},
        {"membro": "jd.paulo", "situacao": "presente"},
        {"membro": "jd.marina", "situacao": "presente"},
        {"membro": "jf.ricardo", "situacao": "licenca"},
        {"membro": "jur.helena", "situacao": "presente"},
        {"membro": "jur.otavio", "situacao": "presente"}]}),
]
