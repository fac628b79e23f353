import { describe, expect, it } from 'vitest';
import { encode, encodeChanges, PROTOCOL_VERSION, type SenderFrame } from '../../src/replication/protocol.js';

type Changes = Extract<SenderFrame, { t: 'changes' }>;
type Head = Omit<Changes, 'entries'>;

const entry = (seq: number): Changes['entries'][number] => ({ seq, origin: 'r-east', hlc: '0000000000001-0000-r', op: 'insert', fabric: '_mm/_system', collection: 'c', key: `k${seq}`, payload: '{"a":"\\"x\\""}', at: 1.5 });

describe('a changes frame is encoded once for every link that ships it', () => {
  it('gives the very text encode() gives, for every link of the same entries', () => {
    const entries = [entry(1), entry(2)];
    for (const [sentAt, readAt] of [
      [10, 10],
      [10, 60.25],
    ] as const) {
      const head: Head = { v: PROTOCOL_VERSION, t: 'changes', sentAt, readAt, after: 0, through: 2 };
      expect(encodeChanges(head, entries)).toBe(encode({ ...head, entries }));
    }
  });

  it('an empty batch and a batch of other entries are their own texts', () => {
    const head: Head = { v: PROTOCOL_VERSION, t: 'changes', sentAt: 1, readAt: 1, after: 0, through: 3 };
    expect(encodeChanges(head, [])).toBe(encode({ ...head, entries: [] }));
    expect(JSON.parse(encodeChanges(head, [entry(3)])).entries).toEqual([entry(3)]);
  });
});
