// The micro-batcher: an idle batcher scores at once; requests that arrive while a batch runs form
// the next batch (up to maxBatch); errors reach exactly the callers of the failing batch.

import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../../src/scoring/learned/micro-batcher.ts';

function recorder(fail?: (inputs: number[]) => boolean) {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const process = async (inputs: number[]) => {
    batches.push(inputs);
    await gate;
    if (fail?.(inputs)) throw new Error(`batch ${inputs.join(',')} failed`);
    return inputs.map((x) => x * 10);
  };
  return {
    batches,
    process,
    hold() {
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    release: () => release(),
  };
}

describe('MicroBatcher', () => {
  it('starts an idle batch at once and batches what arrives meanwhile', async () => {
    const r = recorder();
    const batcher = new MicroBatcher(r.process, { windowMs: 0, maxBatch: 3 });
    r.hold();
    const first = batcher.submit(1);
    // Started synchronously: no timer or setImmediate between submit and scoring.
    expect(r.batches).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((x) => batcher.submit(x));
    r.release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
    expect(r.batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('rejects only the callers of a failing batch and keeps going', async () => {
    const r = recorder((inputs) => inputs.includes(2));
    const batcher = new MicroBatcher(r.process, { windowMs: 0, maxBatch: 8 });
    r.hold();
    const one = batcher.submit(1);
    const two = batcher.submit(2);
    const three = batcher.submit(3);
    r.release();
    await expect(one).resolves.toBe(10);
    await expect(two).rejects.toThrow('batch 2,3 failed');
    await expect(three).rejects.toThrow('batch 2,3 failed');
    await expect(batcher.submit(4)).resolves.toBe(40);
  });

  it('waits for the window to collect a batch when one is set', async () => {
    const r = recorder();
    const batcher = new MicroBatcher(r.process, { windowMs: 5, maxBatch: 8 });
    const results = Promise.all([1, 2, 3].map((x) => batcher.submit(x)));
    expect(r.batches).toEqual([]);
    expect(await results).toEqual([10, 20, 30]);
    expect(r.batches).toEqual([[1, 2, 3]]);
  });
});
