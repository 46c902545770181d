/**
 * A trie over code points in flat typed arrays: one open-addressing hash
 * table of (node, rune) → child and one weight per node. Jieba's 349k-word
 * dictionary makes ~590k nodes; a trie of Maps or objects would cost several
 * times the memory and allocate on every lookup.
 */
const EMPTY = -1;

export class RuneTrie {
  static readonly ROOT = 0;
  private parents = new Int32Array(1 << 20).fill(EMPTY);
  private runes = new Int32Array(1 << 20);
  private children = new Int32Array(1 << 20);
  /** Per node: the word's weight, or NaN when the node is only a prefix. */
  private weights = new Float64Array(1 << 19).fill(Number.NaN);
  private nodes = 1;

  child(node: number, rune: number): number {
    const mask = this.parents.length - 1;
    for (let slot = hash(node, rune) & mask; ; slot = (slot + 1) & mask) {
      const p = this.parents[slot] as number;
      if (p === EMPTY) return EMPTY;
      if (p === node && this.runes[slot] === rune) return this.children[slot] as number;
    }
  }

  weight(node: number): number {
    return this.weights[node] as number;
  }

  /** Adds or re-weighs the word text[start, end). */
  insert(text: string, start: number, end: number, weight: number): void {
    if (end <= start) return;
    let node = RuneTrie.ROOT;
    for (let i = start; i < end; ) {
      const rune = text.codePointAt(i) as number;
      i += rune > 0xffff ? 2 : 1;
      let next = this.child(node, rune);
      if (next === EMPTY) next = this.add(node, rune);
      node = next;
    }
    this.weights[node] = weight;
  }

  private add(parent: number, rune: number): number {
    // Linear probing stays short below 3/4 full.
    if ((this.nodes + 1) * 4 > this.parents.length * 3) this.grow();
    if (this.nodes >= this.weights.length) {
      const w = new Float64Array(this.weights.length * 2).fill(Number.NaN);
      w.set(this.weights);
      this.weights = w;
    }
    const node = this.nodes++;
    this.place(parent, rune, node);
    return node;
  }

  private place(parent: number, rune: number, child: number): void {
    const mask = this.parents.length - 1;
    let slot = hash(parent, rune) & mask;
    while (this.parents[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.parents[slot] = parent;
    this.runes[slot] = rune;
    this.children[slot] = child;
  }

  private grow(): void {
    const { parents, runes, children } = this;
    this.parents = new Int32Array(parents.length * 2).fill(EMPTY);
    this.runes = new Int32Array(parents.length * 2);
    this.children = new Int32Array(parents.length * 2);
    for (let i = 0; i < parents.length; i++)
      if (parents[i] !== EMPTY) this.place(parents[i] as number, runes[i] as number, children[i] as number);
  }
}

function hash(node: number, rune: number): number {
  return (Math.imul(node, 0x9e3779b1) ^ Math.imul(rune, 0x85ebca6b)) >>> 0;
}
