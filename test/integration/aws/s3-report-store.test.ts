import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ReportStore } from '../../../shared/reports/s3-report-store';
import { finishRun } from '../../support/finished-runs';
import { startMoto, type Moto } from '../../support/moto';
import { smallPages } from '../../support/small-pages';

jest.setTimeout(60_000);

let moto: Moto;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto({ env: true });
  // Path-style so pre-signed URLs point at 127.0.0.1 rather than <bucket>.127.0.0.1.
  s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
});

afterAll(async () => {
  await moto?.stop();
});

describe('S3ReportStore against moto', () => {
  it('stores under the prefix and links with a pre-signed GET URL that serves the report', async () => {
    const store = new S3ReportStore({
      bucket: 'reports',
      prefix: 'canary-judge',
      client: s3,
      urlExpiresInSeconds: 3600,
    });
    const html = '<!doctype html><h1>web-7: pass</h1>';
    const stored = await store.put('web-7', 'report.html', html, 'text/html; charset=utf-8');
    expect(stored.key).toBe('web-7/report.html');

    const object = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'canary-judge/web-7/report.html' }));
    expect(object.ContentType).toBe('text/html; charset=utf-8');
    expect(await object.Body!.transformToString()).toBe(html);

    const url = new URL(stored.url);
    expect(url.pathname).toBe('/reports/canary-judge/web-7/report.html');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // A person's browser: a plain GET, no AWS credentials.
    const res = await fetch(stored.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(html);

    expect(await store.get('web-7', 'report.html')).toBe(html);
  });

  it('reads back what it stored, lists across pages, and answers undefined / [] for what is not there', async () => {
    const client = new S3Client({ forcePathStyle: true });
    // Two keys a page, so listing has to follow continuation tokens.
    const listPages = smallPages(client, 'ListObjectsV2Command', 'MaxKeys', 2);
    const store = new S3ReportStore({ bucket: 'reports', client });
    const names = [
      'judgments/step-1.json',
      'judgments/step-2.json',
      'report.html',
      'series/step-1.json',
      'summary.json',
    ];
    for (const name of [...names].reverse())
      await store.put('web-8', name, JSON.stringify({ name }), 'application/json');
    await store.put('web-80', 'summary.json', '{}', 'application/json');

    expect(await store.list('web-8')).toEqual(names);
    expect(listPages).toHaveLength(3);
    expect(JSON.parse((await store.get('web-8', 'judgments/step-2.json'))!)).toEqual({ name: 'judgments/step-2.json' });
    expect(await store.get('web-8', 'missing.json')).toBeUndefined();
    expect(await store.list('web-9')).toEqual([]);
  });

  it('refuses names that would leave the run, before calling S3', async () => {
    const calls: string[] = [];
    const client = new S3Client({ forcePathStyle: true });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const store = new S3ReportStore({ bucket: 'reports', client });
    await expect(store.put('web-7', '../web-8/summary.json', '{}', 'application/json')).rejects.toThrow(
      /invalid report location: name: "\.\.\/web-8\/summary\.json" is not a safe report name/,
    );
    await expect(store.list('../web-7')).rejects.toThrow(/runId: "\.\.\/web-7" is not a run id/);
    expect(calls).toEqual([]);
    expect(() => new S3ReportStore({ bucket: 'reports', urlExpiresInSeconds: 8 * 24 * 3600 })).toThrow(
      'invalid report store: urlExpiresInSeconds: must be a whole number of seconds from 1 to 604800',
    );
  });

  it('uses AWS_ENDPOINT_URL when no client is given', async () => {
    const store = new S3ReportStore({ bucket: 'reports', prefix: 'env/' });
    await store.put('web-10', 'summary.json', '{"ok":true}', 'application/json');
    const object = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'env/web-10/summary.json' }));
    expect(await object.Body!.transformToString()).toBe('{"ok":true}');
  });
});

/**
 * The runs' index in the S3 report bucket (moto over HTTP): Notify rewrites `<prefix>index.html` after each run; a
 * person opens it by a pre-signed URL, so each run's link is a pre-signed URL too (a relative link would lose the
 * signature), and each opens that run's report.
 */
describe('runs index in S3 against moto', () => {
  it('is rewritten by Notify after each run, newest first, each run linked by a pre-signed URL to its report', async () => {
    const client = new S3Client({ forcePathStyle: true });
    // One prefix a page, so listing the runs has to follow continuation tokens.
    const listPages = smallPages(client, 'ListObjectsV2Command', 'MaxKeys', 1);
    const store = new S3ReportStore({ bucket: 'reports', prefix: 'index-test/', client, urlExpiresInSeconds: 3600 });

    const first = await finishRun(store, { runId: 'web-1', startedAt: '2026-11-20T10:00:00.000Z', promoted: true });
    const second = await finishRun(store, { runId: 'web-2', startedAt: '2026-11-21T10:00:00.000Z' });
    expect(await store.runIds()).toEqual(['web-1', 'web-2']);
    expect(listPages.length).toBeGreaterThan(2);

    const object = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'index-test/index.html' }));
    expect(object.ContentType).toBe('text/html; charset=utf-8');
    const stored = await object.Body!.transformToString();
    expect([...stored.matchAll(/<tr data-run="([^"]+)">/g)].map((m) => m[1])).toEqual(['web-2', 'web-1']);

    // Each Notify links the index it wrote: the same key, rewritten.
    expect(first.event.links.index).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/reports\/index-test\/index\.html\?/);
    const index = await fetch(second.event.links.index!);
    expect(index.status).toBe(200);
    const page = await index.text();
    expect(page).toBe(stored);

    const links = [...page.matchAll(/<a href="([^"]+)" data-field="report">([^<]+)<\/a>/g)].map((m) => ({
      run: m[2],
      url: m[1].replace(/&amp;/g, '&'),
    }));
    expect(links.map((l) => l.run)).toEqual(['web-2', 'web-1']);
    for (const { run, url } of links) {
      const signed = new URL(url);
      expect(signed.pathname).toBe(`/reports/index-test/${run}/report.html`);
      expect(signed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      // A person's browser: a plain GET, no AWS credentials.
      const report = await fetch(url);
      expect(report.status).toBe(200);
      expect(await report.text()).toContain(`canary-judge run report · run ${run}`);
    }
    expect(page).toMatch(/<tr data-run="web-1">[\s\S]*?data-field="decision">PROMOTED</);
    expect(page).toMatch(/<tr data-run="web-2">[\s\S]*?data-field="decision">ROLLED BACK</);
  });
});
