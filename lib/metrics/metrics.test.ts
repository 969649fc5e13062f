import { createMetrics } from './metrics';

describe('metrics', () => {
  it('shows the scrape-time gauges without labels only where a source reads them', async () => {
    const metrics = createMetrics();
    expect((await metrics.scrape()).body).not.toMatch(/^renkei_(dead_letters_waiting|emergency_accesses_active) /m);
    metrics.onScrape({ name: 'emergency', gauge: metrics.emergencyAccessesActive, read: async () => [{ value: 0 }] });
    expect((await metrics.scrape()).body).toMatch(/^renkei_emergency_accesses_active 0$/m);
  });

  it('gives each system its own registry: what one counts, another does not see', async () => {
    const one = createMetrics();
    const two = createMetrics();
    one.signInFailures.inc({ reason: 'wrong-password' });
    expect((await one.scrape()).body).toContain('renkei_sign_in_failures_total{reason="wrong-password"} 1');
    expect((await two.scrape()).body).not.toContain('reason="wrong-password"');
  });

  it('reads scrape-time sources at each scrape, and leaves a failing one out without failing the scrape', async () => {
    const metrics = createMetrics();
    let waiting = 3;
    let down = false;
    const stop = metrics.onScrape({
      name: 'dead_letters',
      gauge: metrics.deadLetters,
      read: async () => {
        if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return [{ value: waiting }];
      },
    });
    metrics.onScrape({
      name: 'outbox_lag',
      gauge: metrics.outboxLag,
      read: async () => [{ labels: { outbox: 'rooms' }, value: 1.5 }],
    });
    expect((await metrics.scrape()).body).toMatch(/^renkei_dead_letters_waiting 3$/m);
    waiting = 5;
    expect((await metrics.scrape()).body).toMatch(/^renkei_dead_letters_waiting 5$/m);

    down = true;
    const scraped = (await metrics.scrape()).body;
    expect(scraped).not.toMatch(/^renkei_dead_letters_waiting \d/m);
    expect(scraped).toContain('renkei_metrics_source_errors_total{source="dead_letters"} 1');
    expect(scraped).toContain('renkei_outbox_lag_seconds{outbox="rooms"} 1.5');

    // Stopped: no longer read (and left at its last reset).
    stop();
    down = false;
    expect((await metrics.scrape()).body).not.toMatch(/^renkei_dead_letters_waiting \d/m);
  });
});
