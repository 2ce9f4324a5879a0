import { authenticate, type AuthOptions } from '../../../shared/webhook/authenticate';
import { HttpError } from '../../../shared/webhook/http';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../../shared/webhook/signature';
import { signedRequest, WEBHOOK_SECRET } from '../../support/webhook-requests';

const NOW = 1_767_225_600_000;
const options: AuthOptions = { secrets: [WEBHOOK_SECRET], maxBodyBytes: 1024, toleranceSeconds: 300, now: () => NOW };
const at = (offsetSeconds: number) => NOW / 1000 + offsetSeconds;

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('authenticate', () => {
  it('accepts a fresh, correctly signed request and returns its delivery id', () => {
    const req = signedRequest('{}', { timestamp: at(-10), deliveryId: 'gh-1' });
    expect(authenticate(req, options)).toEqual({ deliveryId: 'gh-1', timestamp: at(-10) });
  });

  it('accepts timestamps exactly at the tolerance, either side', () => {
    expect(() => authenticate(signedRequest('{}', { timestamp: at(-300) }), options)).not.toThrow();
    expect(() => authenticate(signedRequest('{}', { timestamp: at(300) }), options)).not.toThrow();
  });

  it.each([
    [-301, '301 s old'],
    [301, '301 s in the future'],
    [-86_400, '86400 s old'],
  ])('refuses a timestamp %i s away as stale (401)', (offset, text) => {
    const e = refusal(() => authenticate(signedRequest('{}', { timestamp: at(offset) }), options));
    expect(e.statusCode).toBe(401);
    expect(e.code).toBe('stale-timestamp');
    expect(e.message).toContain(text);
  });

  it('refuses a wrong signature (401)', () => {
    const e = refusal(() => authenticate(signedRequest('{}', { secret: 'guess', timestamp: at(0) }), options));
    expect([e.statusCode, e.code, e.details.field]).toEqual([401, 'bad-signature', SIGNATURE_HEADER]);
  });

  it('refuses a body changed after signing (401)', () => {
    const req = { ...signedRequest('{"a":1}', { timestamp: at(0) }), body: Buffer.from('{"a":2}') };
    expect(refusal(() => authenticate(req, options)).code).toBe('bad-signature');
  });

  it('refuses a signed request whose delivery id was swapped (401)', () => {
    const req = signedRequest('{}', { timestamp: at(0), deliveryId: 'd1' });
    req.headers[DELIVERY_HEADER] = 'd2';
    expect(refusal(() => authenticate(req, options)).code).toBe('bad-signature');
  });

  it.each([SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER])('refuses a request without %s (401)', (header) => {
    const req = signedRequest('{}', { timestamp: at(0) });
    delete req.headers[header];
    const e = refusal(() => authenticate(req, options));
    expect([e.statusCode, e.details.field]).toEqual([401, header]);
    expect(e.message).toBe(`missing header ${header}`);
  });

  it('refuses a timestamp that is not unix seconds, even correctly signed (401)', () => {
    const e = refusal(() => authenticate(signedRequest('{}', { timestamp: '2026-01-01T00:00:00Z' }), options));
    expect([e.statusCode, e.code]).toEqual([401, 'bad-timestamp']);
  });

  it('refuses a body above the limit before looking at anything else (413)', () => {
    const req = signedRequest(Buffer.alloc(1025, 0x20), { timestamp: at(0) });
    delete req.headers[SIGNATURE_HEADER];
    const e = refusal(() => authenticate(req, options));
    expect([e.statusCode, e.code]).toEqual([413, 'body-too-large']);
    expect(e.message).toBe('body is 1025 bytes; the limit is 1024');
  });

  it('takes a body exactly at the limit', () => {
    expect(() => authenticate(signedRequest(Buffer.alloc(1024, 0x20), { timestamp: at(0) }), options)).not.toThrow();
  });

  it('refuses a signed but malformed delivery id (400 naming the header)', () => {
    const e = refusal(() => authenticate(signedRequest('{}', { timestamp: at(0), deliveryId: '../etc' }), options));
    expect([e.statusCode, e.code, e.details.field]).toEqual([400, 'invalid-delivery-id', DELIVERY_HEADER]);
  });
});
