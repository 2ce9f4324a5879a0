/** Port: where a run's full judge results, series and HTML report live (S3 on AWS, reports/<run-id>/ locally). */

export interface StoredReport {
  key: string;
  /** A link a person can open: a pre-signed S3 URL, or a file path locally. */
  url: string;
}

export interface ReportStore {
  put(runId: string, name: string, body: string, contentType: string): Promise<StoredReport>;
  get(runId: string, name: string): Promise<string | undefined>;
  list(runId: string): Promise<string[]>;
}
