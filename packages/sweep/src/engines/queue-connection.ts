/**
 * Where a sweep's queue is: a Redis URL (`redis://host:port`, `redis://host:port/db`,
 * `rediss://…` for TLS, with `user:password@` when the server wants it) and the BullMQ queue
 * name both ends use. BullMQ needs ioredis connections that retry a blocked command forever
 * (`maxRetriesPerRequest: null`) — its workers block on the queue.
 */

import { exportOf } from './module-export.ts';

/** The queue both `lbsim sweep --queue` and `lbsim worker --queue` use unless told otherwise. */
export const defaultQueueName = 'lbsim-sweep';

/** A queue's address: the Redis URL and the queue name. */
export interface QueueAddress {
  readonly url: string;
  readonly name: string;
}

/** Why `url` is no Redis URL, or `undefined` when it is one. */
export function queueUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `--queue takes a Redis URL such as redis://127.0.0.1:6379, got ${JSON.stringify(url)}`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `--queue takes a redis:// or rediss:// URL, got ${parsed.protocol}//`;
  }
  if (parsed.hostname === '') return '--queue needs a host, e.g. redis://127.0.0.1:6379';
  return undefined;
}

/** A new ioredis connection for BullMQ to `url`, loaded only when a queue is used. */
export async function connectToQueue(url: string): Promise<import('ioredis').Redis> {
  const Redis = exportOf(await import('ioredis'), 'Redis');
  return new Redis(url, { maxRetriesPerRequest: null });
}
