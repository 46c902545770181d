/**
 * The active model, swappable at run time. A parse reads `current` once and
 * uses that object to the end, so a swap never changes a parse mid-way; the
 * new model is fully loaded before it is published by one assignment.
 */
import type { NluModel } from './model.js';

export class ModelHolder {
  #current: NluModel | null;

  constructor(initial: NluModel | null = null) {
    this.#current = initial;
  }

  get current(): NluModel | null {
    return this.#current;
  }

  /** The version serving now (shown by /readyz and the console). */
  get version(): string | null {
    return this.#current?.version ?? null;
  }

  swap(next: NluModel): NluModel | null {
    const previous = this.#current;
    this.#current = next;
    return previous;
  }
}
