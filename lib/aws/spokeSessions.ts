// The hub's way into a member account: its spoke role, assumed with STS AssumeRole (assumeRole.ts).
// Credentials are cached per account and shared by every S3 client of that account, so two events from one
// account cost one AssumeRole; they are renewed shortly before expiry.
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { assumeRoleProvider, type TemporaryCredentials as Credentials } from './assumeRole';
import { S3ClientPool } from './clients';
import { classifyError, describeError } from './errors';

type Provider = () => Promise<Credentials>;

/** Renew this long before the session ends, so that a sweep never starts a call on lapsing credentials. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
/** One hour: AssumeRole's default, and the most a role allows unless its MaxSessionDuration is raised. */
export const SESSION_SECONDS = 3600;

export type SpokeAccess =
  | { ok: true; roleArn: string; s3: S3ClientPool }
  /** `denied`: the role is missing, or does not trust the hub (AccessDenied); `fault`: STS kept failing. */
  | { ok: false; roleArn: string; kind: 'denied' | 'fault'; reason: string };

export interface SpokeSessionsOptions {
  roleArn: (account: string) => string;
  /** The session name CloudTrail records in the spoke account (2-64 characters of [\w+=,.@-]). */
  sessionName: string;
  /** STS is called in the hub's own Region (regional endpoint). */
  stsRegion: string;
  now?: () => number;
  /** Tests may swap the provider factory; the default calls STS AssumeRole (assumeRole.ts). */
  provider?: (roleArn: string) => Provider;
}

export class SpokeSessions {
  private readonly sessions = new Map<string, { creds: Credentials; renewAt: number }>();
  private readonly pending = new Map<string, Promise<Credentials>>();
  private readonly pools = new Map<string, S3ClientPool>();
  private readonly providers = new Map<string, Provider>();
  private readonly provider: (roleArn: string) => Provider;

  constructor(private readonly opts: SpokeSessionsOptions) {
    this.provider =
      opts.provider ??
      assumeRoleProvider({
        sessionName: opts.sessionName,
        durationSeconds: SESSION_SECONDS,
        region: opts.stsRegion,
      });
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private providerFor(account: string): Provider {
    let provider = this.providers.get(account);
    if (!provider) {
      provider = this.provider(this.opts.roleArn(account));
      this.providers.set(account, provider);
    }
    return provider;
  }

  /** The account's credentials: cached until RENEW_BEFORE_EXPIRY_MS before they end; one AssumeRole at a time. */
  credentials(account: string): Promise<Credentials> {
    const session = this.sessions.get(account);
    if (session && session.renewAt > this.now()) return Promise.resolve(session.creds);
    let pending = this.pending.get(account);
    if (!pending) {
      pending = this.providerFor(account)()
        .then((creds) => {
          const expires = creds.expiration?.getTime() ?? this.now() + SESSION_SECONDS * 1000;
          this.sessions.set(account, { creds, renewAt: expires - RENEW_BEFORE_EXPIRY_MS });
          return creds;
        })
        .finally(() => this.pending.delete(account));
      this.pending.set(account, pending);
    }
    return pending;
  }

  /** S3 clients (one per Region) that act in the account through its spoke role. */
  s3(account: string): S3ClientPool {
    let pool = this.pools.get(account);
    if (!pool) {
      const credentials: S3ClientConfig['credentials'] = () => this.credentials(account);
      pool = new S3ClientPool({ credentials });
      this.pools.set(account, pool);
    }
    return pool;
  }

  /** Assume the account's spoke role (or reuse its session) and say whether the hub can read there. */
  async access(account: string): Promise<SpokeAccess> {
    const roleArn = this.opts.roleArn(account);
    try {
      await this.credentials(account);
      return { ok: true, roleArn, s3: this.s3(account) };
    } catch (err) {
      const kind = classifyError(err) === 'denied' ? 'denied' : 'fault';
      const why =
        kind === 'denied' ? 'the role does not exist there or does not trust this hub' : 'STS kept failing';
      return {
        ok: false,
        roleArn,
        kind,
        reason: `could not assume the spoke role ${roleArn} (${why}): ${describeError(err)}`,
      };
    }
  }
}
