import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's shared folder (DESIGN.md, reference material, third-party conformance material), read by
 * the tests where it is kept and never copied into the project: beside the repository (`../shared`), or
 * where HUB_SHARED_DIR says. Checked once here, so a clone elsewhere fails with this message, not ENOENT.
 */
export const SHARED_DIR = process.env.HUB_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared');

if (!fs.existsSync(path.join(SHARED_DIR, 'conformance'))) {
  throw new Error(
    `The exchange tests read the shared folder's conformance and reference material, expected at ${SHARED_DIR} ` +
      '(beside the repository). Clone the repository next to it, or set HUB_SHARED_DIR to where it is.',
  );
}
