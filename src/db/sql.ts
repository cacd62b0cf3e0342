/**
 * A composable SQL fragment: `sql\`select … where id = ${id} and ${otherFragment}\``.
 * Values become `$n` parameters; nested fragments are inlined with their own values renumbered.
 * The policy module builds its visibility conditions with it, so they stay pure data.
 */
export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
    /** Sent as a named prepared statement (db.ts): for statements whose text repeats, so PostgreSQL parses and plans it once per connection. */
    readonly prepared = false,
  ) {}

  /** The same statement, prepared (see `prepared`). */
  asPrepared(): Sql {
    return new Sql(this.strings, this.values, true);
  }

  /** Text with `$1…$n` placeholders, and the flat parameter list. */
  toQuery(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const text = this.render(values);
    return { text, values };
  }

  /**
   * The same statement for knex (a transaction of MikroORM's): `?` placeholders, literal question marks
   * escaped (`\\?`), undefined sent as null. The values still travel as parameters, never inlined.
   */
  toKnexQuery(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const text = this.render(
      values,
      () => '?',
      (s) => s.replace(/\?/g, '\\?'),
    );
    return { text, values: values.map((v) => (v === undefined ? null : v)) };
  }

  private render(out: unknown[], placeholder: (n: number) => string = (n) => `$${n}`, literal: (s: string) => string = (s) => s): string {
    let text = literal(this.strings[0]);
    this.values.forEach((value, i) => {
      if (value instanceof Sql) text += value.render(out, placeholder, literal);
      else {
        out.push(value);
        text += placeholder(out.length);
      }
      text += literal(this.strings[i + 1]);
    });
    return text;
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql(strings, values);
}

/** Trusted SQL text (identifiers, keywords chosen by code, never user input). */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

export function join(parts: readonly Sql[], separator = ', '): Sql {
  if (parts.length === 0) return raw('');
  const strings = [''];
  for (let i = 1; i < parts.length; i++) strings.push(separator);
  strings.push('');
  return new Sql(strings, parts);
}

export const TRUE = raw('true');
export const FALSE = raw('false');

export function and(parts: readonly Sql[]): Sql {
  return parts.length === 0 ? TRUE : sql`(${join(parts, ' and ')})`;
}

export function or(parts: readonly Sql[]): Sql {
  return parts.length === 0 ? FALSE : sql`(${join(parts, ' or ')})`;
}
