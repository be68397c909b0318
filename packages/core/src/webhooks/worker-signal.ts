/**
 * In-process wake-up for delivery workers. enqueueEvent rings it when it wrote due deliveries, so
 * a worker in the same process looks for work at once instead of at its next poll. The ring comes
 * before the caller's commit, so a woken worker re-checks a few times over the next milliseconds
 * (see DeliveryWorker); workers in other processes still find the work by polling.
 */
type Listener = () => void;

const listeners = new Set<Listener>();

export function onWebhooksEnqueued(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyWebhookWorkers(): void {
  for (const listener of listeners) listener();
}
