// The MQTT topic scheme `gt/v1/<systemTitleHex>/<up|down>` [SGT1-1.2 transport]: format and parse.

/** Topic filter a gateway subscribes to for every terminal's uplink. */
export const UPLINK_FILTER = 'gt/v1/+/up';
/** The MQTT 5 shared subscription several gateways use to share the uplink load. */
export const SHARED_UPLINK_FILTER = '$share/gridtrust/gt/v1/+/up';

/** `gt/v1/<title>/up` for a lower-case 16-hex-digit system title. */
export function toUplinkTopic(titleHex: string): string {
  return `gt/v1/${titleHex.toLowerCase()}/up`;
}

/** `gt/v1/<title>/down`: where the platform publishes downlink frames for one terminal. */
export function toDownlinkTopic(titleHex: string): string {
  return `gt/v1/${titleHex.toLowerCase()}/down`;
}

export type TopicParse = { ok: true; title: string } | { ok: false; reason: 'BAD_TOPIC' };

/** The one uplink shape: `gt/v1/` + 16 lower-case hex digits + `/up`. */
const UP_PREFIX = 'gt/v1/';
const UP_SUFFIX = '/up';
const UP_LENGTH = UP_PREFIX.length + 16 + UP_SUFFIX.length;
const BAD_TOPIC: TopicParse = Object.freeze({ ok: false, reason: 'BAD_TOPIC' });

/** True when `s[from, from + 16)` are lower-case hex digits. */
function isTitleAt(s: string, from: number): boolean {
  for (let i = from; i < from + 16; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * Parses an uplink topic. Only the exact shape with a lower-case 16-hex-digit title is accepted, so
 * one terminal has exactly one uplink topic.
 */
export function parseUplinkTopic(topic: string): TopicParse {
  // Checked in place (no split, no regex) on every uplink publish.
  const ok =
    topic.length === UP_LENGTH &&
    topic.startsWith(UP_PREFIX) &&
    topic.endsWith(UP_SUFFIX) &&
    isTitleAt(topic, UP_PREFIX.length);
  return ok ? { ok: true, title: topic.slice(UP_PREFIX.length, UP_PREFIX.length + 16) } : BAD_TOPIC;
}

/** True for any topic in the gridtrust uplink namespace (well-formed or not). */
export function isUplinkNamespace(topic: string): boolean {
  return topic.startsWith('gt/') && topic.endsWith('/up');
}
