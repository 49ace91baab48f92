// Delivery in the packaged templates: where each role may publish, what the alarms publish to, and the
// Chatbot channels. Two templates: the production-like one (the stack's own topic, bus `default`, every
// channel switched on) and CENTRAL_TEMPLATE_PATH, packaged with a topic, key and bus of another account
// and Region (scripts/check-template.sh packages both).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allPolicyStatements,
  asArray,
  ifBranches,
  loadTemplate,
  props,
  referencedId,
  resourcesOfType,
  textOf,
  type CfnTemplate,
  type LocatedStatement,
} from './template';

export const CENTRAL = {
  topic: 'arn:aws:sns:us-east-1:444455556666:security-alerts',
  key: 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  bus: 'arn:aws:events:us-east-1:444455556666:event-bus/security',
};

const own = loadTemplate();
const central = JSON.parse(
  readFileSync(
    resolve(
      process.env.CENTRAL_TEMPLATE_PATH ?? '.serverless-central/cloudformation-template-update-stack.json',
    ),
    'utf8',
  ),
) as CfnTemplate;

const grantsOf = (t: CfnTemplate, action: string): LocatedStatement[] =>
  allPolicyStatements(t).filter(
    (s) =>
      s.kind === 'identity' && s.statement.Effect === 'Allow' && asArray(s.statement.Action).includes(action),
  );

/** A grant's resource when drift events go to the configured bus (not to the optional dedicated one). */
const busResource = (g: LocatedStatement) =>
  asArray(g.statement.Resource as unknown[]).map((r) => {
    const branches = ifBranches(r);
    const configured = branches.find((b) => b.onlyIf === '!HasDedicatedDriftBus') ?? branches[0];
    return textOf(configured?.value) ?? configured?.value;
  });

/** An environment value when drift events go to the configured bus. */
const configuredValue = (v: unknown) =>
  ifBranches(v).find((b) => b.onlyIf === '!HasDedicatedDriftBus')?.value ?? v;

const rolesOf = (grants: LocatedStatement[]) => [...new Set(grants.map((g) => g.where.split(' ')[0]))].sort();

/** The functions that publish alerts, digests and drift events. */
const PUBLISHERS = ['CheckRole', 'SweepPageRole', 'SweepRole'];

