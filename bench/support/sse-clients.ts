/**
 * One load-generator process of bench/sse-fanout.ts (started with `fork`): holds its share of the SSE
 * clients as raw keep-alive HTTP GETs, parses the stream line by line, and stamps when each change
 * (recognised by the marker in the task's title) reached each client.
 */
import http from 'node:http';
import { type FromClients, MARKER, monotonicMs, type ToClients } from './fanout-protocol';

interface Client {
  /** Receipt stamp per change; NaN until it arrives. */
  received: Float64Array;
  got: number;
  partial: string;
  event: string;
  data: string;
  open: boolean;
}

const clients: Client[] = [];
let changes = 0;
let dropped = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function send(message: FromClients): void {
  process.send!(message);
}

/** Records every marker in one `update` message's data (a coalesced message may carry several). */
function recordMarkers(client: Client, data: string, at: number): void {
  let i = data.indexOf(MARKER);
  while (i >= 0) {
    const start = i + MARKER.length;
    const end = data.indexOf('~', start);
    const change = Number(data.slice(start, end));
    if (change >= 0 && change < changes && Number.isNaN(client.received[change]!)) {
      client.received[change] = at;
      client.got++;
    }
    i = data.indexOf(MARKER, end);
  }
}

/** A minimal SSE line parser: only `event:` and `data:` matter here; comments are skipped. */
function onChunk(client: Client, chunk: Buffer, at: number, onHello: () => void): void {
  // latin1 is a byte-for-byte decode: the markers are ASCII, and nothing else is looked at.
  const text = client.partial + chunk.toString('latin1');
  let from = 0;
  let nl = text.indexOf('\n', from);
  while (nl >= 0) {
    const line = text.slice(from, nl);
    if (line === '') {
      if (client.event === 'hello') onHello();
      else if (client.event === 'update') recordMarkers(client, client.data, at);
      client.event = '';
      client.data = '';
    } else if (line.startsWith('event:')) client.event = line.slice(6).trim();
    else if (line.startsWith('data:')) client.data += line.slice(5);
    from = nl + 1;
    nl = text.indexOf('\n', from);
  }
  client.partial = text.slice(from);
}

function openClient(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const client: Client = {
      received: new Float64Array(changes).fill(Number.NaN),
      got: 0,
      partial: '',
      event: '',
      data: '',
      open: false,
    };
    const req = http.get(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { accept: 'text/event-stream' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          resolve(false);
          return;
        }
        const hello = () => {
          if (client.open) return;
          client.open = true;
          clients.push(client);
          resolve(true);
        };
        res.on('data', (chunk: Buffer) => onChunk(client, chunk, monotonicMs(), hello));
        res.on('close', () => {
          if (client.open) dropped++;
          else resolve(false);
        });
      },
    );
    req.on('error', () => {
      if (client.open) dropped++;
      else resolve(false);
    });
  });
}

async function connect(url: string, count: number, concurrency: number): Promise<void> {
  const target = new URL(url);
  const t0 = monotonicMs();
  let next = 0;
  let open = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++;
        if (await openClient(target)) open++;
        else failed++;
      }
    }),
  );
  send({ type: 'connected', open, failed, ms: Math.round(monotonicMs() - t0) });
}

async function collect(waitMs: number): Promise<void> {
  const deadline = monotonicMs() + waitMs;
  while (monotonicMs() < deadline && clients.some((c) => c.got < changes)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const received = new Float64Array(clients.length * changes);
  clients.forEach((c, i) => {
    received.set(c.received, i * changes);
  });
  send({ type: 'collected', received, clients: clients.length, dropped });
}

process.on('message', (message: ToClients) => {
  if (message.cmd === 'clock') send({ type: 'clock', now: monotonicMs() });
  else if (message.cmd === 'connect') {
    changes = message.changes;
    void connect(message.url, message.count, message.concurrency);
  } else if (message.cmd === 'collect') void collect(message.waitMs);
  else if (message.cmd === 'exit') {
    agent.destroy();
    process.exit(0);
  }
});
