/**
 * STIX 2.1 patterning (OASIS STIXPattern.g4): a lexer with the grammar's token rules (longest match,
 * keywords before identifiers) and a recursive-descent parser of the whole grammar, its left-recursive
 * rules as loops. The hub emits one comparison per indicator and imports only such patterns; parsing the
 * whole language lets an import tell "valid but not supported" from "not a pattern", and lets the tests
 * check the parser against the grammar's own examples (test/integration/exchange/pattern.test.ts).
 */

export class PatternError extends Error {}

type TokenKind =
  | 'IntNeg'
  | 'IntPos'
  | 'FloatNeg'
  | 'FloatPos'
  | 'Hex'
  | 'Binary'
  | 'String'
  | 'Bool'
  | 'Timestamp'
  | 'AND'
  | 'OR'
  | 'NOT'
  | 'FOLLOWEDBY'
  | 'LIKE'
  | 'MATCHES'
  | 'ISSUPERSET'
  | 'ISSUBSET'
  | 'EXISTS'
  | 'LAST'
  | 'IN'
  | 'START'
  | 'STOP'
  | 'SECONDS'
  | 'WITHIN'
  | 'REPEATS'
  | 'TIMES'
  | 'IdNoHyphen'
  | 'IdHyphen'
  | 'EQ'
  | 'NEQ'
  | 'LT'
  | 'LE'
  | 'GT'
  | 'GE'
  | 'QUOTE'
  | 'COLON'
  | 'DOT'
  | 'COMMA'
  | 'RPAREN'
  | 'LPAREN'
  | 'RBRACK'
  | 'LBRACK'
  | 'PLUS'
  | 'MINUS'
  | 'POWER'
  | 'DIVIDE'
  | 'ASTERISK'
  | 'EOF';

interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS: Record<string, TokenKind> = {
  AND: 'AND',
  OR: 'OR',
  NOT: 'NOT',
  FOLLOWEDBY: 'FOLLOWEDBY',
  LIKE: 'LIKE',
  MATCHES: 'MATCHES',
  ISSUPERSET: 'ISSUPERSET',
  ISSUBSET: 'ISSUBSET',
  EXISTS: 'EXISTS',
  LAST: 'LAST',
  IN: 'IN',
  START: 'START',
  STOP: 'STOP',
  SECONDS: 'SECONDS',
  true: 'Bool',
  false: 'Bool',
  WITHIN: 'WITHIN',
  REPEATS: 'REPEATS',
  TIMES: 'TIMES',
};

