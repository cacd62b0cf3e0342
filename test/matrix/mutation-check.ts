import fs from 'node:fs';
import path from 'node:path';
import { startTestHub, ROOT } from '../harness/hub';
import { ROLE_CAPABILITIES, CAPABILITIES, MEMBER_ROLES_BY_KIND } from '../../src/auth/capabilities';
import {
  INCIDENT_TRANSITIONS,
  DIRECTIVE_TRANSITIONS,
  INCIDENT_ACTION_RULES,
  INCIDENT_ACTORS,
  INCIDENT_ACTIONS,
  type IncidentTransition,
  type IncidentMove,
  type DirectiveTransition,
  type DirectiveActor,
  type DirectiveMove,
  type IncidentAction,
  type IncidentActionRule,
} from '../../src/auth/moves';
import { PROJECTIONS, type FieldEntry } from '../../src/auth/projection';
import { ACCESS_LEVELS } from '../../src/auth/views';
import { INCIDENT_STATUSES } from '../../src/modules/incidents/incident.entity';
import { DIRECTIVE_STATUSES } from '../../src/modules/directives/directive.entity';
import { ORGANIZATION_KINDS, kindOf, roleOf } from './accounts';
import { MatrixClient } from './client';
import { Factory } from './fixtures';
import { runMatrix, buildState, buildFixture, dirtyKeys, type CaseSpec, type CaseResult } from './runner';

/**
 * The mutation check: flip one entry of the rulebook's tables, run the matrix, count the cases that
 * now fail, flip it back. The tables are the exported mutable objects the in-process server reads
 * on every request, so a flip takes effect on the next request without touching production code.
 *
 * To stay within ~20 minutes on 2 cores, one hub serves every flip (each run builds fresh fixtures
 * with run-unique names, so runs do not see each other's objects), and each flip runs only the cases
 * it can reach: a (kind, role) capability flip the cases of accounts with that role (capabilities are
 * resolved per account from its role, DESIGN.md §2; keys of the kind from its HANDLER — REPORTER — role)
 * plus the `roles` listing; a transition flip the
 * cases of its own mutation (that move's outcome and viewerCan flag read only its own entries). Every
 * removal that survives this, and every addition that survives unexplained, is run again against the
 * whole matrix before it is reported.
 *
 * The check passes only when every flip is noticed — a removal by a behaviour case, an addition by any
 * case (the `roles` listing included) — except the flips listed in EQUIVALENT_REMOVALS / EQUIVALENT_ADDITIONS
 * with the reason no behaviour can tell them apart, and only when every flip ran within the budget.
 */
const FLIP_TABLES = ['ROLE_CAPABILITIES', 'INCIDENT_TRANSITIONS', 'DIRECTIVE_TRANSITIONS', 'INCIDENT_ACTION_RULES', 'PROJECTIONS'] as const;
type FlipTable = (typeof FLIP_TABLES)[number];

export interface Flip {
  id: string;
  table: FlipTable;
  change: 'remove' | 'add';
  apply(): void;
  revert(): void;
  select(c: CaseSpec): boolean;
}

const DIRECTIVE_ACTORS: readonly DirectiveActor[] = ['RECIPIENT', 'COORDINATOR'];

/** The mutation each incident action is made by. */
const INCIDENT_ACTION_OP: Record<IncidentAction, string> = {
  UPDATE: 'updateIncident',
  ADD_INDICATORS: 'addIndicators',
  SHARE: 'shareIncident',
  UNSHARE: 'unshareIncident',
  REFER: 'referIncident',
  SET_TLP: 'setIncidentTlp',
  SUBMIT_FINAL_REPORT: 'submitFinalReport',
  ISSUE_DIRECTIVE: 'issueDirective',
};

const INCIDENT_MOVE_OP: Record<IncidentMove, string> = {
  TRIAGE: 'triageIncident',
  START_RESPONSE: 'startResponse',
  ESCALATE: 'escalateIncident',
  COORDINATE: 'coordinateIncident',
  RETURN: 'returnIncident',
  REJECT: 'rejectIncident',
  WITHDRAW: 'withdrawReport',
  REOPEN: 'reopenIncident',
  RESOLVE: 'resolveIncident',
  CLOSE: 'closeIncident',
};
const DIRECTIVE_MOVE_OP: Record<DirectiveMove, string> = {
  ACKNOWLEDGE: 'acknowledgeDirective',
  START: 'startDirective',
  COMPLETE: 'completeDirective',
  DECLINE: 'declineDirective',
  CANCEL: 'cancelDirective',
};

