import { describe, expect, it } from 'vitest';
import { parseBoolCell, parseCsv, parseCsvObjects } from '../../src/training/data/csv.ts';

describe('CSV parser', () => {
  it('handles quotes, doubled quotes, embedded newlines and CRLF', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line1\nline2"\r\nplain,,last\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'line1\nline2'],
      ['plain', '', 'last'],
    ]);
  });

  it('maps rows to header names and rejects ragged rows', () => {
    expect(parseCsvObjects('p,m\n"q?",True\n').rows).toEqual([{ p: 'q?', m: 'True' }]);
    expect(() => parseCsvObjects('p,m\n1,2,3\n')).toThrow(/3 cells/);
    expect(() => parseCsv('"open')).toThrow(/quoted/);
  });

  it('reads pandas booleans strictly', () => {
    expect(parseBoolCell('True', 'x')).toBe(true);
    expect(parseBoolCell('False', 'x')).toBe(false);
    expect(() => parseBoolCell('maybe', 'x')).toThrow(/True\/False/);
  });
});
