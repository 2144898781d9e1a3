// Builds the ONNX graph of a trained scorer with onnx-proto: input `features` float32 [N, D] ->
// standardise (Sub mean, Div std, Clip) -> Gemm (-> Relu|Tanh -> Gemm) -> Sigmoid -> output `score` [N, 1].

import onnxProto from 'onnx-proto';
import type { ScorerModel } from '../trainers/model.ts';

const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 8;
export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'score';

function floatTensor(name: string, dims: number[], values: readonly number[]): onnxProto.onnx.ITensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw new Error(`tensor ${name}: ${values.length} values for shape [${dims.join(', ')}]`);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(values) });
}

function valueInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        }),
      }),
    }),
  });
}

function node(opType: string, inputs: string[], outputs: string[], attributes: onnxProto.onnx.IAttributeProto[] = []): onnxProto.onnx.INodeProto {
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: `${opType}_${outputs[0] ?? ''}`, attribute: attributes });
}

/** Transposes a rows x cols row-major array into cols x rows. */
function transpose(values: readonly number[], rows: number, cols: number): number[] {
  const out = new Array<number>(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] ?? 0;
  return out;
}

export interface ExportInfo {
  /** Written into the model's metadata_props (e.g. name, version, embedder). */
  metadata?: Record<string, string>;
  docString?: string;
}

export function buildScorerGraph(model: ScorerModel, info: ExportInfo = {}): onnxProto.onnx.ModelProto {
  const d = model.inputDim;
  const initializers = [
    floatTensor('feature_mean', [d], model.standardizer.mean),
    floatTensor('feature_std', [d], model.standardizer.std),
    floatTensor('clip_min', [], [-model.standardizer.clip]),
    floatTensor('clip_max', [], [model.standardizer.clip]),
  ];
  const nodes = [
    node('Sub', [INPUT_NAME, 'feature_mean'], ['centred']),
    node('Div', ['centred', 'feature_std'], ['scaled']),
    node('Clip', ['scaled', 'clip_min', 'clip_max'], ['standardised']),
  ];
  if (model.kind === 'linear') {
    initializers.push(floatTensor('linear_weight', [d, 1], model.weights), floatTensor('linear_bias', [1], [model.bias]));
    nodes.push(node('Gemm', ['standardised', 'linear_weight', 'linear_bias'], ['logit']));
  } else {
    initializers.push(
      floatTensor('hidden_weight', [d, model.hidden], transpose(model.w1, model.hidden, d)),
      floatTensor('hidden_bias', [model.hidden], model.b1),
      floatTensor('output_weight', [model.hidden, 1], model.w2),
      floatTensor('output_bias', [1], [model.b2]),
    );
    nodes.push(
      node('Gemm', ['standardised', 'hidden_weight', 'hidden_bias'], ['hidden_pre']),
      node(model.activation === 'relu' ? 'Relu' : 'Tanh', ['hidden_pre'], ['hidden']),
      node('Gemm', ['hidden', 'output_weight', 'output_bias'], ['logit']),
    );
  }
  nodes.push(node('Sigmoid', ['logit'], [OUTPUT_NAME]));
  const graph = onnx.GraphProto.create({
    name: `triage_${model.kind}_scorer`,
    node: nodes,
    initializer: initializers,
    input: [valueInfo(INPUT_NAME, ['N', d])],
    output: [valueInfo(OUTPUT_NAME, ['N', 1])],
  });
  return onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'triage',
    producerVersion: '1',
    docString: info.docString ?? 'Triage difficulty scorer: P(weak model falls short of strong model).',
    graph,
    metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
}

export function encodeScorerGraph(model: ScorerModel, info: ExportInfo = {}): Uint8Array {
  return onnx.ModelProto.encode(buildScorerGraph(model, info)).finish();
}
