// The demo's side of the graph: the operations the seeding sends, requests
// as a person (their terminal and session), a first sign-in that sets the
// person's own password, and a person's enrolment through Form 4 as the
// regulations route it.
import { randomBytes } from 'node:crypto';
import type { FacilityKey, PersonSpec } from './demo-network';
import { postGraphql, untilAccepted, type Terminal } from './terminal-client';

export interface DemoPerson extends PersonSpec {
  accountId: string;
  userId: string;
  role: string;
  facilityKey: FacilityKey;
  facilityName: string;
  password: string;
  terminal: Terminal;
  token: string;
}

export interface DemoFacility {
  key: FacilityKey;
  id: string;
  name: string;
  kind: string;
}

export const documents = {
  signIn: 'mutation ($a: String!, $p: String!) { signIn(accountId: $a, password: $p) { token mustChangePassword } }',
  changePassword: 'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
  me: '{ me { user { id name facility { id name } } } }',
  form1:
    'mutation ($input: FacilityInput!, $paper: String) { submitFacilityRegistration(input: $input, onPaperFor: $paper) { id } }',
  form4:
    'mutation ($f: ID!, $input: UserRegistrationInput!, $paper: String) { submitUserRegistration(facilityId: $f, input: $input, onPaperFor: $paper) { id } }',
  forward: 'mutation ($id: ID!) { forwardApplication(id: $id) { id } }',
  approve:
    'mutation ($id: ID!) { approveApplication(id: $id) { application { facility { id } } issuedAccount { accountId initialPassword user { id } } } }',
  issueCertificate:
    'mutation ($f: ID!, $label: String!) { issueClientCertificate(facilityId: $f, label: $label) { pkcs12Base64 passphrase } }',
  registerSubject: 'mutation ($input: RegisterSubjectInput!) { registerSubject(input: $input) { id } }',
  recordConsent: 'mutation ($input: ConsentInput!) { recordConsent(input: $input) { state } }',
  submitRoomOpening:
    'mutation ($s: ID!, $t: String!, $m: [ID!]!) { submitRoomOpening(subjectId: $s, title: $t, memberIds: $m) { id } }',
  confirmRoomApplication: 'mutation ($id: ID!) { confirmRoomApplication(id: $id) { id } }',
  approveRoomApplication: 'mutation ($id: ID!) { approveRoomApplication(id: $id) { room { id } } }',
  createPost:
    'mutation ($r: ID!, $c: PostCategory!, $b: String!) { createPost(roomId: $r, category: $c, body: $b) { id } }',
  scheduleMeeting:
    'mutation ($r: ID!, $at: DateTime!, $a: String!) { scheduleMeeting(roomId: $r, scheduledAt: $at, agenda: $a) { id } }',
  registerPartner: 'mutation ($input: RegisterPartnerInput!) { registerPartner(input: $input) { id } }',
};

/** The edition of the confidentiality pledge the demo's people agreed to (Form 4). */
const pledgeTextVersion = '2024-08-01';

/** Who files a person's Form 4 (on paper when a clerk records it), who decides it, who issues the certificate. */
export interface EnrolmentRoute {
  submitter: DemoPerson;
  onPaper: boolean;
  approver: DemoPerson;
  certificateIssuer: DemoPerson;
}

export type DemoGraph = ReturnType<typeof connectDemoGraph>;

/** `pledgedOn`: the day the demo's people agreed to the pledge. */
export function connectDemoGraph(graphqlUrl: string, caPem: string, pledgedOn: string) {
  /** Sends an operation as `person` (its terminal and, once signed in, its session); see untilAccepted for `retryOn`. */
  const send = <T>(
    person: { terminal: Terminal; token?: string },
    what: string,
    query: string,
    variables: Record<string, unknown>,
    retryOn: readonly string[] = [],
  ) =>
    untilAccepted<T>(
      what,
      () => postGraphql<T>(graphqlUrl, caPem, person.terminal, person.token, query, variables),
      retryOn,
    );

  /** Signs in with the one-time password and sets the person's own (appendix 2: changed at first sign-in). */
  const firstSignIn = async (accountId: string, initialPassword: string, terminal: Terminal) => {
    const { signIn } = await send<{ signIn: { token: string } }>(
      { terminal },
      `sign-in of ${accountId}`,
      documents.signIn,
      {
        a: accountId,
        p: initialPassword,
      },
    );
    const password = `demo-${randomBytes(9).toString('base64url')}`;
    await send({ terminal, token: signIn.token }, `password change of ${accountId}`, documents.changePassword, {
      c: initialPassword,
      n: password,
    });
    return { token: signIn.token, password };
  };

  /** Form 4 and the pledge, its approval, a terminal certificate of the person's facility, a first sign-in. */
  const enrol = async (
    spec: PersonSpec & { orgUnitCode?: string },
    role: string,
    facility: DemoFacility,
    route: EnrolmentRoute,
  ): Promise<DemoPerson> => {
    const { submitUserRegistration } = await send<{ submitUserRegistration: { id: string } }>(
      route.submitter,
      `Form 4 for ${spec.key}`,
      documents.form4,
      {
        f: facility.id,
        input: {
          name: spec.name,
          nameKana: spec.nameKana,
          role,
          orgUnitCode: spec.orgUnitCode ?? null,
          pledge: { agreed: true, pledgedOn, textVersion: pledgeTextVersion },
        },
        paper: route.onPaper ? `${facility.name}: signed Form 4 and pledge of ${spec.name}` : null,
      },
    );
    const { approveApplication } = await send<{
      approveApplication: { issuedAccount: { accountId: string; initialPassword: string; user: { id: string } } };
    }>(route.approver, `approving the Form 4 for ${spec.key}`, documents.approve, { id: submitUserRegistration.id });
    const account = approveApplication.issuedAccount;
    const { issueClientCertificate: issued } = await send<{
      issueClientCertificate: { pkcs12Base64: string; passphrase: string };
    }>(route.certificateIssuer, `certificate for ${spec.key}`, documents.issueCertificate, {
      f: facility.id,
      label: `demo terminal of ${account.accountId}`,
    });
    const terminal = { pfx: Buffer.from(issued.pkcs12Base64, 'base64'), passphrase: issued.passphrase };
    const session = await firstSignIn(account.accountId, account.initialPassword, terminal);
    return {
      ...spec,
      accountId: account.accountId,
      userId: account.user.id,
      role,
      facilityKey: facility.key,
      facilityName: facility.name,
      terminal,
      ...session,
    };
  };

  return { send, firstSignIn, enrol };
}
