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
  /** The ids of the runs that have anything stored, sorted. */
  runIds(): Promise<string[]>;
  /** A file at the store's root, beside the run folders (the runs' index.html); `name` is one plain segment. */
  putRoot(name: string, body: string, contentType: string): Promise<StoredReport>;
  /**
   * A link from a page at the store's root to a run's file: relative locally (the folder can move), a pre-signed
   * URL on S3 (a page opened by a pre-signed URL cannot follow relative links without a signature).
   */
  rootLink(runId: string, name: string): Promise<string>;
}
