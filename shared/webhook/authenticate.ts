import { HttpError, type HttpRequest } from './http';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './signature';

/** Gate of every run API request: size, signature, freshness, delivery id. Throws HttpError; changes nothing. */

export interface AuthOptions {
  /** Keys a request may be signed with: the secret's current value, then the previous one (a rotation under way). */
  secrets: readonly string[];
  /** Largest accepted body; Step Functions' input limit is 256 KiB and a run input is a few KiB. */
  maxBodyBytes: number;
  /** A signed timestamp further than this from now (either way) is refused as stale. */
  toleranceSeconds: number;
  now: () => number;
}

export interface Authenticated {
  deliveryId: string;
  timestamp: number;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_TOLERANCE_SECONDS = 300;

const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function requiredHeader(req: HttpRequest, name: string): string {
  const value = req.headers[name];
  if (!value) throw new HttpError(401, 'unauthenticated', `missing header ${name}`, { field: name });
  return value;
}

export function authenticate(req: HttpRequest, options: AuthOptions): Authenticated {
  if (req.body.length > options.maxBodyBytes) {
    throw new HttpError(
      413,
      'body-too-large',
      `body is ${req.body.length} bytes; the limit is ${options.maxBodyBytes}`,
    );
  }
  const signature = requiredHeader(req, SIGNATURE_HEADER);
  const timestampText = requiredHeader(req, TIMESTAMP_HEADER);
  const deliveryId = requiredHeader(req, DELIVERY_HEADER);

  const signed = { timestamp: timestampText, deliveryId, method: req.method, path: req.path, body: req.body };
  if (!options.secrets.some((secret) => verifySignature(secret, signed, signature))) {
    throw new HttpError(401, 'bad-signature', `${SIGNATURE_HEADER} does not match the request`, {
      field: SIGNATURE_HEADER,
    });
  }

  if (!/^\d{1,12}$/.test(timestampText)) {
    throw new HttpError(401, 'bad-timestamp', `${TIMESTAMP_HEADER} must be unix seconds`, { field: TIMESTAMP_HEADER });
  }
  const timestamp = Number(timestampText);
  const skew = Math.round(options.now() / 1000) - timestamp;
  if (Math.abs(skew) > options.toleranceSeconds) {
    throw new HttpError(
      401,
      'stale-timestamp',
      `${TIMESTAMP_HEADER} is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}; at most ${options.toleranceSeconds} s either way are accepted`,
      { field: TIMESTAMP_HEADER },
    );
  }

  if (!DELIVERY_ID.test(deliveryId)) {
    throw new HttpError(
      400,
      'invalid-delivery-id',
      `${DELIVERY_HEADER} must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      { field: DELIVERY_HEADER },
    );
  }
  return { deliveryId, timestamp };
}
