import { z } from 'zod';
import { calendarDate, parseInput, text, uuid } from '../../../lib/input';
import type { MutationResolvers } from '../../../generated/graphql/identity-resolvers';
import { actOnApplication, submitApplication } from '../services/application-service';
import { issueCertificate, revokeCertificate } from '../services/certificate-service';
import { changePassword, resetPassword } from '../services/password-service';
import { actOnFault, reportFault, reportFaultInput } from '../services/fault-service';
import { signIn, signOut } from '../services/session-service';
import { registerSubject, registerSubjectInput } from '../services/subject-service';
import {
  deleteAccount,
  liftRestriction,
  reinstateUser,
  restrictionInput,
  restrictSystem,
  suspendUser,
} from '../services/system-admin-service';

const onPaperFor = text(100).optional().nullable();
const reason = text(500);
// Bounded before hashing: argon2 cost must not be chosen by the caller.
const secret = z.string().min(1).max(1024);

export const Mutation = {
  signIn: (_, args, ctx) => {
    const input = parseInput(z.object({ accountId: text(64), password: secret }), args);
    return signIn(ctx, input.accountId, input.password);
  },
  signOut: (_, __, ctx) => signOut(ctx),
  changePassword: (_, args, ctx) => {
    const input = parseInput(z.object({ currentPassword: secret, newPassword: secret }), args);
    return changePassword(ctx, input.currentPassword, input.newPassword);
  },

  submitFacilityRegistration: (_, args, ctx) =>
    submitApplication(ctx, {
      form: 1,
      facilityId: null,
      content: args.input,
      onPaperFor: parseInput(onPaperFor, args.onPaperFor, 'onPaperFor'),
    }),
  submitFacilityChange: (_, args, ctx) =>
    submitApplication(ctx, {
      form: 2,
      facilityId: parseInput(uuid, args.facilityId, 'facilityId'),
      content: args.input,
      onPaperFor: parseInput(onPaperFor, args.onPaperFor, 'onPaperFor'),
    }),
  submitFacilityStop: (_, args, ctx) =>
    submitApplication(ctx, {
      form: 3,
      facilityId: parseInput(uuid, args.facilityId, 'facilityId'),
      content: { reason: args.reason, eventDate: parseInput(calendarDate, args.eventDate, 'eventDate') },
      onPaperFor: parseInput(onPaperFor, args.onPaperFor, 'onPaperFor'),
    }),
  submitUserRegistration: (_, args, ctx) =>
    submitApplication(ctx, {
      form: 4,
      facilityId: parseInput(uuid, args.facilityId, 'facilityId'),
      content: args.input,
      onPaperFor: parseInput(onPaperFor, args.onPaperFor, 'onPaperFor'),
    }),
  submitUserChange: (_, args, ctx) =>
    submitApplication(ctx, {
      form: 5,
      facilityId: parseInput(uuid, args.facilityId, 'facilityId'),
      content: stripNulls(args.input),
      onPaperFor: parseInput(onPaperFor, args.onPaperFor, 'onPaperFor'),
    }),
  forwardApplication: async (_, args, ctx) =>
    (await actOnApplication(ctx, parseInput(uuid, args.id, 'id'), 'forward')).application,
  approveApplication: (_, args, ctx) => actOnApplication(ctx, parseInput(uuid, args.id, 'id'), 'approve'),
  rejectApplication: async (_, args, ctx) =>
    (await actOnApplication(ctx, parseInput(uuid, args.id, 'id'), 'reject', parseInput(reason, args.reason, 'reason')))
      .application,
  withdrawApplication: async (_, args, ctx) =>
    (await actOnApplication(ctx, parseInput(uuid, args.id, 'id'), 'withdraw')).application,

  issueClientCertificate: (_, args, ctx) =>
    issueCertificate(ctx, parseInput(uuid, args.facilityId, 'facilityId'), parseInput(text(60), args.label, 'label')),
  revokeClientCertificate: (_, args, ctx) =>
    revokeCertificate(ctx, parseInput(uuid, args.id, 'id'), parseInput(reason, args.reason, 'reason')),

  resetPassword: (_, args, ctx) =>
    resetPassword(ctx, parseInput(uuid, args.userId, 'userId'), parseInput(reason, args.reason, 'reason')),
  reportFault: (_, args, ctx) => reportFault(ctx, parseInput(reportFaultInput, args.input)),
  forwardFault: (_, args, ctx) =>
    actOnFault(
      ctx,
      parseInput(uuid, args.id, 'id'),
      'forward',
      parseInput(text(2000).optional().nullable(), args.note, 'note') ?? null,
    ),
  investigateFault: (_, args, ctx) =>
    actOnFault(
      ctx,
      parseInput(uuid, args.id, 'id'),
      'investigate',
      parseInput(text(2000).optional().nullable(), args.note, 'note') ?? null,
    ),
  resolveFault: (_, args, ctx) =>
    actOnFault(ctx, parseInput(uuid, args.id, 'id'), 'resolve', parseInput(text(5000), args.response, 'response')),
  restrictSystem: (_, args, ctx) => restrictSystem(ctx, parseInput(restrictionInput, stripNulls(args.input))),
  liftRestriction: (_, __, ctx) => liftRestriction(ctx),
  suspendUser: (_, args, ctx) =>
    suspendUser(ctx, parseInput(uuid, args.userId, 'userId'), parseInput(reason, args.reason, 'reason')),
  reinstateUser: (_, args, ctx) =>
    reinstateUser(ctx, parseInput(uuid, args.userId, 'userId'), parseInput(reason, args.reason, 'reason')),
  deleteAccount: (_, args, ctx) =>
    deleteAccount(ctx, parseInput(uuid, args.userId, 'userId'), parseInput(reason, args.reason, 'reason')),

  registerSubject: (_, args, ctx) => registerSubject(ctx, parseInput(registerSubjectInput, args.input)),
} satisfies MutationResolvers;

/** GraphQL sends omitted optional input fields as absent, but explicit nulls too; the form schemas want absent. */
function stripNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}
