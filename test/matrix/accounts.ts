/**
 * The demo network of DESIGN.md §5, written out literally: every organization with its kind, and
 * every demo account (`<role>@<code in lower case>.test`). The matrix rows name accounts from this list.
 */
export const ORGANIZATION_KINDS = [
  'COORDINATOR',
  'REGISTRY',
  'ISP',
  'AGENCY_IT',
  'RESPONSE_PARTNER',
  'LAW_ENFORCEMENT',
  'REGULATOR',
  'CONSTITUENT',
] as const;
export type OrgKind = (typeof ORGANIZATION_KINDS)[number];

export const ORG_KIND = {
  VNCERT: 'COORDINATOR',
  VNNIC: 'REGISTRY',
  VNPT: 'ISP',
  VIETTEL: 'ISP',
  FPT: 'ISP',
  'MOF-IT': 'AGENCY_IT',
  'HANOI-DIC': 'AGENCY_IT',
  SECPARTNER: 'RESPONSE_PARTNER',
  'MPS-A05': 'LAW_ENFORCEMENT',
  MIC: 'REGULATOR',
  ACME: 'CONSTITUENT',
  'PERSON-0001': 'CONSTITUENT',
} as const satisfies Record<string, OrgKind>;
export type OrgCode = keyof typeof ORG_KIND;
export const ORG_CODES = Object.keys(ORG_KIND) as OrgCode[];

export const ACCOUNTS = [
  'admin@vncert.test',
  'handler@vncert.test',
  'analyst@vncert.test',
  'admin@vnnic.test',
  'handler@vnnic.test',
  'analyst@vnnic.test',
  'admin@vnpt.test',
  'handler@vnpt.test',
  'analyst@vnpt.test',
  'admin@viettel.test',
  'handler@viettel.test',
  'analyst@viettel.test',
  'admin@fpt.test',
  'handler@fpt.test',
  'analyst@fpt.test',
  'admin@mof-it.test',
  'handler@mof-it.test',
  'analyst@mof-it.test',
  'admin@hanoi-dic.test',
  'handler@hanoi-dic.test',
  'analyst@hanoi-dic.test',
  'admin@secpartner.test',
  'handler@secpartner.test',
  'analyst@secpartner.test',
  'admin@mps-a05.test',
  'handler@mps-a05.test',
  'analyst@mps-a05.test',
  'admin@mic.test',
  'handler@mic.test',
  'analyst@mic.test',
  'admin@acme.test',
  'reporter@acme.test',
  'admin@person-0001.test',
  'reporter@person-0001.test',
] as const;
export type Account = (typeof ACCOUNTS)[number];

/**
 * API keys the matrix acts as besides the accounts, each with the capabilities it is created with (a key
 * holds any subset of its kind's key role, §2). `issuer-key@vncert.test` holds DIRECTIVE_ISSUE without
 * INCIDENT_COORDINATE or INCIDENT_HANDLE: it may issue and cancel directives and nothing else.
 * `handler-key@vncert.test` holds INCIDENT_HANDLE and DIRECTIVE_ISSUE without INCIDENT_COORDINATE: on an
 * incident VNCERT handles it is the handling organization, not the coordinator (§3: the coordinator's
 * any-state edits and TLP lowering are not the handler's).
 */
export const KEY_PRINCIPALS = {
  'issuer-key@vncert.test': ['INCIDENT_READ', 'DIRECTIVE_ISSUE'],
  'handler-key@vncert.test': ['INCIDENT_READ', 'INCIDENT_HANDLE', 'DIRECTIVE_ISSUE'],
} as const satisfies Record<string, readonly string[]>;
export type KeyPrincipal = keyof typeof KEY_PRINCIPALS;
/** Who a matrix case acts as: a demo account or one of the keys above. */
export type Principal = Account | KeyPrincipal;

export function isKeyPrincipal(value: string): value is KeyPrincipal {
  return Object.prototype.hasOwnProperty.call(KEY_PRINCIPALS, value);
}

export type MemberRole = 'ADMIN' | 'HANDLER' | 'ANALYST' | 'REPORTER';

/** The organization an account belongs to, read off its e-mail domain. */
export function orgOf(account: Principal): OrgCode {
  const domain = account.slice(account.indexOf('@') + 1, -'.test'.length).toUpperCase();
  const code = ORG_CODES.find((c) => c === domain);
  if (!code) throw new Error(`no organization for ${account}`);
  return code;
}

export function kindOf(account: Principal): OrgKind {
  return ORG_KIND[orgOf(account)];
}

/** The member role of an account; a key principal has none (capability flips of a role never reach it). */
export function roleOf(account: Principal): MemberRole | null {
  if (isKeyPrincipal(account)) return null;
  return account.slice(0, account.indexOf('@')).toUpperCase() as MemberRole;
}

export function adminOf(org: OrgCode): Account {
  const email = `admin@${org.toLowerCase()}.test`;
  const account = ACCOUNTS.find((a) => a === email);
  if (!account) throw new Error(`no admin for ${org}`);
  return account;
}

export function isAccount(value: string): value is Account {
  return (ACCOUNTS as readonly string[]).includes(value);
}
