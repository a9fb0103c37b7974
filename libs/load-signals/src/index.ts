// Reading the autoscaler's signals: each Specialist's queue from Redis, and arrival rates and
// service times from the routers' /metrics. The operator and local mode both use them; the
// router reads its queues' signals for its own /metrics.
export { QueueReader, readQueueSignals } from './queue-reader.js';
export { RouterScraper, type RouterRates } from './router-scraper.js';
export { routerMetricsUrls, type EndpointSliceLike } from './router-endpoints.js';
