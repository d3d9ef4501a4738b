import { z } from 'zod';

/** Longest label a host may be given, in characters. */
export const MAX_HOST_LABEL_LENGTH = 64;

/**
 * A name a host's owner gives it in its agent's config (`hostLabel`), so
 * people can tell their machines apart: "Dana's MacBook". Opt-in: the
 * machine's own host name and ids never leave it in clear
 * (docs/security.md); a label is words someone chose to send. One line of
 * text, trimmed.
 *
 * @public
 */
export const hostLabelSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_HOST_LABEL_LENGTH)
  .refine(
    label => !/[\p{Cc}\p{Zl}\p{Zp}]/u.test(label),
    'must be one line of text, without control characters',
  );

/** How many characters of a host's hashed id name it when it has no label. */
export const HOST_ID_SHOWN = 12;

/**
 * What a host is called wherever the portal names it: its label when its
 * agent sends one, else the start of its hashed id. The whole hash stays
 * beside the name, for it is what identifies the host.
 *
 * @public
 */
export function hostName(host: { hostIdHash: string; label?: string }): string {
  if (host.label) return host.label;
  return host.hostIdHash.length > HOST_ID_SHOWN
    ? `${host.hostIdHash.slice(0, HOST_ID_SHOWN)}…`
    : host.hostIdHash;
}
