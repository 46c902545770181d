/** Median and 90th percentile of staff response times. */

export interface DurationStats {
  /** Handoffs measured. */
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of the
 * values at or below it): always a time that really happened, which is
 * what "90% were answered within …" promises.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function durationStats(millis: readonly number[]): DurationStats {
  const seconds = millis.filter((ms) => ms >= 0).map((ms) => Math.round(ms / 1000));
  seconds.sort((a, b) => a - b);
  return { count: seconds.length, medianSeconds: percentile(seconds, 50), p90Seconds: percentile(seconds, 90) };
}

/** 45 秒, 12 分钟, 1.5 小时, 2.0 天 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} 秒`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} 分钟`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} 小时`;
  return `${(seconds / 86_400).toFixed(1)} 天`;
}
