import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PageMessage, PageQueue, WatchMessage } from '../fanout/types';

const SEND_ATTEMPTS = 3;

/** The SQS page queue of a fanned-out sweep: SendMessageBatch, retrying the entries SQS could not take. */
export class SqsPageQueue implements PageQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendBatch(messages: PageMessage[]): Promise<void> {
    let pending = messages.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) }));
    for (let attempt = 1; pending.length; attempt++) {
      const out = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      const failed = out.Failed ?? [];
      if (!failed.length) return;
      const senderFault = failed.find((f) => f.SenderFault);
      if (senderFault || attempt >= SEND_ATTEMPTS) {
        const codes = [...new Set(failed.map((f) => f.Code))].join(', ');
        throw new Error(`SQS refused ${failed.length} of ${messages.length} sweep pages (${codes})`);
      }
      const ids = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => ids.has(e.Id));
    }
  }

  async sendWatch(message: WatchMessage, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: delaySeconds,
      }),
    );
  }
}
