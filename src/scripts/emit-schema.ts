import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildHubSchema, printHubSchema } from '../app/schema';

/** Writes schema/schema.graphql from the code (the committed artifact; a test fails when it is stale). */
async function main(): Promise<void> {
  const file = path.resolve(__dirname, '..', '..', 'schema', 'schema.graphql');
  fs.writeFileSync(file, printHubSchema(await buildHubSchema()));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

void main();
