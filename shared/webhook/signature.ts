import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signing for the run API, GitHub's `X-Hub-Signature-256: sha256=<hex>` format, but the HMAC
 * covers more than the body so a captured request cannot be reused for something else:
 *
 *   <timestamp> "." <delivery id> "." <METHOD> " " <path> "." <raw body>
 *
 * e.g. `1767225600.gh-4711-1.POST /runs.{"service":...}`. The timestamp (unix seconds) bounds replays in
 * time, the delivery id ties the signature to one start (it is part of the execution name), and the
 * method + path stop a signed approve from being replayed as a reject or against another run.
 */

export const SIGNATURE_HEADER = 'x-hub-signature-256';
export const TIMESTAMP_HEADER = 'x-canary-judge-timestamp';
export const DELIVERY_HEADER = 'x-canary-judge-delivery';

const PREFIX = 'sha256=';

export interface SignedRequest {
  timestamp: string;
  deliveryId: string;
  method: string;
  path: string;
  body: Buffer;
}

export function stringToSign(req: SignedRequest): Buffer {
  const head = `${req.timestamp}.${req.deliveryId}.${req.method.toUpperCase()} ${req.path}.`;
  return Buffer.concat([Buffer.from(head, 'utf8'), req.body]);
}

export function sign(secret: string, req: SignedRequest): string {
  return PREFIX + createHmac('sha256', secret).update(stringToSign(req)).digest('hex');
}

/** Constant-time check of a `sha256=<hex>` header against the expected HMAC. */
export function verifySignature(secret: string, req: SignedRequest, header: string): boolean {
  const hex = header.startsWith(PREFIX) ? header.slice(PREFIX.length) : '';
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(stringToSign(req)).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}
