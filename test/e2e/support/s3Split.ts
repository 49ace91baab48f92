/**
 * One S3 endpoint made of two servers: ListBuckets (GET /, no bucket in the path) goes to moto, which
 * owns the bucket list; every bucket call goes to the MFA-aware loopback server, since moto's
 * GetBucketVersioning knows nothing of MFA delete. Requests are forwarded byte for byte.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Split {
  url: string;
  /** Requests sent to each side, by the side's name. */
  forwarded: { moto: number; mfaAware: number };
  close(): Promise<void>;
}

export function startS3Split(motoUrl: string, mfaAwareUrl: string): Promise<S3Split> {
  const forwarded = { moto: 0, mfaAware: 0 };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const toMoto = req.method === 'GET' && path === '/';
    if (toMoto) forwarded.moto++;
    else forwarded.mfaAware++;
    const target = new URL(req.url ?? '/', toMoto ? motoUrl : mfaAwareUrl);
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      res.writeHead(502).end(String(err));
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        forwarded,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
