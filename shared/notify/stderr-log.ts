import type { RunLog } from '../run-model/run-log';

/** The notifiers' default log when none is given: one JSON line per warning on stderr. */
export const stderrLog: RunLog = {
  warn: (message, details) => console.warn(JSON.stringify({ level: 'WARN', message, ...details })),
};
