/**
 * The feature names of a trained classifier and their row numbers, kept compactly. A model has
 * 140,000–400,000 names (words, stems, n-grams); as a Map of strings they took about 60 bytes each
 * on the JavaScript heap (the string, its header, the map's entry) and parsing them from the model
 * file made as much garbage again. Here they are three typed arrays outside the heap: every name's
 * UTF-16 code units packed as bytes one after the other (1 byte for ASCII, 2 or 3 otherwise, as in
 * UTF-8, each code unit on its own so that any string has exactly one packing), where each name
 * starts, and an open-addressing hash table of row numbers — about 20 bytes a name, stored as they
 * are in the model file (model-cache.ts) and read back without making a single string.
 */

/** Grown as needed: the packing of the name being looked up. */
let scratch = new Uint8Array(256);

/** Bytes of `s` packed as described above into `out` (large enough: 3 bytes a code unit); returns their number. */
function pack(s: string, out: Uint8Array, at = 0): number {
  let n = at;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n - at;
}

function packedLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return n;
}

/** FNV-1a over bytes [from, to), then mixed (murmur3's finaliser) so that linear probing spreads well. */
function hash(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class FeatureIndex {
  /** How many names. */
  readonly size: number;
  /** Row + 1 of the name in each slot (0: empty slot); a power of two long, at most two thirds full. */
  private readonly table: Int32Array;
  private readonly mask: number;

  /** Names in row order (the first is row 0). */
  static fromNames(names: readonly string[]): FeatureIndex {
    const starts = new Uint32Array(names.length + 1);
    for (let i = 0; i < names.length; i++) starts[i + 1] = starts[i] + packedLength(names[i]);
    const bytes = new Uint8Array(starts[names.length]);
    for (let i = 0; i < names.length; i++) pack(names[i], bytes, starts[i]);
    return new FeatureIndex(bytes, starts);
  }

  /**
   * As stored: `starts` (size + 1 offsets, from 0 to bytes.length, never decreasing) and `bytes`.
   * Throws when they do not fit together (a damaged file).
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly starts: Uint32Array,
  ) {
    const n = starts.length - 1;
    if (n < 0 || starts[0] !== 0 || starts[n] !== bytes.length) throw new Error('feature index: offsets do not match the names');
    for (let i = 0; i < n; i++) if (starts[i + 1] < starts[i]) throw new Error('feature index: offsets out of order');
    this.size = n;
    let capacity = 16;
    while (capacity < n * 1.5) capacity *= 2;
    this.table = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < n; i++) {
      let slot = hash(bytes, starts[i], starts[i + 1]) & this.mask;
      while (this.table[slot] !== 0) {
        if (this.equalsAt(this.table[slot] - 1, bytes, starts[i], starts[i + 1])) throw new Error('feature index: a name is there twice');
        slot = (slot + 1) & this.mask;
      }
      this.table[slot] = i + 1;
    }
  }

  /** The row of `name`, or -1 when the model does not know it. */
  get(name: string): number {
    if (scratch.length < name.length * 3) scratch = new Uint8Array(name.length * 3 * 2);
    const len = pack(name, scratch);
    let slot = hash(scratch, 0, len) & this.mask;
    for (;;) {
      const row = this.table[slot] - 1;
      if (row < 0) return -1;
      if (this.equalsAt(row, scratch, 0, len)) return row;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The name of a row. */
  name(row: number): string {
    let s = '';
    const { bytes } = this;
    for (let i = this.starts[row], end = this.starts[row + 1]; i < end; ) {
      const b = bytes[i++];
      if (b < 0x80) s += String.fromCharCode(b);
      else if (b < 0xe0) s += String.fromCharCode(((b & 0x1f) << 6) | (bytes[i++] & 0x3f));
      else s += String.fromCharCode(((b & 0x0f) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f));
    }
    return s;
  }

  /** Whether row `row`'s name is the bytes [from, to) of `other`. */
  private equalsAt(row: number, other: Uint8Array, from: number, to: number): boolean {
    const start = this.starts[row];
    if (this.starts[row + 1] - start !== to - from) return false;
    const { bytes } = this;
    for (let i = 0; i < to - from; i++) if (bytes[start + i] !== other[from + i]) return false;
    return true;
  }
}
