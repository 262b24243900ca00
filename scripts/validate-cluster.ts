/**
 * `npm run validate:cluster`: what a cluster's admission would say about the manifests, without a cluster.
 *
 * Renders the chart for every values file and eventing mode, takes the plain manifests under knative/
 * and dapr/, and runs over all of them
 *   - kubeconform -strict against the vendored schemas (deploy/schemas/), as the deploy tests do;
 *   - Knative's own webhooks' logic: tools/knative-validate, built from knative.dev/serving and
 *     knative.dev/eventing, defaults and validates every Service, DomainMapping, Broker, Trigger,
 *     PingSource (its schedule parsed as eventing parses it) and SinkBinding under Knative's default
 *     configuration (e.g. the 600 s maximum revision timeout).
 * Prints each problem with its manifest, resource and field, then a one-line summary last; exits 1 on
 * any problem. Extra manifest files given as arguments are validated too.
 *
 * The validator is built once with Go (`go` on PATH or /usr/local/go/bin) and cached, keyed on its
 * go.mod, go.sum and sources, in ~/.cache/taskwire/bin ($XDG_CACHE_HOME is honoured).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KUBE_VERSION, run, SCHEMA_LOCATIONS, tool } from '../test/deploy/tools';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHART = 'helm/taskwire';
const VALIDATOR_DIR = 'tools/knative-validate';
/** The namespace the chart is installed into (DEPLOY.md); the API server stamps it on every object. */
export const NAMESPACE = 'taskwire';

/** The chart's values files, each rendered on its own over the chart's defaults. */
export const VALUES_FILES = ['values.yaml', 'values-minikube.yaml', 'values-cloud.yaml'];

/**
 * The eventing modes the chart supports (values.yaml `eventing.mode`), with the Dapr subscription
 * styles (`dapr.subscriptions`) that change what dapr mode renders.
 */
export const MODES: { name: string; set: string[] }[] = [
  { name: 'eventing.mode=knative', set: ['eventing.mode=knative'] },
  { name: 'eventing.mode=dapr', set: ['eventing.mode=dapr', 'dapr.subscriptions=programmatic'] },
  {
    name: 'eventing.mode=dapr, dapr.subscriptions=declarative',
    set: ['eventing.mode=dapr', 'dapr.subscriptions=declarative'],
  },
];

export interface Render {
  label: string;
  args: string[];
}

export const RENDERS: Render[] = VALUES_FILES.flatMap((file) =>
  MODES.map((mode) => ({
    label: `helm ${file} (${mode.name})`,
    args: ['-f', `${CHART}/${file}`, ...mode.set.flatMap((s) => ['--set', s])],
  })),
);

/** The plain manifests: every YAML file under knative/ and dapr/ but Dapr's multi-app run file. */
export function plainManifests(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(path.join(dir, e.name))
        : e.name.endsWith('.yaml') || e.name.endsWith('.yml')
          ? [path.join(dir, e.name)]
          : [],
    );
  return [...walk('knative'), ...walk('dapr').filter((f) => f !== path.join('dapr', 'dapr.yaml'))].sort();
}

export interface Problem {
  /** The render or file the resource comes from (and the chart template, for a render). */
  manifest: string;
  /** Kind/name, or "" when the problem is with the manifest as a whole. */
  resource: string;
  field: string;
  message: string;
  /** Who found it: helm, kubeconform, or Knative's serving or eventing webhook. */
  by: string;
}

export function formatProblem(p: Problem): string {
  const what = [p.manifest, p.resource, p.field].filter(Boolean).join(': ');
  return `${what}: ${p.message} [${p.by}]`;
}

// ---------------------------------------------------------------------------------------------------
// The Knative validator: built with Go once, cached outside the repository.

function say(line: string): void {
  process.stderr.write(`validate:cluster: ${line}\n`);
}

function findGo(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined;
}

/** The cache key: everything the binary is built from. */
function sourceHash(): string {
  const dir = path.join(ROOT, VALIDATOR_DIR);
  const files = readdirSync(dir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  const h = createHash('sha256');
  for (const f of files)
    h.update(f)
      .update('\0')
      .update(readFileSync(path.join(dir, f)))
      .update('\0');
  return h.digest('hex').slice(0, 16);
}

export function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'taskwire', 'bin');
}

