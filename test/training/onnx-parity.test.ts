// PARITY: the exported ONNX graph, run by onnxruntime-node, equals the TypeScript forward pass.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { disableOnnxTelemetry } from '../../src/embedding/onnx-telemetry.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { writeScorerOnnx } from '../../src/training/onnx/write.ts';
import { trainLogistic } from '../../src/training/trainers/logistic.ts';
import { trainMlp } from '../../src/training/trainers/mlp.ts';
import { mfPairModel, trainMf } from '../../src/training/trainers/mf.ts';
import { forwardMatrix, type ScorerModel } from '../../src/training/trainers/model.ts';
import { linearSet, xorSet } from './synthetic.ts';
import type { Matrix } from '../../src/training/trainers/matrix.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function runOnnx(model: ScorerModel, x: Matrix): Promise<Float32Array> {
  const dir = await mkdtemp(join(tmpdir(), 'triage-parity-'));
  dirs.push(dir);
  const path = await writeScorerOnnx(dir, model, { metadata: { name: 'parity' } });
  disableOnnxTelemetry();
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  try {
    expect(session.inputNames).toEqual(['features']);
    expect(session.outputNames).toEqual(['score']);
    const input = new ort.Tensor('float32', Float32Array.from(x.data), [x.rows, x.cols]);
    const output = await session.run({ features: input });
    const score = output['score'];
    if (!score) throw new Error('no score output');
    expect(score.dims).toEqual([x.rows, 1]);
    return score.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Rounds inputs to float32 first: ONNX sees float32 features, the TS pass must see the same. */
function asFloat32(x: Matrix): Matrix {
  return { ...x, data: Float64Array.from(Float32Array.from(x.data)) };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

describe('ONNX export parity (onnxruntime-node vs TypeScript)', () => {
  it('logistic regression agrees within 1e-5', async () => {
    const train = linearSet(800, 40, 21);
    const test = asFloat32(linearSet(300, 40, 22).x);
    const model = trainLogistic(train);
    const expected = forwardMatrix(model, test);
    const actual = await runOnnx(model, test);
    expect(maxDiff(actual, expected)).toBeLessThan(1e-5);
    // The scores spread: a constant graph would not pass this.
    expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.5);
  });

  it.each(['relu', 'tanh'] as const)('MLP (%s) agrees within 1e-5', async (activation) => {
    const train = xorSet(600, 31);
    const wide = linearSet(200, 30, 33);
    const model = trainMlp(train, { hidden: 24, activation, seed: 5, maxEpochs: 30 });
    const test = asFloat32(xorSet(300, 32).x);
    const expected = forwardMatrix(model, test);
    expect(maxDiff(await runOnnx(model, test), expected)).toBeLessThan(1e-5);
    const wideModel = trainMlp(wide, { hidden: 8, activation, seed: 6, maxEpochs: 10 });
    const wideX = asFloat32(linearSet(100, 30, 34).x);
    expect(maxDiff(await runOnnx(wideModel, wideX), forwardMatrix(wideModel, wideX))).toBeLessThan(1e-5);
  });

  it('a matrix-factorisation pair model agrees within 1e-5', async () => {
    const set = linearSet(300, 10, 61);
    const comparisons = Array.from(set.y, (y, row) => ({ row, a: 0, b: 1, y, weight: 1 }));
    const model = mfPairModel(trainMf(set.x, ['strong', 'weak'], comparisons, { rank: 3, epochs: 5 }), 'strong', 'weak');
    const test = asFloat32(linearSet(100, 10, 62).x);
    expect(maxDiff(await runOnnx(model, test), forwardMatrix(model, test))).toBeLessThan(1e-5);
  });

  it('clips far-out-of-range features identically (and bounds their effect)', async () => {
    const model = trainLogistic(linearSet(500, 8, 51));
    const base = linearSet(20, 8, 52).x;
    const extreme = asFloat32({ ...base, data: base.data.map((v, i) => (i % 3 === 0 ? v * 1000 : i % 3 === 1 ? -v * 1000 : v)) });
    const expected = forwardMatrix(model, extreme);
    expect(maxDiff(await runOnnx(model, extreme), expected)).toBeLessThan(1e-5);
    const clipped = asFloat32({ ...base, data: base.data.map((v, i) => (i % 3 === 0 ? v * 1e6 : i % 3 === 1 ? -v * 1e6 : v)) });
    // Beyond the clip, making an input larger changes nothing.
    expect(maxDiff(forwardMatrix(model, clipped), expected)).toBeLessThan(1e-12);
  });

  it('scores one row and a batch the same', async () => {
    const model = trainLogistic(linearSet(300, 6, 41));
    const x = asFloat32(linearSet(5, 6, 42).x);
    const batch = await runOnnx(model, x);
    const single = await runOnnx(model, { rows: 1, cols: 6, data: x.data.subarray(0, 6) });
    expect(Math.abs((single[0] ?? 0) - (batch[0] ?? 0))).toBeLessThan(1e-7);
  });
});
