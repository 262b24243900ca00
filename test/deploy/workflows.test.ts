import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
});
