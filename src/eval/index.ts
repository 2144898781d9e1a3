// The evaluation library's public surface.

export { evaluate, fileSafeName, type Benchmark, type EvaluateOptions, type EvaluationResults, type RouterUnderTest } from './run.ts';
export type { BenchmarkResult, RouterKind, RouterResult } from './results.ts';
export { evaluateScores, strongWinLabels, type RouterMetrics } from './evaluate-router.ts';
export { exactCurve, rankByScore, routellmSweep, type RankedBenchmark } from './curve.ts';
export { apgr, callsToReach, pgr, rocAuc, trapezoid } from './metrics.ts';
export { evenShares, oracleCurve, oracleScores, randomScores } from './baselines.ts';
export { bootstrapIntervals, type BootstrapIntervals, type BootstrapOptions } from './bootstrap.ts';
export { mean, pairQualities, recordsScoringPair } from './pair.ts';
export { costQualitySvg } from './svg.ts';
export { markdownReport, textReport } from './report.ts';
export { ROUTELLM_PUBLISHED, publishedFor } from './reference.ts';
export type { CurvePoint, Interval, PairQualities, ScoredRecord } from './types.ts';
