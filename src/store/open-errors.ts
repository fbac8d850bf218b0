// One line for an archive that cannot be opened: which archive, and why in words, never a
// password. Used by both adapters when they open (not for errors of later queries).

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  // mkdir -p answers EEXIST when a part of the path is a file.
  EEXIST: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOSPC: 'the disk is full',
  ENOENT: 'the folder does not exist',
};

const NET_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is PostgreSQL running there?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'no answer (timed out)',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
};

/** Why a file could not be opened or created, in words. */
export function fileOpenReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code && FS_REASONS[code]) return FS_REASONS[code];
  const message = err instanceof Error ? err.message : String(err);
  // better-sqlite3: "file is not a database", "unable to open database file", …
  return message.replace(/^SQLITE_\w+:\s*/, '');
}

/** `host:port/database` of a PostgreSQL URL, without user or password. */
export function postgresWhere(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || '5432'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

/** Why a PostgreSQL connection failed, in words, with any password in the URL scrubbed. */
export function connectReason(err: unknown, url: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  let reason =
    code && NET_REASONS[code] ? NET_REASONS[code] : err instanceof Error ? err.message : String(err);
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) reason = reason.replaceAll(password, '***');
  } catch {
    // an unparsable URL holds nothing to scrub here
  }
  return reason;
}
