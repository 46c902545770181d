/**
 * Time-boxing a promise: a puppet that never answers, a classifier that
 * hangs, a database connection that went silent. The work itself is not
 * cancelled (promises cannot be); the caller stops waiting for it.
 */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** `work`, or a TimeoutError ("<what> took longer than <ms> ms") once `ms` have passed. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
