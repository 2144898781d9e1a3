// The ONNX graph of a word-vector model folder, written and read with onnx-proto:
// input_ids [batch, seq] int64 + attention_mask [batch, seq] int64 -> last_hidden_state
// [batch, seq, dim] float32, computed as Gather(embedding table, input_ids) * attention_mask.
// Also reads the embedding table back out of the file for the fast path.

import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Name of the embedding-table initializer inside model.onnx. */
export const EMBEDDING_TABLE_NAME = 'word_embeddings';
const OPSET_VERSION = 13;
const IR_VERSION = 8;

function tensorType(elemType: number, ...dims: Array<string | number>): onnxProto.onnx.ITypeProto {
  const shape = { dim: dims.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })) };
  return { tensorType: { elemType, shape } };
}

/** Little-endian bytes of a Float32Array (ONNX raw_data is little-endian). */
function float32LittleEndian(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return bytes;
}

export interface WordVectorGraphOptions {
  /** Row-major [vocabSize, dim] table; rows of [PAD]/[UNK] must already be zero. */
  table: Float32Array;
  vocabSize: number;
  dim: number;
  producerVersion: string;
  docString: string;
}

/** Serialises the word-vector graph; same inputs give the same bytes. */
export function buildWordVectorOnnx(options: WordVectorGraphOptions): Uint8Array {
  const { table, vocabSize, dim } = options;
  if (table.length !== vocabSize * dim) {
    throw new Error(`table has ${table.length} values, expected ${vocabSize} x ${dim}`);
  }
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const model: onnxProto.onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'triage',
    producerVersion: options.producerVersion,
    docString: options.docString,
    graph: {
      name: 'word_vectors',
      initializer: [
        { name: EMBEDDING_TABLE_NAME, dims: [vocabSize, dim], dataType: FLOAT, rawData: float32LittleEndian(table) },
        { name: 'unsqueeze_axes', dims: [1], dataType: INT64, int64Data: [2] },
      ],
      node: [
        { name: 'lookup', opType: 'Gather', input: [EMBEDDING_TABLE_NAME, 'input_ids'], output: ['token_vectors'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] },
        { name: 'mask_to_float', opType: 'Cast', input: ['attention_mask'], output: ['mask_float'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }] },
        { name: 'mask_expand', opType: 'Unsqueeze', input: ['mask_float', 'unsqueeze_axes'], output: ['mask_3d'] },
        { name: 'apply_mask', opType: 'Mul', input: ['token_vectors', 'mask_3d'], output: ['last_hidden_state'] },
      ],
      input: [
        { name: 'input_ids', type: tensorType(INT64, 'batch_size', 'sequence_length') },
        { name: 'attention_mask', type: tensorType(INT64, 'batch_size', 'sequence_length') },
      ],
      output: [{ name: 'last_hidden_state', type: tensorType(FLOAT, 'batch_size', 'sequence_length', dim) }],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export interface EmbeddingTable {
  table: Float32Array;
  vocabSize: number;
  dim: number;
}

/** Reads the embedding table initializer back out of a word-vector model.onnx. */
export function readEmbeddingTable(modelBytes: Uint8Array): EmbeddingTable {
  const model = onnx.ModelProto.decode(modelBytes);
  const initializer = (model.graph?.initializer ?? []).find((tensor) => tensor.name === EMBEDDING_TABLE_NAME);
  if (!initializer) throw new Error(`model.onnx has no "${EMBEDDING_TABLE_NAME}" initializer; not a word-vector model`);
  const dims = initializer.dims ?? [];
  if (initializer.dataType !== onnx.TensorProto.DataType.FLOAT || dims.length !== 2) {
    throw new Error(`"${EMBEDDING_TABLE_NAME}" must be a 2-D float32 tensor`);
  }
  const vocabSize = Number(dims[0]);
  const dim = Number(dims[1]);
  const raw = initializer.rawData ?? new Uint8Array(0);
  const floatData = initializer.floatData ?? [];
  const table = new Float32Array(vocabSize * dim);
  if (raw.length === table.length * 4) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < table.length; i++) table[i] = view.getFloat32(i * 4, true);
  } else if (floatData.length === table.length) {
    table.set(floatData);
  } else {
    throw new Error(`"${EMBEDDING_TABLE_NAME}" holds no data of the expected size ${vocabSize} x ${dim}`);
  }
  return { table, vocabSize, dim };
}
