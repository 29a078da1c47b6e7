# The two commands of the README: `make run` (the whole system on an embedded AWS) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SERVICES := cooperacao plantao distribuicao pagamentos
export PYTHONPATH := infra:.

.PHONY: run demo test unit integration e2e chaos fuzz lint lock requirements package bench fire clock deploy clean vendor-web

# The lock (requirements-dev.txt, every package pinned with its hashes) is installed as it is; courtlib
# (./shared, editable) after it, without dependencies: they are in the lock.
$(STAMP): requirements-dev.txt shared/pyproject.toml
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "make: é preciso Python 3.11 (encontrado: $(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e ./shared
	touch $(STAMP)

## lock: re-resolve requirements-dev.in + shared/pyproject.toml into requirements-dev.txt (kept pins are
## preferred; `make lock UPGRADE=1` takes the newest allowed), then regenerate the services' requirements.txt.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile requirements-dev.in shared/pyproject.toml --all-extras --universal \
	  --python-version 3.11 --generate-hashes --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) \
	  --quiet -o requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)
	$(PY) scripts/requirements.py --write

## requirements: regenerate each <svc>-svc/requirements.txt from shared/pyproject.toml, pinned to the lock.
requirements: $(STAMP)
	$(PY) scripts/requirements.py --write

## vendor-web: rebuild web/vendor/noble-bls12-381.js (the browser verifier's BLS library) from npm, as
## web/vendor/package-lock.json pins it (needs Node and npm; the built file is committed, so the page works offline).
vendor-web:
	web/vendor/build.sh

## run: the four services on localhost against an embedded AWS (moto), with demo data. Ctrl-C stops.
## `make run DYNAMODB=local`: the tables on AWS's DynamoDB Local (needs Java), the rest on moto.
## `make run FAROL_PERIODO=3`: the local beacon at quicknet's period (1 s by default).
DYNAMODB ?= moto
run: $(STAMP)
	$(PY) -m devstack run --dynamodb $(DYNAMODB) $(if $(FAROL_PERIODO),--farol-periodo $(FAROL_PERIODO))

## demo: a month of the court played through the HTTP API on its own local stack (its clock moved), with a summary.
demo: $(STAMP)
	$(PY) -m devstack demo

## test: unit (sockets forbidden), integration (moto), contract and end-to-end tests.
test: $(STAMP)
	$(PY) -m pytest

unit: $(STAMP)
	$(PY) -m pytest tests/unit

integration: $(STAMP)
	$(PY) -m pytest tests/integration tests/contract

e2e: $(STAMP)
	$(PY) -m pytest tests/e2e

## chaos: the local stack under 10 % AWS faults (DynamoDB, SQS, S3, SES), ≤4 min; prints faults and outcomes.
chaos: $(STAMP)
	CHAOS=1 POWERTOOLS_LOG_LEVEL=ERROR timeout 240 $(PY) -m pytest tests/chaos -q -s -p no:cacheprovider

## fuzz: schemathesis over every service's OpenAPI on a local stack, with a larger budget than `make test`
## (FUZZ_EXAMPLES valid and as many invalid requests per operation; seeded, so a run repeats).
FUZZ_EXAMPLES ?= 100
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/fuzz -s

## lint: cfn-lint on every template, ruff on the repository, mypy (strict on courtlib and each domain/; see
## pyproject.toml) and the services' requirements.txt against the lock. Runs every check, then fails if one did.
lint: $(STAMP)
	@status=0; \
	$(VENV)/bin/cfn-lint infra/template.yaml infra/identity.yaml || status=1; \
	$(VENV)/bin/ruff check --output-format concise . || status=1; \
	$(VENV)/bin/mypy || status=1; \
	$(PY) scripts/requirements.py --check || status=1; \
	exit $$status

## package: `chalice package` of every service into out/<service>, checking the artifact imports.
package: $(STAMP)
	for s in $(SERVICES); do PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash infra/package.sh $$s out/$$s || exit 1; done

## bench: start the local stack and print figures as ratios to a bare DynamoDB call.
bench: $(STAMP)
	$(PY) -m bench

## fire: run a schedule now on the running local stack, e.g. `make fire SERVICE=plantao HANDLER=sweep_outbox`.
fire: $(STAMP)
	$(PY) -m devstack fire $(SERVICE) $(HANDLER)

## clock: show, set or advance the running local stack's clock (advancing fires the schedules due), e.g.
## `make clock`, `make clock AGORA=2027-03-01T09:00:00-03:00`, `make clock AVANCAR=P1D`.
clock: $(STAMP)
	$(PY) -m devstack clock $(if $(AGORA),--agora $(AGORA)) $(if $(AVANCAR),--avancar $(AVANCAR))

## deploy: a real AWS account (needs credentials; never run in CI). See README "Deploy".
deploy: $(STAMP)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash infra/deploy.sh

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
