import { spawnSync } from 'node:child_process';
import { startHeapCapFlag, withStartHeapCap } from './heap-cap';

/** V8's heap limit in MB of a node started with these NODE_OPTIONS. */
function heapLimitMb(nodeOptions: string): number {
  const run = spawnSync(
    process.execPath,
    ['-e', 'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit / 1048576))'],
    { env: { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' },
  );
  return Number(run.stdout);
}

describe("npm start's heap cap", () => {
  it('is set by the start script, through NODE_OPTIONS', () => {
    expect(startHeapCapFlag()).toBe('--max-old-space-size=375');
  });

  it('comes before the caller’s NODE_OPTIONS, which are kept', () => {
    expect(withStartHeapCap(undefined)).toBe('--max-old-space-size=375');
    expect(withStartHeapCap(' --enable-source-maps ')).toBe('--max-old-space-size=375 --enable-source-maps');
  });

  it('caps the heap, and an operator’s later --max-old-space-size wins over it', () => {
    const capped = heapLimitMb(withStartHeapCap(undefined));
    const raised = heapLimitMb(withStartHeapCap('--max-old-space-size=1500'));
    expect(capped).toBeGreaterThan(375);
    expect(capped).toBeLessThan(500); // the old space plus the young generation
    expect(raised).toBeGreaterThan(1500);
  });
});
