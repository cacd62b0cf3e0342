import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { buildHubSchema, printHubSchema } from '../../../src/app/schema';
import { declaredRootRules, undeclaredRootFields } from '../../../src/auth/rules';
import { unprojectedFields, PROJECTIONS } from '../../../src/auth/projection';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

test('schema/schema.graphql is what the code emits (run `npm run schema:emit` after changing the API)', async () => {
  const committed = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'schema', 'schema.graphql'), 'utf8');
  expect(printHubSchema(await buildHubSchema())).toBe(committed);
});

test('every Query, Mutation and Subscription field declares an authorization rule', async () => {
  const schema = await buildHubSchema();
  expect(undeclaredRootFields(schema, declaredRootRules())).toEqual([]);
});

test('the walker fails on a root field without a rule', async () => {
  const schema = await buildHubSchema();
  const config = schema.toConfig();
  const query = schema.getQueryType()!;
  const withDummy = new GraphQLSchema({
    ...config,
    types: config.types.filter((t) => t.name !== 'Query'),
    query: new GraphQLObjectType({
      name: 'Query',
      fields: () => ({ ...query.toConfig().fields, undeclaredDummy: { type: GraphQLString, resolve: () => 'leak' } }),
    }),
  });
  expect(undeclaredRootFields(withDummy, declaredRootRules())).toEqual(['Query.undeclaredDummy']);
});

test("every field of a protected type has an entry in the rulebook's projection", async () => {
  expect(unprojectedFields(await buildHubSchema())).toEqual([]);
});

test('the projection check fails on a field of a protected type without an entry, and on an entry naming no field', async () => {
  const schema = await buildHubSchema();
  // A field added to Incident the way a resolver would add one, without touching the rulebook.
  const fields = (schema.getType('Incident') as GraphQLObjectType).getFields() as Record<string, unknown>;
  fields.unprojectedDummy = { name: 'unprojectedDummy', type: GraphQLString, args: [], resolve: () => 'leak' };
  try {
    expect(unprojectedFields(schema)).toEqual(['Incident.unprojectedDummy']);
  } finally {
    delete fields.unprojectedDummy;
  }
  const table = PROJECTIONS.Note as Record<string, { views: readonly string[] }>;
  table.noSuchField = { views: ['FULL'] };
  try {
    expect(unprojectedFields(schema)).toEqual(['Note.noSuchField (no such field)']);
  } finally {
    delete table.noSuchField;
  }
});
