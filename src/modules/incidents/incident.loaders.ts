import DataLoader from 'dataloader';
import { defineLoader, byKey, groupBy } from '../../graphql/loaders';
import { indicatorsByIncidentIds, visibleIncidentsByIds, type IndicatorRow, type IncidentRow } from './incident.repo';

declare module '../../graphql/loaders' {
  interface Loaders {
    /** Incidents by id with the viewer's access level computed in the batch query; invisible → null. */
    incident: DataLoader<string, IncidentRow | null>;
    indicators: DataLoader<string, IndicatorRow[]>;
  }
}

defineLoader(
  'incident',
  (db, viewer) =>
    new DataLoader(async (ids) => (viewer ? byKey(await visibleIncidentsByIds(db, viewer, ids), (r) => r.id, ids) : ids.map(() => null))),
);
defineLoader('indicators', (db) => new DataLoader(async (ids) => groupBy(await indicatorsByIncidentIds(db, ids), (r) => r.incident_id, ids)));