/** Replaces entry `i` of a transition table for the duration of a flip (entries are shared, never edited in place). */
function entryFlip<T>(table: readonly T[], i: number, replacement: T): Pick<Flip, 'apply' | 'revert'> {
  const mutable = table as T[];
  const original = table[i];
  return { apply: () => void (mutable[i] = replacement), revert: () => void (mutable[i] = original) };
}

export function enumerateFlips(): Flip[] {
  const flips: Flip[] = [];
  for (const kind of ORGANIZATION_KINDS) {
    for (const role of MEMBER_ROLES_BY_KIND[kind]) {
      for (const cap of CAPABILITIES) {
        const present = (ROLE_CAPABILITIES[kind][role] ?? []).includes(cap);
        let saved = ROLE_CAPABILITIES[kind][role];
        flips.push({
          id: `ROLE_CAPABILITIES ${kind}/${role} ${present ? '−' : '+'}${cap}`,
          table: 'ROLE_CAPABILITIES',
          change: present ? 'remove' : 'add',
          apply: () => {
            saved = ROLE_CAPABILITIES[kind][role];
            const current = saved ?? [];
            ROLE_CAPABILITIES[kind][role] = present ? current.filter((c) => c !== cap) : [...current, cap];
          },
          revert: () => {
            ROLE_CAPABILITIES[kind][role] = saved;
          },
          // Keys of the kind draw on its key role (HANDLER; REPORTER for a constituent), so its flips also reach createApiKey.
          select: (c) =>
            c.group === 'listing' ||
            (kindOf(c.account) === kind &&
              (roleOf(c.account) === role || (c.op === 'createApiKey' && role === (kind === 'CONSTITUENT' ? 'REPORTER' : 'HANDLER')))),
        });
      }
    }
  }
  INCIDENT_TRANSITIONS.forEach((t, i) => {
    const name = `INCIDENT_TRANSITIONS[${i}] ${t.move} ${t.from.join('|')}→${t.to}`;
    const op = INCIDENT_MOVE_OP[t.move];
    const select = (c: CaseSpec) => c.group === 'mutation' && c.op === op;
    const add = (id: string, change: Flip['change'], replacement: IncidentTransition) =>
      flips.push({ id: `${name} ${id}`, table: 'INCIDENT_TRANSITIONS', change, select, ...entryFlip(INCIDENT_TRANSITIONS, i, replacement) });
    for (const a of t.who) add(`who −${a}`, 'remove', { ...t, who: t.who.filter((x) => x !== a) });
    for (const s of t.from) add(`from −${s}`, 'remove', { ...t, from: t.from.filter((x) => x !== s) });
    for (const a of INCIDENT_ACTORS) if (!t.who.includes(a)) add(`who +${a}`, 'add', { ...t, who: [...t.who, a] });
    for (const s of INCIDENT_STATUSES) if (!t.from.includes(s)) add(`from +${s}`, 'add', { ...t, from: [...t.from, s] });
  });
  DIRECTIVE_TRANSITIONS.forEach((t, i) => {
    const name = `DIRECTIVE_TRANSITIONS[${i}] ${t.move} ${t.from.join('|')}→${t.to}`;
    const op = DIRECTIVE_MOVE_OP[t.move];
    const select = (c: CaseSpec) => c.group === 'mutation' && c.op === op;
    const add = (id: string, change: Flip['change'], replacement: DirectiveTransition) =>
      flips.push({ id: `${name} ${id}`, table: 'DIRECTIVE_TRANSITIONS', change, select, ...entryFlip(DIRECTIVE_TRANSITIONS, i, replacement) });
    for (const a of t.who) add(`who −${a}`, 'remove', { ...t, who: t.who.filter((x) => x !== a) });
    for (const s of t.from) add(`from −${s}`, 'remove', { ...t, from: t.from.filter((x) => x !== s) });
    for (const a of DIRECTIVE_ACTORS) if (!t.who.includes(a)) add(`who +${a}`, 'add', { ...t, who: [...t.who, a] });
    for (const s of DIRECTIVE_STATUSES) if (!t.from.includes(s)) add(`from +${s}`, 'add', { ...t, from: [...t.from, s] });
  });
  // The other incident actions: each actor and state of each rule removed and added.
  for (const action of INCIDENT_ACTIONS) {
    const table = INCIDENT_ACTION_RULES as Record<IncidentAction, IncidentActionRule>;
    const rule = table[action];
    const op = INCIDENT_ACTION_OP[action];
    const select = (c: CaseSpec) => c.group === 'mutation' && c.op === op;
    const add = (id: string, change: Flip['change'], replacement: IncidentActionRule) => {
      let saved = rule;
      flips.push({
        id: `INCIDENT_ACTION_RULES ${action} ${id}`,
        table: 'INCIDENT_ACTION_RULES',
        change,
        select,
        apply: () => {
          saved = table[action];
          table[action] = replacement;
        },
        revert: () => {
          table[action] = saved;
        },
      });
    };
    for (const key of ['who', 'anyStateFor', 'lowerTlp'] as const) {
      const list = rule[key];
      if (!list) continue;
      for (const a of list) add(`${key} −${a}`, 'remove', { ...rule, [key]: list.filter((x) => x !== a) });
      for (const a of INCIDENT_ACTORS) if (!list.includes(a)) add(`${key} +${a}`, 'add', { ...rule, [key]: [...list, a] });
    }
    if (rule.from) {
      for (const st of rule.from) add(`from −${st}`, 'remove', { ...rule, from: rule.from.filter((x) => x !== st) });
      for (const st of INCIDENT_STATUSES) if (!rule.from.includes(st)) add(`from +${st}`, 'add', { ...rule, from: [...rule.from, st] });
    }
  }
  // The Incident projection: each view removed from and added to each field, each field and item rule dropped.
  const reads = (c: CaseSpec) => c.group === 'read' || c.group === 'field';
  const projectionFlip = (type: string, field: string, id: string, change: Flip['change'], replacement: FieldEntry) => {
    const table = (PROJECTIONS as Record<string, Record<string, FieldEntry>>)[type];
    let saved = table[field];
    flips.push({
      id: `PROJECTIONS ${type}.${field} ${id}`,
      table: 'PROJECTIONS',
      change,
      select: reads,
      apply: () => {
        saved = table[field];
        table[field] = replacement;
      },
      revert: () => {
        table[field] = saved;
      },
    });
  };
  for (const [field, entry] of Object.entries(PROJECTIONS.Incident as Record<string, FieldEntry>)) {
    const add = (id: string, change: Flip['change'], replacement: FieldEntry) => projectionFlip('Incident', field, id, change, replacement);
    for (const v of ACCESS_LEVELS) {
      if (entry.views.includes(v)) add(`views −${v}`, 'remove', { ...entry, views: entry.views.filter((x) => x !== v) });
      else add(`views +${v}`, 'add', { ...entry, views: [...entry.views, v] });
    }
    // Dropping a rule shows the field to everyone its views reach: an addition of viewers.
    if (entry.rule) add(`rule −${entry.rule}`, 'add', { views: entry.views, items: entry.items });
    if (entry.items && ITEM_RULES_IN_CODE.includes(entry.items)) add(`items −${entry.items}`, 'add', { views: entry.views, rule: entry.rule });
  }
  // The other protected types are seen whole once their row is visible (its own rule, in SQL): their `views` are every
  // view, which no rule of §3 narrows, so what is flipped there is each field rule (note authors, event actors, an
  // event's incident, an organization's contact and accounts), dropped.
  for (const [type, table] of Object.entries(PROJECTIONS as Record<string, Record<string, FieldEntry>>)) {
    if (type === 'Incident') continue;
    for (const [field, entry] of Object.entries(table)) {
      if (entry.rule) projectionFlip(type, field, `rule −${entry.rule}`, 'add', { views: entry.views, items: entry.items });
    }
  }
  return flips;
}

