import { Subscriber, type Delivery } from '../../src/modules/subscriptions/manager';
import type { Viewer } from '../../src/auth/viewer';

const viewer = {} as Viewer;
const revoked = (n: number): Delivery => ({ kind: 'ACCESS_REVOKED', incidentId: `i${n}`, position: String(n), at: new Date(0) });

test('a subscriber that falls behind is ended at its buffer bound and its socket told to close (no unbounded memory)', async () => {
  let overflowed = 0;
  const sub = new Subscriber(
    () => viewer,
    { kind: 'INCIDENT', incidentId: null },
    '0',
    3,
    () => overflowed++,
  );
  for (let i = 1; i <= 3; i++) sub.push(revoked(i));
  expect(overflowed).toBe(0);
  sub.push(revoked(4));
  expect(overflowed).toBe(1);
  expect(sub.ended).toBe(true);
  expect(sub.queue).toHaveLength(3);
  sub.push(revoked(5)); // nothing more is kept after the close
  expect(sub.queue).toHaveLength(3);
  // What was queued before the bound is still delivered in order, then the stream ends.
  const got: (Delivery | null)[] = [];
  for (let i = 0; i < 4; i++) got.push(await sub.next());
  expect(got.map((d) => (d && d.kind !== 'EVENT' ? d.position : null))).toEqual(['1', '2', '3', null]);
});

test('next() waits for a push', async () => {
  const sub = new Subscriber(
    () => viewer,
    { kind: 'DIRECTIVE' },
    '0',
    10,
    () => undefined,
  );
  const pending = sub.next();
  setTimeout(() => sub.push(revoked(7)), 10);
  expect(((await pending) as { position: string }).position).toBe('7');
});
