import {
  connect,
  errors as natsErrors,
  NatsConnection,
} from '@nats-io/transport-node';
import { jetstream, JetStreamClient } from '@nats-io/jetstream';
import {
  AGENT_CREDENTIAL_HEADER,
  canonicalJson,
  describeRejection,
  hostStatusSubject,
  sha256Hex,
  type HostStatus,
  type IngestResult,
  type McpEvent,
} from '@mcpeeker/plugin-mcpeeker-common';
import { type AgentTls, portalFetch } from './portalFetch';

/** Where events go. `send` resolves only when the receiver has them for good. */
export interface EventTransport {
  readonly name: string;
  /**
   * What a refusal of who sends (`refused-credential`) holds until, for the
   * line a long-running command stops with: "the portal will take nothing
   * with this agent's token until it is replaced".
   */
  readonly refusedUntil: string;
  /** Sends in order; returns how many of the leading events were accepted before a failure. */
  send(events: McpEvent[]): Promise<{
    accepted: number;
    rejected: Array<{ eventId: string; reason: string }>;
    error?: string;
    /**
     * The receiver answered and will not take the batch as it is (its
     * credential refused, a 4xx): `error` is then a whole sentence, said as
     * is, not a "cannot reach"; trying again later will not help.
     */
    refused?: boolean;
    /**
     * Refused for who sent it (HTTP 401, 403: a revoked credential, a wrong
     * token): no send with this credential will ever be taken, so a
     * long-running agent stops rather than try for ever.
     */
    unauthorized?: boolean;
    /** The receiver answered but could not take it now (5xx, 429): `error` is a whole sentence. */
    answered?: boolean;
    /** How long the receiver asked us to wait before the next attempt (HTTP `Retry-After`). */
    retryAfterMs?: number;
  }>;
  /**
   * Says what the host's clients enforce, and the scan's inventory, when a
   * scan found nothing to send. Resolves with the reason it could not.
   */
  sendHostStatus?(
    status: HostStatus,
  ): Promise<{ error?: string; refused?: boolean; unauthorized?: boolean }>;
  close(): Promise<void>;
}

/**
 * What the backend made of a send (events, or a host status): the one
 * reading of a transport's answer that every command acts on.
 *
 * - `taken`: all of it;
 * - `refused-items`: taken, but some events refused one by one (the
 *   backend's 400 naming each one's issues): it keeps them as dead letters,
 *   and they are not sent again;
 * - `transient`: not reached, or it could not take them now (network, 5xx,
 *   408, 429): they wait in the spool and go again;
 * - `refused-send`: the whole send refused as it is (another 4xx: a wrong
 *   URL): it waits in the spool until someone acts;
 * - `refused-credential`: who sends was refused (HTTP 401, 403: a revoked
 *   credential, a wrong token; NATS: an authorization or permissions
 *   violation): nothing will be taken until it is replaced.
 */
export type BackendAnswer =
  | 'taken'
  | 'refused-items'
  | 'transient'
  | 'refused-send'
  | 'refused-credential';

export function backendAnswer(result: {
  error?: string;
  refused?: boolean;
  unauthorized?: boolean;
  rejected?: unknown[];
}): BackendAnswer {
  if (result.error) {
    if (!result.refused) return 'transient';
    return result.unauthorized ? 'refused-credential' : 'refused-send';
  }
  return result.rejected?.length ? 'refused-items' : 'taken';
}

/** The backend refused all or part of it: trying the same again will not help. */
export const isRefusal = (answer: BackendAnswer) =>
  answer === 'refused-items' ||
  answer === 'refused-send' ||
  answer === 'refused-credential';

/**
 * The last token of an event's subject: the host it is about, or the sensor
 * that saw it (a gateway's name), with what NATS reserves in a token replaced.
 */
function subjectToken(event: McpEvent): string {
  if (event.layer === 'endpoint') return event.host.idHash;
  return event.sensor.id.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The NATS server's refusal of who sends, however the client wrapped it (a
 * JetStream publish is a request, whose error carries it as its cause): its
 * token refused (authorization violation, expired) or a subject it may not
 * use (permissions violation). Anything else — a server down, a timeout, no
 * stream — may pass.
 */
function natsRefusalOf(
  error: unknown,
):
  | InstanceType<
      | typeof natsErrors.AuthorizationError
      | typeof natsErrors.UserAuthenticationExpiredError
      | typeof natsErrors.PermissionViolationError
    >
  | undefined {
  let cause = error;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
    if (
      cause instanceof natsErrors.AuthorizationError ||
      cause instanceof natsErrors.UserAuthenticationExpiredError ||
      cause instanceof natsErrors.PermissionViolationError
    )
      return cause;
    cause = cause.cause;
  }
  return undefined;
}

