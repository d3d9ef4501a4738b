import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { parseOr400 } from './parseOr400';
import {
  preferencesPatchSchema,
  PreferencesStore,
} from '../database/PreferencesStore';

/** `GET/PATCH /users/me/preferences`: the signed-in person's own, nobody else's. */
export function createPreferencesRouter(options: {
  preferences: PreferencesStore;
  httpAuth: HttpAuthService;
}): express.Router {
  const router = Router();
  const me = async (req: express.Request) =>
    (await options.httpAuth.credentials(req, { allow: ['user'] })).principal
      .userEntityRef;
  router.get('/users/me/preferences', async (req, res) => {
    res.json(await options.preferences.get(await me(req)));
  });
  router.patch('/users/me/preferences', async (req, res) => {
    const user = await me(req);
    const patch = parseOr400(preferencesPatchSchema, req.body, 'preferences');
    res.json(await options.preferences.update(user, patch));
  });
  return router;
}
