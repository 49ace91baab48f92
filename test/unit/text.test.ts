import { describe, it, expect } from 'vitest';
import { actorSummary, asciiOnly, cleanText, yesNo } from '../../lib/domain/text';

describe('cleanText', () => {
  it('returns an empty string for undefined', () => {
    expect(cleanText(undefined)).toBe('');
  });

  it('keeps ordinary text', () => {
    expect(cleanText('aws-cli/2.17.0 Python/3.11 café')).toBe('aws-cli/2.17.0 Python/3.11 café');
  });

  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001b'],
    ['CR', '\r'],
    ['LF', '\n'],
    ['TAB', '\t'],
    ['DEL', '\u007f'],
    ['C1 CSI', '\u009b'],
    ['ZWSP', '\u200b'],
    ['LRM', '\u200e'],
    ['RLM', '\u200f'],
    ['ALM', '\u061c'],
    ['LRE', '\u202a'],
    ['RLO', '\u202e'],
    ['LRI', '\u2066'],
    ['PDI', '\u2069'],
    ['WJ', '\u2060'],
    ['LSEP', '\u2028'],
    ['PSEP', '\u2029'],
    ['BOM', '\ufeff'],
  ])('removes %s', (_name, ch) => {
    const out = cleanText(`left${ch}right`);
    expect(out).not.toContain(ch);
    expect(out).toBe('left right');
  });

  it('collapses runs of whitespace and trims', () => {
    expect(cleanText('  a \u0000\u0001\n\t b  ')).toBe('a b');
  });

  it('bounds the length with an ellipsis', () => {
    const out = cleanText('x'.repeat(500), 50);
    expect(out).toHaveLength(50);
    expect(out.endsWith('…')).toBe(true);
    expect(cleanText('x'.repeat(50), 50)).toBe('x'.repeat(50));
  });

  it('uses 200 characters by default', () => {
    expect(cleanText('y'.repeat(1000))).toHaveLength(200);
  });

  it('never cuts a surrogate pair in half', () => {
    // 9 ASCII characters put the 10th code unit on the high half of the emoji.
    const out = cleanText(`${'a'.repeat(9)}${'\u{1F600}'.repeat(10)}`, 11);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(out).not.toMatch(/(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
  });
});

describe('asciiOnly', () => {
  it('keeps printable ASCII', () => {
    expect(asciiOnly('[HIGH] S3 MFA delete OFF on example-bucket (111122223333)')).toBe(
      '[HIGH] S3 MFA delete OFF on example-bucket (111122223333)',
    );
  });

  it('replaces everything else with ?', () => {
    const out = asciiOnly('a\nb\u00e9c\u202ed\u{1F600}e\u007f');
    expect(out).toMatch(/^[\x20-\x7e]*$/);
    expect(out.startsWith('a?b?c?d')).toBe(true);
  });
});

describe('actorSummary', () => {
  it('says unknown principal for no actor', () => {
    expect(actorSummary(undefined)).toBe('unknown principal');
  });

  it('names the root user', () => {
    expect(actorSummary({ type: 'Root', arn: 'arn:aws:iam::111122223333:root' })).toBe(
      'Root user (arn:aws:iam::111122223333:root)',
    );
  });

  it('names an IAM user by user name', () => {
    expect(
      actorSummary({
        type: 'IAMUser',
        userName: 'deploy-bot',
        arn: 'arn:aws:iam::111122223333:user/deploy-bot',
      }),
    ).toBe('IAMUser deploy-bot (arn:aws:iam::111122223333:user/deploy-bot)');
  });

  it('names an assumed role by session name', () => {
    const out = actorSummary({
      type: 'AssumedRole',
      sessionName: 'ops-session',
      principalId: 'AROAEXAMPLEROLEID0001:ops-session',
      arn: 'arn:aws:sts::111122223333:assumed-role/OpsAdmin/ops-session',
    });
    expect(out).toBe('AssumedRole ops-session (arn:aws:sts::111122223333:assumed-role/OpsAdmin/ops-session)');
  });

  it('shows the raw type of an unknown identity', () => {
    expect(actorSummary({ type: 'Unknown', rawType: 'SAMLUser', principalId: 'p-1' })).toBe('SAMLUser p-1');
    expect(actorSummary({ type: 'Unknown' })).toBe('Unknown');
  });

  it('cleans caller-chosen parts', () => {
    const out = actorSummary({
      type: 'AssumedRole',
      sessionName: 'evil\u202e\u001b[2Jname',
      arn: 'arn:aws:sts::111122223333:assumed-role/R/evil\u202ename',
    });
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(out).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(out).toContain('evil [2Jname');
  });
});

describe('yesNo', () => {
  it('maps booleans and undefined', () => {
    expect(yesNo(true)).toBe('yes');
    expect(yesNo(false)).toBe('no');
    expect(yesNo(undefined)).toBe('unknown');
  });
});
