import { execFileSync } from 'node:child_process';
import { sign, stringToSign, verifySignature, type SignedRequest } from '../../../shared/webhook/signature';

const secret = 'fixture-secret';
const request: SignedRequest = {
  timestamp: '1767225600',
  deliveryId: 'gh-4711-1',
  method: 'POST',
  path: '/runs',
  body: Buffer.from('{"service":"checkout"}'),
};

describe('webhook signature', () => {
  it('signs "<timestamp>.<delivery>.<METHOD> <path>.<body>"', () => {
    expect(stringToSign(request).toString('utf8')).toBe('1767225600.gh-4711-1.POST /runs.{"service":"checkout"}');
  });

  it('equals what the documented openssl recipe computes', () => {
    // The same pipeline as examples/github-actions.yml, so CI clients and the API agree byte for byte.
    const fromOpenssl = execFileSync(
      'bash',
      [
        '-c',
        `printf '%s.%s.%s %s.%s' "$TS" "$DELIVERY" POST /runs "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1`,
      ],
      {
        env: {
          ...process.env,
          TS: request.timestamp,
          DELIVERY: request.deliveryId,
          BODY: request.body.toString(),
          SECRET: secret,
        },
      },
    )
      .toString()
      .trim();
    expect(sign(secret, request)).toBe(`sha256=${fromOpenssl}`);
    expect(fromOpenssl).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts its own signature, upper-case hex too', () => {
    const header = sign(secret, request);
    expect(verifySignature(secret, request, header)).toBe(true);
    expect(verifySignature(secret, request, `sha256=${header.slice(7).toUpperCase()}`)).toBe(true);
  });

  it.each([
    ['another secret', () => sign('other-secret', request)],
    ['another body', () => sign(secret, { ...request, body: Buffer.from('{"service":"cart"}') })],
    ['another timestamp', () => sign(secret, { ...request, timestamp: '1767225601' })],
    ['another delivery id', () => sign(secret, { ...request, deliveryId: 'gh-4711-2' })],
    ['another path', () => sign(secret, { ...request, path: '/runs/x/approve' })],
    ['another method', () => sign(secret, { ...request, method: 'GET' })],
  ])('refuses a signature made over %s', (_what, make) => {
    expect(verifySignature(secret, request, make())).toBe(false);
  });

  it.each([
    ['no prefix', () => sign(secret, request).slice(7)],
    ['sha1 prefix', () => `sha1=${sign(secret, request).slice(7)}`],
    ['truncated hex', () => sign(secret, request).slice(0, -2)],
    ['trailing garbage', () => `${sign(secret, request)}zz`],
    ['empty', () => ''],
  ])('refuses a malformed header (%s)', (_what, make) => {
    expect(verifySignature(secret, request, make())).toBe(false);
  });
});
