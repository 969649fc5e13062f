// A startup problem the operator can fix (bad variable, unreachable service,
// port in use). Entry points print these as one message without a stack
// trace; anything else is a bug and keeps its stack.
export class StartupError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'StartupError';
  }
}

export function formatStartupProblems(problems: string[]): string {
  return ['Renkei cannot start:', ...problems.map((p) => `  - ${p}`)].join('\n');
}

/** Runs checks side by side and reports every failure at once. */
export async function collectProblems(checks: Array<Promise<string | null>>): Promise<void> {
  const results = await Promise.all(checks);
  const problems = results.filter((r): r is string => r !== null);
  if (problems.length > 0) throw new StartupError(problems);
}
