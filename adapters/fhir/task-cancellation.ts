// A requester cancels its own join Task before a decision (partner exchange
// contract: `cancelled` is the requester's to set). We accept it as a FHIR
// update of the Task's status only, either way a FHIR client does it:
//   PUT   Task/<id>  the Task with status "cancelled" (statusReason optional)
//   PATCH Task/<id>  application/json-patch+json replacing /status with
//                    "cancelled" (and optionally /statusReason; a `test` of
//                    /status is honoured)
// Any other change is refused: the rest of the Task is the requester's
// request as we received it, and the other statuses are ours to set.
// Pure parsers; the service (inbound-task-service.ts) does the rest.

export type CancellationRequest =
  | { ok: true; reason: string | null; expectStatus?: string }
  | { ok: false; message: string; expression: string };

const maxReason = 1000;
type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

function reasonOf(
  statusReason: unknown,
  expression: string,
): { ok: true; reason: string | null } | { ok: false; message: string; expression: string } {
  if (statusReason === undefined || statusReason === null) return { ok: true, reason: null };
  const text = obj(statusReason)?.text;
  if (typeof text !== 'string' || text.trim() === '')
    return { ok: false, message: 'statusReason must be a CodeableConcept with text', expression };
  if (text.length > maxReason)
    return { ok: false, message: `statusReason.text must be at most ${maxReason} characters`, expression };
  return { ok: true, reason: text.trim() };
}

/** PUT Task/<id>: a Task naming the same id, with status cancelled. */
export function cancellationFromPut(body: unknown, id: string): CancellationRequest {
  const task = obj(body);
  if (task?.resourceType !== 'Task')
    return { ok: false, message: 'the body must be a Task', expression: 'resourceType' };
  if (task.id !== id) return { ok: false, message: 'Task.id must be the id in the URL', expression: 'Task.id' };
  if (task.status !== 'cancelled')
    return { ok: false, message: 'a requester may only set status cancelled', expression: 'Task.status' };
  return reasonOf(task.statusReason, 'Task.statusReason');
}

/** PATCH Task/<id>: a JSON Patch that sets status to cancelled, and nothing but the reason besides. */
export function cancellationFromPatch(body: unknown): CancellationRequest {
  if (!Array.isArray(body) || body.length === 0 || body.length > 5)
    return { ok: false, message: 'the body must be a JSON Patch (an array of 1 to 5 operations)', expression: 'PATCH' };
  let cancels = false;
  let reason: string | null = null;
  let expectStatus: string | undefined;
  for (const [index, raw] of body.entries()) {
    const op = obj(raw);
    const where = `PATCH[${index}]`;
    if (op?.op === 'test' && op.path === '/status' && typeof op.value === 'string') expectStatus = op.value;
    else if ((op?.op === 'replace' || op?.op === 'add') && op.path === '/status') {
      if (op.value !== 'cancelled')
        return { ok: false, message: 'a requester may only set status cancelled', expression: where };
      cancels = true;
    } else if ((op?.op === 'replace' || op?.op === 'add') && op.path === '/statusReason') {
      const parsed = reasonOf(op.value, where);
      if (!parsed.ok) return parsed;
      reason = parsed.reason;
    } else
      return { ok: false, message: 'only /status (to cancelled) and /statusReason may be changed', expression: where };
  }
  if (!cancels) return { ok: false, message: 'the patch must set /status to cancelled', expression: 'PATCH' };
  return { ok: true, reason, ...(expectStatus !== undefined ? { expectStatus } : {}) };
}