/**
 * NATS JetStream: each event on `<prefix>.<hostIdHash>` (a gateway event on
 * `<prefix>.<sensor id>`), with `Nats-Msg-Id`
 * set to the event id so the stream drops a redelivered duplicate, and
 * counted only once the stream acknowledged it. A host status on
 * `<prefix>.status.<hostIdHash>` (`hostStatusSubject`). The server refusing
 * the agent's token, or a subject its permissions do not allow, is
 * `refused-credential`, as HTTP 401 and 403 are; any other failure may pass.
 */
export class NatsTransport implements EventTransport {
  readonly name: string;
  readonly refusedUntil =
    'the NATS server will take nothing from this agent until its token or permissions are changed';
  private connection?: NatsConnection;
  private js?: JetStreamClient;

  constructor(
    private readonly options: {
      servers: string[];
      token?: string;
      subjectPrefix: string;
      /** A private CA to trust, and a client certificate when the server verifies clients. */
      tls?: AgentTls;
    },
  ) {
    this.name = `nats ${options.servers.join(',')}`;
  }

  private async client(): Promise<JetStreamClient> {
    if (this.connection && !this.connection.isClosed() && this.js)
      return this.js;
    this.connection = await connect({
      servers: this.options.servers,
      token: this.options.token,
      ...(this.options.tls ? { tls: { ...this.options.tls } } : {}),
      timeout: 3000,
      name: 'mcpeeker-agent',
    });
    this.js = jetstream(this.connection, { timeout: 5000 });
    return this.js;
  }

  /**
   * What a failure means: a sentence naming the server, what it refused and
   * what to do when it refused who sends; else the client's message.
   */
  private failure(error: unknown): {
    error: string;
    refused?: boolean;
    unauthorized?: boolean;
  } {
    const refusal = natsRefusalOf(error);
    if (!refusal) return { error: (error as Error).message };
    const server = `the NATS server at ${this.options.servers.join(', ')}`;
    let advice: string;
    if (!(refusal instanceof natsErrors.PermissionViolationError))
      advice = this.options.token
        ? 'it does not take the token this agent has (report.nats.token, MCPEEKER_NATS_TOKEN): set the token it takes from agents'
        : 'this agent has no token: set the token it takes from agents (report.nats.token, MCPEEKER_NATS_TOKEN)';
    else if (refusal.operation === 'publish')
      advice = `this agent may not publish there: allow it to publish on ${this.options.subjectPrefix}.> in the NATS server's permissions`;
    else
      advice = `this agent may not subscribe to ${refusal.subject}, where JetStream's acknowledgements come back: allow it to subscribe to _INBOX.> in the NATS server's permissions`;
    return {
      refused: true,
      unauthorized: true,
      error: `${server} refused the report (${refusal.message}): ${advice}`,
    };
  }

  async send(events: McpEvent[]) {
    let accepted = 0;
    try {
      const js = await this.client();
      for (const event of events) {
        const subject = `${this.options.subjectPrefix}.${subjectToken(event)}`;
        // msgID is sent as the Nats-Msg-Id header: the stream's duplicate window drops a resend.
        await js.publish(subject, JSON.stringify(event), {
          msgID: event.eventId,
        });
        accepted++;
      }
      return { accepted, rejected: [] };
    } catch (error) {
      await this.close();
      return { accepted, rejected: [], ...this.failure(error) };
    }
  }

  /** The host's status on its own, sent once the stream acknowledged it; a resend within the stream's duplicate window is dropped there. */
  async sendHostStatus(status: HostStatus) {
    try {
      const js = await this.client();
      const body = JSON.stringify(status);
      await js.publish(
        hostStatusSubject(this.options.subjectPrefix, status.idHash),
        body,
        { msgID: `host-status:${sha256Hex(canonicalJson(status))}` },
      );
      return {};
    } catch (error) {
      await this.close();
      return this.failure(error);
    }
  }

  async close() {
    const connection = this.connection;
    this.connection = undefined;
    this.js = undefined;
    if (connection && !connection.isClosed())
      await connection.close().catch(() => undefined);
  }
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The items the backend refused, each with its event id and every reason it gave. */
function rejectionsOf(
  body: Partial<IngestResult> | undefined,
  events: McpEvent[],
): Array<{ eventId: string; reason: string }> {
  return (Array.isArray(body?.rejected) ? body.rejected : []).map(r => ({
    eventId: r.eventId ?? events[r.index]?.eventId ?? `item ${r.index}`,
    reason: describeRejection({
      ...r,
      issues: Array.isArray(r.issues) ? r.issues : [],
    }),
  }));
}

/**
 * HTTP: a batch to `POST /api/mcpeeker/events` with the agents' service token.
 * 2xx: accepted (items the backend refused are listed in its answer and
 * dead-lettered there); 408, 429, 5xx, network errors: retried later, not
 * before the answer's `Retry-After`; 401 and 403: the credential or token
 * is refused, and nothing will be taken until someone replaces it; any
 * other 4xx: the batch can never succeed as it is — reported loudly.
 */
export class HttpTransport implements EventTransport {
  readonly name: string;
  readonly refusedUntil: string;

