/**
 * Live-update fan-out: N concurrent SSE clients on GET /api/stream of a real Taskwire process
 * (embedded, PGlite, fresh DATA_DIR), next to a bare Node `http` SSE server measured in the same run.
 *
 *   node --import tsx bench/sse-fanout.ts [--clients 1000,5000] [--changes 50] [--interval 200] [--loaders 4]
 *
 * The clients live in `--loaders` separate processes (bench/support/sse-clients.ts), raw keep-alive
 * GETs with a minimal line parser. The driver then makes `--changes` task changes through the REST
 * API, one every `--interval` ms (alternately a creation and a rename of a task created beforehand;
 * no task changes twice, so coalescing never folds two measured changes into one), each carrying a
 * marker in the title. Per (client, change) pair: the time from the start of the change's
 * HTTP request to the client's receipt of the update, so it includes the write (validation, insert,
 * outbox) as well as the relay, the 25 ms coalescing window and the fan-out: what someone watching
 * another tab waits for. Both ends stamp CLOCK_MONOTONIC, which all processes on the machine share.
 *
 * The baseline replays, byte for byte, the update messages Taskwire sent in the run just before it
 * (recorded by one extra client of the driver's own) through bench/support/sse-bare-server.ts, so the
 * ratio is what Taskwire adds over writing the same bytes to the same number of sockets.
 *
 * Memory per connection: the server's VmRSS (/proc/<pid>/status) after a forced full GC, before the
 * clients connect and once they all have, divided by N. Server CPU per change: utime + stime of the
 * server process over the change phase (heartbeats included), divided by the number of changes.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, ROOT, ServerProcess, tempDir } from '../test/support/server-process';
import {
  type FromClients,
  MARKER,
  markerTitle,
  monotonicMs,
  type ToClients,
} from './support/fanout-protocol';
import { percentile } from './support/load';

const args = process.argv.slice(2);
const option = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const CLIENTS = option('--clients', '1000,5000').split(',').map(Number);
const CHANGES = Number(option('--changes', '50'));
const INTERVAL_MS = Number(option('--interval', '200'));
const LOADERS = Number(option('--loaders', '4'));
const WARM_UP = 5;
/** Lets the driver run a full GC in the server (SIGUSR2) before reading its memory. */
const GC_ON_SIGNAL = ['--expose-gc', '--import', './bench/support/gc-on-signal.mjs'];
/** Handshakes in flight per load process: a burst of thousands overflows the accept backlog. */
const CONNECT_CONCURRENCY = 64;

