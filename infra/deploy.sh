#!/usr/bin/env bash
# Deploy the back office to a real AWS account. Never run in CI; `make deploy` runs it.
#
#   ARTIFACTS_BUCKET=<an S3 bucket for Lambda zips, same region> \
#   CORS_ALLOW_ORIGIN=https://<frontend> PAGINATION_SECRET=<random, 32+ chars> \
#   [NOTICE_SENDER_DOMAIN=tribunal.example.jus.br] [AWS_REGION=sa-east-1] infra/deploy.sh
#
# Needs AWS credentials allowed to run CloudFormation with IAM (the services get one role per
# function), the AWS CLI, and the project's Python 3.11 venv first on PATH (courtlib, chalice).
# Steps:
#   1. stack tribunal-prod-identity  <- infra/identity.yaml (user pool, groups, client, SES)
#   2. stack tribunal-prod           <- infra/template.yaml (tables, queues, bucket)
#   3. their outputs -> environment, by courtlib.settings.env_from_outputs (the local stack's rule)
#   4. per service: infra/package.sh with that environment (it wires the queue and the stream),
#      the environment added to every function (SAM Globals), `aws cloudformation package` to
#      ARTIFACTS_BUCKET and `aws cloudformation deploy` as stack tribunal-prod-<svc>.
# The stage is always `prod`: the chalice stage and the IAM policies (.chalice/policy-prod.json)
# are written for tribunal-prod-* names, and the services' log-group permissions expect the
# stack names above.
# After the first deploy: verify the SES domain (publish the DKIM records, leave the SES
# sandbox) and create the first admin user in the pool (admin-create-user, group admin).
# PAGINATION_SECRET ends up in the functions' environment; move it to a secret store when the
# apps can read one.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

stage=prod
services=(cooperacao plantao distribuicao pagamentos)
export AWS_DEFAULT_REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-sa-east-1}}
export AWS_REGION=$AWS_DEFAULT_REGION
: "${ARTIFACTS_BUCKET:?set ARTIFACTS_BUCKET to an S3 bucket for the Lambda artifacts}"
: "${CORS_ALLOW_ORIGIN:?set CORS_ALLOW_ORIGIN to the frontends origin}"
: "${PAGINATION_SECRET:?set PAGINATION_SECRET (random, 32+ characters)}"
export CORS_ALLOW_ORIGIN PAGINATION_SECRET
notice_domain=${NOTICE_SENDER_DOMAIN:-tribunal.example.jus.br}
python=${PYTHON:-python}
tags=(projeto=tribunal-backoffice "stage=$stage")

command -v aws >/dev/null || { echo "deploy.sh: the AWS CLI is required" >&2; exit 1; }
"$python" -c 'import chalice, courtlib.settings' ||
  { echo "deploy.sh: run with the project's .venv first on PATH (make deploy)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deploy_stack() { # deploy_stack NAME TEMPLATE [Key=Value...]
  local name=$1 template=$2
  shift 2
  echo "deploy.sh: stack $name <- $template"
  aws cloudformation deploy --stack-name "$name" --template-file "$template" \
    --parameter-overrides "Stage=$stage" "$@" \
    --tags "${tags[@]}" --no-fail-on-empty-changeset
}

stack_outputs() { # stack_outputs NAME > file.json  (a list of {OutputKey, OutputValue, ...})
  aws cloudformation describe-stacks --stack-name "$1" --query 'Stacks[0].Outputs' --output json
}

# ---- 1, 2: shared infrastructure
deploy_stack "tribunal-$stage-identity" infra/identity.yaml "NoticeSenderDomain=$notice_domain"
deploy_stack "tribunal-$stage" infra/template.yaml
stack_outputs "tribunal-$stage-identity" >"$work/identity.json"
stack_outputs "tribunal-$stage" >"$work/template.json"

# ---- 3: outputs -> environment, with the same function the local stack uses
"$python" -c '
import json, sys
from courtlib.settings import env_from_outputs
outputs = {o["OutputKey"]: o["OutputValue"] for path in sys.argv[1:] for o in json.load(open(path))}
json.dump(env_from_outputs(outputs), sys.stdout, indent=1)
' "$work/identity.json" "$work/template.json" >"$work/env.json"

# ---- 4: the services
for svc in "${services[@]}"; do
  out="$root/out/$svc"
  # What this service's functions need (its own resources, every inbound queue to publish to,
  # the shared values); all 30-odd outputs would crowd Lambda's 4 KB environment limit.
  # Writes the merge template (infra/merge/sqs-and-stream.json + Globals) and NAME=VALUE lines.
  "$python" - "$svc" "$work/env.json" infra/merge/sqs-and-stream.json \
    "$work/$svc-merge.json" "$work/$svc.env" <<'PY'
import json
import os
import sys

svc, env_path, base_path, merge_path, lines_path = sys.argv[1:]
env = json.load(open(env_path))
shared = {"DOCUMENTS_BUCKET", "USER_POOL_ARN", "USER_POOL_ID", "USER_POOL_CLIENT_ID", "NOTICE_SENDER"}
wanted = {name: value for name, value in env.items()
          if name.startswith(svc.upper() + "_") or name.endswith("_QUEUE_URL") or name in shared}
wanted.update({name: os.environ[name] for name in ("CORS_ALLOW_ORIGIN", "PAGINATION_SECRET")})
merge = json.load(open(base_path))
# SAM merges Globals' Environment.Variables into each function's own (.chalice/config.json's).
merge.setdefault("Globals", {})["Function"] = {"Environment": {"Variables": wanted}}
json.dump(merge, open(merge_path, "w"), indent=1)
with open(lines_path, "w") as lines:
    lines.writelines(f"{name}={value}\n" for name, value in sorted(wanted.items()))
PY

  (
    # The same environment while chalice imports the app: it wires the queue and stream from it.
    while IFS= read -r line; do export "${line?}"; done <"$work/$svc.env"
    MERGE_TEMPLATE="$work/$svc-merge.json" bash infra/package.sh "$svc" "$out"
  )

  aws cloudformation package --template-file "$out/sam.json" \
    --s3-bucket "$ARTIFACTS_BUCKET" --s3-prefix "tribunal-$stage/$svc" \
    --output-template-file "$out/packaged.yaml"
  echo "deploy.sh: stack tribunal-$stage-$svc <- $out/packaged.yaml"
  aws cloudformation deploy --stack-name "tribunal-$stage-$svc" --template-file "$out/packaged.yaml" \
    --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
    --tags "${tags[@]}" "servico=$svc" --no-fail-on-empty-changeset
  aws cloudformation describe-stacks --stack-name "tribunal-$stage-$svc" \
    --query "Stacks[0].Outputs[?OutputKey=='EndpointURL'].OutputValue" --output text
done
echo "deploy.sh: done"
