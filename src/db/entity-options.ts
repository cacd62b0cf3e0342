/**
 * Options shared by the entities (src/modules/<area>/<area>.entity.ts).
 *
 * A foreign key as the migrations declare it: no cascades, and the property holds the referenced id
 * only (`mapToPk`), so commands set ids and never load the referenced row to write one.
 */
export const FK = { deleteRule: 'no action', updateRule: 'no action', mapToPk: true } as const;

/** `timestamptz` column read as a Date. */
export const TIMESTAMPTZ = { type: 'Date', columnType: 'timestamptz' } as const;
