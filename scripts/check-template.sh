#!/usr/bin/env bash
# Package a production-like stage offline, lint the generated CloudFormation template with cfn-lint, then
# test the template itself (test/template). Run by .ci/run; needs no AWS account and no network.
#   TEMPLATE_DIR  where to package (default .serverless); use your own directory when others package too.
set -euo pipefail
cd "$(dirname "$0")/.."

out_dir="${TEMPLATE_DIR:-.serverless}"
template="$out_dir/cloudformation-template-update-stack.json"
# Regions cfn-lint checks resource availability in (e.g. AWS::Chatbot is not offered everywhere).
lint_regions=(us-east-1 us-east-2 us-west-2 eu-west-1 eu-central-1 eu-north-1 ap-southeast-2 ap-northeast-1 ca-central-1)
# cfn-lint rules ignored for the whole template, each with its reason: none. One rule is ignored on single
# resources, in the template itself: W3005 on the four functions, whose DependsOn on their custom role osls adds
# and an extension cannot remove (resources/roles.cjs, "extensions").
ignored_checks=()

# Production-like parameters: every optional resource switched on, so that all of it is linted and tested.
# No ${aws:...} variable is used anywhere, so no STS call is made (osls resolves those with sts:GetCallerIdentity).
params=(
  --param=alertEmail=secops@example.com
  --param=chatbotSlackWorkspaceId=T0123ABCD
  --param=chatbotSlackChannelId=C0123ABCD
  --param=chatbotTeamsTeamId=11111111-2222-3333-4444-555555555555
  --param=chatbotTeamsTenantId=66666666-7777-8888-9999-000000000000
  --param=chatbotTeamsChannelId=19%3Aabcdef0123456789abcdef0123456789%40thread.tacv2
  --param=createTrail=true
  --param=sweepRegion=eu-west-1
  --param=rootMfaSerial=arn:aws:iam::111122223333:mfa/root-account-mfa-device
  --param=exemptPatterns=tmp-*,*-scratch
  --param=slackWebhookParameter=/mfa-delete-guard/slack-webhook-url
  --param=dedicatedDriftBus=true
)

# The same stage with alerts and drift events sent to a topic, key and bus of another account and Region
# (docs/alerts-and-channels.md): the roles must be granted exactly those ARNs (test/template/delivery.test.ts).
# Packaged first: osls empties the default .serverless folder whenever it packages, whatever --package says.
central_dir="${out_dir}-central"
central_template="$central_dir/cloudformation-template-update-stack.json"
AWS_REGION=eu-west-1 npx serverless package --stage prod --region eu-west-1 --package "$central_dir" "${params[@]}" \
  --param=alertTopicArn=arn:aws:sns:us-east-1:444455556666:security-alerts \
  --param=alertTopicKeyArn=arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab \
  --param=eventBusName=arn:aws:events:us-east-1:444455556666:event-bus/security

# Organization mode (docs/organization.md): the same service packaged as a hub, and the spoke template.
# Packaged first: `serverless package` empties .serverless/, wherever --package points.
hub_dir="$out_dir-hub"
hub_template="$hub_dir/cloudformation-template-update-stack.json"
spoke_template=spoke/template.yml
hub_params=(
  --param=alertEmail=secops@example.com
  --param=sweepRegion=eu-west-1
  --param=orgMode=hub
  --param=organizationId=o-exampleorg1
)
AWS_REGION=eu-west-1 npx serverless package --stage prod --region eu-west-1 --package "$hub_dir" "${hub_params[@]}"

started=$(date +%s%N)
AWS_REGION=eu-west-1 npx serverless package --stage prod --region eu-west-1 --package "$out_dir" "${params[@]}"
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo "package: ${elapsed_ms} ms"
for zip in "$out_dir"/*.zip; do
  echo "artifact: $(basename "$zip") $(wc -c <"$zip") bytes"
done

for t in "$template" "$central_template" "$hub_template" "$spoke_template"; do
  echo "cfn-lint $(cfn-lint --version | awk '{print $2}') over $t"
  cfn-lint --regions "${lint_regions[@]}" "${ignored_checks[@]}" -- "$t"
done
echo "cfn-lint: no errors, no warnings"

# shellcheck disable=SC2086
TEMPLATE_PATH="$template" CENTRAL_TEMPLATE_PATH="$central_template" HUB_TEMPLATE_PATH="$hub_template" \
  SPOKE_TEMPLATE_PATH="$spoke_template" npm run --silent test:template -- ${VITEST_EXTRA_ARGS:-}
