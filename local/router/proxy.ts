import { randomBytes } from 'node:crypto';
import { request, type Agent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { cloudWatchDimensionValue } from './arn';
import { requestFacts } from './conditions';
import type { ElbState, TargetGroupRecord, TargetRecord } from './elb-state';
import type { MetricsStore } from './metrics-store';
import { chooseTargetGroup, matchRule, pickTarget } from './routing';

/**
 * The listener's request path: match a rule, choose a target group and a target, forward, and record the
 * ALB's per-target-group metrics at the second the request arrived. Errors the ALB itself would produce
 * (no target: 503; target refused or reset: 502; target too slow: 504) are answered here and counted as
 * HTTPCode_ELB_5XX_Count.
 */

/** Response headers the router adds so clients (the load generator) can tell who served them. */
export const TARGET_GROUP_HEADER = 'x-canary-judge-target-group';
export const TARGET_HEADER = 'x-canary-judge-target';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export interface ProxyDeps {
  state: ElbState;
  metrics: MetricsStore;
  agent: Agent;
  /** For X-Forwarded-Port. */
  listenerPort: () => number;
  /** ALB's idle timeout equivalent: a target that has not answered by then gets a 504. */
  targetTimeoutMs: number;
  now: () => number;
}

export function createProxyHandler(deps: ProxyDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const lbKey = cloudWatchDimensionValue(deps.state.loadBalancerArn);

  return (req, res) => {
    const arrivedAt = deps.now();
    const facts = requestFacts(req.method, req.url, req.headers);
    const rule = matchRule(deps.state, facts);
    const { group, setCookie } = chooseTargetGroup(deps.state, rule, req.headers.cookie, arrivedAt);
    const keys = [lbKey, cloudWatchDimensionValue(group.arn)];
    const count = (metric: string): void => keys.forEach((key) => deps.metrics.addCount(key, metric, arrivedAt));
    const elbError = (status: 502 | 503 | 504, target?: TargetRecord): void => {
      count('HTTPCode_ELB_5XX_Count');
      count(`HTTPCode_ELB_${status}_Count`);
      sendElbError(res, status, group, target);
    };

    const target = pickTarget(group);
    if (!target) {
      req.resume();
      elbError(503);
      return;
    }
    count('RequestCount');
    target.inFlight += 1;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      target.inFlight -= 1;
      deps.state.finishDrainingIfIdle(group, target);
    };
    res.once('close', finish);

    const sentAt = process.hrtime.bigint();
    let answered = false;
    let timedOut = false;
    let clientGone = false;
    const upstream = request({
      host: target.id,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req, deps.listenerPort()),
      agent: deps.agent,
      setHost: false,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      upstream.destroy(new Error('target timeout'));
    }, deps.targetTimeoutMs);

    upstream.on('response', (up) => {
      answered = true;
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - sentAt) / 1e9;
      const status = up.statusCode ?? 502;
      keys.forEach((key) => deps.metrics.addLatency(key, arrivedAt, seconds));
      count(`HTTPCode_Target_${Math.floor(status / 100)}XX_Count`);
      const headers = responseHeaders(up.headers, group, target, setCookie);
      res.writeHead(status, up.statusMessage, headers);
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // A client that hung up is ALB's 460 (access log only), not an ELB 5XX.
      if (answered || clientGone) {
        res.destroy();
        return;
      }
      if (timedOut) return elbError(504, target);
      // A refused or reset connection before any response: the ALB's TargetConnectionErrorCount + 502.
      if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' || error.code === 'EHOSTUNREACH')
        count('TargetConnectionErrorCount');
      elbError(502, target);
    });
    res.once('close', () => {
      if (res.writableFinished) return;
      clientGone = true;
      upstream.destroy();
    });
    req.pipe(upstream);
  };
}

function forwardHeaders(req: IncomingMessage, listenerPort: number): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...req.headers };
  for (const name of HOP_BY_HOP) delete headers[name];
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${String(prior)}, ${client}` : client;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(listenerPort);
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  return headers;
}

function responseHeaders(
  upstream: IncomingHttpHeaders,
  group: TargetGroupRecord,
  target: TargetRecord,
  setCookie: string | undefined,
): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...upstream };
  for (const name of HOP_BY_HOP) delete headers[name];
  headers[TARGET_GROUP_HEADER] = group.name;
  headers[TARGET_HEADER] = `${target.id}:${target.port}`;
  if (setCookie) headers['set-cookie'] = [...(upstream['set-cookie'] ?? []), setCookie];
  return headers;
}

const STATUS_TEXT = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' } as const;

function sendElbError(
  res: ServerResponse,
  status: 502 | 503 | 504,
  group: TargetGroupRecord,
  target?: TargetRecord,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const title = `${status} ${STATUS_TEXT[status]}`;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
  const headers: Record<string, string> = {
    server: 'awselb/2.0',
    'content-type': 'text/html',
    'content-length': String(Buffer.byteLength(body)),
    [TARGET_GROUP_HEADER]: group.name,
  };
  if (target) headers[TARGET_HEADER] = `${target.id}:${target.port}`;
  res.writeHead(status, headers);
  res.end(body);
}