type Target = 'taskwire' | 'bare';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function request(base: string, method: string, urlPath: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(urlPath, base);
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          (res.statusCode ?? 0) < 300
            ? resolve(text)
            : reject(new Error(`${method} ${urlPath}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---- the server process: memory, CPU time, file descriptors from /proc ----

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Resident memory after a full GC (garbage left by start-up would otherwise swamp the difference). */
async function retainedRssKiB(pid: number): Promise<number> {
  process.kill(pid, 'SIGUSR2');
  await sleep(1000);
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1]);
}

function cpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function openFilesLimit(pid: number): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return m?.[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m?.[1]);
}

// ---- the driver's own client: records the exact bytes of each update Taskwire sends ----

const MARKERS = new RegExp(`${MARKER}(\\d+)~`, 'g');

/**
 * The bytes Taskwire sent for change `i`. When the hub coalesced it with another change, the other's
 * marker is defaced (same length), so the baseline delivers each change once, in the same bytes.
 */
function replayable(recorded: string[], i: number): string {
  const message = recorded[i];
  if (message === undefined) throw new Error(`Taskwire never sent change ${i}; no bytes to replay`);
  return message.replace(MARKERS, (m, n: string) => (Number(n) === i ? m : m.replace(MARKER, 'fanout-')));
}

function recordUpdates(url: string): Promise<{ messages: string[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const messages: string[] = [];
    let buffer = '';
    const req = http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end + 2);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: update')) {
            for (const m of block.matchAll(MARKERS)) messages[Number(m[1])] ??= block;
          }
          end = buffer.indexOf('\n\n');
        }
      });
      resolve({ messages, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

// ---- load-generator processes ----

class Loader {
  readonly proc: ChildProcess;
  readonly #waiting = new Map<string, (m: FromClients) => void>();

  constructor() {
    this.proc = fork(path.join(ROOT, 'bench/support/sse-clients.ts'), [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.proc.on('message', (m: FromClients) => {
      this.#waiting.get(m.type)?.(m);
      this.#waiting.delete(m.type);
    });
  }

  ask<T extends FromClients['type']>(
    message: ToClients,
    reply: T,
  ): Promise<Extract<FromClients, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(reply, resolve as (m: FromClients) => void);
      this.proc.once('exit', (code) => reject(new Error(`load process exited with ${code}`)));
      this.proc.send(message);
    });
  }

  exit(): Promise<void> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      this.proc.once('exit', () => resolve());
      this.proc.send({ cmd: 'exit' } satisfies ToClients);
    });
  }
}

/** Checks that a stamp taken in a load process falls between two of the driver's (same clock). */
async function clockCheck(loader: Loader): Promise<number> {
  const before = monotonicMs();
  const { now } = await loader.ask({ cmd: 'clock' }, 'clock');
  const after = monotonicMs();
  if (now < before || now > after) throw new Error(`clocks disagree: ${before} ≤ ${now} ≤ ${after} fails`);
  return after - before;
}

// ---- one run: one target, N clients ----

interface Result {
  target: Target;
  clients: number;
  open: number;
  changes: number;
  connectSeconds: number;
  p50: number;
  p99: number;
  max: number;
  fromResponseP50: number;
  fromResponseP99: number;
  changeRequestP50: number;
  allReceivedShare: number;
  dropped: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  kibPerConnection: number;
  serverCpuMsPerChange: number;
}

async function run(target: Target, n: number, recorded: string[]): Promise<Result> {
  const server =
    target === 'taskwire'
      ? new ServerProcess({ DATA_DIR: tempDir('tw-fanout-'), LOG_LEVEL: 'warn' }, undefined, GC_ON_SIGNAL)
      : new ServerProcess(
          { PORT: String(await freePort()) },
          'bench/support/sse-bare-server.ts',
          GC_ON_SIGNAL,
        );
  await server.start(120_000);
  const pid = server.proc!.pid!;
  const loaders: Loader[] = [];
  let recorder: Awaited<ReturnType<typeof recordUpdates>> | undefined;
  try {
    const limit = openFilesLimit(pid);
    if (limit < n + 256) {
      throw new Error(`the server may open ${limit} files; ${n} clients need ~${n + 256}: raise ulimit -n`);
    }
    const streamUrl = server.base + (target === 'taskwire' ? '/api/stream' : '/stream');
    const create = async (title: string): Promise<string> =>
      JSON.parse(await request(server.base, 'POST', '/api/tasks', JSON.stringify({ title }))).id;
    // Every task gets at most one measured change: the hub coalesces changes of one task that meet
    // in its window (only the newest matters to a client), which would hide a marker.
    const renamed: string[] = [];
    const change = async (i: number) => {
      if (target === 'bare') await request(server.base, 'POST', '/publish', replayable(recorded, i));
      else if (i % 2 === 0) await create(markerTitle(i));
      else {
        const body = JSON.stringify({ title: markerTitle(i) });
        await request(server.base, 'PATCH', `/api/tasks/${renamed[(i - 1) / 2]}`, body);
      }
    };
    if (target === 'taskwire') {
      recorder = await recordUpdates(streamUrl);
      for (let i = 0; i < WARM_UP; i++) await create(`warm-up ${i}`);
      for (let i = 1; i < CHANGES; i += 2) renamed.push(await create(`to be renamed ${i}`));
    } else {
      for (let i = 0; i < WARM_UP; i++) await change(i);
    }
    await sleep(500);

    const rssBefore = await retainedRssKiB(pid);
    for (let i = 0; i < LOADERS; i++) loaders.push(new Loader());
    await Promise.all(loaders.map(clockCheck));
    const t0 = monotonicMs();
    const connected = await Promise.all(
      loaders.map((l, i) =>
        l.ask(
          {
            cmd: 'connect',
            url: streamUrl,
            count: Math.floor(n / LOADERS) + (i < n % LOADERS ? 1 : 0),
            changes: CHANGES,
            concurrency: CONNECT_CONCURRENCY,
          },
          'connected',
        ),
      ),
    );
    const connectSeconds = (monotonicMs() - t0) / 1000;
    const open = connected.reduce((s, c) => s + c.open, 0);
    const rssAfter = await retainedRssKiB(pid);

    const started: number[] = [];
    const answered: number[] = [];
    const cpuBefore = cpuMs(pid);
    const first = monotonicMs() + 100;
    for (let i = 0; i < CHANGES; i++) {
      await sleep(first + i * INTERVAL_MS - monotonicMs());
      started[i] = monotonicMs();
      await change(i);
      answered[i] = monotonicMs();
    }
    const collected = await Promise.all(
      loaders.map((l) => l.ask({ cmd: 'collect', waitMs: 10_000 }, 'collected')),
    );
    const cpuAfter = cpuMs(pid);

    const latencies: number[] = [];
    const fromResponse: number[] = [];
    let complete = 0;
    for (const { received, clients } of collected) {
      for (let c = 0; c < clients; c++) {
        let got = 0;
        for (let i = 0; i < CHANGES; i++) {
          const at = received[c * CHANGES + i]!;
          if (Number.isNaN(at)) continue;
          got++;
          latencies.push(at - started[i]!);
          fromResponse.push(at - answered[i]!);
        }
        if (got === CHANGES) complete++;
      }
    }
    latencies.sort((a, b) => a - b);
    fromResponse.sort((a, b) => a - b);
    const requestTimes = started.map((s, i) => answered[i]! - s).sort((a, b) => a - b);
    if (recorder) recorded.splice(0, recorded.length, ...recorder.messages);
    return {
      target,
      clients: n,
      open,
      changes: CHANGES,
      connectSeconds: round(connectSeconds),
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? Number.NaN),
      fromResponseP50: round(percentile(fromResponse, 50)),
      fromResponseP99: round(percentile(fromResponse, 99)),
      changeRequestP50: round(percentile(requestTimes, 50)),
      allReceivedShare: round(complete / n, 4),
      dropped: collected.reduce((s, c) => s + c.dropped, 0),
      rssBeforeMiB: round(rssBefore / 1024),
      rssAfterMiB: round(rssAfter / 1024),
      kibPerConnection: round((rssAfter - rssBefore) / n),
      serverCpuMsPerChange: round((cpuAfter - cpuBefore) / CHANGES),
    };
  } finally {
    recorder?.close();
    await Promise.all(loaders.map((l) => l.exit()));
    await server.stop();
  }
}

async function main() {
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `${CHANGES} changes ${INTERVAL_MS} ms apart, ${LOADERS} load processes, load average ${os.loadavg()[0]!.toFixed(1)}, ${new Date().toISOString()}`,
  );
  const results: Result[] = [];
  for (const n of CLIENTS) {
    const recorded: string[] = [];
    for (const target of ['taskwire', 'bare'] as const) {
      const r = await run(target, n, recorded);
      results.push(r);
      console.log(JSON.stringify(r));
    }
  }
  console.log(
    '\n| target | clients | connected in (s) | p50 ms | p99 ms | max ms | p99 from response ms | got every change | KiB / connection | server CPU ms / change | p99 vs bare |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const bare = results.find((b) => b.target === 'bare' && b.clients === r.clients);
    const ratio = bare && r.target !== 'bare' ? `${(r.p99 / bare.p99).toFixed(1)}×` : '—';
    const name = r.target === 'taskwire' ? 'Taskwire /api/stream' : 'bare Node http SSE';
    console.log(
      `| ${name} | ${r.clients} | ${r.connectSeconds} | ${r.p50} | ${r.p99} | ${r.max} | ${r.fromResponseP99} | ${round(r.allReceivedShare * 100, 2)} % | ${r.kibPerConnection} | ${r.serverCpuMsPerChange} | ${ratio} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
