// The one effectful step on an application, whichever subgraph stores it
// (identity's Forms 1-5, rooms' Forms 8-10, rooms' Art. 20-3 outbound joins).
// The order is the contract: read the application, ask the pure workflow,
// refuse before writing anything, prepare what is slow outside any
// transaction (an issued account's password hash), then in one transaction move the status
// only if it is still the one read, append the step (history row and its
// audit or access record) and run the step's own effects (apply the form,
// outbox events), so they all commit or none does. lib/ knows no storage:
// the subgraph passes its own Prisma calls as the hooks below.
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { isUniqueViolation } from '../db-errors';
import { appError, notFound } from '../graphql-errors';
import type { Message } from '../messages/message';
import {
  decideStep,
  type ApplicationAction,
  type ApplicationStatus,
  type Actor,
  type FormNumber,
  type StepDecision,
} from './application-workflow';

export type Refusal = Extract<StepDecision, { ok: false }>;
export type Allowed = Extract<StepDecision, { ok: true }>;

export interface ApplicationStep<A, Tx, R, P = undefined> {
  /** What the application is called: "There is no such <name>." */
  name: Message;
  /** What it is called when it changed under us, if shorter: "The <changedName> changed meanwhile." */
  changedName?: Message;
  load(): Promise<A | null>;
  /** The pure workflow's answer for this actor; may await further checks, which may throw their own refusal. */
  decide(current: A): StepDecision | Promise<StepDecision>;
  /** Records a refusal (it is then answered with its code and reason); may throw its own error instead. */
  refused(current: A, refusal: Refusal): Promise<void>;
  /**
   * Slow work the effects need, done once the step is allowed and before the transaction opens
   * (hashing an issued account's password): a transaction holds a connection and its row locks
   * until it commits, and the embedded database has one connection for everything.
   */
  prepare?(current: A, allowed: Allowed): Promise<P>;
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Moves the status to `allowed.next`, conditional on `current.status`: a
   * concurrent step makes it match nothing (count 0), which is CONFLICT.
   */
  transition(tx: Tx, current: A, allowed: Allowed): Promise<{ count: number }>;
  /** The application as the transition left it. */
  reload(tx: Tx, current: A): Promise<A>;
  /** Appends the step's history row with its audit or access record (the subgraph's own step writer). */
  appendStep(tx: Tx, moved: A): Promise<void>;
  /** The step's own writes in the same transaction (apply an approved form, outbox events); gives the result. */
  effects(tx: Tx, step: { current: A; moved: A; allowed: Allowed; prepared: P | undefined }): Promise<R>;
  /**
   * CONFLICT message for a unique violation inside the transaction: a
   * concurrent change won a race the checks could not see (a unique index).
   * Without it the violation passes through as it is.
   */
  uniqueViolation?: Message;
  /** Records a step refused inside the transaction (after it rolled back), by the error's code. */
  failed?(current: A, code: string): Promise<void>;
  /** Runs once the transaction has settled, committed or not (to drop what the request cached). */
  settled?(current: A): void;
}

export async function takeApplicationStep<A, Tx, R, P = undefined>(step: ApplicationStep<A, Tx, R, P>): Promise<R> {
  const current = await step.load();
  if (!current)
    throw notFound({
      en: `There is no such ${step.name.en}. Check the id.`,
      ja: `その${step.name.ja}はありません。ID を確認してください。`,
    });
  const decision = await step.decide(current);
  if (!decision.ok) {
    await step.refused(current, decision);
    throw appError(decision.code, decision.reason);
  }
  const prepared = step.prepare ? await step.prepare(current, decision) : undefined;
  try {
    return await step.transaction(async (tx) => {
      const moved = await step.transition(tx, current, decision);
      if (moved.count !== 1)
        throw appError('CONFLICT', {
          en: `The ${(step.changedName ?? step.name).en} changed meanwhile. Reload it and try again.`,
          ja: `その間に${(step.changedName ?? step.name).ja}が変更されました。読み込み直してからやり直してください。`,
        });
      const application = await step.reload(tx, current);
      await step.appendStep(tx, application);
      return step.effects(tx, { current, moved: application, allowed: decision, prepared });
    });
  } catch (error) {
    const refused =
      step.uniqueViolation && isUniqueViolation(error) ? appError('CONFLICT', step.uniqueViolation) : error;
    if (step.failed && refused instanceof GraphQLError && typeof refused.extensions.code === 'string')
      await step.failed(current, refused.extensions.code);
    throw refused;
  } finally {
    step.settled?.(current);
  }
}

/** A numbered form as its subgraph stores it (identity's Forms 1-5, rooms' Forms 8-10). */
export interface StoredForm {
  id: string;
  /** One of formNumbers: it is only ever written from a FormNumber (a submit step or a paper form). */
  form: number;
  status: ApplicationStatus;
  facilityId: string | null;
  submittedBy: string;
}

/** `decide` for a stored numbered form. */
export function decideFormStep(
  current: StoredForm,
  action: Exclude<ApplicationAction, 'submit'>,
  actor: Actor,
): StepDecision {
  const { form, status, facilityId, submittedBy } = current;
  return decideStep({ form: form as FormNumber, status, facilityId, submittedBy }, action, actor);
}

/**
 * The conditional update of a stored numbered form (the argument of its
 * table's updateMany): only from the status read, and a copy to the system
 * admin once set stays set.
 */
export function formTransition(current: StoredForm, allowed: Allowed, reason: string | null) {
  return {
    where: { id: current.id, status: current.status },
    data: {
      status: allowed.next,
      decisionReason: reason ?? undefined,
      copyToSystemAdmin: allowed.copyToSystemAdmin || undefined,
    },
  };
}

/**
 * A step's history row, but for the key naming its application (each
 * subgraph's step table has its own): who took which step, in which role,
 * why, and when. Every step (submit and apply too) writes one.
 */
export function stepRow(
  action: ApplicationAction,
  actor: Pick<Actor, 'userId' | 'role'>,
  reason: string | null,
  at: Date = new Date(),
) {
  return { id: randomUUID(), action, actorId: actor.userId, actorRole: actor.role, reason, at };
}
