export { StreamBroker, GONE, type ConsumerHandle, type ProducerHandle, type ReaderHandle, type ReaderStart } from './broker.js';
export { DEFAULT_NACK_DELAY_MS, type ConsumerOptions, type Sink } from './consumer.js';
export { clearBacklog, expireMessages, subscriptionNames, topicBacklog, topicStats, unsubscribe } from './admin.js';
export { consumerError, parseConsumerCommand, parseProducerFrame, producerAck, producerError, publishTime, WS_ERROR, type WsError } from './frames.js';
