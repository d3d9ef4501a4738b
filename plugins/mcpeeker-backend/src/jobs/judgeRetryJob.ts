import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import {
  computeEventId,
  GatewayEvent,
  sha256Hex,
} from '@mcpeeker/plugin-mcpeeker-common';
import type { FindingStore } from '../database/FindingStore';
import type { IngestService } from '../services/IngestService';
import type { JudgeService } from '../services/judge/JudgeService';
import { judgeFingerprint, judgeInputOf } from '../services/judge/judgeInput';

/** Findings, and gateway events of each, looked at per run. */
const FINDINGS_PER_RUN = 50;
const EVENTS_PER_FINDING = 200;

/**
 * Asks the Judge again for the gateway requests it could not answer: each
 * finding scored without it gets, per distinct request, a verdict event
 * (`verdictFor` = the stored event's id) through the one ingest pipeline, so
 * the finding is correlated and scored as any other. Does nothing while the
 * circuit is open; stops at the first request the Judge cannot answer.
 */
export async function rejudgePending(options: {
  judge: Pick<JudgeService, 'classify' | 'state'>;
  findings: FindingStore;
  ingest: Pick<IngestService, 'ingest'>;
}): Promise<{ findings: number; verdicts: number; stoppedBy?: string }> {
  const { judge, findings, ingest } = options;
  const state = judge.state;
  if (state.mode !== 'claude' || state.circuit === 'open')
    return { findings: 0, verdicts: 0 };
  const page = await findings.list({
    judgeUnavailable: true,
    sort: 'lastSeen',
    limit: FINDINGS_PER_RUN,
  });
  let verdicts = 0;
  let rescored = 0;
  for (const finding of page.items) {
    const evidence = await findings.evidence(
      finding.compositeId,
      EVENTS_PER_FINDING,
    );
    const pending = new Map<string, GatewayEvent>();
    for (const event of evidence.gateway) {
      if (event.layer !== 'gateway' || event.judge) continue;
      const key = judgeFingerprint(judgeInputOf(event.request));
      if (!pending.has(key)) pending.set(key, event);
    }
    const answered: GatewayEvent[] = [];
    for (const event of pending.values()) {
      const outcome = await judge.classify(judgeInputOf(event.request));
      if (!outcome.ok) {
        if (answered.length > 0) await ingest.ingest(answered, 'judge');
        return {
          findings: rescored,
          verdicts: verdicts + answered.length,
          stoppedBy: outcome.reason,
        };
      }
      const { judgeUnavailable: _, eventId, ...rest } = event;
      const content = {
        ...rest,
        judge: outcome.verdict,
        verdictFor: eventId,
      };
      answered.push({
        ...content,
        eventId: computeEventId(content as Record<string, unknown>, sha256Hex),
      } as GatewayEvent);
    }
    if (answered.length > 0) {
      await ingest.ingest(answered, 'judge');
      verdicts += answered.length;
      rescored += 1;
    }
  }
  return { findings: rescored, verdicts };
}

/** Every minute on one replica: findings scored without Claude get its verdict once it answers again. */
export async function startJudgeRetry(options: {
  judge: Pick<JudgeService, 'classify' | 'state'>;
  findings: FindingStore;
  ingest: Pick<IngestService, 'ingest'>;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<void> {
  if (options.judge.state.mode !== 'claude') return;
  await options.scheduler.scheduleTask({
    id: 'mcpeeker-judge-retry',
    scope: 'global',
    frequency: { minutes: 1 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 45 },
    fn: async () => {
      const result = await rejudgePending(options);
      if (result.verdicts > 0 || result.stoppedBy)
        options.logger.info(
          `Judge retry: ${result.verdicts} verdicts for ${
            result.findings
          } findings scored without the Judge${
            result.stoppedBy ? `; stopped: ${result.stoppedBy}` : ''
          }`,
        );
    },
  });
}
