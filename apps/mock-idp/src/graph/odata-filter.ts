// The part of OData's $filter that clients of the directory send (Azure CLI `az ad`, Graph SDKs,
// provisioning tools): `eq`/`ne` against a literal, `startswith(prop,'x')`,
// `collection/any(v:v eq 'x')` (also with startswith), `and`, `or`, `not`, parentheses.
// Parsed once into a small tree, evaluated against the Graph JSON of each object. Directory
// string comparisons ignore case, as Entra's do.

export type Literal = string | number | boolean | null;

export type FilterExpression =
  | { kind: 'and' | 'or'; left: FilterExpression; right: FilterExpression }
  | { kind: 'not'; operand: FilterExpression }
  | { kind: 'compare'; operator: 'eq' | 'ne'; path: string[]; value: Literal }
  | { kind: 'startswith'; path: string[]; value: string }
  | { kind: 'any'; path: string[]; variable: string; predicate: FilterExpression };

export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

const MAX_FILTER_DEPTH = 32;

type Token =
  | { type: 'name'; text: string }
  | { type: 'string'; text: string }
  | { type: 'number'; value: number }
  | { type: '(' | ')' | ',' | ':' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if ('(),:'.includes(char)) {
      tokens.push({ type: char as '(' | ')' | ',' | ':' });
      i++;
    } else if (char === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError('unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', text: value });
    } else if (/[-0-9]/.test(char)) {
      const match = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!match) throw new FilterSyntaxError(`unexpected '${char}' at position ${i}`);
      tokens.push({ type: 'number', value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_$]/.test(char)) {
      const match = /^[A-Za-z_$][\w$.]*(\/[A-Za-z_$][\w$.]*)*/.exec(text.slice(i))!;
      tokens.push({ type: 'name', text: match[0] });
      i += match[0].length;
    } else {
      throw new FilterSyntaxError(`unexpected '${char}' at position ${i}`);
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  private readonly variables: string[] = [];
  // Nesting (parentheses, not, any) is parsed recursively: bounded, so that a hostile filter is a
  // 400 and not a stack overflow. Real clients nest two or three levels.
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterExpression {
    const expression = this.or();
    if (this.position < this.tokens.length)
      throw new FilterSyntaxError('unexpected text after the expression');
    return expression;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new FilterSyntaxError('the expression ends too early');
    return token;
  }

  private expect<T extends Token['type']>(type: T): Extract<Token, { type: T }> {
    const token = this.next();
    if (token.type !== type) throw new FilterSyntaxError(`expected '${type}'`);
    return token as Extract<Token, { type: T }>;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token?.type === 'name' && token.text.toLowerCase() === word) {
      this.position++;
      return true;
    }
    return false;
  }

  private or(): FilterExpression {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): FilterExpression {
    let left = this.unary();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }

  private unary(): FilterExpression {
    if (++this.depth > MAX_FILTER_DEPTH)
      throw new FilterSyntaxError(`the filter nests deeper than ${MAX_FILTER_DEPTH} levels`);
    try {
      if (this.keyword('not')) return { kind: 'not', operand: this.unary() };
      return this.primary();
    } finally {
      this.depth--;
    }
  }

  private primary(): FilterExpression {
    const token = this.next();
    if (token.type === '(') {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token.type !== 'name') throw new FilterSyntaxError('expected a property or function');
    if (token.text.toLowerCase() === 'startswith') {
      this.expect('(');
      const path = this.path(this.expect('name').text);
      this.expect(',');
      const value = this.expect('string').text;
      this.expect(')');
      return { kind: 'startswith', path, value };
    }
    const segments = token.text.split('/');
    if (segments.at(-1)?.toLowerCase() === 'any') {
      const path = this.path(segments.slice(0, -1).join('/'));
      this.expect('(');
      const variable = this.expect('name').text;
      this.expect(':');
      this.variables.push(variable);
      const predicate = this.or();
      this.variables.pop();
      this.expect(')');
      return { kind: 'any', path, variable, predicate };
    }
    const path = this.path(token.text);
    const operator = this.next();
    const op = operator.type === 'name' ? operator.text.toLowerCase() : '';
    if (op !== 'eq' && op !== 'ne')
      throw new FilterSyntaxError(
        `unsupported operator after '${token.text}' (this emulator supports eq, ne, startswith, any)`,
      );
    return { kind: 'compare', operator: op, path, value: this.literal() };
  }

  private path(text: string): string[] {
    if (text === '') throw new FilterSyntaxError('expected a property');
    return text.split('/');
  }

  private literal(): Literal {
    const token = this.next();
    if (token.type === 'string') return token.text;
    if (token.type === 'number') return token.value;
    if (token.type === 'name') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw new FilterSyntaxError('expected a literal value');
  }
}

export function parseFilter(text: string): FilterExpression {
  return new Parser(tokenize(text)).parse();
}

/** The property paths a filter reads from the object (lambda variables excluded): to validate them. */
export function filterProperties(
  expression: FilterExpression,
  variables: string[] = [],
): string[][] {
  switch (expression.kind) {
    case 'and':
    case 'or':
      return [
        ...filterProperties(expression.left, variables),
        ...filterProperties(expression.right, variables),
      ];
    case 'not':
      return filterProperties(expression.operand, variables);
    case 'compare':
    case 'startswith':
      return variables.includes(expression.path[0]!) ? [] : [expression.path];
    case 'any':
      return [
        expression.path,
        ...filterProperties(expression.predicate, [...variables, expression.variable]),
      ];
  }
}

const fold = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);

function resolve(
  path: string[],
  item: Record<string, unknown>,
  scope: Record<string, unknown>,
): unknown {
  const [head, ...rest] = path as [string, ...string[]];
  let value: unknown = head in scope ? scope[head] : item[head];
  for (const segment of rest) {
    value =
      value && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value;
}

export function matchesFilter(
  expression: FilterExpression,
  item: Record<string, unknown>,
  scope: Record<string, unknown> = {},
): boolean {
  switch (expression.kind) {
    case 'and':
      return (
        matchesFilter(expression.left, item, scope) && matchesFilter(expression.right, item, scope)
      );
    case 'or':
      return (
        matchesFilter(expression.left, item, scope) || matchesFilter(expression.right, item, scope)
      );
    case 'not':
      return !matchesFilter(expression.operand, item, scope);
    case 'compare': {
      const equal = fold(resolve(expression.path, item, scope) ?? null) === fold(expression.value);
      return expression.operator === 'eq' ? equal : !equal;
    }
    case 'startswith': {
      const value = resolve(expression.path, item, scope);
      return (
        typeof value === 'string' && value.toLowerCase().startsWith(expression.value.toLowerCase())
      );
    }
    case 'any': {
      const collection = resolve(expression.path, item, scope);
      return (
        Array.isArray(collection) &&
        collection.some((element) =>
          matchesFilter(expression.predicate, item, { ...scope, [expression.variable]: element }),
        )
      );
    }
  }
}
