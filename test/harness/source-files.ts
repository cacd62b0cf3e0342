import fs from 'node:fs';
import path from 'node:path';

/** Every TypeScript file under `dir`, at any depth (absolute paths): what the source scanners of test/unit read. */
export function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return typeScriptFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}
