// Word-level tokenisation for word-vector model folders (e.g. models/embedders/glove-100d).
// Owns the tokenizer.json layout those folders ship (lowercase normaliser, a regex Split
// pre-tokenizer, a WordPiece vocabulary without continuation pieces, which makes it word-level
// in transformers.js) and a fast TypeScript tokenizer that reads the same file and gives the
// same ids as transformers.js.

/** Padding token; id 0. Its embedding row is zero. */
export const PAD_TOKEN = '[PAD]';
/** Unknown-word token; id 1. Its embedding row is zero. */
export const UNK_TOKEN = '[UNK]';
/** Words longer than this become [UNK] (the WordPiece limit transformers.js applies). */
export const MAX_WORD_CHARS = 100;

/**
 * One token per run of letters/marks/digits, or one token per other non-space character.
 * Case is folded by the normaliser before this runs.
 */
export const WORD_PATTERN_SOURCE = '[\\p{L}\\p{M}\\p{N}]+|[^\\s\\p{L}\\p{M}\\p{N}]';

export interface WordTokenizerJson {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: never[];
  normalizer: { type: 'Lowercase' };
  pre_tokenizer: { type: 'Split'; pattern: { Regex: string }; behavior: 'Removed'; invert: true };
  post_processor: null;
  decoder: null;
  model: {
    type: 'WordPiece';
    unk_token: string;
    continuing_subword_prefix: string;
    max_input_chars_per_word: number;
    vocab: Record<string, number>;
  };
}

/** Splits already-lowercased text into word tokens with the folder's pattern. */
export function splitWords(text: string, pattern: RegExp = new RegExp(WORD_PATTERN_SOURCE, 'gu')): string[] {
  return text.match(pattern) ?? [];
}

/** True when `word` survives tokenisation unchanged, i.e. it can ever be looked up. */
export function isWholeToken(word: string): boolean {
  if (word.length === 0 || word.length > MAX_WORD_CHARS || word !== word.toLowerCase()) return false;
  const pieces = splitWords(word);
  return pieces.length === 1 && pieces[0] === word;
}

/** tokenizer.json content for `words` (ids 2.. in the given order; 0 = [PAD], 1 = [UNK]). */
export function buildWordTokenizerJson(words: readonly string[]): WordTokenizerJson {
  const vocab: Record<string, number> = { [PAD_TOKEN]: 0, [UNK_TOKEN]: 1 };
  words.forEach((word, index) => {
    vocab[word] = index + 2;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Split', pattern: { Regex: WORD_PATTERN_SOURCE }, behavior: 'Removed', invert: true },
    post_processor: null,
    decoder: null,
    model: {
      type: 'WordPiece',
      unk_token: UNK_TOKEN,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: MAX_WORD_CHARS,
      vocab,
    },
  };
}

/** Maps text to vocabulary ids; unknown words map to the [UNK] id. */
export interface WordTokenizer {
  readonly vocabSize: number;
  readonly unkId: number;
  encode(text: string): number[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds the fast tokenizer from a parsed tokenizer.json of the layout above; throws on others. */
export function createWordTokenizer(tokenizerJson: unknown): WordTokenizer {
  if (!isRecord(tokenizerJson) || !isRecord(tokenizerJson.model)) throw new Error('tokenizer.json: missing "model"');
  const model = tokenizerJson.model;
  const normalizer = tokenizerJson.normalizer;
  const preTokenizer = tokenizerJson.pre_tokenizer;
  if (!isRecord(normalizer) || normalizer.type !== 'Lowercase') {
    throw new Error('tokenizer.json: the word-vector fast path needs a "Lowercase" normalizer');
  }
  if (
    !isRecord(preTokenizer) ||
    preTokenizer.type !== 'Split' ||
    preTokenizer.invert !== true ||
    !isRecord(preTokenizer.pattern) ||
    typeof preTokenizer.pattern.Regex !== 'string'
  ) {
    throw new Error('tokenizer.json: the word-vector fast path needs an inverted regex "Split" pre-tokenizer');
  }
  if (!isRecord(model.vocab) || typeof model.unk_token !== 'string') {
    throw new Error('tokenizer.json: model needs a "vocab" object and an "unk_token"');
  }
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number') throw new Error(`tokenizer.json: id of ${JSON.stringify(token)} is not a number`);
    vocab.set(token, id);
  }
  const unkId = vocab.get(model.unk_token);
  if (unkId === undefined) throw new Error('tokenizer.json: unk_token is not in the vocabulary');
  const maxChars = typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : MAX_WORD_CHARS;
  const pattern = new RegExp(preTokenizer.pattern.Regex, 'gu');

  return {
    vocabSize: vocab.size,
    unkId,
    encode(text: string): number[] {
      const words = splitWords(text.toLowerCase(), pattern);
      const ids = new Array<number>(words.length);
      for (let i = 0; i < words.length; i++) {
        const word = words[i] as string;
        ids[i] = word.length > maxChars ? unkId : (vocab.get(word) ?? unkId);
      }
      return ids;
    },
  };
}
