/**
 * One token bucket: a steady rate and a burst, or `false` for none. (Resolved
 * by `readRateLimitsConfig` into `RateLimit` of src/rateLimits.ts; this file
 * is the config schema and must stay self-contained, so it cannot import it.)
 */
type RateLimitSetting =
  | false
  | {
      /** Steady rate; 0 turns the limit off. */
      requestsPerSecond: number;
      /** Requests allowed at once (a whole number). Default twice the rate. */
      burst?: number;
    };

export interface Config {
  /** MCPeeker: discovery and governance of MCP servers. */
  mcpeeker?: {
    /**
     * Salt of every hash that hides an identifier (host ids, interface
     * addresses) and of redaction markers. Agents and network adapters must
     * use the same value. Required in production; in development a fixed
     * development salt is used, with a warning.
     * @visibility secret
     */
    hostIdSalt?: string;

    /** Where events come from. */
    ingest?: {
      /** Agents posting batches to `POST /api/mcpeeker/events`. */
      http?: {
        /** Accept event batches over HTTP. Default true. */
        enabled?: boolean;
        /**
         * The agents' listener: HTTPS on its own port that completes a
         * handshake only with a client certificate signed by `ca` (mutual
         * TLS; Backstage's own listener cannot ask for one). When set,
         * `POST /api/mcpeeker/events` and `/agents/enrol` are served there
         * only, and the portal's listener answers them 403. PEM text: read a
         * mounted file with `{ $file: /path/to/file.pem }`.
         */
        mtls?: {
          /** The port, e.g. 7443. */
          port: number;
          /** The address to listen on. Default: every address. */
          host?: string;
          /** The listener's own certificate (chain) and key, PEM. */
          certificate: {
            cert: string;
            /** @visibility secret */
            key: string;
          };
          /** The CA(s) whose client certificates are accepted, PEM. */
          ca: string;
        };
      };
      /** NATS JetStream transport. Off unless `enabled` is true. */
      nats?: {
        /** Consume events from NATS JetStream. Default false. */
        enabled?: boolean;
        /** Server URLs, e.g. `nats://127.0.0.1:4222`. Required when enabled. */
        servers?: string[];
        /** Stream name. Default `MCP_EVENTS`. */
        stream?: string;
        /** Durable consumer name, shared by every backend replica. Default `mcpeeker-backend`. */
        consumer?: string;
        /** Subjects are `<subjectPrefix>.endpoint.>`, `.network.>`, `.gateway.>`. Default `mcp`. */
        subjectPrefix?: string;
        /** Create the stream (7-day retention) and the durable consumer at start when missing. Default true. */
        createStream?: boolean;
        /** Most messages per batch (1–5000); a batch also goes 100 ms after its first message. Default 2000 with the ClickHouse store, 500 with the database. */
        batchSize?: number;
        /** Batches processed at once (1–16). Default 4 with the ClickHouse store, 1 with the database. */
        concurrency?: number;
        /**
         * Copies of the stream a NATS cluster keeps (1–5; 3 on a three-server
         * cluster, so one server may go away), used when the backend creates
         * the stream; an existing stream is left as it is, with a warning when
         * it keeps fewer. Default 1.
         */
        replicas?: number;
        /** Credentials, when the server requires them. */
        credentials?: {
          /** @visibility secret */
          token?: string;
          user?: string;
          /** @visibility secret */
          password?: string;
        };
        /**
         * TLS to NATS, PEM text (`{ $file: … }` reads a file): `ca` to
         * trust a private CA, `cert` and `key` when the server verifies
         * clients (`verify: true` in its `tls` block). Use a `tls://` URL.
         */
        tls?: {
          ca?: string;
          cert?: string;
          /** @visibility secret */
          key?: string;
        };
      };
    };

    /**
     * Groups (entity refs) of each MCPeeker role, read by the permission
     * policy (McpeekerPermissionPolicy). Defaults: the demo org's groups
     * group:default/mcp-developers, security-analysts, platform-admins.
     */
    roles?: {
      developers?: string[];
      analysts?: string[];
      admins?: string[];
    };

    /** The read-only MCP Registry API (v0.1) view of approved entries at /api/mcpeeker/v0.1/servers. */
    registryApi?: {
      /**
       * Serve it without a Backstage token, for MCP clients' allowlists
       * (GitHub Copilot's registry policy, Claude Code managed settings).
       * Default false: a user or service token is needed.
       */
      allowUnauthenticated?: boolean;
    };

    /**
     * Token-bucket rate limits; over one, the answer is 429 with
     * `Retry-After` (seconds) and the limit's key in the message. Each limit
     * is `{ requestsPerSecond, burst }`, or `false` (or a rate of 0) for
     * none. Addresses are express's `req.ip`: behind a load balancer or
     * proxy that is the proxy's address unless the backend's express app
     * sets `trust proxy` for it — the operator's choice; without it every
     * caller shares the proxy's bucket. Buckets live in each replica's
     * memory (at most 10,000 keys per limit, least recently used evicted),
     * so N replicas allow up to N times the rate. Backstage's own
     * `backend.rateLimit.plugin.mcpeeker` limits the whole plugin besides.
     */
    rateLimits?: {
      /** `POST /api/mcpeeker/events` from agents, adapters and gateways. */
      ingest?: {
        /**
         * Per service credential. With one static token for the whole fleet
         * this limits the fleet: size it for fleet / interval. Default 50/s, burst 100.
         */
        perCredential?: RateLimitSetting;
        /** Per caller address (agents behind one NAT share it). Default 50/s, burst 100. */
        perAddress?: RateLimitSetting;
      };
      /** The MCP Registry API at `/api/mcpeeker/v0.1`, often open without a token. */
      registryApi?: {
        /** Per user or service credential, when the caller sends one. Default 20/s, burst 40. */
        perCredential?: RateLimitSetting;
        /** Per caller address. Default 20/s, burst 40. */
        perAddress?: RateLimitSetting;
      };
    };

    /** Registry notices beyond the portal's own notifications. */
    notifications?: {
      /**
       * Outgoing webhooks. Each POST carries `X-MCPeeker-Event`,
       * `X-MCPeeker-Timestamp` and `X-MCPeeker-Signature: sha256=<hex of
       * HMAC-SHA256(secret, "<timestamp>.<body>")>`.
       */
      webhooks?: Array<{
        name?: string;
        url: string;
        /** @visibility secret */
        secret: string;
        /** slack | teams | pagerduty | json (default). */
        format?: string;
        /** submitted (a renewal request too), approved, denied, revoked, renewed, withdrawn, expiring, expired, tools-changed, high-risk; all when empty. */
        events?: string[];
      }>;
    };

    /** The registry's audit log. */
    audit?: {
      /**
       * Key of the HMAC chain over audit rows (at least 32 characters).
       * Default: derived from hostIdSalt.
       * @visibility secret
       */
      hmacKey?: string;
    };

    /** The `cursor` of paged lists (findings, registry, MCP Registry API). */
    cursors?: {
      /**
       * Key signing cursors (at least 32 characters), so a cursor cannot be
       * forged and is refused for a query it was not issued for. Every
       * replica must have the same key to read the others' cursors.
       * Default: derived from hostIdSalt.
       * @visibility secret
       */
      hmacKey?: string;
    };

    /** Where findings are stored. */
    store?: {
      /**
       * `database`: the Backstage database (SQLite embedded, PostgreSQL in
       * production). `clickhouse`: a ClickHouse server. Default `database`.
       */
      kind?: 'database' | 'clickhouse';
      clickhouse?: {
        /** HTTP URL of the ClickHouse server, e.g. `http://127.0.0.1:8123`. Required with `kind: clickhouse`. */
        url?: string;
        /** Database name. Default `mcpeeker`. */
        database?: string;
        username?: string;
        /** @visibility secret */
        password?: string;
      };
    };

    /** The signature engine (docs/rules.md). */
    rules?: {
      /** Use the community rules shipped with the plugin. Default true. */
      community?: boolean;
      /** Folders of your own rule files (*.yaml). A bad file stops the backend at start, naming file and line. */
      directories?: string[];
    };

    /** The score's configurable parts (docs/scoring.md). */
    scoring?: {
      /**
       * What the agent's risk facts add: each kind once, by its most severe
       * fact, up to `maxPoints` in all. Risk alone never makes a finding
       * unauthorized, and low and medium risks never change its class.
       */
      risk?: {
        /** Points per kind by severity, 0 to 8. Defaults: high 3, medium 2, low 1. */
        points?: { high?: number; medium?: number; low?: number };
        /** The most all risks of a finding add together, 0 to 20. Default 6. */
        maxPoints?: number;
      };
    };

    /** The Judge that classifies LLM gateway requests. */
    judge?: {
      /**
       * `anthropic`: Claude through the Anthropic API (needs `anthropic.apiKey`).
       * `offline`: rule-based verdicts, no network. Default: `anthropic` when
       * an API key is configured, otherwise `offline`.
       */
      provider?: 'offline' | 'anthropic';
      /** How long a verdict may take, retries included, before the event is scored without it. Default 10000. */
      timeoutMs?: number;
      /** The most points the Judge adds to a finding, 0 to 8; it never takes any away. Default 5. */
      maxPoints?: number;
      /** How long a verdict is reused for an identical request (same excerpt and tool set). Default 86400. */
      cacheTtlSeconds?: number;
      /** Verdicts one replica asks for at once. Default 4. */
      concurrency?: number;
      /** The circuit breaker: after `failures` consecutive failures, no call for `cooldownSeconds`. Defaults 5 and 30. */
      circuit?: { failures?: number; cooldownSeconds?: number };
      anthropic?: {
        /** @visibility secret */
        apiKey?: string;
        /** Model id. Default `claude-sonnet-4-5`. */
        model?: string;
        /** Most tokens of one answer. Default 600. */
        maxTokens?: number;
        /** API base URL, for a proxy or a test server. */
        baseUrl?: string;
      };
    };
  };
}
