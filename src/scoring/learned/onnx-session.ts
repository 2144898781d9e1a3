// The scorer's ONNX session: loads scorer.onnx in onnxruntime-node with one intra-op thread and
// runs [N, D] float32 feature batches to [N] scores. Checks the graph's input width at load time.

import * as ort from 'onnxruntime-node';
import { disableOnnxTelemetry } from '../../embedding/onnx-telemetry.ts';

export interface ScorerSession {
  readonly inputWidth: number;
  run(rows: readonly Float32Array[]): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function openScorerSession(path: string, inputWidth: number, names = { input: 'features', output: 'score' }): Promise<ScorerSession> {
  disableOnnxTelemetry();
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  if (!session.inputNames.includes(names.input) || !session.outputNames.includes(names.output)) {
    await session.release();
    throw new Error(`${path}: expected input "${names.input}" and output "${names.output}", found inputs [${session.inputNames.join(', ')}] outputs [${session.outputNames.join(', ')}]`);
  }
  let released = false;
  const run = async (rows: readonly Float32Array[]): Promise<Float32Array> => {
    const data = new Float32Array(rows.length * inputWidth);
    rows.forEach((row, i) => {
      if (row.length !== inputWidth) throw new Error(`feature vector ${i} has ${row.length} values, the scorer expects ${inputWidth}`);
      data.set(row, i * inputWidth);
    });
    const output = await session.run({ [names.input]: new ort.Tensor('float32', data, [rows.length, inputWidth]) });
    const score = output[names.output];
    if (!score || !(score.data instanceof Float32Array)) throw new Error(`${path}: no float32 "${names.output}" output`);
    return score.data;
  };
  try {
    // Warm-up with the expected width: a graph built for another width fails here, at load time.
    await run([new Float32Array(inputWidth)]);
  } catch (error) {
    await session.release();
    throw new Error(`${path}: the ONNX graph does not accept ${inputWidth} features (${error instanceof Error ? error.message : String(error)})`);
  }
  return {
    inputWidth,
    run,
    async release() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}
