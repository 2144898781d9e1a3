// normalisePrompt collapses whitespace with a regex that leaves single spaces alone (for speed); it
// must give exactly what collapsing every /\s+/ run gives, because logged prompt hashes are joined
// with the hashes of labelled data made by earlier builds. Seeded random strings over the
// whitespace characters JavaScript knows, plus a few fixed cases. The hash itself is sha256 hex.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom as seeded } from '../../src/eval/prng.ts';
import { normalisePrompt, promptHash } from '../../src/protocol/chat.ts';

/** The definition: trim, every whitespace run to one space, lower case. */
const reference = (prompt: string): string => prompt.trim().replace(/\s+/g, ' ').toLowerCase();

const ALPHABET = [' ', ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff', 'a', 'B', 'é', 'Ω', '.', '\u200b'];

describe('normalisePrompt', () => {
  it('equals collapsing every whitespace run, on 20,000 seeded random strings', () => {
    const random = seeded(9);
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = Math.floor(random() * 16);
      for (let j = 0; j < length; j++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
      expect(normalisePrompt(text), JSON.stringify(text)).toBe(reference(text));
    }
  });

  it('keeps single spaces, collapses runs and odd whitespace, trims and lower-cases', () => {
    expect(normalisePrompt('  Hello   World\t\tand\nNew\u00a0Line  ')).toBe('hello world and new line');
    expect(normalisePrompt('one two')).toBe('one two');
    expect(normalisePrompt('a \t b')).toBe('a b');
  });

  it('gives the prompt hash of the reference normalisation', () => {
    const text = 'Explain  the\ndifference between a MUTEX and a semaphore. ';
    expect(promptHash(text)).toBe(promptHash(reference(text)));
  });

  it('is the sha256 hex that createHash gives (the one-shot hash must not change logged hashes)', () => {
    for (const text of ['Explain the difference', 'équipe Ω \u{1F600} naïve', '']) {
      expect(promptHash(text)).toBe(createHash('sha256').update(reference(text), 'utf8').digest('hex'));
    }
  });
});
