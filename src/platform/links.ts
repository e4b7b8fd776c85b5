// Adapters from transport clients to the terminal agent's UplinkLink port.
import type { LinkResult, UplinkLink } from '../sim/index.ts';
import type { CoapUplinkClient, MqttUplinkClient } from '../transport/index.ts';

/** A terminal's uplink over a (possibly shared) MQTT connection; PUBACK = committed. */
export function mqttLink(client: MqttUplinkClient, titleHex: string): UplinkLink {
  return {
    async send(frame): Promise<LinkResult> {
      const r = await client.send(titleHex, frame);
      return r.ok ? { kind: 'acked' } : { kind: 'failed', reason: r.reason };
    },
  };
}

/** A terminal's uplink over CoAP: 2.04 = committed (body: optional ack frame), 4.xx = rejected. */
export function coapLink(client: CoapUplinkClient): UplinkLink {
  return {
    async send(frame): Promise<LinkResult> {
      const r = await client.send(frame);
      if (r.ok) return r.reply.length > 0 ? { kind: 'acked', reply: r.reply } : { kind: 'acked' };
      return r.code.startsWith('4.')
        ? { kind: 'rejected', reason: r.reason }
        : { kind: 'failed', reason: r.reason };
    },
  };
}
