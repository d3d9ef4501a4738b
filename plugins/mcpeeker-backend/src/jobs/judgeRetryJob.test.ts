import { CacheManager } from '@backstage/backend-defaults/cache';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  MessagesApiServer,
  startMessagesApiServer,
} from '../__testUtils__/messagesApiServer';
import { endpointEvent, gatewayEvent } from '../__testUtils__/events';
import { sqlPipeline } from '../__testUtils__/sqlPipeline';
import { createStoreTestDatabases } from '../__testUtils__/storeTestDatabases';
import { JudgeService } from '../services/judge/JudgeService';
import { readJudgeConfig } from '../services/judge/judgeConfig';
import { rejudgePending } from './judgeRetryJob';

jest.setTimeout(120_000);

const databases = createStoreTestDatabases();

describe.each(databases.eachSupportedId())(
  'findings scored without the Judge, on %p',
  databaseId => {
    let api: MessagesApiServer;
    beforeAll(async () => {
      api = await startMessagesApiServer();
    });
    afterAll(() => api.close());

    it('get its verdict once Claude answers again, each request asked once', async () => {
      api.setFallback({ status: 500 });
      const judge = JudgeService.fromConfig(
        readJudgeConfig(
          new ConfigReader({
            judge: {
              timeoutMs: 300,
              circuit: { failures: 2, cooldownSeconds: 1 },
              anthropic: { apiKey: 'k', baseUrl: api.url, model: 'm' },
            },
          }),
        ),
        {
          cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
            'mcpeeker',
          ),
          logger: mockServices.logger.mock(),
        },
      );
      const knex = await databases.init(databaseId);
      const { ingest, findings } = await sqlPipeline(
        mockServices.database({ knex, migrations: { skip: false } }),
        { judge },
      );
      const endpoint = endpointEvent();
      const server = endpoint.compositeId;
      const requests = [
        gatewayEvent({ compositeId: server, requestId: 'a', unjudged: true }),
        // The same request again (same excerpt and tools): one question.
        gatewayEvent({
          compositeId: server,
          requestId: 'b',
          observedAt: '2026-11-21T10:05:00Z',
          unjudged: true,
        }),
        gatewayEvent({
          compositeId: server,
          requestId: 'c',
          excerpt: 'another request',
          unjudged: true,
        }),
      ];
      await ingest.ingest([endpoint, ...requests], 'http');
      const before = (await findings.get(server))!;
      expect(before.judgeUnavailable).toBe(true);
      expect(judge.state).toMatchObject({ circuit: 'open' });

      // Still open: nothing is asked.
      expect(await rejudgePending({ judge, findings, ingest })).toEqual({
        findings: 0,
        verdicts: 0,
      });

      api.setFallback({
        toolInput: {
          verdict: 'mcp',
          confidence: 1,
          servers: ['github'],
          explanation: 'The tools are named mcp__github__*. That is MCP.',
        },
      });
      // The cooldown; requests the SDK gave up on may still land meanwhile.
      await new Promise(r => setTimeout(r, 1100));
      const calls = api.messageCalls().length;
      expect(await rejudgePending({ judge, findings, ingest })).toEqual({
        findings: 1,
        verdicts: 2,
      });
      expect(api.messageCalls()).toHaveLength(calls + 2);
      const after = (await findings.get(server))!;
      expect(after.judgeUnavailable).toBe(false);
      expect(after.signals.counts.gateway).toEqual({ request: 3, verdict: 2 });
      expect(after.signals.judge).toMatchObject({
        verdict: 'mcp',
        judgedBy: 'claude',
      });
      expect(after.score).toBeGreaterThan(before.score);
      expect(
        after.breakdown.contributions.find(c => c.layer === 'gateway')?.points,
      ).toBe(5);

      // Nothing left to ask.
      expect(await rejudgePending({ judge, findings, ingest })).toEqual({
        findings: 0,
        verdicts: 0,
      });
    });
  },
);
