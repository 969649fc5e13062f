import { assertValidR4, validateR4 } from './validator';

describe('validateR4', () => {
  const task = { resourceType: 'Task', status: 'requested', intent: 'order' };

  it('accepts a minimal valid Task', () => {
    expect(validateR4(task)).toEqual({ valid: true });
  });

  it('reports structural problems medplum finds (missing required element, unknown property, bad format)', () => {
    expect(validateR4({ resourceType: 'Task', intent: 'order' })).toEqual({
      valid: false,
      issues: [expect.objectContaining({ expression: 'Task.status' })],
    });
    expect(validateR4({ ...task, foo: 1 })).toEqual({
      valid: false,
      issues: [expect.objectContaining({ expression: 'Task.foo' })],
    });
    expect(validateR4({ ...task, authoredOn: 'yesterday' })).toEqual({
      valid: false,
      issues: [expect.objectContaining({ expression: 'Task.authoredOn' })],
    });
  });

  it('checks the required code bindings medplum leaves out', () => {
    expect(validateR4({ ...task, status: 'bogus' })).toEqual({
      valid: false,
      issues: [expect.objectContaining({ expression: 'Task.status' })],
    });
    expect(validateR4({ ...task, intent: 'wish' })).toEqual({
      valid: false,
      issues: [expect.objectContaining({ expression: 'Task.intent' })],
    });
    expect(validateR4({ resourceType: 'CareTeam', status: 'weird' })).toEqual({
      valid: false,
      issues: [expect.objectContaining({ expression: 'CareTeam.status' })],
    });
    expect(validateR4({ resourceType: 'OperationOutcome', issue: [{ severity: 'bad', code: 'invalid' }] }).valid).toBe(
      false,
    );
  });

  it('refuses what is not a resource at all', () => {
    expect(validateR4(null).valid).toBe(false);
    expect(validateR4([task]).valid).toBe(false);
    expect(validateR4({ status: 'requested' })).toEqual({
      valid: false,
      issues: [{ expression: 'resourceType', message: 'is required' }],
    });
    expect(validateR4({ resourceType: 'NoSuchThing' })).toEqual({
      valid: false,
      issues: [expect.objectContaining({ message: expect.stringMatching(/Unknown data type/) })],
    });
  });

  it('assertValidR4 throws for what we would emit wrongly, and returns a valid resource as is', () => {
    expect(assertValidR4(task)).toBe(task);
    expect(() => assertValidR4({ ...task, status: 'bogus' })).toThrow(/Task.status/);
  });
});
