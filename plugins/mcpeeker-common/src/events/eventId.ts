import { canonicalJson, sha256Hex } from '../identity/hashing';

/**
 * The id of an event: SHA-256 of its canonical JSON without `eventId`. Two
 * sends of the same observation carry the same id, so the backend and NATS
 * (`Nats-Msg-Id`) recognise a resend.
 *
 * @public
 */
export function computeEventId(
  event: Record<string, unknown>,
  /** The SHA-256 to use, as lowercase hex: a native one where there is one (Node's `crypto`). */
  hash: (text: string) => string = sha256Hex,
): string {
  const { eventId: _ignored, ...content } = event;
  return hash(canonicalJson(content));
}