/** Item rules the projection applies itself (projectItems); the others are conditions of the SQL in views.ts. */
const ITEM_RULES_IN_CODE: readonly string[] = ['INDICATORS', 'PARTICIPANTS'];

/**
 * Removals no behaviour can notice, with the reason; the check fails on any other surviving removal.
 * (They are still killed by the `roles` listing, which shows the table itself.)
 */
export const EQUIVALENT_REMOVALS: Record<string, string> = {
  'ROLE_CAPABILITIES COORDINATOR/ADMIN −INCIDENT_HANDLE':
    'the coordinator\'s ADMINs act on an incident VNCERT handles as COORDINATOR already: every move and edit open to HANDLER is open to COORDINATOR (§3 "everything the handling organization may do"), and ADMIN is no key role',
};

const OWNER_ALREADY_ADMITTED =
  'OWNER is always also HANDLER or COORDINATOR (§2: the owner is the coordinator or the handling organization; §3: their HANDLER and ADMIN accounts), which this entry already admits';
const HNC_ALREADY_ADMITTED =
  'HANDLER_NOT_COORDINATOR is always also HANDLER (§2: a handling organization that is not the coordinator), which this entry already admits';
const COORDINATOR_REJECTS_ALREADY =
  'the coordinator may already reject from REPORTED and TRIAGED by the entry before it (§2: REPORTED, TRIAGED, ESCALATED → REJECTED, "coordinator")';

