// npm run demo: the whole pipeline with no AWS account. A loopback server plays S3 (with MFA delete),
// SNS and EventBridge; each sample event in events/ goes through the real handler, and each alert is
// printed as the email and the chat message would show it.
import type { Report } from '../lib/domain/types';
import { startFakeAws } from '../test/support/fakeAws';
import { lambdaContext } from '../test/support/lambdaContext';
import { arrange, loadEvent, scenarioFile } from '../test/support/scenarios';
import { renderSlack } from '../lib/channels/slack';
import { classifyTopicMessage } from '../lib/domain/topicMessage';
import type { SlackMessage } from '../lib/channels/slack/blockKit';

/** Block Kit as a terminal would show it: block texts in order, entities decoded. */
function slackPreview(message: SlackMessage): string {
  const decode = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return message.blocks
    .map((b) => {
      if (b.type === 'header') return bold(b.text.text);
      if (b.type === 'section')
        return [b.text.text, ...(b.fields ?? []).map((f) => f.text.replace('\n', ' '))]
          .map(decode)
          .join('\n');
      if (b.type === 'actions') return b.elements.map((e) => `[${e.text.text}] ${e.url}`).join('\n');
      if (b.type === 'context') return b.elements.map((e) => decode(e.text)).join(' ');
      return '---';
    })
    .join('\n');
}

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const rule = (title: string) => `\n${bold(`=== ${title} `.padEnd(100, '='))}\n`;

async function run(): Promise<number> {
  const fake = await startFakeAws();
  // Every SDK client goes to the loopback server; nothing can reach AWS.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'demo-secret-not-real',
    AWS_REGION: 'eu-west-1',
    // The sample events come from three Regions: the demo stack serves them all (servedRegions).
    SERVED_REGIONS: 'eu-west-1,us-west-2,us-east-1',
    AWS_MAX_ATTEMPTS: '2',
    ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:mfa-delete-guard-demo-alerts',
    EVENT_BUS_NAME: 'default',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const { handler } = await import('../functions/check');
  const file = scenarioFile();
  const summary: string[] = [];
  let mismatches = 0;
  try {
    for (const scenario of file.scenarios) {
      arrange(fake, file, scenario);
      // A direct invoke with one record: the report (a queue batch would get a partial batch response).
      const report = (await handler(loadEvent(scenario.event), lambdaContext())) as Report;
      const result = report.results[0];
      const ok = result?.status === scenario.expect;
      if (!ok) mismatches++;
      summary.push(
        `${ok ? 'ok ' : 'BAD'} ${scenario.event.padEnd(44)} -> ${String(result?.status).padEnd(14)} ${result?.severity ?? ''}${result?.alerted ? '  (alerted)' : ''}`,
      );
      for (const published of fake.published) {
        const channels = JSON.parse(published.Message) as Record<string, string>;
        const chat = JSON.parse(channels.https ?? '{}');
        process.stdout.write(rule(`${scenario.event}: email`));
        process.stdout.write(`Subject: ${published.Subject}\n\n${channels.email}`);
        process.stdout.write(rule(`${scenario.event}: chat (AWS Chatbot / Slack)`));
        process.stdout.write(
          `${chat.content?.title}\n${chat.content?.description}\n${(chat.content?.nextSteps ?? []).map((s: string) => `\n${s}`).join('\n')}\n`,
        );
        // The webhook notifier renders from the machine copy the topic delivers to a lambda subscription.
        const slack = renderSlack(classifyTopicMessage(published.Subject, channels.default ?? ''));
        process.stdout.write(
          rule(`${scenario.event}: Slack webhook (Block Kit, ${slack.blocks.length} blocks)`),
        );
        process.stdout.write(`${slackPreview(slack)}\n`);
      }
      for (const event of fake.putEvents) {
        process.stdout.write(rule(`${scenario.event}: drift event on the ${event.EventBusName} bus`));
        process.stdout.write(`${event.Source} / ${event.DetailType}\n${event.Detail}\n`);
      }
    }
  } finally {
    await fake.close();
  }
  process.stdout.write(rule('summary: sample event -> status'));
  process.stdout.write(`${summary.join('\n')}\n\n`);
  process.stdout.write(
    mismatches
      ? `${mismatches} scenario(s) did not reach the expected status.\n`
      : `All ${file.scenarios.length} scenarios reached their expected status. Next: npm test\n`,
  );
  return mismatches ? 1 : 0;
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
