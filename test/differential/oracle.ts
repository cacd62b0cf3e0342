/**
 * The views of DESIGN.md §3, written from the text alone (no code shared with src/auth):
 *
 * | 1 | any account of the COORDINATOR                                                  | FULL        |
 * | 2 | the handling organization, organizations the incident is shared with/referred to | FULL        |
 * | 3 | the reporting organization when it is a CONSTITUENT                              | REPORTER    |
 * | 4 | the reporting organization when it is a network member                           | FULL        |
 * | 5 | a directive recipient with no other link                                         | RECIPIENT   |
 * | 6 | the REGISTRY, DOMAIN indicator in a zone it administers at CLEAR/GREEN/AMBER, or  | DOMAIN_FEED |
 * |   | in any zone at CLEAR/GREEN; not confidential, not rejected                        |             |
 * | 7 | other network members (REGISTRY ISP AGENCY_IT RESPONSE_PARTNER LAW_ENFORCEMENT)   | SUMMARY     |
 * |   | and the REGULATOR, at TLP CLEAR or GREEN, not confidential                        |             |
 * | — | anyone else (CONSTITUENT accounts never see other organizations' incidents)       | invisible   |
 *
 * First matching row wins; `confidential: true` switches off rows 5–7.
 */
import type { DemoOrganization, IncidentSpec, OrganizationKind } from './world';

export type View = 'FULL' | 'REPORTER' | 'RECIPIENT' | 'DOMAIN_FEED' | 'SUMMARY';
export type Outcome = View | 'INVISIBLE';
export const OUTCOMES: readonly Outcome[] = ['FULL', 'REPORTER', 'RECIPIENT', 'DOMAIN_FEED', 'SUMMARY', 'INVISIBLE'];

/** The row (and the reason within it) that decided the view. */
export type Rule =
  | 'row1:coordinator'
  | 'row2:handling'
  | 'row2:shared'
  | 'row2:referred'
  | 'row3:constituent reporter'
  | 'row3:person reporter'
  | 'row4:network-member reporter'
  | 'row5:directive recipient'
  | 'row6:domain in administered zone'
  | 'row6:domain in any zone at CLEAR/GREEN'
  | 'row7:summary'
  | 'invisible:constituent, not its report'
  | 'invisible:confidential'
  | 'invisible:no row applies';

export interface Decision {
  outcome: Outcome;
  rule: Rule;
}

/** "network members (REGISTRY ISP AGENCY_IT RESPONSE_PARTNER LAW_ENFORCEMENT)" — row 7 — and the coordinator. */
const NETWORK_MEMBER_KINDS: readonly OrganizationKind[] = ['COORDINATOR', 'REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER', 'LAW_ENFORCEMENT'];
/** Row 7's audience: the other network members and the REGULATOR. */
const SUMMARY_AUDIENCE: readonly OrganizationKind[] = ['REGISTRY', 'ISP', 'AGENCY_IT', 'RESPONSE_PARTNER', 'LAW_ENFORCEMENT', 'REGULATOR'];

/** Label-aligned zone membership: `a.gov.vn` is in `vn` and `gov.vn`; `login.evn` is not in `vn`. */
export function inZone(domain: string, zone: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '').split('.');
  const z = zone.toLowerCase().replace(/\.$/, '').split('.');
  if (z.length > d.length) return false;
  const tail = d.slice(d.length - z.length);
  return tail.every((label, i) => label === z[i]);
}

export function domainsOf(incident: IncidentSpec): string[] {
  return incident.indicators.filter((i) => i.type === 'DOMAIN').map((i) => i.value);
}