/** The path of the validator built from the sources in tools/knative-validate, building it if needed. */
export async function knativeValidator(): Promise<string> {
  const dir = cacheDir();
  const bin = path.join(dir, `knative-validate-${sourceHash()}`);
  if (existsSync(bin)) {
    // Marks it used, so that pruning (below) keeps what any worktree on this machine still runs.
    const now = new Date();
    utimesSync(bin, now, now);
    return bin;
  }
  const go = findGo();
  if (!go) {
    throw new Error(
      `Go is needed to build ${VALIDATOR_DIR} (https://go.dev/doc/install; CI has it in /usr/local/go/bin)`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  say(`building ${VALIDATOR_DIR} (knative.dev/serving, knative.dev/eventing) into ${bin}; once per go.sum`);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const packages = { built: 0 };
  const log: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(
      go,
      ['build', '-mod=readonly', '-trimpath', '-buildvcs=false', '-v', '-o', tmp, '.'],
      {
        cwd: path.join(ROOT, VALIDATOR_DIR),
        env: { ...process.env, CGO_ENABLED: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // Our stdout carries the problems and the summary line; everything go says goes to stderr.
    child.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        // `go build -v` names each package as it compiles it; anything else is go talking.
        if (/^[\w.-]+(\/[\w.~-]+)*$/.test(line)) packages.built++;
        else if (line.trim()) say(line.startsWith('go: ') ? line : `go: ${line}`);
      }
    });
    const beat = setInterval(
      () => say(`still building: ${packages.built} packages in ${seconds()} s`),
      20_000,
    );
    child.on('error', (e) => {
      clearInterval(beat);
      reject(e);
    });
    child.on('close', (status) => {
      clearInterval(beat);
      if (partial) log.push(partial);
      resolve(status ?? 1);
    });
  });
  if (code !== 0 || !existsSync(tmp)) {
    rmSync(tmp, { force: true });
    throw new Error(
      `building ${VALIDATOR_DIR} failed (go build exit ${code}):\n${log.slice(-40).join('\n')}`,
    );
  }
  renameSync(tmp, bin);
  // Builds of other sources (another branch's go.sum) that nothing has run for a fortnight go.
  const stale = Date.now() - 14 * 24 * 3600_000;
  for (const f of readdirSync(dir)) {
    const other = path.join(dir, f);
    if (f.startsWith('knative-validate-') && other !== bin && statSync(other).mtimeMs < stale)
      rmSync(other, { force: true });
  }
  say(`built ${packages.built} packages in ${seconds()} s`);
  return bin;
}

interface ValidatorProblem {
  field: string;
  message: string;
  details?: string;
}

export interface ValidatorResult {
  file: string;
  document: number;
  source?: string;
  apiVersion?: string;
  kind?: string;
  name?: string;
  webhook?: string;
  checked: boolean;
  errors: ValidatorProblem[];
  warnings: ValidatorProblem[];
}

/** Runs the Knative validator over manifest files; one result per (non-empty) YAML document. */
export function runKnativeValidator(bin: string, files: string[]): ValidatorResult[] {
  const r = spawnSync(bin, ['-json', '-namespace', NAMESPACE, ...files], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`knative-validate failed (exit ${r.status}): ${r.stderr}`);
  }
  return (JSON.parse(r.stdout) as { results: ValidatorResult[] }).results;
}

// ---------------------------------------------------------------------------------------------------
// kubeconform, as test/deploy does.

interface KubeconformResource {
  filename: string;
  kind: string;
  name: string;
  status: string;
  msg: string;
}

