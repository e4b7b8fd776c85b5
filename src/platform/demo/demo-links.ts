// The demo fleet's transport links: a few shared MQTT connections (a concentrator each) and one CoAP socket.
import { randomBytes } from 'node:crypto';
import { connectMqttUplink, createCoapUplink, type MqttUplinkClient } from '../../transport/index.ts';
import type { EmbeddedPlatform } from '../embedded.ts';
import { coapLink, mqttLink } from '../links.ts';
import type { DemoLinks } from './senders.ts';

/** Every third terminal talks CoAP, the others MQTT (QoS 1, PUBACK after the durable commit). */
export async function openDemoLinks(
  platform: EmbeddedPlatform,
  terminals: number,
): Promise<{ links: DemoLinks; close: () => Promise<void> }> {
  const pool: MqttUplinkClient[] = [];
  const salt = randomBytes(3).toString('hex');
  const coap = createCoapUplink({ host: '127.0.0.1', port: platform.coapPort });
  try {
    for (let i = 0; i < Math.max(1, Math.min(8, Math.ceil(terminals / 40))); i++) {
      const url = `mqtt://127.0.0.1:${platform.mqttPort}`;
      pool.push(await connectMqttUplink({ url, clientId: `gt-demo-${salt}-${i}` }));
    }
  } catch (e) {
    await Promise.all(pool.map((c) => c.close()));
    coap.close();
    throw e;
  }
  const mqtt = (title: string) =>
    mqttLink(pool[parseInt(title.slice(-4), 16) % pool.length] ?? pool[0]!, title);
  const links: DemoLinks = {
    of: (index, title) => (index % 3 === 2 ? coapLink(coap) : mqtt(title)),
    mqtt,
    rogue: coapLink(coap),
  };
  return {
    links,
    close: async () => {
      await Promise.all(pool.map((c) => c.close()));
      coap.close();
    },
  };
}
