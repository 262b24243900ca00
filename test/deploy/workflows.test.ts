import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ServerProcess, tempDir } from '../support/server-process';
import { ROOT, run, tool } from './tools';

// biome-ignore lint/suspicious/noExplicitAny: workflow documents are asserted field by field
type Doc = Record<string, any>;
const workflow = (name: string): Doc =>
  parse(readFileSync(path.join(ROOT, '.github/workflows', name), 'utf8')) as Doc;

/** The chain of `needs` from a job back to the first, e.g. deploy → containerize → … → build. */
function chain(doc: Doc, last: string): string[] {
  const order = [last];
  for (let job = doc.jobs[last]; job?.needs; job = doc.jobs[order.at(-1)!]) {
    const needs = ([] as string[]).concat(job.needs);
    order.push(needs[0]!);
  }
  return order.reverse();
}

const steps = (doc: Doc) => Object.values(doc.jobs as Record<string, Doc>).flatMap((j) => j.steps as Doc[]);

describe('GitHub workflows', () => {
  it('pass actionlint', () => {
    const r = run(tool('actionlint'), ['-color=false']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('ci runs on push and pull request: build → test → security scan → containerize', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(chain(ci, 'containerize')).toEqual(['build', 'test', 'security', 'containerize']);
    const runs = steps(ci)
      .map((s) => s.run ?? '')
      .join('\n');
    for (const cmd of [
      'npm run lint',
      'npm run typecheck',
      'npm test',
      'npm run build:web',
      'npm audit --audit-level=high',
      'scripts/install-tools.sh',
      'scripts/kafka.sh start',
    ]) {
      expect(runs).toContain(cmd);
    }
    const trivy = steps(ci).filter((s) => String(s.uses).startsWith('aquasecurity/trivy-action'));
    expect(trivy.map((s) => s.with['scan-type'] ?? 'image').sort()).toEqual(['config', 'image']);
    for (const s of trivy) expect(s.with).toMatchObject({ severity: 'HIGH,CRITICAL', 'exit-code': '1' });
  });

  it('deploy runs on main: … → containerize → deploy → verify, and rolls back on failure', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on.push.branches).toEqual(['main']);
    expect(chain(deploy, 'verify')).toEqual([
      'build',
      'test',
      'security',
      'containerize',
      'deploy',
      'verify',
    ]);
    const runs = steps(deploy)
      .map((s) => s.run ?? '')
      .join('\n');
    expect(runs).toContain('helm upgrade --install taskwire helm/taskwire');
    expect(runs).toContain('-f helm/taskwire/values-cloud.yaml');
    expect(runs).toContain('wait ksvc --all --for=condition=Ready');
    expect(runs).toMatch(/\/health/);
    expect(runs).toMatch(/-X DELETE/);
    expect(deploy.jobs.rollback.if).toContain('failure()');
    expect(deploy.jobs.rollback.needs).toEqual(['deploy', 'verify']);
    expect(runs).toContain('helm rollback taskwire');
    expect(deploy.jobs.containerize.permissions.packages).toBe('write');
  });

  it('hold no secret values: only references to repository secrets', () => {
    for (const name of ['ci.yml', 'deploy.yml']) {
      const text = readFileSync(path.join(ROOT, '.github/workflows', name), 'utf8');
      expect(text).not.toMatch(/:\/\/[^\s/:@"'$]+:[^\s/@"'$]+@/);
      // The test jobs' throwaway PostgreSQL (TEST_DATABASE_URL) has no password; everything else is a reference.
      for (const m of text.matchAll(/^\s+(\w*PASSWORD|\w*TOKEN|DATABASE_URL|KUBE_CONFIG):\s*(.+)$/gm)) {
        expect(m[2]!.trim(), `${name}: ${m[1]}`).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
      }
    }
  });

  it('pin every action by full commit SHA, with the release it was read from beside it', () => {
    for (const name of ['ci.yml', 'deploy.yml']) {
      const text = readFileSync(path.join(ROOT, '.github/workflows', name), 'utf8');
      const uses = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)[ \t]*(.*)$/gm)];
      expect(uses.length, name).toBe(steps(workflow(name)).filter((s) => s.uses).length);
      for (const [, ref, comment] of uses) {
        if (ref!.startsWith('./')) continue;
        expect(ref, `${name}: ${ref}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
        expect(comment, `${name}: ${ref} needs its version as a comment`).toMatch(/^# v\d+\.\d+\.\d+$/);
      }
      // The same commit is named with the same version everywhere.
      const seen = new Map<string, string>();
      for (const [, ref, comment] of uses) {
        const prior = seen.get(ref!);
        if (prior) expect(comment, ref).toBe(prior);
        seen.set(ref!, comment!);
      }
    }
  });

  it('deploy: TLS Kafka without client certificates, private images, credentials without exec plugins', () => {
    const deploy = workflow('deploy.yml');
    const runs = (job: string) => (deploy.jobs[job].steps as Doc[]).map((s) => s.run ?? '').join('\n');
    // The KafkaBroker asks for user.crt/user.key on protocol=SSL unless user.skip=true.
    expect(runs('deploy')).toMatch(
      /taskwire-kafka-auth[\s\S]*--from-literal=protocol=SSL[\s\S]*--from-literal=user\.skip=true/,
    );
    // The pull secret the workflow creates is the one every Knative Service names.
    expect(runs('deploy')).toMatch(/create secret docker-registry "\$PULL_SECRET"/);
    expect(runs('deploy')).toContain('--set "image.pullSecrets={$PULL_SECRET}"');
    expect(deploy.env.PULL_SECRET).toContain('taskwire-registry');
    // Every job that talks to the cluster refuses a kubeconfig that needs an exec plugin.
    for (const job of ['deploy', 'verify', 'rollback']) {
      expect(runs(job), job).toContain('base64 -d > ~/.kube/config');
      expect(runs(job), job).toMatch(/grep -Eq '\^\[\[:space:\]\]\*exec:' ~\/\.kube\/config/);
    }
  });
});

describe('the deploy workflow verify step, run against a real Taskwire', () => {
  const TOKEN = 'verify-step-token-for-tests';
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  /** The verify step's script, pointed at `base` instead of https://PUBLIC_HOST. */
  function verifyScript(): string {
    const step = (workflow('deploy.yml').jobs.verify.steps as Doc[]).find((s) =>
      String(s.run ?? '').includes('/api/audit'),
    );
    expect(step, 'a verify step that reads the audit trail').toBeTruthy();
    const script = String(step!.run);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
    const publicBase = 'base="https://${PUBLIC_HOST}"';
    expect(script).toContain(publicBase);
    return script.replace(publicBase, 'base="$TEST_BASE"');
  }

  function runScript(script: string, base: string) {
    return spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      timeout: 180_000,
      env: {
        PATH: process.env.PATH,
        TEST_BASE: base,
        PUBLIC_HOST: 'taskwire.example.org',
        AUTH_TOKEN: TOKEN,
        GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
        NAMESPACE: 'taskwire',
      },
    });
  }

  it('passes when a created task reaches the audit trail, and fails within its bound when it does not', async () => {
    server = new ServerProcess({ DATA_DIR: tempDir('tw-verify-'), AUTH_TOKEN: TOKEN });
    await server.start(180_000);
    const script = verifyScript();
    const ok = runScript(script, server.base);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('smoke test passed');

    // The same step when the event never arrives (here: waiting for a type nothing emits), with its
    // bound shortened from 60 tries: it must fail, naming the cause, not hang or pass.
    expect(script).toMatch(/seq 1 60\); do\n\s+if curl[^\n]*\/api\/audit/);
    const broken = script
      .replace(/seq 1 60\); do(\n\s+if curl[^\n]*\/api\/audit)/, 'seq 1 2); do$1')
      .replace('dev.taskwire.task.created.v1', 'dev.taskwire.never.emitted.v1');
    const started = Date.now();
    const failed = runScript(broken, server.base);
    expect(failed.status).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(/did not reach the audit trail/);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 300_000);
});
