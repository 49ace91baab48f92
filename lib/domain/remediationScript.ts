import { checkBucketName } from './bucketName';
import { isAccountId, isMfaSerial, isProfileName, isRegion, partitionOf } from './awsIds';
import { verifyLine } from './scriptCommands';
import type { MfaDeleteState, Remediation, VersioningStatus } from './types';

export interface RemediationTarget {
  bucket: string;
  account: string;
  region: string;
  /** The live state the script repairs: it only chooses the words ("turn on" or "turn back on"). */
  versioning: VersioningStatus;
  mfaDelete: MfaDeleteState;
}

export interface RootCredentials {
  /** Root MFA device serial; when unset, the script lists root's devices and uses the only one that gives a code. */
  mfaSerial?: string;
  profile: string;
}

export class RemediationInputError extends Error {
  override name = 'RemediationInputError';
}

/** POSIX single-quoting: safe for any string, in any shell word position. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The characters of an IAM SerialNumber ([\w+=/:,.@-]); anything else found at run time is refused. */
const SERIAL_CHARS = 'A-Za-z0-9_+=/:,.@-';

/** "turn on versioning and MFA delete", "turn MFA delete back on", …: the words that fit the case. */
export function repairAction(versioning: VersioningStatus, mfaDelete: MfaDeleteState): string {
  const on: string[] = [];
  const back: string[] = [];
  if (versioning === 'Unversioned') on.push('versioning');
  if (versioning === 'Suspended') back.push('versioning');
  if (mfaDelete === 'NeverConfigured') on.push('MFA delete');
  if (mfaDelete === 'Disabled') back.push('MFA delete');
  const parts = [
    on.length ? `turn on ${on.join(' and ')}` : '',
    back.length ? `turn ${back.join(' and ')} back on` : '',
  ].filter(Boolean);
  return parts.join(' and ') || 'turn MFA delete on';
}

/**
 * The bash block a root user pastes (after `export MFA_CODE=<code>`, or typing the code when asked).
 * It changes nothing until it has proved, at run time, that the profile is the root user of the
 * alerted account (STS), which MFA device to use (IAM, unless a serial is configured) and that no
 * lifecycle configuration is in the way (S3). Every value written into it is validated first and
 * single-quoted anyway; values read at run time stay in quoted variables and are never evaluated.
 * The output depends only on its arguments, so it can be regenerated and compared.
 */