const NOT_ADMITTED = 'the list only matters for actors the rule admits (its `who`), and this actor is not one of them';
const ISSUING_NEEDS_CAPABILITY =
  "issuing also needs DIRECTIVE_ISSUE, checked first (§3: FORBIDDEN), which only the coordinator's HANDLER and ADMIN roles hold (ROLE_CAPABILITIES), and they are ISSUER already";
const FIELD_RULE_BLOCKS =
  'its field rule admits only the coordinator, the handling organization and the reporting organization (a person: not even a FULL viewer), none of which ever sees the incident in that view (§3 rows 1–4 come first)';
const NO_INDICATOR_IN_VIEW = 'its item rule shows no indicator in that view (§3: SUMMARY and RECIPIENT show none), so the list stays empty';
const DIRECTIVE_RULE_BLOCKS =
  'the directive rule (views.ts, SQL) admits only the coordinator, the recipient and the handling organization, none of which sees an incident in that view (a recipient gets RECIPIENT or better: row 5 comes before rows 6–7; constituents never receive or handle)';
const ONLY_WHEN_REJECTED =
  'only a REJECTED incident holds it (reopening clears it), and a rejected incident is in no DOMAIN_FEED view (§3 row 6: not rejected) and has no directive recipient (issuing moves it to COORDINATING, from which no move leads to REJECTED)';

/** Equivalent additions of the other incident actions and of the Incident projection. */
const EQUIVALENT_RULEBOOK_ADDITIONS: Record<string, string> = {
  ...Object.fromEntries(
    ['UPDATE', 'ADD_INDICATORS', 'SET_TLP', 'SUBMIT_FINAL_REPORT'].flatMap((a) => [
      [`INCIDENT_ACTION_RULES ${a} who +OWNER`, OWNER_ALREADY_ADMITTED],
      [`INCIDENT_ACTION_RULES ${a} who +HANDLER_NOT_COORDINATOR`, HNC_ALREADY_ADMITTED],
    ]),
  ),
  'INCIDENT_ACTION_RULES UPDATE anyStateFor +REPORTER': NOT_ADMITTED,
  'INCIDENT_ACTION_RULES ADD_INDICATORS anyStateFor +REPORTER': NOT_ADMITTED,
  'INCIDENT_ACTION_RULES SET_TLP lowerTlp +REPORTER': NOT_ADMITTED,
  ...Object.fromEntries(
    ['HANDLER', 'COORDINATOR', 'OWNER', 'REPORTER', 'HANDLER_NOT_COORDINATOR'].map((a) => [
      `INCIDENT_ACTION_RULES ISSUE_DIRECTIVE who +${a}`,
      ISSUING_NEEDS_CAPABILITY,
    ]),
  ),
  ...Object.fromEntries(
    ['reporterContact', 'reportingOrganization'].flatMap((f) =>
      ['RECIPIENT', 'DOMAIN_FEED', 'SUMMARY'].map((v) => [`PROJECTIONS Incident.${f} views +${v}`, FIELD_RULE_BLOCKS]),
    ),
  ),
  ...Object.fromEntries(
    ['indicators', 'domains'].flatMap((f) => ['RECIPIENT', 'SUMMARY'].map((v) => [`PROJECTIONS Incident.${f} views +${v}`, NO_INDICATOR_IN_VIEW])),
  ),
  ...Object.fromEntries(['REPORTER', 'DOMAIN_FEED', 'SUMMARY'].map((v) => [`PROJECTIONS Incident.directives views +${v}`, DIRECTIVE_RULE_BLOCKS])),
  ...Object.fromEntries(
    ['rejectionReason', 'duplicateOf'].flatMap((f) =>
      ['RECIPIENT', 'DOMAIN_FEED'].map((v) => [`PROJECTIONS Incident.${f} views +${v}`, ONLY_WHEN_REJECTED]),
    ),
  ),
};

