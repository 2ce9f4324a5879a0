import { writeFileSync } from 'node:fs';

/**
 * A user's own `local.command` service, unlike the sample service: it answers every path with 200, keeps a
 * helper process in its process group (as `sh -c`, npx or a worker pool would), and neither of them watches
 * its parent. Written to `file`; start it with `node <file>` (it listens on $PORT).
 */
const SERVICE = `
const http = require('node:http');
require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
http
  .createServer((req, res) => res.end('ok'))
  .listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
`;

export function writeUserService(file: string): string {
  writeFileSync(file, SERVICE);
  return file;
}
