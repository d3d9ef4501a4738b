/**
 * The salt used when none is configured: fine for a laptop demo, where the
 * backend and the agent then agree without setup; refused by the backend in
 * production, and agents warn when they use it.
 *
 * @public
 */
export const DEVELOPMENT_HOST_ID_SALT = 'mcpeeker-development-salt';
