// The lean HTTP API (/lean/v0/... and /metrics) on --api-port, answered by the
// library (beam_api_handle); bound to 127.0.0.1 unless told otherwise.
import http from 'node:http';

const MAX_BODY = 1 << 20;

export function startApiServer({ node, port, host = '127.0.0.1', log }) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'application/json' }).end('{"code":413,"message":"body too large"}');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      try {
        const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
        const r = node.api(req.method, req.url, body);
        const headers = { 'content-type': r.contentType, 'content-length': r.body.length };
        if (r.allow) headers.allow = r.allow;
        res.writeHead(r.status, headers).end(req.method === 'HEAD' ? undefined : r.body);
      } catch (e) {
        log('warn', `api: ${req.method} ${req.url}: ${e.message}`);
        res.writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 500, message: e.message }));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
