/** Where the workflow's domain and its adapters report what they could not do but must not fail the run for. */
export interface RunLog {
  warn(message: string, details?: Record<string, unknown>): void;
}
