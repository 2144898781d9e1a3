// Reads the verdict out of a judge's reply: exactly one kind of [[A]], [[B]] or [[C]] marker (it may
// repeat). None, or markers of two kinds, is "unparsable": the reply is never guessed at.

import type { Verdict } from '../../../store/shadow-labels.ts';

const MARKER = /\[\[([ABC])\]\]/g;

export function parseVerdict(reply: string): Verdict {
  const kinds = new Set<string>();
  for (const match of reply.matchAll(MARKER)) kinds.add(match[1] ?? '');
  if (kinds.size !== 1) return 'unparsable';
  const [only] = kinds;
  return only === 'A' || only === 'B' || only === 'C' ? only : 'unparsable';
}
