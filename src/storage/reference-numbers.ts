/**
 * Reference numbers citizens can quote: A20261125-0001 (appointments),
 * T20261125-0001 (tickets), numbered per Shanghai day. The number itself
 * comes from the store's sequences row, taken inside the transaction that
 * stores the record (so it is never issued twice nor lost); this is the
 * part every store shares.
 */
import { wallClock } from '../core/clock.js';

export type ReferencePrefix = 'A' | 'T';

/** The sequences row's day: the Shanghai date as YYYYMMDD. */
export const referenceDay = (now: number): string => wallClock(new Date(now)).date.replaceAll('-', '');

export const formatReference = (prefix: ReferencePrefix, day: string, value: number): string =>
  `${prefix}${day}-${String(value).padStart(4, '0')}`;