const ACCOUNTS_ITEM_RULE_SAME =
  'its item rule (views.ts accountVisibleSql, in the statement) already lists only the viewer\'s own organization\'s accounts, or every account for the coordinator — the viewers this field rule admits (§2: "Accounts are visible within their own organization and to the coordinator"), so the list is empty wherever the rule hid it';

/**
 * Additions no case can notice because the entry already admits the same viewers in the same states,
 * with the reason; the check fails on any other addition that no case notices (the `roles` listing counts).
 */
export const EQUIVALENT_ADDITIONS: Record<string, string> = {
  ...EQUIVALENT_RULEBOOK_ADDITIONS,
  'PROJECTIONS Organization.accounts rule −OWN_ORGANIZATION': ACCOUNTS_ITEM_RULE_SAME,
  'INCIDENT_TRANSITIONS[0] TRIAGE REPORTED→TRIAGED who +OWNER': OWNER_ALREADY_ADMITTED,
  'INCIDENT_TRANSITIONS[0] TRIAGE REPORTED→TRIAGED who +HANDLER_NOT_COORDINATOR': HNC_ALREADY_ADMITTED,
  'INCIDENT_TRANSITIONS[1] REJECT REPORTED|TRIAGED→REJECTED who +OWNER': OWNER_ALREADY_ADMITTED,
  'INCIDENT_TRANSITIONS[1] REJECT REPORTED|TRIAGED→REJECTED who +HANDLER_NOT_COORDINATOR': HNC_ALREADY_ADMITTED,
  'INCIDENT_TRANSITIONS[2] REJECT ESCALATED→REJECTED from +REPORTED': COORDINATOR_REJECTS_ALREADY,
  'INCIDENT_TRANSITIONS[2] REJECT ESCALATED→REJECTED from +TRIAGED': COORDINATOR_REJECTS_ALREADY,
  'INCIDENT_TRANSITIONS[5] START_RESPONSE TRIAGED→RESPONDING who +OWNER': OWNER_ALREADY_ADMITTED,
  'INCIDENT_TRANSITIONS[5] START_RESPONSE TRIAGED→RESPONDING who +HANDLER_NOT_COORDINATOR': HNC_ALREADY_ADMITTED,
};

/** A flip listed as equivalent, with its reason (removals: no behaviour case; additions: no case at all). */
export function equivalentReason(flip: Pick<Flip, 'id' | 'change'>): string | undefined {
  return flip.change === 'remove' ? EQUIVALENT_REMOVALS[flip.id] : EQUIVALENT_ADDITIONS[flip.id];
}

/** Why a flip is not noticed by any behaviour case (one line, for the report). */
export function survivorReason(id: string): string {
  if (EQUIVALENT_REMOVALS[id]) return EQUIVALENT_REMOVALS[id];
  if (EQUIVALENT_ADDITIONS[id]) return EQUIVALENT_ADDITIONS[id];
  const cap = /^ROLE_CAPABILITIES (\w+)\/(\w+) \+(\w+)$/.exec(id);
  if (cap) {
    const [, kind, role, c] = cap;
    const keyRole =
      role === (kind === 'CONSTITUENT' ? 'REPORTER' : 'HANDLER') ? '; a key of the kind could now be given it, which no case asks for' : '';
    if (c === 'INCIDENT_COORDINATE' || c === 'DIRECTIVE_ISSUE')
      return `inert outside the COORDINATOR kind: coordinating and issuing also require the organization to be the coordinator${keyRole}`;
    if (c === 'INCIDENT_HANDLE')
      return `a ${kind} organization is never a handling organization (§2 routing: ISP, AGENCY_IT or the coordinator)${keyRole}`;
    if (c === 'DIRECTIVE_RESPOND')
      return `a ${kind} organization is never a directive recipient (§2: REGISTRY, ISP, AGENCY_IT, RESPONSE_PARTNER)${keyRole}`;
    return `no case distinguishes it${keyRole}`;
  }
  const from = /^(INCIDENT|DIRECTIVE)_TRANSITIONS\[\d+\] (\w+) .* from \+(\w+)$/.exec(id);
  if (from) return `UNEXPLAINED: no matrix case makes ${from[2]} from ${from[3]} as an account the entry admits`;
  return 'UNEXPLAINED: no case reaches it';
}

