// deploy/prometheus/alerts.yml is read by Prometheus, not by our code, so a
// renamed metric would silently turn an alert off: every rule must name only
// metrics the code registers (lib/metrics/metrics.ts), with a severity and a
// summary for whoever is paged.
import fs from 'node:fs';
import { parse } from 'yaml';
import { repoPath } from '../repo-paths';
import { createMetrics } from './metrics';

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

const document = parse(fs.readFileSync(repoPath('deploy/prometheus/alerts.yml'), 'utf8')) as {
  groups?: Array<{ name?: unknown; rules?: Rule[] }>;
};
const rules = (document.groups ?? []).flatMap((group) => group.rules ?? []);

/** Every sample name the registry exposes: histograms as their _bucket, _sum and _count series. */
async function registeredSeries(): Promise<Set<string>> {
  const metrics = createMetrics();
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    if (String(metric.type) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    else names.add(metric.name);
  }
  return names;
}

const metricsIn = (expr: string) => [...new Set(expr.match(/\brenkei_[a-z0-9_]+/g) ?? [])];

describe('the Prometheus alert rules', () => {
  it('parse into groups of rules, each with a unique name, an expression, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThan(0);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(typeof rule.alert).toBe('string');
      expect(rule.alert).toMatch(/^Renkei[A-Za-z]+$/);
      expect(typeof rule.expr).toBe('string');
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary).toBe('string');
      expect((rule.annotations!.summary as string).length).toBeGreaterThan(10);
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
      // Not a PromQL parser, but the commonest slip: brackets that do not pair up.
      const expr = rule.expr as string;
      for (const [open, close] of [
        ['(', ')'],
        ['{', '}'],
        ['[', ']'],
      ] as const)
        expect([expr.split(open).length, rule.alert]).toEqual([expr.split(close).length, rule.alert]);
    }
  });

  it('name only metrics the code registers, so renaming one fails here', async () => {
    const registered = await registeredSeries();
    for (const rule of rules) {
      const used = metricsIn(rule.expr as string);
      expect([rule.alert, used.length > 0]).toEqual([rule.alert, true]);
      for (const name of used) expect([rule.alert, name, registered.has(name)]).toEqual([rule.alert, name, true]);
    }
  });

  it('cover what issues 14 and 15 ask to be alerted on', () => {
    const watched = new Set(rules.flatMap((rule) => metricsIn(rule.expr as string)));
    for (const name of [
      'renkei_dead_letters_waiting',
      'renkei_outbox_lag_seconds',
      'renkei_account_lockouts_total',
      'renkei_audit_chain_verifications_total',
      'renkei_partner_calls_total',
      'renkei_emergency_access_declared_total',
    ])
      expect(watched).toContain(name);
  });
});
