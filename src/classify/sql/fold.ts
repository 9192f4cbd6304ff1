/**
 * foldSqlString evaluates a string expression that dynamic SQL is built from, when every part of it is
 * a constant: literals (`'DR' || 'OP TABLE users'`), `concat(…)`, `format('%s TABLE %I', 'DROP', 'users')`,
 * `chr(68)`, `reverse('…')`, `upper`/`lower`, and `convert_from(decode('44524f50…', 'hex'), 'UTF8')`
 * (base64 too). Anything else — a column, a variable, a function it does not know — makes it undefined:
 * only SQL hidden in constants is recovered, never guessed.
 */
export function foldSqlString(expr: string): string | undefined {
  const p = new Folder(expr);
  const value = p.concatenation();
  p.blank();
  return value !== undefined && p.done() ? value : undefined;
}

const MAX_LENGTH = 20_000;

class Folder {
  private at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  blank(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  private eat(s: string): boolean {
    this.blank();
    if (this.text.slice(this.at, this.at + s.length).toLowerCase() !== s) return false;
    this.at += s.length;
    return true;
  }

  concatenation(): string | undefined {
    let out = this.term();
    // `||`, and T-SQL's `+` between strings.
    while (out !== undefined && (this.eat('||') || this.eat('+'))) {
      const next = this.term();
      out = next === undefined ? undefined : out + next;
      if (out !== undefined && out.length > MAX_LENGTH) return undefined;
    }
    return out;
  }

  private args(): string[] | undefined {
    if (!this.eat('(')) return undefined;
    const out: string[] = [];
    if (this.eat(')')) return out;
    do {
      const v = this.concatenation();
      if (v === undefined) return undefined;
      out.push(v);
    } while (this.eat(','));
    return this.eat(')') ? out : undefined;
  }

  private term(): string | undefined {
    this.blank();
    const rest = this.text.slice(this.at);
    const literal = /^[EeNn]?'((?:[^']|'')*)'/.exec(rest);
    if (literal) {
      this.at += literal[0].length;
      return literal[1]!.replaceAll("''", "'");
    }
    const number = /^\d{1,7}/.exec(rest);
    if (number) {
      this.at += number[0].length;
      return number[0];
    }
    const call = /^([a-z_]+)\s*(?=\()/i.exec(rest);
    if (!call) return undefined;
    this.at += call[1]!.length;
    const name = call[1]!.toLowerCase();
    const args = this.args();
    if (!args) return undefined;
    switch (name) {
      case 'concat':
        return args.join('');
      case 'chr':
      case 'char':
        return args.every((a) => /^\d{1,6}$/.test(a)) ? String.fromCodePoint(...args.map(Number)) : undefined;
      case 'reverse':
        return args.length === 1 ? [...args[0]!].reverse().join('') : undefined;
      case 'upper':
        return args.length === 1 ? args[0]!.toUpperCase() : undefined;
      case 'lower':
        return args.length === 1 ? args[0]!.toLowerCase() : undefined;
      case 'format': {
        let i = 1;
        return args.length > 0 ? args[0]!.replace(/%[sIL%]/g, (m) => (m === '%%' ? '%' : (args[i++] ?? ''))) : undefined;
      }
      case 'decode':
        if (args.length === 2 && /^hex$/i.test(args[1]!) && /^(?:[0-9a-f]{2})+$/i.test(args[0]!)) return Buffer.from(args[0]!, 'hex').toString('latin1');
        if (args.length === 2 && /^base64$/i.test(args[1]!)) return Buffer.from(args[0]!, 'base64').toString('latin1');
        return undefined;
      case 'convert_from':
        return args.length >= 1 ? Buffer.from(args[0]!, 'latin1').toString('utf8') : undefined;
      case 'unhex':
        return args.length === 1 && /^(?:[0-9a-f]{2})+$/i.test(args[0]!) ? Buffer.from(args[0]!, 'hex').toString('utf8') : undefined;
      case 'from_base64':
        return args.length === 1 ? Buffer.from(args[0]!, 'base64').toString('utf8') : undefined;
    }
    return undefined;
  }
}
