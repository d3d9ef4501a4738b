import { Config } from '@backstage/config';
import { McpeekerConfigError, oneOf, required } from '../checkedConfig';

/** The Judge classifying LLM gateway requests: `mcpeeker.judge`. */
export type JudgeConfig =
  | { provider: 'offline'; timeoutMs: number }
  | {
      provider: 'anthropic';
      timeoutMs: number;
      anthropic: { apiKey: string; model: string; baseUrl?: string };
    };

/** Reads `mcpeeker.judge` from the `mcpeeker` block: Claude as soon as an API key is set, otherwise offline. */
export function readJudgeConfig(config: Config | undefined): JudgeConfig {
  const apiKey = config?.getOptionalString('judge.anthropic.apiKey');
  const timeoutMs = config?.getOptionalNumber('judge.timeoutMs') ?? 10_000;
  if (timeoutMs <= 0) {
    throw new McpeekerConfigError(
      'mcpeeker.judge.timeoutMs',
      'must be a positive number of milliseconds',
    );
  }
  const provider = oneOf(
    config,
    'judge.provider',
    ['offline', 'anthropic'],
    apiKey ? 'anthropic' : 'offline',
  );
  if (provider === 'offline') return { provider, timeoutMs };
  return {
    provider,
    timeoutMs,
    anthropic: {
      apiKey: required(
        apiKey,
        'judge.anthropic.apiKey',
        'when mcpeeker.judge.provider is anthropic (e.g. apiKey: ${ANTHROPIC_API_KEY})',
      ),
      model:
        config?.getOptionalString('judge.anthropic.model') ??
        'claude-sonnet-4-5',
      baseUrl: config?.getOptionalString('judge.anthropic.baseUrl'),
    },
  };
}
