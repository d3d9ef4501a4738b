import { Knex } from 'knex';
import { z } from 'zod';

/** One person's MCPeeker preferences. Channels (in-app, email) are Backstage's notification settings. */
export interface UserPreferences {
  findingAlerts: {
    /** Tell me when an MCP server on an endpoint I own is found at or above minScore. */
    enabled: boolean;
    minScore: number;
  };
}

/** Unauthorized findings only, unless someone asks for more. */
export const DEFAULT_PREFERENCES: UserPreferences = {
  findingAlerts: { enabled: true, minScore: 9 },
};

export const preferencesPatchSchema = z
  .object({
    findingAlerts: z
      .object({
        enabled: z.boolean().optional(),
        minScore: z.number().int().min(0).max(20).optional(),
      })
      .strict(),
  })
  .strict();

const TABLE = 'mcpeeker_user_preferences';

export class PreferencesStore {
  constructor(private readonly db: Knex) {}

  async get(userRef: string): Promise<UserPreferences> {
    const row = await this.db(TABLE).where('user_ref', userRef).first();
    return row
      ? {
          findingAlerts: {
            enabled: Boolean(row.finding_alerts),
            minScore: Number(row.min_score),
          },
        }
      : DEFAULT_PREFERENCES;
  }

  /** Everyone's, for these refs (absent ones get the defaults). */
  async getMany(userRefs: string[]): Promise<Map<string, UserPreferences>> {
    const out = new Map(userRefs.map(r => [r, DEFAULT_PREFERENCES]));
    if (userRefs.length === 0) return out;
    for (const row of await this.db(TABLE).whereIn('user_ref', userRefs))
      out.set(row.user_ref, {
        findingAlerts: {
          enabled: Boolean(row.finding_alerts),
          minScore: Number(row.min_score),
        },
      });
    return out;
  }

  async update(
    userRef: string,
    patch: z.infer<typeof preferencesPatchSchema>,
  ): Promise<UserPreferences> {
    const current = await this.get(userRef);
    const next: UserPreferences = {
      findingAlerts: { ...current.findingAlerts, ...patch.findingAlerts },
    };
    await this.db(TABLE)
      .insert({
        user_ref: userRef,
        finding_alerts: next.findingAlerts.enabled,
        min_score: next.findingAlerts.minScore,
        updated_at: new Date(),
      })
      .onConflict('user_ref')
      .merge();
    return next;
  }
}
