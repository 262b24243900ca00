/**
 * Load from wrk (Debian's `wrk`, a C load generator: far less CPU per request than a Node client on
 * the same two cores): `connections` keep-alive connections on one thread, closed loop, each POST
 * with a body of its own. wrk's Lua `done` hook prints the figures as JSON. With `timestamped`, each
 * request's token starts with the wall-clock time wrk wrote it at (ms since the epoch, LuaJIT's FFI
 * gettimeofday): what bench/multi.ts measures request → audit applied from.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../test/support/server-process';

export interface WrkResult {
  requests: number;
  /** Connection errors, timeouts and answers other than 2xx/3xx. */
  errors: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

const SCRIPT = `
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
local n = 0
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
local now = nil
if STAMP then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_usec; } tw_timeval;
    int gettimeofday(tw_timeval *tv, void *tz);
  ]]
  local tv = ffi.new("tw_timeval")
  now = function()
    ffi.C.gettimeofday(tv, nil)
    return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
  end
end
request = function()
  n = n + 1
  local token = prefix .. "-" .. n
  if now then token = string.format("%.3f %s", now(), token) end
  return wrk.format(nil, nil, nil, string.format(BODY, token))
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRK_JSON {"requests":%d,"micros":%d,"errors":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
`;

/** Runs wrk against `url`; `body` is a JSON template where `%s` becomes a unique token. */
export function runWrk(opts: {
  url: string;
  body: string;
  connections: number;
  seconds: number;
  timeoutSeconds?: number;
  /** The token starts with the time the request was written (ms since the epoch) and a space. */
  timestamped?: boolean;
}): Promise<WrkResult> {
  const dir = tempDir('tw-wrk-');
  const script = path.join(dir, 'post.lua');
  writeFileSync(
    script,
    `BODY = ${JSON.stringify(opts.body)}\nSTAMP = ${opts.timestamped ? 'true' : 'false'}\n${SCRIPT}`,
  );
  return new Promise((resolve, reject) => {
    execFile(
      'wrk',
      [
        '-t1',
        `-c${opts.connections}`,
        `-d${opts.seconds}s`,
        `--timeout`,
        `${opts.timeoutSeconds ?? 10}s`,
        '-s',
        script,
        opts.url,
      ],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          const hint =
            (err as NodeJS.ErrnoException).code === 'ENOENT' ? ' (install it: apt-get install wrk)' : '';
          return reject(new Error(`wrk failed${hint}: ${err.message}\n${stderr}`));
        }
        const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '));
        if (!line) return reject(new Error(`wrk printed no figures:\n${stdout}`));
        const r = JSON.parse(line.slice('WRK_JSON '.length)) as Record<string, number>;
        const ms = (us: number) => Math.round(us / 100) / 10;
        const seconds = r.micros! / 1e6;
        resolve({
          requests: r.requests!,
          errors: r.errors!,
          perSecond: Math.round((r.requests! - r.errors!) / seconds),
          latencyMs: { p50: ms(r.p50!), p95: ms(r.p95!), p99: ms(r.p99!), max: ms(r.max!) },
        });
      },
    );
  });
}