export function remediationScript(target: RemediationTarget, creds: RootCredentials): Remediation {
  const { bucket, account, region } = validated(target, creds);
  const partition = partitionOf(region);
  const rootArn = `arn:${partition}:iam::${account}:root`;
  const profile = creds.profile;
  const action = repairAction(target.versioning, target.mfaDelete);
  const q = { bucket: shellQuote(bucket), region: shellQuote(region), profile: shellQuote(profile) };
  // Commands the script only prints, for a person to run: the values are validated (no quote, `$` or
  // backquote can be in them), so double quotes read better there than escaped single quotes.
  const shown = `--profile "${profile}" --region "${region}" --bucket "${bucket}"`;
  const where = `--profile ${q.profile} --region ${q.region}`;
  const common = `${where} --bucket ${q.bucket}`;
  const s3url = `s3://${bucket} (${region})`;
  /** One line to stderr, our own text only. */
  const say = (...parts: string[]) => `printf '%s\\n' ${parts.map(shellQuote).join(' ')} >&2`;
  const stop = (text: string) => `${say(`mfa-delete-guard: ${text} Nothing was changed.`)}; exit 1`;

  const serialSteps = creds.mfaSerial
    ? [
        // The serial is named twice, so that verify-script notices a change to either line (lib/domain/verifyScript.ts).
        `  # 2. The root MFA device configured for this deployment: ${creds.mfaSerial}`,
        `  serial=${shellQuote(creds.mfaSerial)}`,
      ]
    : [
        `  # 2. Root's MFA device: MFA_SERIAL if set, else the only device of root's that gives a code`,
        '  #    (virtual devices and hardware TOTP tokens; FIDO security keys cannot give one).',
        '  serial="${MFA_SERIAL:-}"',
        '  if [ -z "$serial" ]; then',
        `    devices=$(aws iam list-mfa-devices ${where} --query 'MFADevices[].SerialNumber' --output text)`,
        "    usable=''; seen=''",
        '    for device in $devices; do',
        '      case "$device" in',
        `        *[!${SERIAL_CHARS}]*) continue ;;`,
        `        ${shellQuote(`arn:${partition}:iam::${account}:mfa/`)}?*) usable="$usable $device" ;;`,
        '        arn:*) ;;',
        '        ?????????*) usable="$usable $device" ;;',
        '      esac',
        '      seen="$seen $device"',
        '    done',
        '    set -- $usable',
        '    if [ "$#" -ne 1 ]; then',
        `      printf '%s%s%s%s\\n' ${shellQuote(`mfa-delete-guard: root of account ${account} has `)} "$#" ${shellQuote(' MFA devices that can give a code (devices seen:')} "\${seen:- none})." >&2`,
        `      ${say('Choose the device you will read the code from: export MFA_SERIAL=<its serial number or ARN>, then paste this block again. Nothing was changed.')}`,
        '      exit 1',
        '    fi',
        '    serial="$1"',
        '  fi',
        '  case "$serial" in',
        `    '' | *[!${SERIAL_CHARS}]*) ${stop('MFA_SERIAL is not an IAM MFA serial number or device ARN.')} ;;`,
        '  esac',
      ];

  const script = [
    `# mfa-delete-guard: ${action} for s3://${bucket} (account ${account}, ${region})`,
    `# Run as the ROOT user of account ${account} with long-term access keys in profile ${q.profile}; temporary credentials are refused.`,
    '# First: export MFA_CODE=<6-digit code from the root MFA device>, then paste this whole block',
    '# (or paste it without MFA_CODE in a terminal and type the code when asked). One block per bucket:',
    '# each needs a fresh code, and the block forgets MFA_CODE when it ends (a code is accepted once).',
    '(',
    '  set -euf',
    '  code="${MFA_CODE:-}"',
    '  case "$code" in',
    '    [0-9][0-9][0-9][0-9][0-9][0-9]) ;;',
    `    '') [ -t 0 ] || { ${say('MFA_CODE must be the 6-digit code from the root MFA device: export MFA_CODE=123456')}; exit 1; } ;;`,
    `    *) ${say('MFA_CODE must be the 6-digit code from the root MFA device: export MFA_CODE=123456')}; exit 1 ;;`,
    '  esac',
    `  # 1. Only the root user of account ${account} may go on: another account's keys or an IAM user's stop here.`,
    `  who=$(aws sts get-caller-identity ${where} --query Arn --output text) || { ${stop(`STS could not say who profile ${profile} is (see the error above).`)}; }`,
    `  if [ "$who" != ${shellQuote(rootArn)} ]; then`,
    `    printf '%s%s%s\\n' ${shellQuote(`mfa-delete-guard: profile ${profile} is `)} "$who" ${shellQuote(`, not the root user of account ${account} (${rootArn}). Nothing was changed.`)} >&2`,
    '    exit 1',
    '  fi',
    ...serialSteps,
    `  # 3. S3 refuses MFA delete on a bucket with a lifecycle configuration: look now, before any change.`,
    `  if lifecycle=$(aws s3api get-bucket-lifecycle-configuration ${common} 2>&1 >/dev/null); then`,
    `    ${say(
      `mfa-delete-guard: s3://${bucket} (${region}) has a lifecycle configuration, and S3 refuses to turn on MFA delete while one exists. Nothing was changed.`,
      'Removing it stops its expiration and transition rules: old versions and expired objects are then kept (and billed) until deleted by hand, and no lifecycle rule can be added back while MFA delete is on.',
      'To go on, save it, remove it, then paste this block again with a fresh code:',
      `  aws s3api get-bucket-lifecycle-configuration ${shown} > "lifecycle-${bucket}.json"`,
      `  aws s3api delete-bucket-lifecycle ${shown}`,
    )}`,
    '    exit 1',
    '  fi',
    '  case "$lifecycle" in',
    '    *NoSuchLifecycleConfiguration*) ;;',
    `    *) printf '%s\\n' "$lifecycle" >&2; ${stop(`The lifecycle configuration of ${s3url} could not be read.`)} ;;`,
    '  esac',
    '  if [ -z "$code" ]; then',
    `    read -r -p ${shellQuote(`6-digit code from root MFA device for s3://${bucket}: `)} code`,
    '    case "$code" in',
    '      [0-9][0-9][0-9][0-9][0-9][0-9]) ;;',
    `      *) ${stop('That is not a 6-digit code.')} ;;`,
    '    esac',
    '  fi',
    `  # 4. ${action[0]?.toUpperCase()}${action.slice(1)}.`,
    `  aws s3api put-bucket-versioning ${common} \\`,
    "    --versioning-configuration 'Status=Enabled,MFADelete=Enabled' \\",
    '    --mfa "$serial $code"',
    '  # 5. Verify: expect "Status": "Enabled" and "MFADelete": "Enabled".',
    `  aws s3api get-bucket-versioning ${common}`,
    `  ${say(
      `mfa-delete-guard: done for ${s3url}. When every bucket is done, delete the root access key of profile ${profile}, then remove the profile:`,
      `  aws iam delete-access-key --profile "${profile}" --access-key-id "$(aws configure get aws_access_key_id --profile "${profile}")"`,
    )}`,
    // On the closing line, so that nothing of the block is left unread when the code is typed at a prompt.
    ') ; mfa_delete_guard_status=$?; unset MFA_CODE; (exit "$mfa_delete_guard_status")',
    '',
  ].join('\n');

  const warnings: string[] = [
    `Run as the ROOT user of account ${account} with long-term root access keys in the AWS CLI profile "${profile}": S3 refuses MFA requests made with temporary credentials (SSO, assumed roles, CloudShell). The script first asks STS who the profile is and stops unless it is ${rootArn}.`,
    creds.mfaSerial
      ? `It uses the configured root MFA device ${creds.mfaSerial}.`
      : "It finds root's MFA device itself; if root has several that give a code, it stops and asks you to export MFA_SERIAL=<serial> first.",
    `It looks for a lifecycle configuration on s3://${bucket} just before the change: S3 refuses MFA delete while one exists, so the script then stops and prints how to save and remove it.`,
    `No root credentials for account ${account} (AWS Organizations centralized root access)? From the management account (or the delegated administrator), run aws sts assume-root --region ${region} --target-principal ${account} --task-policy-arn arn=arn:${partition}:iam::aws:policy/root-task/IAMCreateRootUserPassword to allow a root password again; then root signs in, assigns an MFA device and creates a temporary access key. No assume-root task policy can change versioning or MFA delete.`,
    'Delete the root access key as soon as every bucket is done (the script prints the command).',
    verifyLine(script),
  ];
  return { script, warnings };
}

/** The values a script would be made from, checked as remediationScript checks them; throws what it would. */
export function validated(target: RemediationTarget, creds: RootCredentials): RemediationTarget {
  const name = checkBucketName(target.bucket, target.region);
  if (!name.valid) throw new RemediationInputError(name.reason);
  if (!isAccountId(target.account))
    throw new RemediationInputError(`account ${JSON.stringify(target.account)} is not a 12-digit ID`);
  if (!isRegion(target.region))
    throw new RemediationInputError(`region ${JSON.stringify(target.region)} is not an AWS Region`);
  if (!isProfileName(creds.profile))
    throw new RemediationInputError(`profile ${JSON.stringify(creds.profile)} is not a safe profile name`);
  if (creds.mfaSerial !== undefined && !isMfaSerial(creds.mfaSerial)) {
    throw new RemediationInputError(
      `MFA serial ${JSON.stringify(creds.mfaSerial)} is not an IAM serial number`,
    );
  }
  return target;
}
