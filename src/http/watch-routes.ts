// /healthz and /metrics.
import type { PromMetrics } from '../metrics/prom.ts';
import { checkHealth, type HealthDeps } from './health.ts';
import { sendJson, sendText, type Route } from './server.ts';

export function watchRoutes(deps: HealthDeps, metrics: PromMetrics): Route {
  return async (_req, res, url) => {
    if (url.pathname === '/healthz') {
      const report = await checkHealth(deps);
      sendJson(res, report.status === 'ok' ? 200 : 503, report);
      return true;
    }
    if (url.pathname === '/metrics') {
      const text = await metrics.registry.metrics();
      res.setHeader('cache-control', 'no-store');
      sendText(res, 200, text, metrics.registry.contentType);
      return true;
    }
    return false;
  };
}