  constructor(
    /**
     * `credential`: an enrolled agent's own, sent instead of the service
     * token; `tls`: a private CA, and the client certificate the portal's
     * agent listener requires (mutual TLS); `configFile`: the run config
     * the agent was started with, which `enrol` must be given again to
     * save a new credential where `run` reads it.
     */
    private readonly options: {
      url: string;
      token?: string;
      credential?: string;
      tls?: AgentTls;
      configFile?: string;
    },
  ) {
    this.name = `http ${new URL(options.url).origin}`;
    this.refusedUntil = `the portal will take nothing with this agent's ${
      options.credential ? 'credential' : 'token'
    } until it is replaced`;
  }

  private post(body: { events: McpEvent[]; host?: HostStatus }) {
    return portalFetch(
      this.options.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.credential
            ? { [AGENT_CREDENTIAL_HEADER]: this.options.credential }
            : {}),
          ...(!this.options.credential && this.options.token
            ? { authorization: `Bearer ${this.options.token}` }
            : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      },
      this.options.tls,
    );
  }

  /** The portal's MCPeeker base: where the agent enrols, and what it names. */
  private get portal(): string {
    return this.options.url.replace(/\/+$/, '').replace(/\/events$/, '');
  }

  /** The host's status on its own: a batch of no events with `host`. */
  async sendHostStatus(status: HostStatus) {
    let response: Awaited<ReturnType<typeof portalFetch>>;
    try {
      response = await this.post({ events: [], host: status });
    } catch (error) {
      return {
        error: `cannot reach ${this.name}: ${(error as Error).message}`,
      };
    }
    if (response.ok) return {};
    const body: any = await response.json().catch(() => undefined);
    const { error, refused, unauthorized } = this.failure(response, body);
    return {
      error,
      ...(refused ? { refused } : {}),
      ...(unauthorized ? { unauthorized } : {}),
    };
  }

  /**
   * What an answer that is not a success means, in a sentence naming the
   * portal: it was reached, so never "cannot reach".
   */
  private failure(
    response: { status: number; headers: { get(name: string): string | null } },
    body: any,
  ): {
    error: string;
    refused?: boolean;
    unauthorized?: boolean;
    retryAfterMs?: number;
  } {
    const { status } = response;
    const reason = body?.error?.message ?? 'no reason given';
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterMs = retryAfter(response.headers.get('retry-after'));
      return {
        error: `the portal at ${this.portal} could not take the report now (HTTP ${status}): ${reason}`,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
    const { credential, token, configFile } = this.options;
    if (status === 401 && credential)
      // The backend's own reason also says to enrol again: said once, here.
      return {
        refused: true,
        unauthorized: true,
        error: `the portal at ${
          this.portal
        } refused this agent's credential (HTTP 401): it was revoked, or the portal does not know it; enrol again with a new enrolment secret from an admin: MCPEEKER_ENROLMENT_SECRET=<secret> mcpeeker-agent enrol --url ${
          this.portal
        }${configFile ? ` --config ${configFile}` : ''}`,
      };
    if (status === 401)
      return {
        refused: true,
        unauthorized: true,
        error: `the portal at ${
          this.portal
        } refused the report (HTTP 401): ${reason}; ${
          token
            ? "it does not take the agents' service token this agent has (report.http.token, MCPEEKER_TOKEN): set the token the portal issued for agents"
            : `this agent has no credential: set the agents' service token (report.http.token, MCPEEKER_TOKEN) or enrol it (mcpeeker-agent enrol --url ${this.portal})`
        }`,
      };
    if (status === 403)
      return {
        refused: true,
        unauthorized: true,
        error: `the portal at ${
          this.portal
        } refused the report (HTTP 403): ${reason}; check the agent's ${
          credential ? 'credential' : 'token'
        }, URL and TLS certificate`,
      };
    return {
      refused: true,
      error: `the portal at ${this.portal} refused the report (HTTP ${status}): ${reason}; check the agent's token and URL`,
    };
  }

  async send(events: McpEvent[]) {
    let response: Awaited<ReturnType<typeof portalFetch>>;
    try {
      response = await this.post({ events });
    } catch (error) {
      return {
        accepted: 0,
        rejected: [],
        error: `${(error as Error).message}${
          (error as any).cause?.code ? ` (${(error as any).cause.code})` : ''
        }`,
      };
    }
    const body: any = await response.json().catch(() => undefined);
    if (response.ok) {
      return {
        accepted: events.length,
        rejected: rejectionsOf(body, events),
      };
    }
    if (response.status === 400 && Array.isArray(body?.rejected)) {
      // Some items were bad and the rest kept: the backend says which.
      return {
        accepted: events.length,
        rejected: rejectionsOf(body, events),
      };
    }
    const failure = this.failure(response, body);
    return {
      accepted: 0,
      rejected: [],
      ...failure,
      ...(failure.refused ? {} : { answered: true }),
    };
  }

  async close() {}
}
