/**
 * The command-line tools the deployment tests run: helm, kubeconform, actionlint. They are built by
 * `scripts/install-tools.sh` (go install, cached in $(go env GOPATH)/bin); HELM, KUBECONFORM and
 * ACTIONLINT may point elsewhere. A missing tool fails the test that needs it, never skips it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/server-process';

export { ROOT };

let gobin: string | undefined;
function goBin(): string {
  if (gobin !== undefined) return gobin;
  try {
    const env = execFileSync('go', ['env', 'GOBIN', 'GOPATH'], { encoding: 'utf8' }).split('\n');
    gobin = env[0]?.trim() || path.join(env[1]?.trim() ?? '', 'bin');
  } catch {
    gobin = path.join(process.env.HOME ?? '/root', 'go', 'bin');
  }
  return gobin;
}

export function tool(name: 'helm' | 'kubeconform' | 'actionlint'): string {
  const override = process.env[name.toUpperCase()];
  if (override) return override;
  const built = path.join(goBin(), name);
  if (existsSync(built)) return built;
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  throw new Error(`${name} is not installed: run scripts/install-tools.sh (go install into ${goBin()})`);
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], input?: string): RunResult {
  const r = spawnSync(bin, args, { cwd: ROOT, encoding: 'utf8', input, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const KUBE_VERSION = '1.33.0';

export const SCHEMA_LOCATIONS = [
  `deploy/schemas/kubernetes/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
  'deploy/schemas/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json',
];

/** kubeconform -strict over manifests on stdin or in files; no network, no missing schema allowed. */
export function kubeconform(inputs: { stdin?: string; files?: string[] }): {
  summary: string;
  errors: string[];
} {
  const args = ['-strict', '-summary', '-output', 'json', '-kubernetes-version', KUBE_VERSION];
  for (const loc of SCHEMA_LOCATIONS) args.push('-schema-location', loc);
  args.push(...(inputs.files ?? ['-']));
  const r = run(tool('kubeconform'), args, inputs.stdin);
  const out = JSON.parse(r.stdout || '{}') as {
    resources?: { filename: string; kind: string; name: string; status: string; msg: string }[];
    summary?: { valid: number; invalid: number; errors: number; skipped: number };
  };
  const errors = (out.resources ?? [])
    .filter((x) => x.status !== 'statusValid')
    .map((x) => `${x.filename} ${x.kind}/${x.name}: ${x.status} ${x.msg}`);
  if (r.status !== 0 && errors.length === 0) errors.push(r.stderr || r.stdout);
  return { summary: JSON.stringify(out.summary ?? {}), errors };
}
