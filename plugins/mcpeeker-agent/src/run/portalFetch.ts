import { Agent, fetch as undiciFetch, type RequestInit } from 'undici';

/**
 * The agent's TLS material for the portal and NATS, as PEM text read from the
 * files `report.tls` names: `ca` to trust a private CA, `cert` and `key` for
 * mutual TLS (the portal's agent listener, or a NATS server with
 * `verify: true`).
 */
export interface AgentTls {
  ca?: string;
  cert?: string;
  key?: string;
}

const dispatchers = new WeakMap<AgentTls, Agent>();

/**
 * The one way the agent calls the portal (events, enrolment): fetch, through
 * a connection pool that presents the client certificate and trusts the
 * configured CA when `tls` is given.
 */
export function portalFetch(
  url: string,
  init: RequestInit,
  tls: AgentTls | undefined,
) {
  let dispatcher: Agent | undefined;
  if (tls) {
    dispatcher = dispatchers.get(tls);
    if (!dispatcher) {
      dispatcher = new Agent({ connect: { ...tls } });
      dispatchers.set(tls, dispatcher);
    }
  }
  return undiciFetch(url, { ...init, ...(dispatcher ? { dispatcher } : {}) });
}
