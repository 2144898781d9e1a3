// bench:gateway: the messages between the orchestrator and the load-generator process (one JSON
// object per stdout line), owned by zod schemas so both sides agree on the shape.

import { z } from 'zod';

export const LoadJobSchema = z.object({
  url: z.string().url(),
  body: z.string(),
  connections: z.number().int().positive(),
  /** Seconds; ignored when `amount` is set. */
  durationS: z.number().positive(),
  /** A fixed number of requests instead of a duration (every one completes before the run ends). */
  amount: z.number().int().positive().optional(),
  /** Print a progress line every second (completed requests so far). */
  progress: z.boolean().default(false),
  /** Extra request headers (e.g. a gateway key). */
  headers: z.record(z.string(), z.string()).optional(),
});
export type LoadJob = z.infer<typeof LoadJobSchema>;

export const LoadResultSchema = z.object({
  type: z.literal('result'),
  /** Requests written to a socket (autocannon's `requests.sent`). */
  sent: z.number(),
  /** Responses received. */
  completed: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  seconds: z.number(),
  /** process.hrtime in µs when the load started and ended (one monotonic clock for every process). */
  startedUs: z.number(),
  endedUs: z.number(),
  reqPerSec: z.number(),
  /** The slowest one-second sample of the run, in requests. */
  minSecondReqs: z.number(),
  /** Percentiles in ms from every response time (autocannon's own histogram rounds to whole ms). */
  p50: z.number(),
  p99: z.number(),
});
export type LoadResult = z.infer<typeof LoadResultSchema>;

export const LoadLineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), completed: z.number() }),
  LoadResultSchema,
]);
export type LoadLine = z.infer<typeof LoadLineSchema>;
