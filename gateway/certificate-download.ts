// POST /certificates: a terminal certificate (appendix 2) as the .p12 file
// itself, for administrators working with curl or the console rather than
// base64 inside JSON. It runs `issueClientCertificate` as the caller
// (caller-operations.ts): identity checks the permission, issues, audits
// and keeps nothing but the certificate's public record; neither does this
// route. The passphrase travels in a response header, shown once like the
// GraphQL answer's; the body is the PKCS#12 under the file name the install
// instructions name.
//
//   curl … -H 'content-type: application/json' -d '{"facilityId":"…","label":"受付端末"}' \
//        -D headers.txt -OJ https://…/certificates
import express from 'express';
import type { ApolloServer } from '@apollo/server';
import { requireJsonPost } from '../lib/http-errors';
import { currentLanguage } from '../lib/messages/language';
import { render } from '../lib/messages/message';
import type { GatewayContext } from './server';
import { runAsCaller, sendErrors } from './caller-operations';

export const passphraseHeader = 'renkei-certificate-passphrase';
export const certificateIdHeader = 'renkei-certificate-id';

const issueMutation = /* GraphQL */ `
  mutation IssueTerminalCertificate($facilityId: ID!, $label: String!) {
    issueClientCertificate(facilityId: $facilityId, label: $label) {
      certificate {
        id
      }
      pkcs12Base64
      passphrase
      fileName
    }
  }
`;

interface IssuedFile {
  certificate: { id: string };
  pkcs12Base64: string;
  passphrase: string;
  fileName: string;
}

export interface CertificateDownloadOptions {
  apollo: ApolloServer<GatewayContext>;
  /** Certificate, session and rate limits, as for /graphql (server.ts). */
  callerChain: express.RequestHandler[];
}

/** The body's shape only; identity validates the values (uuid, label length) as for the mutation. */
const checkBody: express.RequestHandler = (req, res, next) => {
  const body = req.body as unknown;
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : null;
  for (const field of ['facilityId', 'label'] as const) {
    const value = fields ? (fields as Record<string, unknown>)[field] : undefined;
    if (typeof value !== 'string') {
      sendErrors(res, 400, [
        {
          message: render(
            {
              en: `${field}: Give it as a string, in a JSON object {"facilityId": "…", "label": "…"}.`,
              ja: `${field}: JSON のオブジェクト {"facilityId": "…", "label": "…"} の文字列として指定してください。`,
            },
            currentLanguage(),
          ),
          extensions: { code: 'BAD_USER_INPUT', field },
        },
      ]);
      return;
    }
  }
  next();
};

export function certificateDownloadRouter(options: CertificateDownloadOptions): express.Router {
  const router = express.Router();
  router.post(
    '/certificates',
    requireJsonPost,
    express.json({ limit: '4kb' }),
    checkBody,
    ...options.callerChain,
    async (req, res, next) => {
      try {
        const { facilityId, label } = req.body as { facilityId: string; label: string };
        const result = await runAsCaller(options.apollo, res, issueMutation, { facilityId, label });
        if (!result.ok) {
          sendErrors(res, result.status, result.errors);
          return;
        }
        const issued = result.data.issueClientCertificate as IssuedFile;
        res.setHeader('Content-Type', 'application/x-pkcs12');
        res.setHeader('Content-Disposition', `attachment; filename="${issued.fileName}"`);
        res.setHeader(passphraseHeader, issued.passphrase);
        res.setHeader(certificateIdHeader, issued.certificate.id);
        res.status(201).send(Buffer.from(issued.pkcs12Base64, 'base64'));
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}
