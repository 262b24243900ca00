/**
 * The multi-process runtime (`npm run start:kafka`: every function its own process, a gateway, a
 * real Kafka) against the embedded one (`npm start`), both on the same PostgreSQL, in the same run,
 * measured with wrk: task creations through `POST /api/tasks`, each with a unique body.
 *
 *   node --import tsx bench/multi.ts [--seconds 15] [--connections 50] [--idle-seconds 10]
 *                                    [--only embedded|multi] [--functions id,id] [--profile dir]
 *                                    [--node-args "--max-semi-space-size=16"]
 *
 * Per runtime: start → ready; each process's RSS and CPU while idle (before the load); creations/s
 * and HTTP latency (wrk); the latency from a request being sent (a timestamp in its title, taken by
 * wrk as it writes the request) to audit-sink applying its `task.created`
 * (`processed_events.processed_at`), and whether every acknowledged task got audited; each process's
 * CPU per creation under load and RSS after it. Then the ratios issue 11 sets aims on. `--profile dir`
 * starts every process with `--cpu-prof` (writes .cpuprofile files there on a clean stop);
 * `--functions create-task,audit-sink` runs only those functions in the multi-process runtime.
 *
 * Needs wrk (Debian: `apt-get install wrk`), PostgreSQL and Kafka: scripts/postgres.sh and
 * scripts/kafka.sh are started unless TEST_DATABASE_URL / KAFKA_BROKERS point elsewhere. Measured,
 * never asserted; on a shared machine compare ratios within one run.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { kafkaNamespace, MultiProcess } from '../test/kafka/support';
import { freshDatabase } from '../test/support/harness';
import { ServerProcess } from '../test/support/server-process';
import { percentile } from './support/load';
import { postgresAndKafka } from './support/services';
import { runWrk, type WrkResult } from './support/wrk';

const args = process.argv.slice(2);
const arg = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const seconds = Number(arg('--seconds')) || 15;
const connections = Number(arg('--connections')) || 50;
const idleSeconds = Number(arg('--idle-seconds')) || 10;
const only = arg('--only');
const functions = arg('--functions');
const profileDir = arg('--profile') ? path.resolve(arg('--profile')!) : undefined;
/** Node arguments of every process of the multi-process runtime (the supervisor's --node-args). */
const nodeArgs = arg('--node-args');
const TICK_HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

// ---------------------------------------------------------------- processes

interface Proc {
  name: string;
  pid: number;
  /** Where its `/metrics` answers (function processes). */
  url?: string;
}

/** The Kafka fetches a process's consumers sent so far (its `taskwire_kafka_fetches_total`), or undefined. */
async function kafkaFetches(p: Proc): Promise<number | undefined> {
  if (!p.url) return undefined;
  try {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    let sum: number | undefined;
    for (const m of text.matchAll(/^taskwire_kafka_fetches_total\{[^}]*\} (\S+)$/gm))
      sum = (sum ?? 0) + Number(m[1]);
    return sum;
  } catch {
    return undefined;
  }
}

/**
 * The services on this machine both runtimes share, by their command lines: the Kafka broker's JVM
 * and every PostgreSQL process (the postmaster and its backends).
 */
function servicePids(): { name: string; pids: number[] }[] {
  const kafka: number[] = [];
  const pg: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('kafka.Kafka')) kafka.push(Number(entry));
      else if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pg.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return [
    { name: 'Kafka broker', pids: kafka },
    { name: 'PostgreSQL', pids: pg },
  ];
}

/** CPU time (user + system) of a process in ms, or undefined once it is gone. */
function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICK_HZ;
  } catch {
    return undefined;
  }
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU each process used while `during` ran, in ms. */
async function cpuDuring(procs: Proc[], during: () => Promise<unknown>): Promise<Map<string, number>> {
  const before = new Map(procs.map((p) => [p.name, cpuMs(p.pid) ?? 0]));
  await during();
  return new Map(procs.map((p) => [p.name, (cpuMs(p.pid) ?? 0) - before.get(p.name)!]));
}

// ---------------------------------------------------------------- wrk

/** A task creation; wrk puts "<ms when sent> <unique>" after the tag, so the title dates the request. */
const body = (tag: string) => `{"title":"${tag} %s","priority":"medium","tags":["bench"]}`;
/** Requests answered 2xx/3xx: the tasks that must all be audited. */
const acknowledged = (r: WrkResult) => r.requests - r.errors;
const wrk = (base: string, tag: string, secs: number, conns: number) =>
  runWrk({ url: `${base}/api/tasks`, body: body(tag), connections: conns, seconds: secs, timestamped: true });

// ---------------------------------------------------------------- one runtime

