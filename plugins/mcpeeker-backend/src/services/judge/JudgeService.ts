import Anthropic from '@anthropic-ai/sdk';
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import type {
  GatewayEvent,
  JudgeVerdict,
} from '@mcpeeker/plugin-mcpeeker-common';
import { askClaude } from './claudeJudge';
import { JudgeInput, judgeFingerprint, judgeInputOf } from './judgeInput';
import type { JudgeConfig } from './judgeConfig';
import { offlineVerdict } from './offlineJudge';
import {
  askClaudeToolChange,
  offlineToolChangeExplanation,
  ToolChangeExplanation,
  ToolChangeInput,
} from './toolChange';
import {
  CircuitBreaker,
  JudgeUnavailableError,
  withinDeadline,
} from './resilience';

export type { JudgeVerdict };

/** What asking the Judge gave: a verdict (maybe from the cache), or why there is none. */
export type JudgeOutcome =
  | { ok: true; verdict: JudgeVerdict; cached: boolean }
  | { ok: false; reason: string };

/** How the Judge runs now, for the health route. */
export type JudgeState =
  | { mode: 'offline' }
  | {
      mode: 'claude';
      model: string;
      circuit: 'closed' | 'open' | 'half-open';
      retryAt?: Date;
      lastError?: string;
    };

/** At most `limit` calls at once; the rest wait their turn. */
function limiter(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>(r => waiting.push(r));
    running += 1;
    try {
      return await fn();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * The Judge: classifies an LLM gateway request as using an MCP server or not,
 * with a plain-language explanation. Claude answers when an API key is set
 * (forced into the verdict schema by tool use; retried within the deadline,
 * behind a circuit breaker); otherwise the offline judge does. Identical
 * requests are answered from Backstage's cache service (memory, or Redis
 * when `backend.cache` says so).
 */
export class JudgeService {
  private readonly limit: <T>(fn: () => Promise<T>) => Promise<T>;
  private readonly breaker: CircuitBreaker;
  private readonly client?: Anthropic;

  static fromConfig(
    config: JudgeConfig,
    deps: { cache: CacheService; logger: LoggerService },
  ): JudgeService {
    return new JudgeService(config, deps);
  }

  private constructor(
    private readonly config: JudgeConfig,
    private readonly deps: { cache: CacheService; logger: LoggerService },
  ) {
    this.limit = limiter(config.concurrency);
    this.breaker = new CircuitBreaker({
      failures: config.circuit.failures,
      cooldownMs: config.circuit.cooldownSeconds * 1000,
    });
    if (config.provider === 'anthropic') {
      this.client = new Anthropic({
        apiKey: config.anthropic.apiKey,
        ...(config.anthropic.baseUrl
          ? { baseURL: config.anthropic.baseUrl }
          : {}),
        maxRetries: 0,
        timeout: config.timeoutMs,
      });
    }
  }

  get state(): JudgeState {
    if (this.config.provider === 'offline') return { mode: 'offline' };
    return {
      mode: 'claude',
      model: this.config.anthropic.model,
      circuit: this.breaker.state,
      retryAt: this.breaker.retryAt,
      lastError: this.breaker.lastError,
    };
  }

  /** Whether the model answers at all (the models endpoint: no tokens spent). */
  async probe(): Promise<void> {
    if (!this.client || this.config.provider !== 'anthropic') return;
    await this.client.models.retrieve(this.config.anthropic.model, null, {
      timeout: 3000,
      maxRetries: 0,
    });
  }

  /**
   * One question to Claude as every question goes: at most `concurrency` at
   * once, behind the circuit breaker, retried within the deadline.
   */
  private askClaude<T>(
    ask: (
      client: Anthropic,
      options: { model: string; maxTokens: number; timeoutMs: number },
    ) => Promise<T>,
  ): Promise<T> {
    const config = this.config;
    if (config.provider !== 'anthropic' || !this.client)
      throw new JudgeUnavailableError('Claude is not configured', 'failed');
    const client = this.client;
    return this.limit(() =>
      this.breaker.call(() =>
        withinDeadline(
          timeoutMs =>
            ask(client, {
              model: config.anthropic.model,
              maxTokens: config.anthropic.maxTokens,
              timeoutMs,
            }),
          config.timeoutMs,
        ),
      ),
    );
  }

  /** The verdict on one request. Never throws: no verdict comes with the reason. */
  async classify(input: JudgeInput): Promise<JudgeOutcome> {
    const config = this.config;
    if (config.provider === 'offline')
      return { ok: true, verdict: offlineVerdict(input), cached: false };
    const key = `judge:v1:${config.anthropic.model}:${judgeFingerprint(input)}`;
    const cached = await this.deps.cache
      .get<JudgeVerdict>(key)
      .catch(() => undefined);
    if (cached) return { ok: true, verdict: cached, cached: true };
    try {
      const answer = await this.askClaude((client, options) =>
        askClaude(client, input, options),
      );
      if (!answer.ok) {
        this.deps.logger.warn(
          `The Judge's answer counts as uncertain: ${answer.problem}`,
        );
        return {
          ok: true,
          cached: false,
          verdict: {
            verdict: 'uncertain',
            confidence: 0.5,
            servers: [],
            explanation:
              "Claude's answer did not follow the verdict's schema, so this request counts as uncertain. The other layers' evidence is unchanged.",
            judgedBy: 'claude',
            model: config.anthropic.model,
          },
        };
      }
      if (config.cacheTtlSeconds > 0)
        await this.deps.cache
          .set(key, answer.verdict, { ttl: config.cacheTtlSeconds * 1000 })
          .catch(error =>
            this.deps.logger.warn(
              `Could not cache a Judge verdict: ${(error as Error).message}`,
            ),
          );
      return { ok: true, verdict: answer.verdict, cached: false };
    } catch (error) {
      const reason =
        error instanceof JudgeUnavailableError
          ? error.message
          : `${(error as Error).name}: ${(error as Error).message}`;
      this.deps.logger.warn(`The Judge is unavailable: ${reason}`);
      return { ok: false, reason };
    }
  }

  /**
   * Explains how an approved server's tools changed, in plain words: Claude
   * when it is configured and answers, otherwise (and whenever Claude fails)
   * the offline judge. Never throws.
   */
  async explainToolChange(
    input: ToolChangeInput,
  ): Promise<ToolChangeExplanation> {
    const config = this.config;
    const offline = (): ToolChangeExplanation => ({
      text: offlineToolChangeExplanation(input),
      judgedBy: 'offline',
    });
    if (config.provider === 'offline') return offline();
    try {
      const answer = await this.askClaude((client, options) =>
        askClaudeToolChange(client, input, options),
      );
      if (answer.ok) return { text: answer.text, judgedBy: 'claude' };
      this.deps.logger.warn(
        `The Judge's explanation of a tool change was unusable, the offline one is used: ${answer.problem}`,
      );
    } catch (error) {
      this.deps.logger.warn(
        `The Judge could not explain a tool change, the offline explanation is used: ${
          (error as Error).message
        }`,
      );
    }
    return offline();
  }

  /** The event with the Judge's verdict, or flagged as scored without it. */
  async judgeEvent(event: GatewayEvent): Promise<GatewayEvent> {
    if (event.judge) return event;
    const outcome = await this.classify(judgeInputOf(event.request));
    if (!outcome.ok) return { ...event, judgeUnavailable: true };
    const { judgeUnavailable: _, ...rest } = event;
    return { ...rest, judge: outcome.verdict };
  }
}
