// SQL statements one request costs, counted by the system's processes (the
// all-in-one's pool, or each production service's preloaded counter, summed;
// BEGIN and COMMIT included). The least of five, since the outbox relay's
// polling can land inside a window.
import { checkedRequest, type LoadTarget } from '../load';
import type { ScenarioContext } from './types';

export async function statementsPerRequest(
  ctx: ScenarioContext,
  target: LoadTarget,
  check: (body: Record<string, unknown>) => void = () => undefined,
): Promise<{ count: number; texts: string[] }> {
  await checkedRequest(target);
  let best: { count: number; texts: string[] } | undefined;
  for (let i = 0; i < 5; i += 1) {
    const before = await ctx.system.statementMark();
    check(await checkedRequest(target));
    const texts = await ctx.system.statementTexts(before);
    if (!best || texts.length < best.count)
      best = { count: texts.length, texts: texts.map((t) => t.replace(/\s+/g, ' ').slice(0, 200)) };
  }
  return best!;
}
