import { sql, raw } from '../../src/db/sql';

/** The SQL of a command's transaction goes through knex (MikroORM's driver): `?` placeholders, literal `?` escaped. */
test('toKnexQuery: values stay parameters, question marks in the text are escaped, undefined is null', () => {
  const inner = sql`b = ${2} and data ? 'key'`;
  const q = sql`select ${raw("'?'")} as lit where a = ${'x?y'} and ${inner} and c = ${undefined}`;
  expect(q.toKnexQuery()).toEqual({ text: "select '\\?' as lit where a = ? and b = ? and data \\? 'key' and c = ?", values: ['x?y', 2, null] });
  // The pool's form is unchanged.
  expect(q.toQuery()).toEqual({ text: "select '?' as lit where a = $1 and b = $2 and data ? 'key' and c = $3", values: ['x?y', 2, undefined] });
});
