// The HTTP side of `govwatch start`, built from what app.ts has: loaded only when
// GOVWATCH_HTTP_PORT is set.
import type { Config } from '../config.ts';
import { feedRoutes } from '../feeds-out/routes.ts';
import { publicBaseUrl } from '../feeds-out/tokens.ts';
import type { Logger } from '../log.ts';
import { UserError } from '../model.ts';
import type { PromMetrics } from '../metrics/prom.ts';
import type { Store } from '../store/types.ts';
import type { HealthDeps } from './health.ts';
import { startHttpServer, type HttpServer, type Route } from './server.ts';
import { watchRoutes } from './watch-routes.ts';

export interface BotHttpOptions {
  config: Config;
  http: NonNullable<Config['http']>;
  store: Store;
  metrics: PromMetrics;
  health: Omit<HealthDeps, 'store' | 'lastPollAt'>;
  logger: Logger;
}

export async function startBotHttp(opts: BotHttpOptions): Promise<HttpServer> {
  let port = opts.http.port;
  const routes: Route[] = [
    watchRoutes({ ...opts.health, store: opts.store, lastPollAt: opts.metrics.lastPollAt }, opts.metrics),
    feedRoutes({
      store: opts.store,
      metrics: opts.metrics,
      baseUrl: () => publicBaseUrl({ ...opts.http, port }),
      startedAt: new Date(opts.health.startedAt).toISOString(),
    }),
  ];
  try {
    const server = await startHttpServer({
      host: opts.http.host,
      port: opts.http.port,
      routes,
      logger: opts.logger,
    });
    port = server.port;
    return server;
  } catch (err) {
    throw new UserError(
      'http-listen',
      `cannot serve HTTP on ${opts.http.host}:${opts.http.port} (GOVWATCH_HTTP_HOST, GOVWATCH_HTTP_PORT): ${(err as Error).message}`,
    );
  }
}
