// A feed in a local file (`file:///…`), for the operator's own sources: read with the same
// size cap as a download, and answered "not modified" while the file's size and
// modification time are what the last read saw (they stand in for an ETag).
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FetchError } from './errors.ts';
import type { FetchFeedResult } from './fetch.ts';

export async function readLocalFeed(
  url: string,
  opts: { etag?: string | null; maxBytes: number },
): Promise<FetchFeedResult> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (err) {
    throw new FetchError('bad-url', url, (err as Error).message);
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FetchError('network', url, code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FetchError('bad-url', url, 'not a file');
    const etag = `"${stat.size}-${Math.floor(stat.mtimeMs)}"`;
    const lastModified = stat.mtime.toUTCString();
    if (opts.etag === etag)
      return { status: 'not-modified', etag, lastModified, finalUrl: url, freshUntil: null };
    if (stat.size > opts.maxBytes) {
      throw new FetchError(
        'too-large',
        url,
        `file of ${stat.size} bytes exceeds the ${opts.maxBytes}-byte limit`,
      );
    }
    const body = await handle.readFile();
    return {
      status: 'ok',
      httpStatus: 200,
      body,
      contentType: null,
      etag,
      lastModified,
      finalUrl: url,
      freshUntil: null,
    };
  } finally {
    await handle.close();
  }
}
