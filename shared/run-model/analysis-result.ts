import type { JudgmentSummary, OutcomeVerdict } from './run-state';

/** What `analyze` answers (the analysis report renders it): an analysis is a run's judging without its traffic. */

/** What the analysis says the canary's fate would have been. */
export type AnalysisLabel = 'WOULD PROMOTE' | 'WOULD ROLL BACK' | 'COULD NOT JUDGE';

export interface AnalysisResult {
  analysisId: string;
  service: string;
  baseline: { target: string; label: string };
  canary: { target: string; label: string };
  from: string;
  to: string;
  intervalSeconds: number;
  intervalCount: number;
  /** The metrics source, e.g. "cloudwatch", "prometheus http://…". */
  source: string;
  label: AnalysisLabel;
  decision: 'promote' | 'rollback';
  /** The judge's verdict of the deciding interval, or `inconclusive` when nothing could be judged. */
  verdict: OutcomeVerdict;
  score: number | null;
  /** Why, in one sentence of plain words (without the label). */
  summary: string;
  /** The label and the summary: what a terminal (and a failed execution's Cause) leads with. */
  headline: string;
  /** The decision rule's own reason. */
  reason: string;
  /** One per judged interval, in order (`step` is the interval's number). */
  intervals: JudgmentSummary[];
  /** The HTML report, when a report store was given. */
  report?: { key: string; url: string };
}