function kubeconformProblems(files: string[], label: (file: string) => string): Problem[] {
  const args = ['-strict', '-summary', '-output', 'json', '-kubernetes-version', KUBE_VERSION];
  for (const loc of SCHEMA_LOCATIONS) args.push('-schema-location', loc);
  const r = run(tool('kubeconform'), [...args, ...files]);
  let out: { resources?: KubeconformResource[] };
  try {
    out = JSON.parse(r.stdout || '{}');
  } catch {
    out = {};
  }
  const problems = (out.resources ?? [])
    .filter((x) => x.status !== 'statusValid')
    .map((x) => {
      const at = /at '([^']*)'/.exec(x.msg)?.[1];
      return {
        manifest: label(x.filename),
        resource: x.kind ? `${x.kind}/${x.name}` : '',
        field: at ? at.replace(/^\//, '').replaceAll('/', '.') : '',
        message: `${x.status.replace(/^status/, '').toLowerCase()}: ${x.msg}`,
        by: 'kubeconform',
      };
    });
  if (r.status !== 0 && problems.length === 0) {
    problems.push({
      manifest: '',
      resource: '',
      field: '',
      message: r.stderr || r.stdout,
      by: 'kubeconform',
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------

export interface ClusterValidation {
  renders: number;
  files: number;
  resources: number;
  /** Resources Knative's webhooks admitted or rejected (the rest are not Knative's). */
  knative: number;
  problems: Problem[];
  warnings: Problem[];
}

function helmTemplate(args: string[]): { text: string; error?: string } {
  const r = run(tool('helm'), [
    'template',
    'taskwire',
    CHART,
    '--namespace',
    NAMESPACE,
    '--kube-version',
    KUBE_VERSION,
    ...args,
  ]);
  return r.status === 0 ? { text: r.stdout } : { text: '', error: r.stderr.trim() || `exit ${r.status}` };
}

/** Renders, validates, and collects every problem; `extraFiles` are validated beside the repository's. */
export async function validateCluster(extraFiles: string[] = []): Promise<ClusterValidation> {
  const bin = await knativeValidator();
  const work = mkdtempSync(path.join(tmpdir(), 'tw-validate-cluster-'));
  try {
    const labels = new Map<string, string>();
    const problems: Problem[] = [];
    const files: string[] = [];
    RENDERS.forEach((render, i) => {
      const { text, error } = helmTemplate(render.args);
      if (error !== undefined) {
        problems.push({
          manifest: render.label,
          resource: '',
          field: '',
          message: error,
          by: 'helm template',
        });
        return;
      }
      const file = path.join(work, `render-${i}.yaml`);
      writeFileSync(file, text);
      labels.set(file, render.label);
      files.push(file);
    });
    const plain = plainManifests();
    for (const f of plain) labels.set(f, f);
    // Extra files are named as given, relative to where the command ran.
    const extra = extraFiles.map((f) => {
      const abs = path.resolve(f);
      labels.set(abs, f);
      return abs;
    });
    files.push(...plain, ...extra);
    const label = (file: string) => labels.get(file) ?? file;

    problems.push(...kubeconformProblems(files, label));

    const results = runKnativeValidator(bin, files);
    const warnings: Problem[] = [];
    for (const r of results) {
      const manifest = r.source ? `${label(r.file)} ${r.source}` : label(r.file);
      const resource = r.kind ? `${r.kind}/${r.name ?? ''}` : `document ${r.document}`;
      const by = r.webhook ? `knative ${r.webhook} webhook` : 'knative-validate';
      const toProblem = (p: ValidatorProblem): Problem => ({
        manifest,
        resource,
        field: p.field,
        message: p.details ? `${p.message} (${p.details})` : p.message,
        by,
      });
      problems.push(...r.errors.map(toProblem));
      warnings.push(...r.warnings.map(toProblem));
    }
    return {
      renders: RENDERS.length,
      files: plain.length + extra.length,
      resources: results.length,
      knative: results.filter((r) => r.checked).length,
      problems,
      warnings,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function summary(v: ClusterValidation): string {
  return (
    `validate:cluster: ${v.renders} renders + ${v.files} manifest files, ${v.resources} resources ` +
    `(${v.knative} through Knative's webhooks), ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}`
  );
}

async function main(): Promise<number> {
  const extra = process.argv.slice(2);
  let v: ClusterValidation;
  try {
    v = await validateCluster(extra);
  } catch (e) {
    process.stdout.write(`validate:cluster: ${(e as Error).message}\n`);
    process.stdout.write('validate:cluster: could not validate: 1 problem\n');
    return 1;
  }
  for (const w of v.warnings) process.stdout.write(`warning: ${formatProblem(w)}\n`);
  for (const p of v.problems) process.stdout.write(`${formatProblem(p)}\n`);
  process.stdout.write(`${summary(v)}\n`);
  return v.problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stdout.write(`validate:cluster: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
