import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ValidationError } from '../config/validation';
import { isAwsError } from '../aws/errors';
import { assertSafeReportName, assertSafeRootName, assertSafeRunId, isRunId, reportKey } from './report-names';
import type { ReportStore, StoredReport } from './report-store';

export interface S3ReportStoreOptions {
  bucket: string;
  /** Put before every key, e.g. `canary-judge/` (a missing trailing slash is added). */
  prefix?: string;
  client?: S3Client;
  /** Lifetime of the report links (default and maximum 7 days, SigV4's limit). */
  urlExpiresInSeconds?: number;
}

/** SigV4 pre-signed URLs live at most a week. */
export const MAX_URL_EXPIRES_SECONDS = 7 * 24 * 3600;

/**
 * Reports in S3 at `<prefix><runId>/<name>`, linked by pre-signed GET URLs so a person can open them from
 * Slack without AWS console access. The returned key is the store-wide `<runId>/<name>`, as locally.
 */
export class S3ReportStore implements ReportStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly expiresIn: number;

  constructor(options: S3ReportStoreOptions) {
    const expiresIn = options.urlExpiresInSeconds ?? MAX_URL_EXPIRES_SECONDS;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_URL_EXPIRES_SECONDS) {
      throw new ValidationError('report store', [
        {
          path: 'urlExpiresInSeconds',
          message: `must be a whole number of seconds from 1 to ${MAX_URL_EXPIRES_SECONDS}`,
        },
      ]);
    }
    if (!options.bucket) throw new ValidationError('report store', [{ path: 'bucket', message: 'is required' }]);
    this.client = options.client ?? new S3Client({});
    this.bucket = options.bucket;
    this.prefix = options.prefix ? options.prefix.replace(/\/*$/, '/') : '';
    this.expiresIn = expiresIn;
  }

  async put(runId: string, name: string, body: string, contentType: string): Promise<StoredReport> {
    return this.putKey(reportKey(runId, name), body, contentType);
  }

  async putRoot(name: string, body: string, contentType: string): Promise<StoredReport> {
    assertSafeRootName(name);
    return this.putKey(name, body, contentType);
  }

  async rootLink(runId: string, name: string): Promise<string> {
    assertSafeReportName(runId, name);
    return this.signedUrl(reportKey(runId, name));
  }

  /** The run ids under the prefix (one per `<prefix><runId>/` folder), across pages. */
  async runIds(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
      for (const { Prefix } of page.CommonPrefixes ?? []) {
        const id = Prefix?.slice(this.prefix.length, -1);
        if (id && isRunId(id)) ids.push(id);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return ids.sort();
  }

  private async putKey(key: string, body: string, contentType: string): Promise<StoredReport> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, ContentType: contentType }),
    );
    return { key, url: await this.signedUrl(key) };
  }

  private signedUrl(key: string): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }), {
      expiresIn: this.expiresIn,
    });
  }

  async get(runId: string, name: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + reportKey(runId, name) }),
      );
      return await out.Body?.transformToString('utf-8');
    } catch (error) {
      if (isAwsError(error, 'NoSuchKey', 'NotFound')) return undefined;
      throw error;
    }
  }

  /** Names under the run, `/`-separated, sorted; [] for an unknown run. */
  async list(runId: string): Promise<string[]> {
    assertSafeRunId(runId);
    const runPrefix = `${this.prefix}${runId}/`;
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: runPrefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) names.push(object.Key.slice(runPrefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names.sort();
  }
}