export function expectedView(viewer: DemoOrganization, incident: IncidentSpec, network: readonly DemoOrganization[]): Decision {
  const reporter = network.find((o) => o.code === incident.reporter);
  if (!reporter) throw new Error(`unknown reporter ${incident.reporter}`);
  const code = viewer.code;
  // Row 1.
  if (viewer.kind === 'COORDINATOR') return { outcome: 'FULL', rule: 'row1:coordinator' };
  // Row 2.
  if (incident.handler === code) return { outcome: 'FULL', rule: 'row2:handling' };
  if (incident.shares.includes(code)) return { outcome: 'FULL', rule: 'row2:shared' };
  if (incident.referred && code === 'MPS-A05') return { outcome: 'FULL', rule: 'row2:referred' };
  // Rows 3 and 4.
  if (incident.reporter === code && reporter.kind === 'CONSTITUENT') {
    return { outcome: 'REPORTER', rule: reporter.person ? 'row3:person reporter' : 'row3:constituent reporter' };
  }
  if (incident.reporter === code && NETWORK_MEMBER_KINDS.includes(reporter.kind)) return { outcome: 'FULL', rule: 'row4:network-member reporter' };
  // "CONSTITUENT accounts never see other organizations' incidents, whatever the TLP".
  if (viewer.kind === 'CONSTITUENT') return { outcome: 'INVISIBLE', rule: 'invisible:constituent, not its report' };
  // "`confidential: true` switches off rows 5–7".
  if (incident.confidential) return { outcome: 'INVISIBLE', rule: 'invisible:confidential' };
  // Row 5.
  if (incident.directives.some((d) => d.recipient === code)) return { outcome: 'RECIPIENT', rule: 'row5:directive recipient' };
  // Row 6.
  if (viewer.kind === 'REGISTRY' && incident.status !== 'REJECTED') {
    const domains = domainsOf(incident);
    const administered = domains.some((d) => viewer.zones.some((z) => inZone(d, z)));
    if (administered && ['CLEAR', 'GREEN', 'AMBER'].includes(incident.tlp))
      return { outcome: 'DOMAIN_FEED', rule: 'row6:domain in administered zone' };
    if (domains.length > 0 && ['CLEAR', 'GREEN'].includes(incident.tlp))
      return { outcome: 'DOMAIN_FEED', rule: 'row6:domain in any zone at CLEAR/GREEN' };
  }
  // Row 7.
  if (SUMMARY_AUDIENCE.includes(viewer.kind) && ['CLEAR', 'GREEN'].includes(incident.tlp)) return { outcome: 'SUMMARY', rule: 'row7:summary' };
  return { outcome: 'INVISIBLE', rule: 'invisible:no row applies' };
}

/**
 * The rules a decision exercises, for the statistics: besides the deciding row, the counterfactual
 * ones (confidential switching rows 5–7 off, a label-aligned non-match, a rejection leaving the feed).
 */
export function rulesExercised(viewer: DemoOrganization, incident: IncidentSpec, network: readonly DemoOrganization[]): string[] {
  const d = expectedView(viewer, incident, network);
  const labels: string[] = [`view:${d.outcome}`, `rule:${d.rule}`];
  if (incident.confidential) {
    const open = expectedView(viewer, { ...incident, confidential: false }, network);
    if (['RECIPIENT', 'DOMAIN_FEED', 'SUMMARY'].includes(open.outcome) && d.outcome === 'INVISIBLE')
      labels.push(`rule:confidential switches off ${open.outcome}`);
  }
  if (d.outcome === 'DOMAIN_FEED' && incident.tlp === 'AMBER') labels.push('rule:AMBER domain in zone → DOMAIN_FEED');
  const domains = domainsOf(incident);
  if (viewer.kind === 'REGISTRY') {
    const anyAdministered = domains.some((x) => viewer.zones.some((z) => inZone(x, z)));
    if (d.outcome === 'DOMAIN_FEED' && ['CLEAR', 'GREEN'].includes(incident.tlp) && !anyAdministered)
      labels.push('rule:CLEAR/GREEN domain out of zone → DOMAIN_FEED');
    // A domain that ends in the zone's characters but not on a label boundary, at AMBER, left out of the feed.
    const trap = domains.some((x) => viewer.zones.some((z) => x.endsWith(z) && !inZone(x, z)));
    if (trap && !anyAdministered && incident.tlp === 'AMBER' && d.rule === 'invisible:no row applies')
      labels.push('rule:label-aligned non-match → not in feed');
    if (incident.status === 'REJECTED') {
      const notRejected = expectedView(viewer, { ...incident, status: 'REPORTED' }, network);
      if (notRejected.outcome === 'DOMAIN_FEED') labels.push(`rule:rejected excluded from feed → ${d.outcome}`);
    }
  }
  if (incident.reporter === 'MIC' && viewer.code === 'MIC') labels.push(`rule:regulator as reporting organization → ${d.outcome}`);
  return labels;
}
