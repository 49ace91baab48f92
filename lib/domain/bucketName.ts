// S3 general purpose bucket naming rules (AmazonS3 userguide, bucketnamingrules.html).
// A name that fails here is never sent to an API and never written into a command.

export type BucketNameCheck = { valid: true } | { valid: false; reason: string };

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];
// Buckets made in us-east-1 before March 2018 may use upper case and underscores, up to 255 characters.
const LEGACY_US_EAST_1 = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,253})[A-Za-z0-9]$/;

export function checkBucketName(name: unknown, region?: string): BucketNameCheck {
  if (typeof name !== 'string') return { valid: false, reason: 'bucket name is not a string' };
  const shown = describe(name);
  if (name.length < 3 || name.length > 63) {
    if (region === 'us-east-1' && LEGACY_US_EAST_1.test(name)) return { valid: true };
    return { valid: false, reason: `bucket name ${shown} must be 3 to 63 characters long` };
  }
  if (!/^[a-z0-9.-]+$/.test(name)) {
    if (region === 'us-east-1' && LEGACY_US_EAST_1.test(name)) return { valid: true };
    return {
      valid: false,
      reason: `bucket name ${shown} may contain only lowercase letters, digits, '.' and '-'`,
    };
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    return { valid: false, reason: `bucket name ${shown} must begin and end with a letter or digit` };
  }
  if (name.includes('..')) return { valid: false, reason: `bucket name ${shown} must not contain '..'` };
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    return { valid: false, reason: `bucket name ${shown} must not be formatted as an IP address` };
  }
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return { valid: false, reason: `bucket name ${shown} uses the reserved prefix '${prefix}'` };
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return { valid: false, reason: `bucket name ${shown} uses the reserved suffix '${suffix}'` };
  return { valid: true };
}

export function isValidBucketName(name: unknown, region?: string): name is string {
  return checkBucketName(name, region).valid;
}

// JSON.stringify escapes C0 controls but leaves C1 controls (U+009B is a terminal CSI), bidirectional
// overrides, zero-width and line-separator characters as they are: escape those as well.
const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** A safe, bounded rendering of untrusted text for error messages: JSON-escaped, at most 80 characters. */
export function describe(value: string): string {
  const cut = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(cut).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
