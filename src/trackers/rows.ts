// Row ↔ TrackedProcess mapping shared by both adapters (JSON columns arrive as text in
// SQLite and parsed in PostgreSQL).
import type { Target } from '../model.ts';
import { emptyFetchState, type TrackedProcess, type TrackerFollow } from './types.ts';

export interface ProcessRow {
  id: string;
  kind: string;
  source: string;
  title: string;
  url: string;
  state: string;
  deadline: string | null;
  updated_at: string;
  history: unknown;
  themes: unknown;
  regions: unknown;
  details: unknown;
  poll_state: unknown;
}

export interface FollowRow {
  process_id: string;
  target: unknown;
  reminder_days: unknown;
  created_by: string;
  created_at: string;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function processFromRow(r: ProcessRow): TrackedProcess {
  return {
    id: r.id,
    kind: r.kind as TrackedProcess['kind'],
    source: r.source as TrackedProcess['source'],
    title: r.title,
    url: r.url,
    state: r.state,
    deadline: r.deadline,
    updatedAt: r.updated_at,
    history: json(r.history),
    themes: json(r.themes),
    regions: json(r.regions),
    details: json(r.details),
    fetch: { ...emptyFetchState(), ...json<object>(r.poll_state) },
  };
}

/** Values in column order: id, kind, source, title, url, state, deadline, updated_at, history, themes, regions, details, poll_state. */
export function processValues(p: TrackedProcess): unknown[] {
  return [
    p.id,
    p.kind,
    p.source,
    p.title,
    p.url,
    p.state,
    p.deadline ?? null,
    p.updatedAt,
    JSON.stringify(p.history),
    JSON.stringify(p.themes),
    JSON.stringify(p.regions),
    JSON.stringify(p.details),
    JSON.stringify(p.fetch),
  ];
}

export function followFromRow(r: FollowRow): TrackerFollow {
  return {
    processId: r.process_id,
    target: json<Target>(r.target),
    reminderDays: json<number[]>(r.reminder_days),
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export const PROCESS_ORDER = 'ORDER BY deadline IS NULL, deadline, id';
