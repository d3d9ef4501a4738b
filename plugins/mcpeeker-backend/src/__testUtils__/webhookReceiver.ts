import http from 'node:http';
import { AddressInfo } from 'node:net';
import { signWebhook } from '../services/RegistryNotifier';

/** A webhook receiver on loopback that checks the signature the way a receiver should. */
export async function startWebhookReceiver(secret: string) {
  const received: Array<{ event: string; valid: boolean; body: any }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const timestamp = String(req.headers['x-mcpeeker-timestamp']);
      received.push({
        event: String(req.headers['x-mcpeeker-event']),
        valid:
          req.headers['x-mcpeeker-signature'] ===
          `sha256=${signWebhook(secret, timestamp, body)}`,
        body: JSON.parse(body),
      });
      res.end('ok');
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise(r => server.close(r)),
  };
}