const envOf = (t: CfnTemplate, fn: string) =>
  (props(t.Resources[fn]).Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
  {};

describe("publishing to the stack's own topic and bus", () => {
  it('lets exactly the publishing roles publish, to exactly the alert topic', () => {
    const grants = grantsOf(own, 'sns:Publish');
    expect(rolesOf(grants)).toEqual(PUBLISHERS);
    for (const g of grants)
      expect(asArray(g.statement.Resource).map(referencedId), g.where).toEqual(['AlertTopic']);
  });

  it("lets them encrypt with the topic's own key only", () => {
    for (const g of grantsOf(own, 'kms:GenerateDataKey*').filter((s) =>
      PUBLISHERS.includes(s.where.split(' ')[0]!),
    ))
      expect(asArray(g.statement.Resource).map(referencedId), g.where).toEqual(['AlertTopicKey']);
  });

  it('lets them put events on the default bus of this account and Region only', () => {
    const grants = grantsOf(own, 'events:PutEvents');
    expect(rolesOf(grants)).toEqual(PUBLISHERS);
    for (const g of grants)
      expect(busResource(g), g.where).toEqual([
        'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default',
      ]);
  });
});

describe('publishing to a central topic and bus in another account and Region', () => {
  it("grants sns:Publish on exactly the central topic, and nothing on the stack's own", () => {
    const grants = grantsOf(central, 'sns:Publish');
    expect(rolesOf(grants)).toEqual(PUBLISHERS);
    for (const g of grants) expect(asArray(g.statement.Resource), g.where).toEqual([CENTRAL.topic]);
  });

  it("grants the KMS calls on exactly the central topic's key", () => {
    const grants = grantsOf(central, 'kms:GenerateDataKey*').filter((s) =>
      PUBLISHERS.includes(s.where.split(' ')[0]!),
    );
    expect(rolesOf(grants)).toEqual(PUBLISHERS);
    for (const g of grants) {
      expect(asArray(g.statement.Resource), g.where).toEqual([CENTRAL.key]);
      expect(asArray(g.statement.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    }
  });

  it('grants events:PutEvents on exactly the central bus', () => {
    const grants = grantsOf(central, 'events:PutEvents');
    expect(rolesOf(grants)).toEqual(PUBLISHERS);
    for (const g of grants) expect(busResource(g), g.where).toEqual([CENTRAL.bus]);
  });

  it('hands the functions the ARNs, so that each client is built in their Region', () => {
    for (const [id] of resourcesOfType(central, 'AWS::Lambda::Function')) {
      const env = envOf(central, id);
      if (!('ALERT_TOPIC_ARN' in env)) continue;
      expect(env.ALERT_TOPIC_ARN, id).toBe(CENTRAL.topic);
      expect(configuredValue(env.EVENT_BUS_NAME), id).toBe(CENTRAL.bus);
    }
  });

  it("keeps the stack's alarms on its own topics, whose key admits this stack's CloudWatch alarms", () => {
    const alarms = resourcesOfType(central, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(4);
    for (const [id, alarm] of alarms) {
      const actions = [
        ...asArray(props(alarm).AlarmActions as unknown[]),
        ...asArray(props(alarm).OKActions as unknown[]),
      ];
      expect(actions.map(referencedId), id).toContain('AlertTopic');
      // Never the central topic: every action is a topic of this stack.
      for (const action of actions)
        expect(central.Resources[referencedId(action) ?? '']?.Type, `${id}: ${JSON.stringify(action)}`).toBe(
          'AWS::SNS::Topic',
        );
    }
  });
});

describe('AWS Chatbot channels', () => {
  const teams = resourcesOfType(own, 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration');
  const slack = resourcesOfType(own, 'AWS::Chatbot::SlackChannelConfiguration');

  it('creates a Microsoft Teams channel from the team, channel and tenant parameters, only when they are set', () => {
    expect(teams).toHaveLength(1);
    const [id, channel] = teams[0]!;
    expect(channel.Condition, id).toBeDefined();
    const condition = JSON.stringify(own.Conditions?.[channel.Condition!]);
    for (const p of ['ChatbotTeamsTeamId', 'ChatbotTeamsChannelId', 'ChatbotTeamsTenantId']) {
      expect(condition).toContain(p);
      expect(own.Parameters?.[p]).toBeDefined();
    }
    const p = props(channel);
    expect(referencedId(p.TeamId)).toBe('ChatbotTeamsTeamId');
    expect(referencedId(p.TeamsChannelId)).toBe('ChatbotTeamsChannelId');
    expect(referencedId(p.TeamsTenantId)).toBe('ChatbotTeamsTenantId');
    expect(asArray(p.SnsTopicArns as unknown[]).map(referencedId)).toEqual(['AlertTopic']);
  });

  it('gives both Chatbot channels the AWSDenyAll guardrail and a role with no policy', () => {
    expect(slack).toHaveLength(1);
    for (const [id, channel] of [...teams, ...slack]) {
      const p = props(channel);
      expect(asArray(p.GuardrailPolicies as unknown[]).map(textOf), id).toEqual([
        'arn:${AWS::Partition}:iam::aws:policy/AWSDenyAll',
      ]);
      const role = own.Resources[referencedId(p.IamRoleArn)!];
      expect(role?.Type, id).toBe('AWS::IAM::Role');
      expect(props(role).Policies, id).toBeUndefined();
      expect(props(role).ManagedPolicyArns, id).toBeUndefined();
      expect(JSON.stringify(props(role).AssumeRolePolicyDocument)).toContain('chatbot.amazonaws.com');
    }
  });
});
