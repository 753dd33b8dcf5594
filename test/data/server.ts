import { readFileSync } from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

/**
 * A local stand-in for the USPS download site, on 127.0.0.1 and an ephemeral port:
 *   /ok/NAME        the real file from KPCA_USPS_DIR (404 when unset)
 *   /corrupt/NAME   a body of the right length with one byte changed
 *   /cut/NAME       announces the full length, sends half, then drops the connection
 *   /redirect/NAME  302 to /ok/NAME
 *   /silent/NAME    accepts the request and never answers
 *   anything else   404
 */
export async function startUspsServer(): Promise<{ baseUrl: (route: string) => string; close: () => Promise<void> }> {
  const dir = process.env.KPCA_USPS_DIR;
  const real = (name: string): Buffer => (dir ? readFileSync(path.join(dir, name)) : Buffer.alloc(100_000, 7));
  const server = http.createServer((req, res) => {
    const [, route, name] = (req.url ?? '').split('/');
    if (route === 'ok' && dir) {
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(real(name));
    } else if (route === 'corrupt') {
      const body = Buffer.from(real(name));
      body[body.length >> 1] ^= 0x55;
      res.writeHead(200).end(body);
    } else if (route === 'cut') {
      const body = real(name);
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    } else if (route === 'redirect') {
      res.writeHead(302, { location: `/ok/${name}` }).end();
    } else if (route === 'silent') {
      // never answer
    } else {
      res.writeHead(404).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: (route) => `http://127.0.0.1:${port}/${route}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
