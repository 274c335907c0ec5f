// The local SEQR sandbox. Until the SOAP server lands (issue 3) this process only holds its port
// and answers every request with 503 and a sentence, so a misconfigured shop fails clearly.
import http from 'node:http';
import { getConfig } from '../lib/config';

const { seqr } = getConfig();
const server = http.createServer((_request, response) => {
  response.writeHead(503, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: 'The local SEQR sandbox is not implemented yet: it cannot take payments.' }));
});
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `The SEQR sandbox cannot listen on port ${seqr.sandboxPort}: it is in use. Set SEQR_SANDBOX_PORT to a free port.`
      : `The SEQR sandbox failed: ${error.message}`,
  );
  process.exit(1);
});
server.listen(seqr.sandboxPort, () => console.log(`SEQR sandbox placeholder on ${seqr.sandboxBaseUrl}`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.close(() => process.exit(0)));
