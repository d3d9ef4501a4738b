import { canonicalJson, sha256Hex } from '../identity/hashing';

/**
 * The id of an event: SHA-256 of its canonical JSON without `eventId`. Two
 * sends of the same observation carry the same id, so the backend and NATS
 * (`Nats-Msg-Id`) recognise a resend.
 *
 * @public
 */
export function computeEventId(event: Record<string, unknown>): string {
  const { eventId: _ignored, ...content } = event;
  return sha256Hex(canonicalJson(content));
}
