import rsit from './reference/rsit.json';
import national from './reference/national-categories.json';
import { badInput } from '../../graphql/errors';

/** RSIT (ENISA / TF-CSIRT) classes → types, and the national form 05 categories (copied from shared/reference). */
const RSIT: Record<string, string[]> = rsit.classes;
export const NATIONAL_CATEGORIES: readonly string[] = national.categories.map((c) => c.code);

export interface Classification {
  rsitClass: string;
  rsitType: string | null;
  nationalCategory: string;
}

/**
 * `rsitType` must belong to `rsitClass`; an omitted `nationalCategory` is derived when exactly one
 * category lists the class/type, `OTHER` when none does, and is required when several do (DESIGN.md §2).
 */
export function classify(input: { rsitClass: string; rsitType?: string | null; nationalCategory?: string | null }, prefix = 'input'): Classification {
  const types = RSIT[input.rsitClass];
  if (!types) throw badInput(`${prefix}.rsitClass`, `unknown RSIT class "${input.rsitClass}"`);
  const rsitType = input.rsitType ?? null;
  if (rsitType !== null && !types.includes(rsitType)) {
    throw badInput(`${prefix}.rsitType`, `"${rsitType}" is not a type of RSIT class "${input.rsitClass}" (${types.join(', ')})`);
  }
  if (input.nationalCategory) {
    if (!NATIONAL_CATEGORIES.includes(input.nationalCategory)) {
      throw badInput(`${prefix}.nationalCategory`, `unknown national category "${input.nationalCategory}" (${NATIONAL_CATEGORIES.join(', ')})`);
    }
    return { rsitClass: input.rsitClass, rsitType, nationalCategory: input.nationalCategory };
  }
  const keys = [`${input.rsitClass}/*`, ...(rsitType ? [`${input.rsitClass}/${rsitType}`] : [])];
  const matches = national.categories.filter((c) => c.rsit.some((r) => keys.includes(r))).map((c) => c.code);
  if (matches.length > 1) {
    throw badInput(`${prefix}.nationalCategory`, `nationalCategory is required: ${input.rsitClass}/${rsitType ?? '*'} fits ${matches.join(' and ')}`);
  }
  return { rsitClass: input.rsitClass, rsitType, nationalCategory: matches[0] ?? 'OTHER' };
}
