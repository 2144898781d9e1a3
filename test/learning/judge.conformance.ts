// The Judge conformance suite: every judge implementation runs it. The factory wires the judge to
// a world where an answer containing "[better]" beats one containing "[worse]", equal answers tie,
// and an answer containing "[confuse]" leaves the judge without a verdict. `failing` is the same
// judge whose model cannot be reached. A judge never throws and never guesses.

import { afterEach, expect, it } from 'vitest';
import { describeSuite, type ConformanceOptions } from '../support/conformance.ts';
import type { Judge, JudgeInput } from '../../src/learning/judge/judge.ts';

export interface JudgeUnderTest {
  judge: Judge;
  failing: Judge;
  close(): Promise<void>;
}

const conversation = [{ role: 'user' as const, content: 'Which is the tallest mountain on Earth?' }];
const input = (first: string, second: string): JudgeInput => ({ conversation, first, second });

export function describeJudgeConformance(name: string, options: ConformanceOptions<JudgeUnderTest>): void {
  describeSuite('Judge', name, options.skip, () => {
    const opened: JudgeUnderTest[] = [];
    const open = async (): Promise<JudgeUnderTest> => {
      const made = await options.create();
      opened.push(made);
      return made;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((made) => made.close()));
    });

    it('names the better answer by its position, in both orders, and a tie as C', async () => {
      const { judge, failing } = await open();
      // The kind is the registry key it was created under.
      expect(judge.kind).toBe(name);
      expect(failing.kind).toBe(name);
      expect((await judge.compare(input('Everest [better]', 'K2 [worse]'))).verdict).toBe('A');
      expect((await judge.compare(input('K2 [worse]', 'Everest [better]'))).verdict).toBe('B');
      expect((await judge.compare(input('Everest', 'Everest'))).verdict).toBe('C');
    });

    it('reports the judge model, non-negative tokens and a cost within its own worst case', async () => {
      const { judge } = await open();
      const question = input('Everest [better]', 'K2 [worse]');
      const result = await judge.compare(question);
      expect(result.error).toBeNull();
      expect(result.model.length).toBeGreaterThan(0);
      expect(result.promptTokens ?? 0).toBeGreaterThanOrEqual(0);
      expect(result.completionTokens ?? 0).toBeGreaterThanOrEqual(0);
      expect(result.costUsd).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(judge.worstCaseUsd(question))).toBe(true);
      expect(judge.worstCaseUsd(question)).toBeGreaterThanOrEqual(result.costUsd);
    });

    it('says unparsable, without throwing, when it reaches no verdict', async () => {
      const { judge } = await open();
      const result = await judge.compare(input('Everest [confuse]', 'K2'));
      expect(result.verdict).toBe('unparsable');
      expect(result.error).toBeNull();
    });

    it('says unparsable with the reason, at no cost, when its model cannot be called or the call is aborted', async () => {
      const { failing, judge } = await open();
      const failed = await failing.compare(input('Everest [better]', 'K2 [worse]'));
      expect(failed).toMatchObject({ verdict: 'unparsable', costUsd: 0 });
      expect(failed.error).toEqual(expect.any(String));
      const aborted = await judge.compare(input('Everest [better]', 'K2 [worse]'), AbortSignal.abort());
      expect(aborted.verdict).toBe('unparsable');
      expect(aborted.error).toEqual(expect.any(String));
    });
  });
}
