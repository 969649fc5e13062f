import { FhirError, fhirErrorCodes, operationOutcome, operationOutcomeOf, outcomeForError } from './operation-outcome';
import { validateR4 } from './validator';

describe('operation outcomes', () => {
  it('maps every code to its HTTP status, and each outcome is valid FHIR R4', () => {
    for (const code of Object.keys(fhirErrorCodes) as Array<keyof typeof fhirErrorCodes>) {
      const { status, body } = operationOutcome(code, 'a message', ['Task.status']);
      expect(status).toBe(fhirErrorCodes[code].status);
      expect(body.issue[0]?.details.coding[0]?.code).toBe(code);
      expect(validateR4(body)).toEqual({ valid: true });
    }
  });

  it('uses the statuses the contract names', () => {
    expect(operationOutcome('UNAUTHENTICATED', 'x').status).toBe(401);
    expect(operationOutcome('NOT_FOUND', 'x').status).toBe(404);
    expect(operationOutcome('INVALID_RESOURCE', 'x').status).toBe(400);
    expect(operationOutcome('PAYLOAD_TOO_LARGE', 'x').status).toBe(413);
  });

  it('lists several problems as several issues', () => {
    const { body } = operationOutcomeOf('INVALID_RESOURCE', [
      { message: 'a', expression: 'Task.status' },
      { message: 'b' },
    ]);
    expect(body.issue).toHaveLength(2);
    expect(body.issue[0]?.expression).toEqual(['Task.status']);
    expect(validateR4(body)).toEqual({ valid: true });
  });

  it('masks anything that is not a FhirError as a 500 without its message', () => {
    expect(outcomeForError(new FhirError('NOT_FOUND', 'no such Task')).status).toBe(404);
    const masked = outcomeForError(new Error('connection to 10.0.0.1 failed for user taro'));
    expect(masked.status).toBe(500);
    expect(JSON.stringify(masked.body)).not.toMatch(/taro|10\.0\.0\.1/);
  });
});
