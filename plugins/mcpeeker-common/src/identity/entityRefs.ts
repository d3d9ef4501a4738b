/**
 * The entity refs MCPeeker takes from people (an assignee, an owner, a
 * team, a filter), checked one way everywhere: `kind:namespace/name` in
 * full, each part 1–63 letters, digits, `.`, `_` or `-`, as Backstage names
 * entities. A longer or odder value is refused before anything looks it up,
 * so an error naming it never echoes more than a ref.
 */
const PART = '[A-Za-z0-9._-]{1,63}';

/** `user:default/sam`. @public */
export const USER_REF_PATTERN = new RegExp(`^user:${PART}/${PART}$`, 'i');

/** `group:default/team-a`. @public */
export const GROUP_REF_PATTERN = new RegExp(`^group:${PART}/${PART}$`, 'i');

/** A user or a group: who may own something. @public */
export const OWNER_REF_PATTERN = new RegExp(
  `^(user|group):${PART}/${PART}$`,
  'i',
);
