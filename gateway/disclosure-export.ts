// POST /disclosure-reports/:requestId/export?format=csv|json: the disclosure
// report (appendix 5) as a file to hand to the subject. The route runs the
// `exportDisclosureReport` mutation as the caller (caller-operations.ts), so
// the subgraphs check permissions and record the export as for any other
// request, and the Art. 23-1 restrictions and rate limits apply.
//
// An export whose report came back incomplete (a subgraph failed while
// producing its part) is not rendered: the file would silently miss data.
// The export row and its access record stay, since the attempt did happen.
import express from 'express';
import type { ApolloServer } from '@apollo/server';
import type { GatewayContext } from './server';
import { runAsCaller, sendErrors } from './caller-operations';
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
        emergencyAccesses {
          id
          reason
          declaredAt
          endsAt
          endedAt
          reviewedAt
          grantees {
            id
            name
          }
          records {
            source
            seq
          }
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

export interface DisclosureExportOptions {
  apollo: ApolloServer<GatewayContext>;
  /** Certificate, session and rate limits, as for /graphql (server.ts). */
  callerChain: express.RequestHandler[];
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
  // The format is checked before the caller chain asks identity anything.
  const checkFormat: express.RequestHandler = (req, res, next) => {
    const format = parseFormat(req.query.format);
    if (!format) {
      sendErrors(res, 400, [
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
    res.locals.exportFormat = format;
    next();
  };
  router.post('/disclosure-reports/:requestId/export', checkFormat, ...options.callerChain, async (req, res, next) => {
    try {
      const format = res.locals.exportFormat as 'CSV' | 'JSON';
      const result = await runAsCaller(options.apollo, res, exportMutation, {
        requestId: req.params.requestId,
        format,
      });
      if (!result.ok) {
        sendErrors(res, result.status, result.errors);
        return;
      }
      const exported = result.data.exportDisclosureReport as
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
