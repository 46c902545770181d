/** Summary of latency samples (milliseconds) for the benchmark scripts. */
export interface LatencyStats {
  n: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

export function latencyStats(samples: readonly number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  const total = s.reduce((a, b) => a + b, 0);
  return { n: s.length, perSecond: (s.length / total) * 1000, p50: at(0.5), p99: at(0.99), max: s.at(-1) as number };
}
