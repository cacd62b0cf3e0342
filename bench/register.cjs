// Runs the benchmark's TypeScript in place: `tsc -p tsconfig.bench.json` type-checks it (strict, no
// emit), and this hook only strips the types with swc (already a dev dependency, used by Jest).
// The hub itself runs compiled from dist/, and the benchmark loads the hub's modules from there.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
