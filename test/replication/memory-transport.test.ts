import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryNetwork, type Connection } from '../../src/replication/index.js';

/** A PoP `to` that records what it receives; `conns` are the ends it accepted. */
function listener(net: MemoryNetwork, to: string) {
  const got: string[] = [];
  const conns: Connection[] = [];
  let closed = 0;
  net.endpoint(to).accept((c) => {
    conns.push(c);
    c.onMessage((t) => got.push(t));
    c.onClose(() => closed++);
  });
  return { got, conns, closed: () => closed };
}

function dial(net: MemoryNetwork, from: string, to: string) {
  const conn = net.endpoint(from).connect(to)!;
  const state = { open: false, closed: false };
  conn.onOpen(() => (state.open = true));
  conn.onClose(() => (state.closed = true));
  return { conn, state };
}

describe('MemoryNetwork', () => {
  it('delivers on a later turn, in order, and refuses a PoP that is down', () => {
    const clock = new ManualClock(0);
    const net = new MemoryNetwork(clock);
    const b = listener(net, 'b');
    const { conn, state } = dial(net, 'a', 'b');
    expect(state.open).toBe(false);
    clock.runDue();
    expect(state.open).toBe(true);
    conn.send('1');
    conn.send('2');
    expect(b.got).toEqual([]);
    clock.runDue();
    expect(b.got).toEqual(['1', '2']);

    net.setDown('b', true);
    clock.runDue();
    expect(state.closed).toBe(true);
    const again = dial(net, 'a', 'b');
    clock.runDue();
    expect(again.state).toEqual({ open: false, closed: true });
  });

  it('with wire delay keeps one connection in order while a newer connection overtakes an older one', () => {
    const clock = new ManualClock(0);
    const net = new MemoryNetwork(clock);
    const b = listener(net, 'b');
    const delays = [0, 0, 50, 1, 0, 0];
    net.wireDelay = () => delays.shift() ?? 0;
    const old = dial(net, 'a', 'b');
    const young = dial(net, 'a', 'b');
    clock.runDue();
    old.conn.send('old-1'); // 50 ms on the wire
    old.conn.send('old-2'); // 1 ms, but behind old-1 on its connection
    young.conn.send('new-1');
    clock.advance(100);
    expect(b.got).toEqual(['new-1', 'old-1', 'old-2']);
  });

  it('drop loses what is on the wire; sever lets the far end linger and still receive it', () => {
    const clock = new ManualClock(0);
    const net = new MemoryNetwork(clock);
    const b = listener(net, 'b');
    net.wireDelay = () => 0;
    const first = dial(net, 'a', 'b');
    clock.runDue();
    net.wireDelay = () => 10;
    first.conn.send('lost');
    expect(net.drop((e) => e.self === 'a')).toBe(1);
    clock.advance(20);
    expect(b.got).toEqual([]);
    expect(b.closed()).toBe(1);

    net.wireDelay = () => 0;
    const second = dial(net, 'a', 'b');
    clock.runDue();
    net.wireDelay = () => 10;
    second.conn.send('stale');
    expect(net.sever((e) => e.outgoing && e.self === 'a', 100)).toBe(1);
    expect(second.state.closed).toBe(true);
    clock.advance(50);
    expect(b.got).toEqual(['stale']);
    expect(b.closed()).toBe(1);
    // What the lingering end sends goes nowhere; it closes once the linger is over.
    b.conns[1]!.send('ack');
    clock.advance(60);
    expect(b.closed()).toBe(2);
    expect(net.openConnections()).toBe(0);
  });

  it('records every event with its clock time when tracing', () => {
    const clock = new ManualClock(1000);
    const net = new MemoryNetwork(clock);
    net.tracing = true;
    listener(net, 'b');
    const { conn } = dial(net, 'a', 'b');
    clock.runDue();
    conn.send('x');
    clock.advance(5);
    conn.close();
    expect(net.events.map((e) => `${e.at} ${e.kind} #${e.conn} ${e.from}>${e.to}${e.text ? ` ${e.text}` : ''}`)).toEqual([
      '1000 connect #1 a>b',
      '1000 message #1 a>b x',
      '1000 deliver #1 a>b x',
      '1005 close #1 a>b',
    ]);
    expect(net.messages).toBe(1);
  });
});
