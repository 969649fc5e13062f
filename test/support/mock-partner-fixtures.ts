// Shared by the outbound (Art. 20-3) tests: a partner's own private CA and
// its registration in our registry, the graph operations of an outbound
// join, and a helper walking a request to approval.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCertificateAuthority, type CertificateAuthority } from '../../lib/pki/certificate-authority';
import type { PrismaClient } from '../../lib/database';
import type { Actor } from './actors';
import { graphql } from './graphql-client';
import { syncDirectory } from './directory-fixtures';

export const ourClientId = 'takaoka-renkei';

/** The partner's private CA (not ours): what `trustedCaPems` must name for its HTTPS to be trusted. */
export async function partnerCertificateAuthority(): Promise<{
  ca: CertificateAuthority;
  tls: { certificatePem: string; keyPem: string };
  remove(): void;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'renkei-partner-ca-'));
  const ca = await openCertificateAuthority(dir);
  return {
    ca,
    tls: ca.issueServerCertificate(['127.0.0.1', 'localhost']),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** As the system admin's registerPartner would store it (identity's registry), and known to rooms as the directory-changed job would make it. */
export async function registerPartner(db: PrismaClient, fhirBaseUrl: string, createdBy: string): Promise<string> {
  const id = randomUUID();
  await db.partner.create({
    data: {
      id,
      name: 'Himi care network',
      fhirBaseUrl,
      requesterSystem: 'https://himi.example/sid/request',
      userSystem: 'https://himi.example/sid/user',
      outboundAuth: 'JWT',
      ourClientId,
      createdBy,
    },
  });
  await syncDirectory({ db: { prisma: db } }, { partnerId: id });
  return id;
}

const fields =
  'id partnerId reason facilityId status decisionReason exchangeStatus exchangeReason partnerTaskId sentAt requestedBy { id } steps { action actorRole reason actor { id } }';
export const ops = {
  ask: `mutation($p: ID!, $c: String!, $r: String!) { askOutboundJoin(partnerId: $p, shareCode: $c, reason: $r) { ${fields} } }`,
  confirm: `mutation($id: ID!) { confirmOutboundJoin(id: $id) { ${fields} } }`,
  approve: `mutation($id: ID!) { approveOutboundJoin(id: $id) { ${fields} } }`,
  reject: `mutation($id: ID!, $r: String!) { rejectOutboundJoin(id: $id, reason: $r) { ${fields} } }`,
  withdraw: `mutation($id: ID!) { withdrawOutboundJoin(id: $id) { ${fields} } }`,
  one: `query($id: ID!) { outboundJoinRequest(id: $id) { ${fields} } }`,
  list: `query { outboundJoinRequests { id } }`,
  mine: `query { myExternalRooms { id partnerId careTeamId roomStatus status endedReason user { id } request { id exchangeStatus } } }`,
  managed: `query { externalMemberships { id status user { id } } }`,
  letters: `query($all: Boolean) { exchangeDeadLetters(includeRetried: $all) { id queue jobId jobName attempts errorCode errorSummary retriedAt retriedBy { id } } }`,
  retry: `mutation($id: ID!) { retryDeadLetter(id: $id) { id retriedAt retriedBy { id } } }`,
};

/** A USER asks, its facility manager confirms, the system admin approves; returns the request id. */
export async function approvedRequest(
  url: string,
  actors: { user: Actor; fm: Actor; sa: Actor },
  partnerId: string,
  shareCode: string,
): Promise<string> {
  const asked = await graphql(
    url,
    ops.ask,
    { p: partnerId, c: shareCode, r: '訪問看護の連携のため' },
    actors.user.headers,
  );
  if (!asked.data?.askOutboundJoin) throw new Error(`ask failed: ${JSON.stringify(asked.errors)}`);
  const id = asked.data.askOutboundJoin.id as string;
  const confirmed = await graphql(url, ops.confirm, { id }, actors.fm.headers);
  if (!confirmed.data?.confirmOutboundJoin) throw new Error(`confirm failed: ${JSON.stringify(confirmed.errors)}`);
  const approved = await graphql(url, ops.approve, { id }, actors.sa.headers);
  if (!approved.data?.approveOutboundJoin) throw new Error(`approve failed: ${JSON.stringify(approved.errors)}`);
  return id;
}
