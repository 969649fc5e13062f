// POST /disclosure-reports/:requestId/export?format=csv|json: the disclosure
// report (appendix 5) as a file to hand to the subject. The route runs the
// `exportDisclosureReport` mutation through this gateway's own Apollo server,
// with the caller's own principal resolved exactly as for /graphql
// (certificate + session), so the subgraphs check permissions and record the
// export as for any other request, and the Art. 23-1 restrictions apply.
// Errors keep their GraphQL codes, as JSON, with the matching HTTP status.
//
// An export whose report came back incomplete (a subgraph failed while
// producing its part) is not rendered: the file would silently miss data.
// The export row and its access record stay, since the attempt did happen.
import express from 'express';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { SignInternalToken } from '../lib/access/internal-token';
import { resolutionError, type Resolution } from './principal-resolver';
import type { GatewayContext } from './server';
import { requestIdOf } from '../lib/request-id';
import { currentLanguage } from '../lib/messages/language';
import { render } from '../lib/messages/message';
import { renderCsv, renderJson, type ExportedReport } from './disclosure-export-csv';

const exportMutation = /* GraphQL */ `
  mutation ExportDisclosureReport($requestId: ID!, $format: DisclosureFormat!) {
    exportDisclosureReport(requestId: $requestId, format: $format) {
      id
      format
      exportedBy
      exportedAt
      request {
        id
        subject {
          id
        }
        requestedBy
        requesterName
        relationship
        receivedVia
        receivedOn
        recordedBy
        recordedAt
        status
      }
      report {
        requestId
        subjectId
        asOf
        withheldParts
        withheld {
          part
          ground
          reason
          decidedBy
          decidedAt
        }
        subjectRecord {
          id
          name
          nameKana
          birthDate
          sex
          address
          category
          identifiers {
            system
            value
          }
          createdAt
        }
        consentRecords {
          id
          state
          recordedAt
          recordedBy
          purposes
          scanReference
          withdrawalReason
          explanation {
            explainedBy
            explainedOn
          }
          signature {
            signedBy
            signerName
            relationship
            signedOn
          }
        }
        legalExceptions {
          id
          basis
          decidedBy
          reason
          reviewOn
          recordedBy
          recordedAt
          endedAt
        }
        rooms {
          id
          title
          status
          openedAt
          closedAt
          closedReason
          memberCount
          formerMemberCount
          postsByCategory {
            category
            count
          }
          meetingCount
        }
        consentAccesses {
          ...Access
        }
        roomsAccesses {
          ...Access
        }
        identityAccesses {
          ...Access
        }
      }
    }
  }
  fragment Access on DisclosedAccess {
    source
    seq
    at
    actor {
      id
      name
    }
    actorRole
    action
    what
    outcome
    roomId
  }
`;

const statusOf: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  SERVICE_RESTRICTED: 503,
};

export interface DisclosureExportOptions {
  apollo: ApolloServer<GatewayContext>;
  resolvePrincipal: (req: express.Request) => Promise<Resolution>;
  sign: SignInternalToken;
}

function fail(res: express.Response, status: number, errors: readonly GraphQLFormattedError[]): void {
  res.status(status).json({ errors });
}

/** `format` is csv or json, case-insensitive; anything else is refused before any subgraph is asked. */
export function parseFormat(value: unknown): 'CSV' | 'JSON' | null {
  if (typeof value !== 'string') return null;
  const upper = value.toUpperCase();
  return upper === 'CSV' || upper === 'JSON' ? upper : null;
}

function fileName(exported: ExportedReport, extension: string): string {
  const stamp = exported.export.exportedAt.replace(/[-:]/g, '').replace(/\..*$/, '');
  return `disclosure-${exported.report.requestId}-${stamp}.${extension}`;
}

export function disclosureExportRouter(options: DisclosureExportOptions): express.Router {
  const router = express.Router();
  router.post('/disclosure-reports/:requestId/export', async (req, res, next) => {
    try {
      const format = parseFormat(req.query.format);
      if (!format) {
        fail(res, 400, [
          {
            message: render(
              { en: 'format: Give csv or json.', ja: 'format: csv または json を指定してください。' },
              currentLanguage(),
            ),
            extensions: { code: 'BAD_USER_INPUT', field: 'format' },
          },
        ]);
        return;
      }
      const resolution = await options.resolvePrincipal(req);
      if (!resolution.ok) {
        fail(res, resolution.status, [resolutionError(resolution)]);
        return;
      }
      const contextValue: GatewayContext = {
        principal: resolution.principal,
        restriction: resolution.restriction,
        internalToken: await options.sign(resolution.principal),
        requestId: requestIdOf(res),
        language: currentLanguage(),
      };
      const response = await options.apollo.executeOperation(
        { query: exportMutation, variables: { requestId: req.params.requestId, format } },
        { contextValue },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      const { data, errors } = response.body.singleResult;
      if (errors?.length) {
        const code = String(errors[0]?.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
        fail(res, statusOf[code] ?? 500, errors);
        return;
      }
      const exported = data?.exportDisclosureReport as
        | (ExportedReport['export'] & { request: ExportedReport['request']; report: ExportedReport['report'] })
        | undefined;
      if (!exported) throw new Error('export returned no data');
      const { request, report, ...exportRow } = exported;
      const file: ExportedReport = { export: exportRow, request, report };
      const csv = format === 'CSV';
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${fileName(file, csv ? 'csv' : 'json')}"`);
      res.status(200).send(csv ? renderCsv(file) : renderJson(file));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
