// A real SMTP server on loopback for the end-to-end test: it accepts every
// message and keeps it, so the test can read what the portal mailed.
import { SMTPServer } from 'smtp-server';

export const SMTP_PORT = 2526;

/** Starts it on `port` (the e2e config's by default); `stop` ends it. */
export async function startSmtpServer(port = SMTP_PORT) {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', chunk => (raw += chunk));
      stream.on('end', () => {
        messages.push({
          to: session.envelope.rcptTo.map(r => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    messages,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}
