// The gateway's GraphQL metrics (lib/metrics/metrics.ts): every operation
// that reaches Apollo is timed and counted by operation name and outcome.
// A client chooses the operation name, so the label is bounded here: a name
// that is not a GraphQL name or is too long is "(other)", and past the first
// `maxNames` distinct names every new one is "(other)" too (a persisted
// operations manifest keeps the set fixed anyway). The outcome is "ok" or the
// first error's stable code as the client receives it (extensions.code).
import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../lib/metrics/metrics';

export const anonymousOperation = '(anonymous)';
export const otherOperation = '(other)';
const graphqlName = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const errorCode = /^[A-Z][A-Z0-9_]{1,39}$/;

/** Maps operation names to label values, keeping at most `maxNames` distinct names. */
export function operationLabels(maxNames = 200): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return anonymousOperation;
    if (!graphqlName.test(name)) return otherOperation;
    if (seen.has(name)) return name;
    if (seen.size >= maxNames) return otherOperation;
    seen.add(name);
    return name;
  };
}

/** "ok", or the first error's code (INTERNAL_SERVER_ERROR when it has none a label may carry). */
export function operationOutcome(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined): string {
  const first = errors?.[0];
  if (!first) return 'ok';
  const code = first.extensions?.code;
  return typeof code === 'string' && errorCode.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}

export function graphqlMetricsPlugin(metrics: Metrics): ApolloServerPlugin<object> {
  const label = operationLabels();
  return {
    async requestDidStart() {
      const stop = metrics.graphqlOperationDuration.startTimer();
      return {
        async willSendResponse({ operationName, request, response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          stop({ operation: label(operationName ?? request.operationName), outcome: operationOutcome(errors) });
        },
      };
    },
  };
}
