import { extractDestinations, type Destination, type KeyedString } from './destinations.js';
import { storable } from './names.js';

/**
 * What the behaviour model measures in one call's arguments, computed once per call and shared by
 * scoring and updating: the key set, an approximate serialised size, the shape of each string and
 * number (by key path), and the destinations named.
 */

/** Character classes of string values, one bit each (see CHARACTER_CLASSES). */
export const CHARACTER_CLASSES = [
  'lower-case letters',
  'upper-case letters',
  'digits',
  'spaces',
  'line breaks',
  'punctuation',
  'quotes',
  'shell/SQL metacharacters',
  'brackets',
  'non-ASCII characters',
  'control characters',
] as const;
const NON_ASCII_BIT = 1 << 9;

/** Characters of a string whose classes and entropy are measured (its length is always exact). */
export const SHAPE_SAMPLE = 512;
/** Nodes of the arguments tree visited; the size of what lies beyond is not counted. */
export const MAX_NODES = 4096;
/** Values (strings and numbers) whose shape is measured per call, in document order. */
export const MAX_VALUES = 32;
/** Depth of key paths: deeper values are attributed to their ancestor at this depth. */
export const MAX_PATH_DEPTH = 4;
/** Characters kept of a key path. */
export const MAX_PATH_LENGTH = 128;
/** Top-level keys in a key set. */
export const MAX_KEYS = 32;
/** Characters kept of a key (in a key set or a key path): stored names stay small whatever is sent. */
export const MAX_KEY_LENGTH = 64;


/** The class bit of every ASCII code. */
const CLASS_OF_ASCII: Uint16Array = (() => {
  const table = new Uint16Array(128);
  const set = (chars: string, bit: number): void => {
    for (const ch of chars) table[ch.charCodeAt(0)] = 1 << bit;
  };
  for (let c = 0; c < 32; c++) table[c] = 1 << 10;
  table[127] = 1 << 10;
  for (let c = 97; c <= 122; c++) table[c] = 1 << 0;
  for (let c = 65; c <= 90; c++) table[c] = 1 << 1;
  for (let c = 48; c <= 57; c++) table[c] = 1 << 2;
  set(' \t', 3);
  set('\n\r', 4);
  set('.,-_:/@?!#%+=~', 5);
  set('\'"`', 6);
  set(';|&$<>\\^*', 7);
  set('()[]{}', 8);
  return table;
})();

/** Length, Shannon entropy (bits per character, over the first SHAPE_SAMPLE characters) and classes of a string. */
export interface StringShape {
  length: number;
  entropy: number;
  classes: number;
}

/** One measured value: a string's shape or a number, under its key path (`items[].url`). */
export type ValueSample = { path: string; kind: 'string'; shape: StringShape } | { path: string; kind: 'number'; value: number };

export interface CallAnalysis {
  /** The key set: a 53-bit hash of the sorted top-level keys (what is stored, so 16 key sets of 32 long keys stay small). */
  keySet: string;
  /** The sorted top-level keys (at most MAX_KEYS, each at most MAX_KEY_LENGTH characters). */
  keys: string[];
  /** Approximate size of the arguments as JSON, in bytes. */
  size: number;
  values: ValueSample[];
  destinations: Destination[];
}

// Scratch buffers for stringShape: the model is synchronous, so one set per process is enough.
const counts = new Uint16Array(256);
const touched = new Uint8Array(256);

/** stringShape measures a string (see StringShape). */
export function stringShape(s: string): StringShape {
  const n = Math.min(s.length, SHAPE_SAMPLE);
  let classes = 0;
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const bucket = c < 128 ? c : 128 + (c & 127);
    const seen = counts[bucket]!;
    counts[bucket] = seen + 1;
    if (seen === 0) touched[distinct++] = bucket;
    classes |= c < 128 ? CLASS_OF_ASCII[c]! : NON_ASCII_BIT;
  }
  let entropy = 0;
  for (let j = 0; j < distinct; j++) {
    const bucket = touched[j]!;
    const p = counts[bucket]! / n;
    entropy -= p * Math.log2(p);
    counts[bucket] = 0;
  }
  return { length: s.length, entropy, classes };
}

/** classNames lists the character classes set in a bit mask. */
export function classNames(mask: number): string[] {
  return CHARACTER_CLASSES.filter((_, bit) => (mask & (1 << bit)) !== 0);
}

/** hashKeys is a 53-bit FNV-1a–style hash of the keys, in base 36: collisions among a tool's 16 remembered key sets are negligible. */
export function hashKeys(keys: readonly string[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const key of keys) {
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h1 = Math.imul(h1 ^ 0x2c, 0x01000193);
    h2 = Math.imul(h2 ^ 0x2c, 0x5bd1e995);
  }
  return ((h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff)).toString(36);
}

/** analyseArguments measures a call's arguments (see CallAnalysis). Requires a tree (parsed JSON is one). */
export function analyseArguments(args: Record<string, unknown>): CallAnalysis {
  const keys = Object.keys(args);
  if (keys.length > MAX_KEYS) keys.length = MAX_KEYS;
  for (let i = 0; i < keys.length; i++) keys[i] = storable(keys[i]!, MAX_KEY_LENGTH);
  keys.sort();
  const values: ValueSample[] = [];
  const strings: KeyedString[] = [];
  let size = 2;
  let nodes = 0;
  const visit = (v: unknown, path: string, key: string, depth: number): void => {
    if (++nodes > MAX_NODES) return;
    if (typeof v === 'string') {
      size += v.length + 3;
      if (values.length < MAX_VALUES) values.push({ path, kind: 'string', shape: stringShape(v) });
      if (strings.length < MAX_VALUES * 2) strings.push({ key, value: v });
    } else if (typeof v === 'number') {
      size += 8;
      if (values.length < MAX_VALUES && Number.isFinite(v)) values.push({ path, kind: 'number', value: v });
    } else if (Array.isArray(v)) {
      size += 2;
      const itemPath = depth < MAX_PATH_DEPTH && path.length < MAX_PATH_LENGTH ? `${path}[]` : path;
      for (const item of v) {
        if (nodes > MAX_NODES) break;
        visit(item, itemPath, key, depth + 1);
        size += 1;
      }
    } else if (v !== null && typeof v === 'object') {
      size += 2;
      for (const [childKey, child] of Object.entries(v as Record<string, unknown>)) {
        if (nodes > MAX_NODES) break;
        size += childKey.length + 4;
        const childPath = depth < MAX_PATH_DEPTH && path.length < MAX_PATH_LENGTH ? storable(`${path}.${storable(childKey, MAX_KEY_LENGTH)}`, MAX_PATH_LENGTH) : path;
        visit(child, childPath, childKey.toLowerCase(), depth + 1);
      }
    } else {
      size += 5;
    }
  };
  for (const [key, value] of Object.entries(args)) {
    if (nodes > MAX_NODES) break;
    size += key.length + 4;
    visit(value, storable(key, MAX_KEY_LENGTH), key.toLowerCase(), 1);
  }
  return { keySet: hashKeys(keys), keys, size, values, destinations: extractDestinations(strings) };
}
