import { anonymousOperation, operationLabels, operationOutcome, otherOperation } from './graphql-metrics';

describe('operation labels', () => {
  it('keeps GraphQL names, names the anonymous, and bounds what a client could vary', () => {
    const label = operationLabels(3);
    expect(label('SignIn')).toBe('SignIn');
    expect(label(undefined)).toBe(anonymousOperation);
    expect(label(null)).toBe(anonymousOperation);
    expect(label('not a name')).toBe(otherOperation);
    expect(label('x'.repeat(65))).toBe(otherOperation);
    expect(label('Rooms')).toBe('Rooms');
    expect(label('Me')).toBe('Me');
    // The fourth distinct name is past the bound; the known ones stay themselves.
    expect(label('Fourth')).toBe(otherOperation);
    expect(label('SignIn')).toBe('SignIn');
  });
});

describe('operation outcomes', () => {
  it('is ok without errors, else the first error code a label may carry', () => {
    expect(operationOutcome(undefined)).toBe('ok');
    expect(operationOutcome([])).toBe('ok');
    expect(operationOutcome([{ extensions: { code: 'FORBIDDEN' } }, { extensions: { code: 'NOT_FOUND' } }])).toBe(
      'FORBIDDEN',
    );
    expect(operationOutcome([{}])).toBe('INTERNAL_SERVER_ERROR');
    expect(operationOutcome([{ extensions: { code: 'free text from somewhere' } }])).toBe('INTERNAL_SERVER_ERROR');
  });
});