export interface FlipOutcome {
  flip: Flip;
  cases: number;
  failing: number;
  /** Failing cases other than the `roles` listing (which shows the table itself). */
  behaviourFailing: number;
  example?: string;
  rerunFull?: boolean;
}

export interface MutationCheckReport {
  outcomes: FlipOutcome[];
  /**
   * Flips the matrix does not notice and no equivalence list explains: removals that no behaviour case
   * notices (the `roles` listing, which shows the table itself, does not count for them) and additions
   * that no case at all notices. The check fails unless this is empty.
   */
  unexplainedSurvivors: string[];
  /** Flips listed as equivalent that a case noticed after all: the listed reason is wrong (the check fails). */
  staleEquivalences: string[];
  /** Flips left over when the time budget ran out (the check fails: they prove nothing). */
  notRun: string[];
  text: string;
}

/** Whether a flip went unnoticed: by every behaviour case (a removal) or by every case (an addition). */
function unnoticed(o: FlipOutcome): boolean {
  return o.flip.change === 'remove' ? o.behaviourFailing === 0 : o.failing === 0;
}

function describeFailure(r: CaseResult): string {
  return `${r.account} ${r.op} ${r.fixture}: expected ${r.expected}, got ${r.actual}`;
}

export async function runMutationCheck(budgetMs: number): Promise<MutationCheckReport> {
  const started = Date.now();
  const hub = await startTestHub();
  const client = new MatrixClient(hub);
  const factory = new Factory(client, `k${process.pid}`);
  const outcomes: FlipOutcome[] = [];
  const notRun: string[] = [];
  try {
    // The unflipped matrix must pass, or the flips would measure nothing.
    const baseline = await runMatrix(client, factory);
    const broken = baseline.filter((r) => !r.pass);
    if (broken.length) throw new Error(`the matrix fails without any flip:\n${broken.slice(0, 20).map(describeFailure).join('\n')}`);
    const baselineMs = Date.now() - started;
    // Built unflipped and reused by every flip; an instance a flip changed is rebuilt (unflipped) right after it.
    const state = await buildState(factory);

    const run = async (flip: Flip, select?: (c: CaseSpec) => boolean): Promise<FlipOutcome> => {
      flip.apply();
      let results: CaseResult[];
      try {
        results = await runMatrix(client, factory, { select, state });
      } finally {
        flip.revert();
      }
      // Rebuilt now, unflipped, and awaited: built during the next flip, it could be broken by that flip for every later run.
      for (const key of dirtyKeys(results)) {
        const rebuilt = buildFixture(factory, key);
        try {
          await rebuilt;
          state.shared.set(key, rebuilt);
        } catch {
          state.shared.delete(key); // later runs build their own
        }
      }
      const failing = results.filter((r) => !r.pass);
      const behaviour = failing.filter((r) => r.group !== 'listing');
      return {
        flip,
        cases: results.length,
        failing: failing.length,
        behaviourFailing: behaviour.length,
        example: (behaviour[0] ?? failing[0]) && describeFailure(behaviour[0] ?? failing[0]),
      };
    };

    // MUTATION_CHECK_ONLY (a regular expression over flip ids) runs a subset, e.g. the survivors of the last run.
    const only = process.env.MUTATION_CHECK_ONLY ? new RegExp(process.env.MUTATION_CHECK_ONLY) : null;
    const flips = enumerateFlips().filter((f) => !only || only.test(f.id));
    for (const flip of flips) {
      if (Date.now() - started > budgetMs) {
        notRun.push(flip.id);
        continue;
      }
      const outcome = await run(flip, flip.select);
      outcomes.push(outcome);
      process.stdout.write(`\rmutation check: ${outcomes.length}/${flips.length} flips`);
    }
    // A pruned run could miss a kill elsewhere: every surviving removal, and every addition that survives
    // unexplained, is tried against the whole matrix.
    for (const [i, o] of outcomes.entries()) {
      const rerun = o.flip.change === 'remove' ? unnoticed(o) : unnoticed(o) && !EQUIVALENT_ADDITIONS[o.flip.id];
      if (rerun && Date.now() - started < budgetMs + 5 * 60_000) {
        outcomes[i] = { ...(await run(o.flip)), rerunFull: true };
      }
    }
    process.stdout.write('\n');

    const unexplainedSurvivors = outcomes.filter((o) => unnoticed(o) && !equivalentReason(o.flip)).map((o) => o.flip.id);
    const staleEquivalences = outcomes.filter((o) => !unnoticed(o) && equivalentReason(o.flip)).map((o) => o.flip.id);
    const text = report(outcomes, notRun, unexplainedSurvivors, staleEquivalences, baseline.length, baselineMs, Date.now() - started);
    fs.mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'test-artifacts', 'mutation-check.txt'), text);
    return { outcomes, unexplainedSurvivors, staleEquivalences, notRun, text };
  } finally {
    await hub.close();
  }
}

