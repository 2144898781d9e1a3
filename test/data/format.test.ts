import { describe, expect, it } from 'vitest';
import { computePromptHash, labelledRecordSchema, makeRecord, normalisePrompt, strongBeatsWeak } from '../../src/training/data/format.ts';
import { formatRecords, parseRecords, RecordFormatError } from '../../src/training/data/jsonl.ts';
import { createHash } from 'node:crypto';

describe('labelled record format', () => {
  it('normalises prompts by trimming, collapsing whitespace and lower-casing', () => {
    expect(normalisePrompt('  Hello\n\tWORLD   again ')).toBe('hello world again');
    expect(computePromptHash('  Hello\n\tWORLD   again ')).toBe(computePromptHash('hello world again'));
    expect(computePromptHash('hello world again')).toBe(createHash('sha256').update('hello world again').digest('hex'));
    expect(computePromptHash('hello world')).not.toBe(computePromptHash('hello world again'));
  });

  it('builds records with their hash and rejects malformed ones', () => {
    const record = makeRecord({ id: 'x/1', prompt: 'Hi', scores: { a: 1, b: 0 }, source: 'mine', split: 'train' });
    expect(record.promptHash).toBe(computePromptHash('Hi'));
    expect(strongBeatsWeak(record, 'a', 'b')).toBe(true);
    expect(strongBeatsWeak(record, 'b', 'a')).toBe(false);
    expect(strongBeatsWeak(record, 'a', 'missing')).toBe(false);
    expect(labelledRecordSchema.safeParse({ ...record, split: 'validation' }).success).toBe(false);
    expect(labelledRecordSchema.safeParse({ ...record, promptHash: 'abc' }).success).toBe(false);
    expect(labelledRecordSchema.safeParse({ ...record, scores: { a: 'high' } }).success).toBe(false);
  });

  it('round-trips JSONL and names the bad line', () => {
    const records = [
      makeRecord({ id: '1', prompt: 'One', scores: { a: 1 }, source: 's', split: 'train' }),
      makeRecord({ id: '2', prompt: 'Two', turns: ['Two', 'Three'], scores: { a: 0.5 }, source: 's', split: 'test', group: 'g' }),
    ];
    expect(parseRecords(formatRecords(records))).toEqual(records);
    const broken = formatRecords(records) + '{"id":"3"}\n';
    expect(() => parseRecords(broken, 'mine.jsonl')).toThrow(RecordFormatError);
    expect(() => parseRecords(broken, 'mine.jsonl')).toThrow(/mine\.jsonl:3/);
  });
});
