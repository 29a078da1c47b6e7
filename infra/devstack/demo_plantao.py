"""Demo data of plantao-svc: the shared demo judges (TRE-MT demo) as the plantão's reference data.

One ``PUT /referencia`` as the admin demo user: two regions (the capital's and the interior's), Cuiabá
(entrância especial, four varas), Várzea Grande (entrância final, two varas) and Chapada dos Guimarães
(entrância inicial, vara única with vara tabelar 1V-VGR); the seven 1st-degree demo judges; the Pleno's
members as the 2nd degree (President and Corregedora in the administration, so outside the 2nd-degree
scale); electoral zones of Cuiabá and Várzea Grande; the 2026 electoral period; the four night judges of
each quadrimester from September 2026 to December 2027 (designations made before this system).

Scales are not seeded: the Presidency generates them (``POST /escalas``) or the monthly schedule does.
"""

from __future__ import annotations

from devstack.seeding import SeedStep

CUIABA, VARZEA_GRANDE, CHAPADA = "5103403", "5108402", "5103007"

JUDGES = [  # id, name, seniority, juízo, juízo name, comarca, order in the comarca
    ("jz.alves", "Juiz André Alves", 10, "1VC-CBA", "1ª Vara Cível de Cuiabá", "CBA", 1),
    ("jz.barros", "Juíza Beatriz Barros", 11, "2VC-CBA", "2ª Vara Cível de Cuiabá", "CBA", 2),
    ("jz.campos", "Juiz Caio Campos", 12, "1VCR-CBA", "1ª Vara Criminal de Cuiabá", "CBA", 3),
    ("jz.duarte", "Juíza Daniela Duarte", 13, "2VCR-CBA", "2ª Vara Criminal de Cuiabá", "CBA", 4),
    ("jz.esteves", "Juiz Eduardo Esteves", 14, "1V-VGR", "1ª Vara de Várzea Grande", "VGR", 1),
    ("jz.farias", "Juíza Fernanda Farias", 15, "2V-VGR", "2ª Vara de Várzea Grande", "VGR", 2),
    ("jz.gomes", "Juiz Gustavo Gomes", 16, "VU-CHA", "Vara Única de Chapada dos Guimarães", "CHA", 1),
]
MEMBERS = [  # the Pleno of infra/devstack/demo.py: id, name, seniority, administration
    ("des.presidente", "Des. Presidente Carlos Almeida", 1, True),
    ("des.corregedora", "Des.ª Corregedora Lúcia Ferraz", 2, True),
    ("jd.paulo", "Juiz Paulo Henrique Costa", 3, False),
    ("jd.marina", "Juíza Marina Duarte", 4, False),
    ("jf.ricardo", "Juiz Federal Ricardo Tavares", 5, False),
    ("jur.helena", "Jurista Helena Prado", 6, False),
    ("jur.otavio", "Jurista Otávio Nunes", 7, False),
]
NIGHT = ["jz.alves", "jz.barros", "jz.campos", "jz.duarte"]

REFERENCE = {
    "regioes": [{"id": "R1", "nome": "1ª Região (Capital)", "ordem": 1},
                {"id": "R2", "nome": "2ª Região (Baixada Cuiabana)", "ordem": 2}],
    "comarcas": [
        {"id": "CBA", "nome": "Cuiabá", "municipio": CUIABA, "regiao": "R1", "ordem": 1, "entrancia": "especial"},
        {"id": "VGR", "nome": "Várzea Grande", "municipio": VARZEA_GRANDE, "regiao": "R2", "ordem": 1,
         "entrancia": "final"},
        {"id": "CHA", "nome": "Chapada dos Guimarães", "municipio": CHAPADA, "regiao": "R2", "ordem": 2,
         "entrancia": "inicial", "vara_tabelar": "1V-VGR"},
    ],
    "juizos": [{"id": juizo, "nome": name, "comarca": comarca, "ordem": order, "juiz": judge}
               for judge, _, _, juizo, name, comarca, order in JUDGES],
    "magistrados": [{"id": judge, "nome": name, "antiguidade": rank, "juizo": juizo,
                     "email": f"{judge}@exemplo.jus.br"} for judge, name, rank, juizo, *_ in JUDGES]
    + [{"id": member, "nome": name, "antiguidade": rank, "desembargador": True, "orgao": "PLENO",
        "administracao": administration, "email": f"{member}@exemplo.jus.br"}
       for member, name, rank, administration in MEMBERS],
    "zonas": [{"id": "ZE1", "municipio": CUIABA, "numero": 1, "juiz": "jz.alves"},
              {"id": "ZE37", "municipio": CUIABA, "numero": 37, "juiz": "jz.campos"},
              {"id": "ZE39", "municipio": CUIABA, "numero": 39, "juiz": "jz.barros"},
              {"id": "ZE20", "municipio": VARZEA_GRANDE, "numero": 20, "juiz": "jz.esteves"},
              {"id": "ZE49", "municipio": VARZEA_GRANDE, "numero": 49, "juiz": "jz.farias"}],
    "periodos_eleitorais": [{"inicio": "2026-08-16", "fim": "2026-10-31"}],
    "noturno": [{"ano": year, "quadrimestre": q, "juizes": NIGHT} for year, q in ((2026, 3), (2027, 1), (2027, 2),
                                                                                  (2027, 3))],
}

SEED_STEPS: list[SeedStep] = [SeedStep("plantao", "PUT", "/referencia", REFERENCE)]
