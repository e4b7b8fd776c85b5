// Public entry of the transport area: MQTT (embedded aedes or external broker) and CoAP adapters.
export type {
  FrameMeta,
  FrameOutcome,
  FrameSink,
  Listener,
  TransportKind,
  TransportRejection,
} from './port.ts';
export {
  UPLINK_FILTER,
  SHARED_UPLINK_FILTER,
  toUplinkTopic,
  toDownlinkTopic,
  parseUplinkTopic,
  isUplinkNamespace,
} from './topics.ts';
export type { TopicParse } from './topics.ts';
export { COAP_CODE_BY_REASON, COAP_OK, COAP_UNAVAILABLE, toCoapCode } from './wire-codes.ts';
export { TransportError } from './errors.ts';
export type { TransportErrorCode } from './errors.ts';
export { startEmbeddedBroker } from './mqtt/embedded-broker.ts';
export type { EmbeddedBroker, EmbeddedBrokerOptions } from './mqtt/embedded-broker.ts';
export type { MqttLimits } from './mqtt/publish-gate.ts';
export { startMqttGateway } from './mqtt/gateway.ts';
export type { MqttGateway, MqttGatewayOptions } from './mqtt/gateway.ts';
export { startCoapServer, COAP_UPLINK_PATH } from './coap/coap-server.ts';
export type { CoapLimits, CoapServerOptions } from './coap/coap-server.ts';
export { createTransportCounters } from './counters.ts';
export type { TransportCounters, TransportEventCount } from './counters.ts';
export { connectMqttUplink } from './mqtt/uplink-client.ts';
export type { MqttUplinkClient, MqttUplinkOptions, UplinkSendResult } from './mqtt/uplink-client.ts';
export { createCoapUplink } from './coap/coap-client.ts';
export type { CoapUplinkClient, CoapUplinkOptions, CoapSendResult } from './coap/coap-client.ts';
export {
  MAX_SZX,
  createFirmwareBlockClient,
  decodeBlock,
  encodeBlock,
  startFirmwareBlockServer,
} from './coap/firmware-blocks.ts';
export type {
  BlockAnswer,
  BlockImage,
  FirmwareBlockClient,
  FirmwareBlockServer,
} from './coap/firmware-blocks.ts';