function report(
  outcomes: FlipOutcome[],
  notRun: string[],
  unexplained: string[],
  stale: string[],
  baselineCases: number,
  baselineMs: number,
  totalMs: number,
): string {
  const lines: string[] = [];
  const killed = outcomes.filter((o) => o.failing > 0);
  const byBehaviour = outcomes.filter((o) => o.behaviourFailing > 0);
  const survivors = outcomes.filter((o) => o.failing === 0);
  const explained = survivors.filter((o) => equivalentReason(o.flip)).length;
  lines.push(
    `mutation check: baseline matrix ${baselineCases} cases in ${(baselineMs / 1000).toFixed(1)} s; all flips in ${(totalMs / 60_000).toFixed(1)} min`,
  );
  lines.push(`flips run: ${outcomes.length}${notRun.length ? ` (${notRun.length} not run: time budget)` : ''}`);
  lines.push(
    `killed: ${killed.length} (by a behaviour case: ${byBehaviour.length}; only by the roles listing: ${killed.length - byBehaviour.length})`,
  );
  lines.push(`survived: ${survivors.length} (equivalent, listed with a reason: ${explained}; unexplained: ${survivors.length - explained})`);
  lines.push(
    `check: ${unexplained.length || stale.length || notRun.length ? 'FAILED' : 'passed'} (unexplained survivors: ${unexplained.length}; equivalences a case contradicts: ${stale.length}; not run: ${notRun.length})`,
  );
  for (const table of FLIP_TABLES) {
    for (const change of ['remove', 'add'] as const) {
      const list = outcomes.filter((o) => o.flip.table === table && o.flip.change === change);
      if (!list.length) continue;
      const k = list.filter((o) => o.behaviourFailing > 0).length;
      const l = list.filter((o) => o.failing > 0 && o.behaviourFailing === 0).length;
      lines.push(
        `  ${table} ${change === 'remove' ? 'removals' : 'additions'}: ${list.length} flips, ${k} killed by behaviour, ${l} only by the listing, ${list.length - k - l} survived`,
      );
    }
  }
  if (unexplained.length)
    lines.push(
      '',
      'UNEXPLAINED (the check fails: add a case that notices it, or list it as equivalent with its reason):',
      ...unexplained.map((id) => `  ${id}`),
    );
  if (stale.length)
    lines.push('', 'LISTED AS EQUIVALENT BUT NOTICED (the check fails: the listed reason is wrong):', ...stale.map((id) => `  ${id}`));
  lines.push('', 'not killed by any behaviour case (killed only by the `roles` listing, or survived):');
  for (const o of outcomes.filter((x) => x.behaviourFailing === 0)) {
    lines.push(
      `  ${o.failing > 0 ? 'listing-only' : 'SURVIVED   '} ${o.flip.id}${o.rerunFull ? ' (full matrix re-run)' : ''}: ${survivorReason(o.flip.id)}`,
    );
  }
  if (notRun.length) lines.push('', 'not run (time budget):', ...notRun.map((id) => `  ${id}`));
  lines.push('', 'killed flips (failing cases / cases run, first failure):');
  for (const o of byBehaviour) lines.push(`  ${o.flip.id}: ${o.behaviourFailing}/${o.cases} — ${o.example ?? ''}`);
  return lines.join('\n');
}
