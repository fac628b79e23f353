import type { StreamMessage } from '../storage/index.js';
import type { Sink } from './consumer.js';
import type { MessageSource } from './subscription.js';

const READ_BATCH = 256;

/**
 * A reader (Pulsar's non-durable subscription): it starts after a position (`earliest` is before
 * the oldest message kept, `latest` after the newest, a message id after that message) and keeps
 * nothing at the PoP. Every frame it sends counts as an ack that makes room in its queue.
 */
export class Reader {
  private outstanding = 0;
  private ahead: StreamMessage[] = [];
  private aheadAt = 0;
  private readTo: number;
  closed = false;
  delivered = 0;

  constructor(
    readonly sink: Sink,
    readonly readerName: string,
    private readonly queueSize: number,
    afterSeq: number,
    private readonly source: MessageSource,
  ) {
    this.readTo = afterSeq;
  }

  /** The client acknowledged one message (Pulsar counts any frame from a reader as that). */
  acked(): boolean {
    if (this.outstanding === 0) return false;
    this.outstanding--;
    return true;
  }

  dispatch(): void {
    while (!this.closed && this.outstanding < this.queueSize) {
      if (this.aheadAt >= this.ahead.length) {
        this.ahead = this.source.read(this.readTo, READ_BATCH);
        this.aheadAt = 0;
        if (this.ahead.length === 0) return;
        this.readTo = this.ahead[this.ahead.length - 1]!.seq;
      }
      const m = this.ahead[this.aheadAt++]!;
      this.outstanding++;
      this.delivered++;
      this.source.delivered(m);
      this.sink.send(this.source.frame(m, 0));
    }
  }
}
