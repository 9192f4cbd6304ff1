const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Node {
  children: Map<string, Node>;
  end: boolean;
}

/**
 * trieSource returns a regex source matching any of `words`, factored by common prefixes
 * (`sumo(?:logic)?|s(?:entry|nyk)`): a backtracking engine then tries one branch per position
 * instead of every word, and the longest word wins where one is a prefix of another.
 */
export function trieSource(words: Iterable<string>): string {
  const root: Node = { children: new Map(), end: false };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let next = node.children.get(ch);
      if (!next) {
        next = { children: new Map(), end: false };
        node.children.set(ch, next);
      }
      node = next;
    }
    node.end = true;
  }
  return emit(root);
}

function emit(node: Node): string {
  const branches = [...node.children].map(([ch, child]) => escapeRe(ch) + emit(child));
  if (branches.length === 0) return '';
  const alt = branches.length === 1 ? (branches[0] ?? '') : `(?:${branches.join('|')})`;
  return node.end ? `(?:${alt})?` : alt;
}
