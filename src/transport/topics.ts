// The MQTT topic scheme `gt/v1/<systemTitleHex>/<up|down>` [SGT1-1.2 transport]: format and parse.

/** Topic filter a gateway subscribes to for every terminal's uplink. */
export const UPLINK_FILTER = 'gt/v1/+/up';
/** The MQTT 5 shared subscription several gateways use to share the uplink load. */
export const SHARED_UPLINK_FILTER = '$share/gridtrust/gt/v1/+/up';

const TITLE = /^[0-9a-f]{16}$/;

/** `gt/v1/<title>/up` for a lower-case 16-hex-digit system title. */
export function toUplinkTopic(titleHex: string): string {
  return `gt/v1/${titleHex.toLowerCase()}/up`;
}

/** `gt/v1/<title>/down`: where the platform publishes downlink frames for one terminal. */
export function toDownlinkTopic(titleHex: string): string {
  return `gt/v1/${titleHex.toLowerCase()}/down`;
}

export type TopicParse = { ok: true; title: string } | { ok: false; reason: 'BAD_TOPIC' };

/**
 * Parses an uplink topic. Only the exact shape with a lower-case 16-hex-digit title is accepted, so
 * one terminal has exactly one uplink topic.
 */
export function parseUplinkTopic(topic: string): TopicParse {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'gt' || parts[1] !== 'v1' || parts[3] !== 'up') {
    return { ok: false, reason: 'BAD_TOPIC' };
  }
  const title = parts[2] ?? '';
  return TITLE.test(title) ? { ok: true, title } : { ok: false, reason: 'BAD_TOPIC' };
}

/** True for any topic in the gridtrust uplink namespace (well-formed or not). */
export function isUplinkNamespace(topic: string): boolean {
  return topic.startsWith('gt/') && topic.endsWith('/up');
}