/** Token rules in the grammar's order: at one position the longest match wins, the earlier rule on a tie (as ANTLR's lexer). */
const RULES: [TokenKind, RegExp][] = [
  ['IntNeg', /-(?:0|[1-9][0-9]*)/y],
  ['IntPos', /\+?(?:0|[1-9][0-9]*)/y],
  ['FloatNeg', /-[0-9]*\.[0-9]+/y],
  ['FloatPos', /\+?[0-9]*\.[0-9]+/y],
  ['Hex', /h'(?:[A-Fa-f0-9]{2})*'/y],
  ['Binary', /b'(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)'/y],
  ['String', /'(?:[^'\\]|\\'|\\\\)*'/y],
  ['Timestamp', /t'[0-9]{4}-(?:0[1-9]|1[012])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?Z'/y],
  ['IdNoHyphen', /[a-zA-Z_][a-zA-Z0-9_]*/y],
  ['IdHyphen', /[a-zA-Z_][a-zA-Z0-9_-]*/y],
  ['EQ', /==?/y],
  ['NEQ', /!=|<>/y],
  ['LT', /</y],
  ['LE', /<=/y],
  ['GT', />/y],
  ['GE', />=/y],
  ['QUOTE', /'/y],
  ['COLON', /:/y],
  ['DOT', /\./y],
  ['COMMA', /,/y],
  ['RPAREN', /\)/y],
  ['LPAREN', /\(/y],
  ['RBRACK', /\]/y],
  ['LBRACK', /\[/y],
  ['PLUS', /\+/y],
  ['MINUS', /-/y],
  ['POWER', /\^/y],
  ['DIVIDE', /\//y],
  ['ASTERISK', /\*/y],
];

// The grammar's whitespace includes vertical tab and form feed (STIXPattern.g4 `WS`), so the regex must name them.
// eslint-disable-next-line no-control-regex
const SKIP = /(?:[ \t\r\n\u000B\u000C\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|\/\*[\s\S]*?\*\/|\/\/[^\r\n]*)/y;

export function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  while (pos < input.length) {
    SKIP.lastIndex = pos;
    const skipped = SKIP.exec(input);
    if (skipped && skipped[0].length > 0) {
      pos += skipped[0].length;
      continue;
    }
    let best: Token | null = null;
    for (const [kind, re] of RULES) {
      re.lastIndex = pos;
      const m = re.exec(input);
      if (m && m[0].length > 0 && (!best || m[0].length > best.text.length)) best = { kind, text: m[0] };
    }
    // Keywords come before identifiers in the grammar: an identifier that spells one exactly is the keyword.
    if (best && (best.kind === 'IdNoHyphen' || best.kind === 'IdHyphen') && KEYWORDS[best.text])
      best = { kind: KEYWORDS[best.text], text: best.text };
    if (!best) throw new PatternError(`unexpected character ${JSON.stringify(input[pos])} at ${pos}`);
    out.push(best);
    pos += best.text.length;
  }
  out.push({ kind: 'EOF', text: '' });
  return out;
}

// ---- the tree ----

export type Literal = { kind: 'string' | 'int' | 'float' | 'bool' | 'hex' | 'binary' | 'timestamp'; value: string };
/** A path step: a property name (identifier or quoted) or a list index. */
export type PathStep = { key: string } | { index: string };
export interface ObjectPath {
  objectType: string;
  steps: PathStep[];
}
export type Comparison =
  | { t: 'test'; path: ObjectPath; negated: boolean; op: string; value: Literal | Literal[] }
  | { t: 'exists'; path: ObjectPath; negated: boolean }
  | { t: 'bool'; op: 'AND' | 'OR'; left: Comparison; right: Comparison };
export type Observation =
  | { t: 'observation'; comparison: Comparison; qualifiers: string[] }
  | { t: 'compound'; inner: Observation; qualifiers: string[] }
  | { t: 'op'; op: 'AND' | 'OR' | 'FOLLOWEDBY'; left: Observation; right: Observation };

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }
  private take(kind: TokenKind): Token {
    const t = this.peek();
    if (t.kind !== kind) throw new PatternError(`expected ${kind}, found ${t.kind === 'EOF' ? 'end of pattern' : JSON.stringify(t.text)}`);
    this.i++;
    return t;
  }
  private accept(kind: TokenKind): Token | null {
    if (this.peek().kind !== kind) return null;
    return this.tokens[this.i++];
  }

  pattern(): Observation {
    const o = this.observations();
    this.take('EOF');
    return o;
  }

  private observations(): Observation {
    let left = this.observationOr();
    while (this.accept('FOLLOWEDBY')) left = { t: 'op', op: 'FOLLOWEDBY', left, right: this.observationOr() };
    return left;
  }
  private observationOr(): Observation {
    let left = this.observationAnd();
    while (this.accept('OR')) left = { t: 'op', op: 'OR', left, right: this.observationAnd() };
    return left;
  }
  private observationAnd(): Observation {
    let left = this.observation();
    while (this.accept('AND')) left = { t: 'op', op: 'AND', left, right: this.observation() };
    return left;
  }
  private observation(): Observation {
    let o: Observation;
    if (this.accept('LBRACK')) {
      const comparison = this.comparison();
      this.take('RBRACK');
      o = { t: 'observation', comparison, qualifiers: [] };
    } else if (this.accept('LPAREN')) {
      const inner = this.observations();
      this.take('RPAREN');
      o = { t: 'compound', inner, qualifiers: [] };
    } else {
      throw new PatternError(`expected "[" or "(", found ${JSON.stringify(this.peek().text) || 'end of pattern'}`);
    }
    for (;;) {
      if (this.accept('START')) {
        this.take('Timestamp');
        this.take('STOP');
        this.take('Timestamp');
        o.qualifiers.push('START');
      } else if (this.accept('WITHIN')) {
        if (!this.accept('IntPos')) this.take('FloatPos');
        this.take('SECONDS');
        o.qualifiers.push('WITHIN');
      } else if (this.accept('REPEATS')) {
        this.take('IntPos');
        this.take('TIMES');
        o.qualifiers.push('REPEATS');
      } else {
        return o;
      }
    }
  }

  private comparison(): Comparison {
    let left = this.comparisonAnd();
    while (this.accept('OR')) left = { t: 'bool', op: 'OR', left, right: this.comparisonAnd() };
    return left;
  }
  private comparisonAnd(): Comparison {
    let left = this.propTest();
    while (this.accept('AND')) left = { t: 'bool', op: 'AND', left, right: this.propTest() };
    return left;
  }
  private propTest(): Comparison {
    if (this.accept('LPAREN')) {
      const c = this.comparison();
      this.take('RPAREN');
      return c;
    }
    if (this.peek().kind === 'EXISTS' || (this.peek().kind === 'NOT' && this.peek(1).kind === 'EXISTS')) {
      const negated = !!this.accept('NOT');
      this.take('EXISTS');
      return { t: 'exists', path: this.objectPath(), negated };
    }
    const path = this.objectPath();
    const negated = !!this.accept('NOT');
    const op = this.peek();
    switch (op.kind) {
      case 'EQ':
      case 'NEQ':
        this.i++;
        return { t: 'test', path, negated, op: op.kind, value: this.primitive() };
      case 'GT':
      case 'LT':
      case 'GE':
      case 'LE':
        this.i++;
        return { t: 'test', path, negated, op: op.kind, value: this.orderable() };
      case 'IN': {
        this.i++;
        this.take('LPAREN');
        const set: Literal[] = [];
        if (!this.accept('RPAREN')) {
          set.push(this.primitive());
          while (this.accept('COMMA')) set.push(this.primitive());
          this.take('RPAREN');
        }
        return { t: 'test', path, negated, op: 'IN', value: set };
      }
      case 'LIKE':
      case 'MATCHES':
      case 'ISSUBSET':
      case 'ISSUPERSET':
        this.i++;
        return { t: 'test', path, negated, op: op.kind, value: { kind: 'string', value: unquote(this.take('String').text) } };
      default:
        throw new PatternError(`expected a comparison operator, found ${JSON.stringify(op.text) || 'end of pattern'}`);
    }
  }

  private objectPath(): ObjectPath {
    const type = this.peek();
    if (type.kind !== 'IdNoHyphen' && type.kind !== 'IdHyphen')
      throw new PatternError(`expected an object type, found ${JSON.stringify(type.text) || 'end of pattern'}`);
    this.i++;
    this.take('COLON');
    const steps: PathStep[] = [];
    const first = this.peek();
    if (first.kind === 'IdNoHyphen') steps.push({ key: first.text });
    else if (first.kind === 'String') steps.push({ key: unquote(first.text) });
    else throw new PatternError(`expected a property name, found ${JSON.stringify(first.text) || 'end of pattern'}`);
    this.i++;
    for (;;) {
      if (this.accept('DOT')) {
        const k = this.peek();
        if (k.kind === 'IdNoHyphen') steps.push({ key: k.text });
        else if (k.kind === 'String') steps.push({ key: unquote(k.text) });
        else throw new PatternError(`expected a property name after ".", found ${JSON.stringify(k.text) || 'end of pattern'}`);
        this.i++;
      } else if (this.peek().kind === 'LBRACK' && ['IntPos', 'IntNeg', 'ASTERISK'].includes(this.peek(1).kind) && this.peek(2).kind === 'RBRACK') {
        this.i++;
        steps.push({ index: this.tokens[this.i++].text });
        this.i++;
      } else {
        return { objectType: type.text, steps };
      }
    }
  }

  private primitive(): Literal {
    if (this.peek().kind === 'Bool') return { kind: 'bool', value: this.tokens[this.i++].text };
    return this.orderable();
  }
  private orderable(): Literal {
    const t = this.peek();
    const kinds: Partial<Record<TokenKind, Literal['kind']>> = {
      IntPos: 'int',
      IntNeg: 'int',
      FloatPos: 'float',
      FloatNeg: 'float',
      String: 'string',
      Binary: 'binary',
      Hex: 'hex',
      Timestamp: 'timestamp',
    };
    const kind = kinds[t.kind];
    if (!kind) throw new PatternError(`expected a literal, found ${JSON.stringify(t.text) || 'end of pattern'}`);
    this.i++;
    return { kind, value: kind === 'string' ? unquote(t.text) : t.text };
  }
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(['\\])/g, '$1');
}

/** Parses a STIX 2.1 pattern; throws PatternError when it is not one. */
export function parsePattern(input: string): Observation {
  return new Parser(tokenize(input)).pattern();
}

/** A string literal of the pattern language: only `'` and `\` are escaped. */
export function quote(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * The one comparison `[type:path = literal]` a pattern consists of, or null when it is anything else
 * (several comparisons, another operator, a qualifier, a negation): what an import supports.
 */
export function simpleComparison(pattern: Observation): { objectType: string; path: string[]; value: Literal } | null {
  let o = pattern;
  while (o.t === 'compound' && o.qualifiers.length === 0) o = o.inner;
  if (o.t !== 'observation' || o.qualifiers.length > 0) return null;
  const c = o.comparison;
  if (c.t !== 'test' || c.negated || c.op !== 'EQ' || Array.isArray(c.value)) return null;
  if (c.path.steps.some((s) => 'index' in s)) return null;
  return { objectType: c.path.objectType, path: c.path.steps.map((s) => (s as { key: string }).key), value: c.value };
}
