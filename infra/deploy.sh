#!/usr/bin/env bash
# Deploy the back office to a real AWS account. Never run in CI; `make deploy` runs it.
#
#   ARTIFACTS_BUCKET=<an S3 bucket for Lambda zips, same region> \
#   [CORS_ALLOW_ORIGIN=https://<frontend>] PAGINATION_SECRET=<random, 32+ chars> \
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
#   5. web/ to the template's web bucket, with its config.json (the four APIs' URLs, the Cognito
#      region and web client), and a CloudFront invalidation.
# CORS_ALLOW_ORIGIN defaults to the CloudFront distribution's URL (the template's WebUrl); set it
# when the frontends are served from another domain.
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
: "${PAGINATION_SECRET:?set PAGINATION_SECRET (random, 32+ characters)}"
export PAGINATION_SECRET
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
deploy_stack "tribunal-$stage" infra/template.yaml WebFrontends=on
stack_outputs "tribunal-$stage-identity" >"$work/identity.json"
stack_outputs "tribunal-$stage" >"$work/template.json"
output() { # output FILE KEY
  "$python" -c 'import json, sys; print(next(o["OutputValue"] for o in json.load(open(sys.argv[1])) if o["OutputKey"] == sys.argv[2]))' "$@"
}
# The APIs' CORS allow-list: the web frontends' origin (their CloudFront distribution unless given).
export CORS_ALLOW_ORIGIN=${CORS_ALLOW_ORIGIN:-$(output "$work/template.json" WebUrl)}

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
# The gateway's own refusals (401, 403, 404, 429, 5xx) must be readable by the web frontends' origin too.
for resource in merge.get("Resources", {}).values():
    if resource.get("Type") == "AWS::ApiGateway::GatewayResponse":
        parameters = resource["Properties"].setdefault("ResponseParameters", {})
        parameters["gatewayresponse.header.Access-Control-Allow-Origin"] = f"'{os.environ['CORS_ALLOW_ORIGIN']}'"
        parameters["gatewayresponse.header.Access-Control-Expose-Headers"] = "'X-Correlation-Id,Retry-After'"
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
    --query "Stacks[0].Outputs[?OutputKey=='EndpointURL'].OutputValue" --output text | tee "$work/$svc.url"
done

# ---- 5: the web frontends (static files; config.json says where the APIs and the user pool are)
"$python" - "$work" "$AWS_REGION" "$(output "$work/identity.json" UserPoolClientId)" "${services[@]}" \
  >"$work/config.json" <<'PY'
import json, sys
work, region, client, *services = sys.argv[1:]
apis = {svc: open(f"{work}/{svc}.url").read().strip().rstrip("/") for svc in services}
json.dump({"ambiente": "aws", "apis": apis, "login": {"tipo": "cognito", "regiao": region, "cliente": client}},
          sys.stdout, ensure_ascii=False, indent=1)
PY
web_bucket=$(output "$work/template.json" WebBucketName)
aws s3 sync web/ "s3://$web_bucket/" --delete --exclude config.json
aws s3 cp "$work/config.json" "s3://$web_bucket/config.json" --content-type application/json \
  --cache-control no-store
aws cloudfront create-invalidation --distribution-id "$(output "$work/template.json" WebDistributionId)" \
  --paths '/*' >/dev/null
echo "deploy.sh: portal e console em $CORS_ALLOW_ORIGIN"
echo "deploy.sh: done"
