/** Entities the dialogues need, as extracted from a normalised message. */

interface Span {
  /** The matched text in the normalised message. */
  text: string;
  start: number;
  end: number;
}

export interface DateEntity extends Span {
  type: 'date';
  /** Local calendar date, YYYY-MM-DD. */
  value: string;
}

export type Period = 'am' | 'pm';
export interface PeriodEntity extends Span {
  type: 'period';
  value: Period;
}

export interface TimeEntity extends Span {
  type: 'time';
  /** HH:MM, 24-hour local time. */
  value: string;
}

export interface DistrictEntity extends Span {
  type: 'district';
  /** Canonical district name, e.g. 浦东新区. */
  value: string;
}

export interface PhoneEntity extends Span {
  type: 'phone';
  kind: 'mobile' | 'landline' | 'hotline';
  /** Digits only (landlines keep their area code). */
  value: string;
}

export interface IdNumberEntity extends Span {
  type: 'id_number';
  value: string;
  /** GB 11643 check digit and date of birth both valid. */
  valid: boolean;
}

export interface PlateEntity extends Span {
  type: 'plate';
  value: string;
  newEnergy: boolean;
}

export interface ReferenceEntity extends Span {
  type: 'reference';
  kind: 'appointment' | 'ticket';
  /** Canonical form, e.g. A20261125-0001. */
  value: string;
}

export type Entity = DateEntity | PeriodEntity | TimeEntity | DistrictEntity | PhoneEntity | IdNumberEntity | PlateEntity | ReferenceEntity;

export type EntityType = Entity['type'];
export type EntityOf<T extends EntityType> = Extract<Entity, { type: T }>;
