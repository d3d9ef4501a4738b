/** State of one dependency of the backend plugin. @public */
export type DependencyStatus = 'ok' | 'down' | 'disabled';

/** @public */
export interface DependencyHealth {
  status: DependencyStatus;
  /** What it is and how it is configured, e.g. `sqlite`, `anthropic (claude-…)`, `offline`. */
  detail: string;
  /** Why it is down, when it is. */
  error?: string;
  latencyMs?: number;
}

/**
 * What `GET /api/mcpeeker/health` answers. `status` is `ok` when every enabled
 * dependency is, `degraded` when an optional one is down, `down` when the
 * database is (then the route answers 503).
 *
 * @public
 */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  checkedAt: string;
  dependencies: {
    database: DependencyHealth;
    nats: DependencyHealth;
    clickhouse: DependencyHealth;
    judge: DependencyHealth;
  };
}
