// What identity's resolvers receive: the verified principal, its own tables
// only (the type forbids reaching rooms or consent tables), its settings and
// certificate authority, and request-scoped batch loaders.
import DataLoader from 'dataloader';
import type { PrismaClient } from '../../lib/database';
import type { ApplicationStep, Facility, FaultStep, OrgUnit, Subject, User } from '../../generated/prisma/client';
import type { Principal } from '../../lib/access/principal';
import type { CertificateAuthority } from '../../lib/pki/certificate-authority';
import type { ExchangeIdentity } from '../../lib/exchange/exchange-key';
import type { PartnerKeyVault } from '../../lib/exchange/partner-key-vault';
import type { Metrics } from '../../lib/metrics/metrics';
import { loadByIds } from '../../lib/batch';
import { careLoader } from '../../lib/access/care-relationship-view';
import type { IdentitySettings } from './settings';

export type IdentityDb = Pick<
  PrismaClient,
  | 'facility'
  | 'subject'
  | 'orgUnit'
  | 'user'
  | 'passwordHistory'
  | 'session'
  | 'clientCertificate'
  | 'certificateExpiryNotice'
  | 'application'
  | 'applicationStep'
  | 'systemRestriction'
  | 'auditEvent'
  | 'faultReport'
  | 'faultStep'
  | 'partner'
  | 'partnerClientCredential'
  | '$queryRaw'
  | '$executeRaw'
  | '$transaction'
>;

export interface IdentityDependencies {
  db: IdentityDb;
  settings: IdentitySettings;
  ca: CertificateAuthority;
  now: () => Date;
  /** This installation's exchange identity (public key, FHIR base URL), shown to admins so partners can register us. */
  exchange?: ExchangeIdentity;
  /** Seals the private keys of our client certificates towards mTLS partners (CA_DIR/partner-keys.kek). */
  partnerKeys?: PartnerKeyVault;
  /**
   * Tells the gateways that principals they resolved may be stale (lib/access/principal-epoch.ts), for
   * changes made outside a GraphQL mutation (the worker's jobs); mutations do it in server.ts.
   */
  principalsChanged?: () => Promise<void>;
  /** Counts refused sign-ins and lockouts (lib/metrics); none: nothing is counted. */
  metrics?: Metrics;
}

export interface IdentityContext extends IdentityDependencies {
  principal: Principal;
  facilityById: DataLoader<string, Facility | null>;
  subjectById: DataLoader<string, Subject | null>;
  userById: DataLoader<string, User | null>;
  orgUnitById: DataLoader<string, OrgUnit | null>;
  stepsByApplication: DataLoader<string, ApplicationStep[]>;
  stepsByFault: DataLoader<string, FaultStep[]>;
  /** Subject id → whether the caller has a care relationship with it (identity's copy of the relationships). */
  careOf: DataLoader<string, boolean>;
  /** The same, for reading the subject's own record: a break-glass grantee's emergency basis counts too. */
  readCareOf: DataLoader<string, boolean>;
}

export function createIdentityContext(deps: IdentityDependencies, principal: Principal): IdentityContext {
  const { db } = deps;
  return {
    ...deps,
    principal,
    facilityById: new DataLoader((ids) =>
      loadByIds(ids, (idList) => db.facility.findMany({ where: { id: { in: idList } } })),
    ),
    subjectById: new DataLoader((ids) =>
      loadByIds(ids, (idList) => db.subject.findMany({ where: { id: { in: idList } } })),
    ),
    userById: new DataLoader((ids) => loadByIds(ids, (idList) => db.user.findMany({ where: { id: { in: idList } } }))),
    orgUnitById: new DataLoader((ids) =>
      loadByIds(ids, (idList) => db.orgUnit.findMany({ where: { id: { in: idList } } })),
    ),
    stepsByApplication: new DataLoader(async (ids) => {
      const steps = await db.applicationStep.findMany({
        where: { applicationId: { in: [...ids] } },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      });
      return ids.map((id) => steps.filter((s) => s.applicationId === id));
    }),
    careOf: careLoader(db, 'identity', principal, deps.now),
    readCareOf: careLoader(db, 'identity', principal, deps.now, 'read'),
    stepsByFault: new DataLoader(async (ids) => {
      const steps = await db.faultStep.findMany({
        where: { faultId: { in: [...ids] } },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      });
      return ids.map((id) => steps.filter((s) => s.faultId === id));
    }),
  };
}
