// Who this process is in the archive's leases (feed claims, outbox claims, digest and
// gateway locks). A restarted process must recognise its own leases, or it waits them out
// as a stranger (10 minutes for a digest slot): GOVWATCH_REPLICA_ID when set; on SQLite,
// which serves one bot per archive, a name stable across restarts; on PostgreSQL, where
// replicas share the archive, host and process id (set GOVWATCH_REPLICA_ID per replica to
// get the same take-over there).
import { hostname } from 'node:os';
import type { Config } from './config.ts';

export function defaultOwner(config: Pick<Config, 'replicaId' | 'databaseUrl'>): {
  owner: string;
  /** The owner survives a restart, so what it held at start is stale and can be released. */
  stable: boolean;
} {
  if (config.replicaId) return { owner: config.replicaId, stable: true };
  if (!config.databaseUrl) return { owner: `${hostname()}:sqlite`, stable: true };
  return { owner: `${hostname()}:${process.pid}`, stable: false };
}
