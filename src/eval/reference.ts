// RouteLLM's published results (arXiv 2406.18665; strong GPT-4-1106, weak Mixtral-8x7B), shown
// as reference rows next to our measurements. CPT values are shares in [0, 1].

export interface PublishedResult {
  benchmark: 'MT-Bench' | 'MMLU' | 'GSM8K';
  router: string;
  apgr: number;
  cpt50: number;
  cpt80: number;
  /** True when the paper gives the figure only approximately. */
  approximate?: boolean;
}

export const ROUTELLM_PUBLISHED: readonly PublishedResult[] = [
  { benchmark: 'MT-Bench', router: 'Random', apgr: 0.5, cpt50: 0.4903, cpt80: 0.7808 },
  { benchmark: 'MT-Bench', router: 'Matrix factorisation (Arena + GPT-4 judge)', apgr: 0.802, cpt50: 0.134, cpt80: 0.3131 },
  { benchmark: 'MT-Bench', router: 'SW ranking (Arena + judge)', apgr: 0.759, cpt50: 0.2321, cpt80: 0.3604 },
  { benchmark: 'MT-Bench', router: 'BERT classifier (Arena + judge)', apgr: 0.751, cpt50: 0.1958, cpt80: 0.3402 },
  { benchmark: 'MT-Bench', router: 'Best with Arena data only (SW ranking)', apgr: 0.61, cpt50: 0.3785, cpt80: 0.5899 },
  { benchmark: 'MMLU', router: 'SW ranking (Arena + MMLU-validation labels)', apgr: 0.603, cpt50: 0.354, cpt80: 0.703, approximate: true },
  { benchmark: 'GSM8K', router: 'Causal LLM (Arena + judge)', apgr: 0.622, cpt50: 0.336, cpt80: 0.633 },
];

/** Published rows for a benchmark name like "mt-bench", "routellm-mmlu" or "gsm8k-test". */
export function publishedFor(benchmarkName: string): PublishedResult[] {
  const name = benchmarkName.toLowerCase();
  const key = name.includes('mt-bench') || name.includes('mt_bench') ? 'MT-Bench' : name.includes('mmlu') ? 'MMLU' : name.includes('gsm8k') ? 'GSM8K' : undefined;
  return key ? ROUTELLM_PUBLISHED.filter((r) => r.benchmark === key) : [];
}
