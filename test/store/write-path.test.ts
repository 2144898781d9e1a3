// The decision log's write path below the store: WriteQueue (batching, one batch per turn of the
// event loop, overflow, failure and retry on the timer only, stop) driven by vitest's fake timers
// so no test depends on the machine's speed, and the row encoding (rows.ts) that every queued
// row goes through.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decisionColumns, decodeDecision, decodeOutcome, encodeDecision } from '../../src/store/sqlite/rows.ts';
import { WriteQueue } from '../../src/store/sqlite/write-queue.ts';
import { makeBareDecision, makeDecision } from './fixtures/decision.ts';

interface Harness {
  queue: WriteQueue<number>;
  batches: number[][];
  errors: Array<{ message: string; pending: number }>;
  /** Makes the next `n` writes throw. */
  failNext(n: number): void;
}

function harness(options: { batchSize?: number; maxQueue?: number; flushIntervalMs?: number } = {}): Harness {
  const batches: number[][] = [];
  const errors: Array<{ message: string; pending: number }> = [];
  let failures = 0;
  const queue = new WriteQueue<number>({
    writeBatch: (rows) => {
      if (failures > 0) {
        failures--;
        throw new Error('disk full');
      }
      batches.push([...rows]);
    },
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    batchSize: options.batchSize ?? 3,
    maxQueue: options.maxQueue ?? 100,
    onError: (error, pending) => errors.push({ message: error.message, pending }),
  });
  return { queue, batches, errors, failNext: (n) => (failures = n) };
}

/** Runs the immediates queued so far (one turn of the event loop's check phase). */
const oneTurn = () => vi.advanceTimersToNextTimer();

