import { Config } from '@backstage/config';
import {
  McpeekerConfigError,
  oneOf,
  required,
  wholeNumber,
} from '../../checkedConfig';

/** What every Judge shares, whoever answers. */
interface JudgeCommon {
  /** How long one verdict may take, retries included, before the event is scored without it. */
  timeoutMs: number;
  /** The most points the Judge adds to a finding (never fewer than 0). */
  maxPoints: number;
  /** How long a verdict is reused for an identical request. */
  cacheTtlSeconds: number;
  /** Verdicts asked for at once by one replica. */
  concurrency: number;
  /** Consecutive failures that open the circuit, and how long it stays open. */
  circuit: { failures: number; cooldownSeconds: number };
}

/** The Judge classifying LLM gateway requests: `mcpeeker.judge`. */
export type JudgeConfig =
  | (JudgeCommon & { provider: 'offline' })
  | (JudgeCommon & {
      provider: 'anthropic';
      anthropic: {
        apiKey: string;
        model: string;
        maxTokens: number;
        baseUrl?: string;
      };
    });

/** Reads `mcpeeker.judge` from the `mcpeeker` block: Claude as soon as an API key is set, otherwise offline. */
export function readJudgeConfig(config: Config | undefined): JudgeConfig {
  const apiKey = config?.getOptionalString('judge.anthropic.apiKey');
  const timeoutMs = config?.getOptionalNumber('judge.timeoutMs') ?? 10_000;
  if (!(timeoutMs > 0)) {
    throw new McpeekerConfigError(
      'mcpeeker.judge.timeoutMs',
      'must be a positive number of milliseconds',
    );
  }
  const common: JudgeCommon = {
    timeoutMs,
    maxPoints: wholeNumber(config, 'judge.maxPoints', 0, 8) ?? 5,
    cacheTtlSeconds:
      wholeNumber(config, 'judge.cacheTtlSeconds', 0, 30 * 86_400) ?? 86_400,
    concurrency: wholeNumber(config, 'judge.concurrency', 1, 64) ?? 4,
    circuit: {
      failures: wholeNumber(config, 'judge.circuit.failures', 1, 1000) ?? 5,
      cooldownSeconds:
        wholeNumber(config, 'judge.circuit.cooldownSeconds', 1, 3600) ?? 30,
    },
  };
  const provider = oneOf(
    config,
    'judge.provider',
    ['offline', 'anthropic'],
    apiKey ? 'anthropic' : 'offline',
  );
  if (provider === 'offline') return { ...common, provider };
  return {
    ...common,
    provider,
    anthropic: {
      apiKey: required(
        apiKey,
        'judge.anthropic.apiKey',
        'when mcpeeker.judge.provider is anthropic (e.g. apiKey: ${ANTHROPIC_API_KEY})',
      ),
      model:
        config?.getOptionalString('judge.anthropic.model') ??
        'claude-sonnet-4-5',
      maxTokens:
        wholeNumber(config, 'judge.anthropic.maxTokens', 64, 8192) ?? 600,
      baseUrl: config?.getOptionalString('judge.anthropic.baseUrl'),
    },
  };
}
