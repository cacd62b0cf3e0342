import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { buildHubSchema, printHubSchema } from '../../src/graphql/schema';
import { declaredRootRules, undeclaredRootFields } from '../../src/auth/rules';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

test('schema/schema.graphql is what the code emits (run `npm run schema:emit` after changing the API)', async () => {
  const committed = fs.readFileSync(path.resolve(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
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
