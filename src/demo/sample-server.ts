// Serves feeds/samples on 127.0.0.1 with the Content-Type each sample's index entry gives,
// honouring If-None-Match so a second poll is answered 304 like a real server would.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SampleIndex } from '../sources/samples.ts';

export interface SampleServer {
  baseUrl: string;
  requests: number;
  close(): Promise<void>;
}

export async function startSampleServer(index: SampleIndex): Promise<SampleServer> {
  const files = new Map(
    index.samples.map((s) => {
      const body = readFileSync(join(index.dir, s.file));
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
      return [`/${encodeURIComponent(s.file)}`, { body, etag, contentType: s.contentType }];
    }),
  );
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    const file = files.get((req.url ?? '/').split('?')[0]!);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { etag: file.etag }).end();
      return;
    }
    res.writeHead(200, {
      'content-type': file.contentType,
      etag: file.etag,
      'content-length': file.body.length,
    });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