interface Report {
  runtime: string;
  startMs: number;
  idle: { name: string; rssMb: number; cpuPercent: number }[];
  load: WrkResult;
  e2e: { p50: number; p99: number; audited: number; drainedMs: number };
  underLoad: {
    name: string;
    rssMb: number;
    cpuMsPerCreation: number;
    cpuPercent: number;
    /** Kafka fetches its consumers sent per second of load. */
    fetchesPerSecond?: number;
  }[];
  /** CPU of the shared services under the load, the same measure as `underLoad`. */
  services: { name: string; cpuMsPerCreation: number; cpuPercent: number }[];
}

async function measure(
  runtime: string,
  base: string,
  databaseUrl: string,
  startMs: number,
  procs: () => Proc[],
): Promise<Report> {
  const db = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  try {
    // Idle: what the processes cost while nobody uses them (after the start-up has settled).
    await new Promise((r) => setTimeout(r, 3000));
    const idleCpu = await cpuDuring(procs(), () => new Promise((r) => setTimeout(r, idleSeconds * 1000)));
    const idle = procs().map((p) => ({
      name: p.name,
      rssMb: rssMb(p.pid) ?? Number.NaN,
      cpuPercent: Math.round((idleCpu.get(p.name)! / (idleSeconds * 1000)) * 1000) / 10,
    }));
    // Warm-up (JIT, pools, connections), then the measured run.
    await wrk(base, `warm-${randomUUID().slice(0, 8)}`, 3, connections);
    const tag = `mb-${randomUUID().slice(0, 8)}`;
    let load!: WrkResult;
    const loadStarted = Date.now();
    const services = servicePids();
    const serviceCpu = (): Map<string, number> =>
      new Map(services.map((s) => [s.name, s.pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0)]));
    const servicesBefore = serviceCpu();
    const fetchesBefore = await Promise.all(procs().map(kafkaFetches));
    const loadCpu = await cpuDuring(procs(), async () => {
      load = await wrk(base, tag, seconds, connections);
    });
    const servicesAfter = serviceCpu();
    const fetchesAfter = await Promise.all(procs().map(kafkaFetches));
    const loadEnded = Date.now();
    // Every acknowledged task is audited; wait for the last ones (the drain time says how far behind).
    const deadline = Date.now() + 180_000;
    let lags: { lag: number; at: number }[] = [];
    for (;;) {
      lags = (
        await db<{ lag: number; at: number }[]>`
          select extract(epoch from p.processed_at) * 1000 - split_part(a.details->>'title', ' ', 2)::float8 as lag,
                 extract(epoch from p.processed_at) * 1000 as at
          from audit_log a
          join processed_events p on p.consumer = 'audit-sink' and p.source = a.event_source and p.event_id = a.event_id
          where a.action = 'created' and a.details->>'title' like ${`${tag} %`}`
      ).map((x) => ({ lag: Number(x.lag), at: Number(x.at) }));
      if (lags.length >= acknowledged(load) || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const sorted = lags.map((x) => x.lag).sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    const secondsLoaded = (loadEnded - loadStarted) / 1000;
    /** CPU ms used under the load, per acknowledged creation and as % of one core. */
    const loadShare = (usedMs: number) => ({
      cpuMsPerCreation: Math.round((usedMs / Math.max(1, acknowledged(load))) * 100) / 100,
      cpuPercent: Math.round(usedMs / secondsLoaded / 10),
    });
    return {
      runtime,
      startMs,
      idle,
      load,
      e2e: {
        p50: round(percentile(sorted, 50)),
        p99: round(percentile(sorted, 99)),
        audited: lags.length,
        drainedMs: Math.max(0, Math.round(Math.max(...lags.map((x) => x.at)) - loadEnded)),
      },
      underLoad: procs().map((p, i) => {
        const fetches = (fetchesAfter[i] ?? Number.NaN) - (fetchesBefore[i] ?? Number.NaN);
        return {
          name: p.name,
          rssMb: rssMb(p.pid) ?? Number.NaN,
          ...loadShare(loadCpu.get(p.name)!),
          ...(Number.isFinite(fetches) ? { fetchesPerSecond: Math.round(fetches / secondsLoaded) } : {}),
        };
      }),
      services: services.map(({ name }) => ({
        name,
        ...loadShare(servicesAfter.get(name)! - servicesBefore.get(name)!),
      })),
    };
  } finally {
    await db.end({ timeout: 5 });
  }
}

function print(r: Report): void {
  console.log(`\n## ${r.runtime}`);
  console.log(
    `start → ready ${r.startMs} ms; ${r.load.perSecond} creations/s, HTTP p50 ${r.load.latencyMs.p50} ms, p95 ${r.load.latencyMs.p95} ms, ` +
      `p99 ${r.load.latencyMs.p99} ms, max ${r.load.latencyMs.max} ms, ${r.load.errors} errors; request → audit applied p50 ${r.e2e.p50} ms, ` +
      `p99 ${r.e2e.p99} ms, ${r.e2e.audited}/${acknowledged(r.load)} audited, the last ${r.e2e.drainedMs} ms after the load`,
  );
  console.log(
    '| process | RSS idle MB | CPU idle % | RSS after load MB | CPU under load % | CPU ms per creation | Kafka fetches/s |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const p of r.idle) {
    const l = r.underLoad.find((x) => x.name === p.name);
    console.log(
      `| ${p.name} | ${p.rssMb} | ${p.cpuPercent} | ${l?.rssMb ?? ''} | ${l?.cpuPercent ?? ''} | ${l?.cpuMsPerCreation ?? ''} | ${l?.fetchesPerSecond ?? ''} |`,
    );
  }
  for (const s of r.services) {
    console.log(`| _${s.name}_ (service) | | | | ${s.cpuPercent} | ${s.cpuMsPerCreation} | |`);
  }
}

async function main() {
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}; wrk -t1 -c${connections} -d${seconds}s`,
  );
  const { pg, brokers } = postgresAndKafka();
  const quiet = { LOG_LEVEL: 'error' };
  const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const reports: Report[] = [];

  if (!only || only === 'embedded') {
    const databaseUrl = await freshDatabase(pg);
    const server = new ServerProcess({ ...quiet, DATABASE_URL: databaseUrl }, undefined, profileArgs);
    const t0 = performance.now();
    await server.start(180_000);
    const startMs = Math.round(performance.now() - t0);
    try {
      const r = await measure('embedded (npm start), PostgreSQL', server.base, databaseUrl, startMs, () => [
        { name: 'embedded', pid: server.proc!.pid! },
      ]);
      reports.push(r);
      print(r);
    } finally {
      await server.stop();
    }
  }
  if (!only || only === 'multi') {
    const ns = kafkaNamespace(brokers);
    const databaseUrl = await freshDatabase(pg);
    const multi = new MultiProcess(
      {
        ...quiet,
        ...ns.env,
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: brokers,
        // The defaults of `npm run start:kafka` (MultiProcess shortens a few for tests: put them back).
        OUTBOX_POLL_MS: '1000',
        RETRY_DELAY_SCALE: '1',
        KAFKA_SESSION_TIMEOUT_MS: '30000',
      },
      [
        ...(functions ? ['--only', functions] : []),
        ...(profileDir || nodeArgs
          ? [`--node-args=${[...profileArgs, nodeArgs ?? ''].join(' ').trim()}`]
          : []),
      ],
    );
    const t0 = performance.now();
    await multi.start(600_000);
    const startMs = Math.round(performance.now() - t0);
    const supervisorSaid = multi
      .logOf('supervisor')
      .find((e) => String(e.message).includes('is running'))?.startupMs;
    try {
      const procs = () => [
        { name: 'supervisor', pid: multi.proc!.pid! },
        ...multi
          .state()!
          .processes.filter((p) => p.pid)
          .map((p) => ({ name: p.name, pid: p.pid!, url: p.url })),
      ];
      const r = await measure(
        `multi-process over Kafka (npm run start:kafka), supervisor's own start-up ${supervisorSaid} ms`,
        multi.base,
        databaseUrl,
        startMs,
        procs,
      );
      reports.push(r);
      print(r);
    } finally {
      await multi.stop();
      await ns.cleanup();
    }
  }

  const [embedded, multi] = [
    reports.find((r) => r.runtime.startsWith('embedded')),
    reports.find((r) => r.runtime.startsWith('multi')),
  ];
  if (embedded && multi) {
    const fns = multi.idle.filter((p) => p.name !== 'supervisor' && p.name !== 'gateway');
    console.log('\n## issue 11 aims, multi-process against embedded (same run)');
    console.log('| aim | measured |');
    console.log('|---|---:|');
    console.log(
      `| creations/s ≥ 50 % of embedded | ${Math.round((multi.load.perSecond / embedded.load.perSecond) * 100)} % (${multi.load.perSecond} / ${embedded.load.perSecond}) |`,
    );
    console.log(
      `| HTTP p50 ≤ 2× embedded | ${(multi.load.latencyMs.p50 / embedded.load.latencyMs.p50).toFixed(2)}× (${multi.load.latencyMs.p50} / ${embedded.load.latencyMs.p50} ms) |`,
    );
    console.log(
      `| request → audit applied p99 ≤ 500 ms | ${multi.e2e.p99} ms (embedded ${embedded.e2e.p99} ms) |`,
    );
    console.log(`| started and ready ≤ 10 s | ${multi.startMs} ms (embedded ${embedded.startMs} ms) |`);
    console.log(
      `| a function process ≤ 80 MB RSS | idle max ${Math.max(...fns.map((p) => p.rssMb))} MB, after load max ${Math.max(
        ...multi.underLoad.filter((p) => fns.some((f) => f.name === p.name)).map((p) => p.rssMb),
      )} MB |`,
    );
    console.log(
      `| an idle process ~0 % CPU | max ${Math.max(...multi.idle.map((p) => p.cpuPercent))} %, all ${multi.idle.length} together ${
        Math.round(multi.idle.reduce((a, p) => a + p.cpuPercent, 0) * 10) / 10
      } % |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