describe('WriteQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts rows, and writes them on the timer, not in push()', () => {
    const h = harness();
    expect(h.queue.push(1)).toBe(true);
    expect(h.queue.push(2)).toBe(true);
    expect(h.batches).toEqual([]);
    expect(h.queue.pendingRows).toBe(2);
    vi.advanceTimersByTime(999);
    expect(h.batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(h.batches).toEqual([[1, 2]]);
    expect(h.queue.pendingRows).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('writes a full batch on the next turn, one batch per turn, in order', () => {
    const h = harness({ batchSize: 2 });
    for (const row of [1, 2, 3, 4, 5]) h.queue.push(row);
    expect(h.batches).toEqual([]);
    oneTurn();
    expect(h.batches).toEqual([[1, 2]]);
    oneTurn();
    expect(h.batches).toEqual([[1, 2], [3, 4]]);
    oneTurn();
    expect(h.batches).toEqual([[1, 2], [3, 4], [5]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('flushAll() writes everything now, batch by batch, and leaves no timer behind', () => {
    const h = harness({ batchSize: 2 });
    for (const row of [1, 2, 3, 4, 5]) h.queue.push(row);
    h.queue.flushAll();
    expect(h.batches).toEqual([[1, 2], [3, 4], [5]]);
    expect(vi.getTimerCount()).toBe(0);
    h.queue.flushAll(); // nothing queued: no empty batch
    expect(h.batches).toHaveLength(3);
  });

  it('keeps a failed batch, reports it, and retries it on the timer only', () => {
    const h = harness({ batchSize: 2, flushIntervalMs: 1000 });
    h.failNext(1);
    h.queue.push(1);
    h.queue.push(2); // a full batch: written on the next turn, and that write fails
    oneTurn();
    expect(h.batches).toEqual([]);
    expect(h.errors).toEqual([{ message: 'disk full', pending: 2 }]);
    expect(h.queue.writeFailures).toBe(1);
    // While failing, more full batches do not trigger writes on every turn.
    for (const row of [3, 4, 5, 6]) h.queue.push(row);
    expect(vi.getTimerCount()).toBe(1); // only the retry timer
    vi.advanceTimersByTime(999);
    expect(h.batches).toEqual([]);
    expect(h.errors).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(h.batches).toEqual([[1, 2]]);
    vi.runAllTimers();
    expect(h.batches).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('after a failure is over, full batches are written on the next turn again', () => {
    const h = harness({ batchSize: 2, flushIntervalMs: 60_000 });
    h.failNext(1);
    h.queue.push(1);
    expect(() => h.queue.flushAll()).toThrow('disk full');
    expect(h.queue.pendingRows).toBe(1);
    h.queue.flushAll();
    expect(h.batches).toEqual([[1]]);
    h.queue.push(2);
    h.queue.push(3);
    vi.advanceTimersByTime(0); // immediates only; the 60 s timer does not fire
    expect(h.batches).toEqual([[1], [2, 3]]);
  });

  it('bounds the queue: drops and counts overflow, reports it once per overflow episode', () => {
    const h = harness({ maxQueue: 2, batchSize: 10 });
    expect(h.queue.push(1)).toBe(true);
    expect(h.queue.push(2)).toBe(true);
    expect(h.queue.push(3)).toBe(false);
    expect(h.queue.push(4)).toBe(false);
    expect(h.queue.droppedRows).toBe(2);
    expect(h.errors).toEqual([{ message: 'decision log queue full (2 rows); dropping rows', pending: 2 }]);
    h.queue.flushAll();
    expect(h.batches).toEqual([[1, 2]]);
    // Room again; a new overflow is reported again.
    h.queue.push(5);
    h.queue.push(6);
    expect(h.queue.push(7)).toBe(false);
    expect(h.errors).toHaveLength(2);
    expect(h.queue.droppedRows).toBe(3);
  });

  it('flushAll() and stop() cancel a pending flush timer', () => {
    const h = harness();
    h.queue.push(1);
    expect(vi.getTimerCount()).toBe(1);
    h.queue.flushAll();
    expect(vi.getTimerCount()).toBe(0);
    h.queue.push(2);
    expect(vi.getTimerCount()).toBe(1);
    expect(h.queue.stop()).toEqual([2]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() cancels its timers, hands back what was queued, and drops later rows', () => {
    const h = harness({ batchSize: 2 });
    h.queue.push(1); // a timer
    expect(vi.getTimerCount()).toBe(1);
    h.queue.push(2); // an immediate instead
    h.queue.push(3);
    expect(h.queue.stop()).toEqual([1, 2, 3]);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.queue.push(4)).toBe(false);
    expect(h.queue.droppedRows).toBe(1);
    expect(h.queue.pendingRows).toBe(0);
    vi.runAllTimers();
    expect(h.batches).toEqual([]);
  });

  it('survives an onError handler that throws', () => {
    const queue = new WriteQueue<number>({
      writeBatch: () => {
        throw new Error('locked');
      },
      flushIntervalMs: 10,
      batchSize: 1,
      maxQueue: 1,
      onError: () => {
        throw new Error('handler broke');
      },
    });
    expect(queue.push(1)).toBe(true);
    expect(queue.push(2)).toBe(false);
    expect(() => queue.flushAll()).toThrow('locked');
  });
});

describe('row encoding', () => {
  it('encodes every column in order', () => {
    const encoded = encodeDecision(makeDecision());
    expect(encoded).toHaveLength(decisionColumns.length);
    expect(Object.fromEntries(decisionColumns.map((c, i) => [c, encoded[i]]))).toEqual({
      id: 'd-1', created_at: 1_700_000_000_000, kind: 'chat', router: 'default', scorer: 'learned:default',
      tags: '{"team":"search","env":"prod"}', mode: 'plan', task_type: 'code', prompt_hash: 'sha256:abc',
      prompt_text: 'Write a haiku about routers.', score: 0.734, threshold: 0.5, tier: 'strong', reason: 'score>=threshold',
      model_alias: 'strong', model_id: 'gpt-4.1', provider: 'openai', fallback_used: 1, stream: 1, status: 200, error: null,
      prompt_tokens: 120, completion_tokens: 48, cached_tokens: 64, cost_usd: 0.00123, decision_ms: 3.25, latency_ms: 812.5, ttfb_ms: 140.75,
      key_id: 'key_0123456789ab', calibration_id: 'cal_abc', features: expect.any(Buffer), features_layout: 'layout-1',
      propensity: 0.75, explored: 0,
    });
  });

  it('encodes nulls as NULL, not as text, and numbers that are not finite as NULL', () => {
    const bare = encodeDecision(makeBareDecision({ score: Number.NaN, costUsd: Number.POSITIVE_INFINITY, latencyMs: Number.NEGATIVE_INFINITY }));
    const row = Object.fromEntries(decisionColumns.map((c, i) => [c, bare[i]]));
    expect(row).toMatchObject({ router: null, scorer: null, mode: null, task_type: null, prompt_text: null, tier: null, model_alias: null, score: null, cost_usd: null, latency_ms: null, fallback_used: 0, stream: 0, tags: '{}', explored: null, propensity: null });
    // explored unset or null stays NULL (not 0, which would read back as "not explored").
    expect(encodeDecision(makeBareDecision({ explored: null }))[decisionColumns.indexOf('explored')]).toBeNull();
  });

  it('decodes a row back, and a damaged row to safe defaults', () => {
    const record = makeDecision();
    const columns = Object.fromEntries(decisionColumns.map((c, i) => [c, encodeDecision(record)[i]]));
    expect(decodeDecision(columns)).toEqual(record);
    expect(decodeDecision({})).toMatchObject({ id: '', createdAt: 0, kind: 'chat', promptHash: '', reason: '', status: 0, tags: {}, fallbackUsed: false, stream: false, score: null, router: null });
    expect(decodeDecision({ score: '0.5', status: 'x', prompt_tokens: Number.NaN })).toMatchObject({ score: null, status: 0, promptTokens: null });
  });

  it.each([
    ['a JSON array', '["a"]'],
    ['JSON null', 'null'],
    ['a JSON number', '5'],
    ['a JSON string', '"team=x"'],
    ['broken JSON', '{"team":'],
    ['a non-string', 42],
  ])('reads tags stored as %s as no tags', (_name, tags) => {
    expect(decodeDecision({ tags }).tags).toEqual({});
  });

  it('reads tag values as strings', () => {
    expect(decodeDecision({ tags: '{"a":1,"b":"x"}' }).tags).toEqual({ a: '1', b: 'x' });
  });

  it('decodes an outcome row, and a damaged one to safe defaults', () => {
    expect(decodeOutcome({ decision_id: 'd', created_at: 5, source: 'feedback', rating: -1, label: 'bad' })).toEqual({ decisionId: 'd', createdAt: 5, source: 'feedback', rating: -1, label: 'bad' });
    expect(decodeOutcome({})).toEqual({ decisionId: '', createdAt: 0, source: '', rating: null, label: null });
  });
});
