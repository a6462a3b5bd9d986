// A tiny recording proxy for scripts/bench: forwards every request to UPSTREAM unchanged and
// appends one JSON line per POST to OUT: {"method","path","headers","body"} (body as text).
// Prints "listening on http://127.0.0.1:PORT" once bound, like spar-mock-agent.
//   node capture-proxy.js UPSTREAM_PORT OUT.jsonl
'use strict';
const http = require('http');
const fs = require('fs');

const upstreamPort = Number(process.argv[2]);
const out = fs.openSync(process.argv[3], 'w');
const agent = new http.Agent({ keepAlive: true });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.method === 'POST') {
      fs.writeSync(out, JSON.stringify({ method: req.method, path: req.url, headers: req.headers,
                                         body: body.toString('utf8') }) + '\n');
    }
    const headers = { ...req.headers };
    delete headers.expect;
    const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url,
                              headers, agent }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    up.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log('listening on http://127.0.0.1:' + server.address().port);
});
process.on('SIGTERM', () => process.exit(0));
