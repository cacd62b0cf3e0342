/**
 * Normalization and validation of incident indicators (observables).
 *
 * Pure functions only: the GraphQL and persistence layers call these so that every
 * indicator is stored in one canonical form, which is what makes de-duplication and
 * cross-incident matching work.
 */
import ipaddr from 'ipaddr.js';
import * as tr46 from 'tr46';
import { hasLoneSurrogate } from '../../graphql/text-rule';
import { badInput } from '../../graphql/errors';

export const INDICATOR_TYPES = ['DOMAIN', 'IPV4', 'IPV6', 'CIDR', 'URL', 'EMAIL', 'ASN', 'FILE_HASH'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export interface NormalizedIndicator {
  type: IndicatorType;
  /** Canonical ASCII form, used for storage, matching and de-duplication. */
  value: string;
  /** Human-facing form: equal to `value` except that IDN hosts are shown in Unicode. */
  displayValue: string;
}

export class IndicatorError extends Error {
  constructor(
    /** Position in the submitted list, or -1 when a single value was normalized. */
    public readonly index: number,
    /** Why the value was refused, without the list position. */
    public readonly reason: string,
  ) {
    super(index >= 0 ? `indicators[${index}]: ${reason}` : reason);
    this.name = 'IndicatorError';
  }
}

const MAX_LENGTH = 2048;
const MAX_ASN = 4294967295;
const HASH_LENGTHS: ReadonlySet<number> = new Set([32, 40, 64, 128]);

/** C0, DEL and C1: never legitimate in an observable and dangerous in logs and UIs. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
/** Invisible formatting characters (zero-width, bidi controls, BOM, soft hyphen): spoofing devices in an address. */
const FORMAT_CHARS = /\p{Cf}/u;
/** Defanged dots as analysts write them in reports. */
const DEFANGED_DOT = /\[\.\]|\(\.\)|\{\.\}|\[dot\]/gi;
/** Full-width/ideographic full stops that UTS-46 maps to "."; mapped early so label checks see the same labels. */
const UNICODE_DOTS = /[\u3002\uff0e\uff61]/g;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** The strict UTS-46 profile required by the product design (IDNA2008-compatible, non-transitional). */
const TO_ASCII_OPTIONS: tr46.ToASCIIOptions = {
  checkHyphens: true,
  checkBidi: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  transitionalProcessing: false,
  verifyDNSLength: true,
};
const TO_UNICODE_OPTIONS: tr46.Options = {
  checkHyphens: true,
  checkBidi: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  transitionalProcessing: false,
};

/** Quotes a value for an error message; long values are cut so messages stay readable. */
function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

function refangDots(value: string): string {
  return value.replace(DEFANGED_DOT, '.');
}

// ---------------------------------------------------------------------------
// Domains

type DomainResult = { ascii: string; unicode: string } | { problem: string };

/** Explains why a single label is unacceptable, or returns null if it is fine. */
function labelProblem(label: string): string | null {
  // Lenient conversion only to learn the label's ASCII shape for a precise message.
  const ascii = tr46.toASCII(label, { transitionalProcessing: false });
  if (ascii === null) return `label ${quote(label)} is not valid IDNA`;
  if (/[^a-z0-9-]/.test(ascii)) return `label ${quote(label)} may contain only letters, digits and hyphens`;
  if (ascii.startsWith('-') || ascii.endsWith('-')) return `label ${quote(label)} starts or ends with a hyphen`;
  if (ascii.length > 63) return `label ${quote(label)} is longer than 63 octets`;
  if (ascii.slice(2, 4) === '--' && !ascii.startsWith('xn--')) {
    return `label ${quote(label)} has hyphens in the third and fourth positions`;
  }
  return null;
}

/** Shared by DOMAIN, EMAIL and URL hosts so all three apply identical rules. */
function checkDomain(input: string): DomainResult {
  let s = refangDots(input).replace(UNICODE_DOTS, '.');
  if (s.endsWith('.')) s = s.slice(0, -1); // only one: "evil.vn.." keeps an empty label
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (ipaddr.IPv4.isValid(bare)) return { problem: 'it is an IPv4 address literal; use type IPV4' };
  if (ipaddr.IPv6.isValid(bare)) return { problem: 'it is an IPv6 address literal; use type IPV6' };

  const labels = s.split('.');
  if (labels.some((l) => l.length === 0)) return { problem: 'empty label' };
  if (labels.length < 2) return { problem: 'at least two labels are required' };

  const converted = tr46.toASCII(s, TO_ASCII_OPTIONS);
  if (converted === null) {
    for (const label of labels) {
      const problem = labelProblem(label);
      if (problem) return { problem };
    }
    if ((tr46.toASCII(s, { transitionalProcessing: false }) ?? '').length > 253) {
      return { problem: 'longer than 253 octets' };
    }
    return { problem: 'IDNA validation failed (bidi or joiner rules)' };
  }

  // Re-check the ASCII result ourselves: the rules must hold regardless of tr46 version details.
  const ascii = converted.toLowerCase();
  const asciiLabels = ascii.split('.');
  if (asciiLabels.length < 2) return { problem: 'at least two labels are required' };
  for (const label of asciiLabels) {
    if (label.length === 0) return { problem: 'empty label' };
    if (label.length > 63) return { problem: `label ${quote(label)} is longer than 63 octets` };
    if (!LDH_LABEL.test(label)) return { problem: `label ${quote(label)} is not a valid hostname label` };
  }
  if (ascii.length > 253) return { problem: 'longer than 253 octets' };
  if (/^[0-9]+$/.test(asciiLabels[asciiLabels.length - 1]!)) {
    return { problem: 'the top-level label is all-numeric' };
  }

  const unicode = tr46.toUnicode(ascii, TO_UNICODE_OPTIONS);
  if (unicode.error) return { problem: 'punycode does not decode to a valid name' };
  return { ascii, unicode: unicode.domain };
}

export function normalizeDomain(raw: string): { ascii: string; unicode: string } {
  const s = precheck(raw, 'domain name');
  const result = checkDomain(s);
  if ('problem' in result) throw new IndicatorError(-1, `${quote(s)} is not a valid domain name (${result.problem})`);
  return result;
}

/** Lenient canonicalization for zone comparison: zones may be single labels ("vn") and inputs may be Unicode. */
function zoneForm(name: string): string {
  let s = name.trim().replace(UNICODE_DOTS, '.');
  if (s.endsWith('.')) s = s.slice(0, -1);
  // eslint-disable-next-line no-control-regex -- \x00-\x7f is ASCII, the complement is what needs IDNA
  const ascii = /[^\x00-\x7f]/.test(s) ? tr46.toASCII(s, { transitionalProcessing: false }) : s;
  return (ascii ?? s).toLowerCase();
}

export function isDomainInZone(domain: string, zone: string): boolean {
  const d = zoneForm(domain);
  const z = zoneForm(zone);
  // An empty zone (root) would match everything; treating it as "no zone" is the safe default.
  if (d.length === 0 || z.length === 0) return false;
  return d === z || d.endsWith(`.${z}`);
}

// ---------------------------------------------------------------------------
// Addresses

type Parsed<T> = { ok: T } | { problem: string };

function parseIPv4(s: string): Parsed<string> {
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return { ok: ipaddr.IPv4.parse(s).toString() };
  if (ipaddr.IPv6.isValid(s)) return { problem: 'it is an IPv6 address; use type IPV6' };
  if (ipaddr.IPv4.isValid(s)) return { problem: 'only four-part dotted decimal without leading zeros is accepted' };
  return { problem: 'not an IPv4 address' };
}

function parseIPv6(s: string): Parsed<string> {
  if (s.includes('%')) return { problem: 'zone identifiers are not accepted' };
  if (ipaddr.IPv4.isValid(s)) return { problem: 'it is an IPv4 address; use type IPV4' };
  if (!ipaddr.IPv6.isValid(s)) return { problem: 'not an IPv6 address' };
  // ipaddr.js tolerates octal/hex in an embedded IPv4 tail; refuse it for the same reason as for IPV4.
  const tail = /:([^:]*\.[^:]*)$/.exec(s);
  if (tail && !ipaddr.IPv4.isValidFourPartDecimal(tail[1]!)) {
    return { problem: 'the embedded IPv4 part must be dotted decimal without leading zeros' };
  }
  return { ok: ipaddr.IPv6.parse(s).toRFC5952String() };
}

function normalizeCidr(s: string): string {
  const fail = (why: string): never => {
    throw new IndicatorError(-1, `${quote(s)} is not a valid CIDR block (${why})`);
  };
  const slash = s.split('/');
  if (slash.length !== 2) return fail('expected address/prefix-length');
  const [addrText, lenText] = slash as [string, string];
  const isV6 = addrText.includes(':');
  const parsed = isV6 ? parseIPv6(addrText) : parseIPv4(addrText);
  if ('problem' in parsed) return fail(parsed.problem);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText)) return fail('prefix length must be a decimal number');
  const len = Number(lenText);
  const max = isV6 ? 128 : 32;
  if (len > max) return fail(`prefix length must be between 0 and ${max}`);
  const bytes = ipaddr.parse(parsed.ok).toByteArray();
  for (let bit = len; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return fail('host bits are set');
  }
  return `${parsed.ok}/${len}`;
}

// ---------------------------------------------------------------------------
// URLs

const SCHEMES: Readonly<Record<string, string>> = {
  http: 'http',
  https: 'https',
  ftp: 'ftp',
  hxxp: 'http',
  hxxps: 'https',
  fxp: 'ftp',
};

function normalizeUrl(s: string): NormalizedIndicator[] {
  const fail = (why: string): never => {
    throw new IndicatorError(-1, `${quote(s)} is not a valid URL (${why})`);
  };
  const schemeMatch = /^([a-z][a-z0-9+.-]*)(\[:\]|:)/i.exec(s);
  if (!schemeMatch) return fail('missing scheme');
  const scheme = SCHEMES[schemeMatch[1]!.toLowerCase()];
  if (!scheme) return fail(`scheme ${quote(schemeMatch[1]!)} is not accepted; use http, https or ftp`);
  // "[.]" is refanged anywhere; the other dot defangs only in the authority, where they cannot be literal.
  const rest = s.slice(schemeMatch[0].length).replace(/\[\.\]/g, '.');

  // Locate the authority ourselves: WHATWG URL hides facts we must refuse on (an empty "@", IPv4 shorthands).
  const authorityMatch = /^([/\\]*)([^/\\?#]*)/.exec(rest)!;
  const authority = refangDots(authorityMatch[2]!);
  if (authority.includes('@')) return fail('credentials are not accepted');
  const rawHost = (authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':')[0]!).toLowerCase();
  const refanged = `${scheme}:${authorityMatch[1]}${authority}${rest.slice(authorityMatch[0].length)}`;

  let url: URL;
  try {
    url = new URL(refanged);
  } catch {
    return fail('cannot be parsed');
  }
  if (url.username !== '' || url.password !== '') return fail('credentials are not accepted');
  if (url.hostname === '') return fail('missing host');

  let hostAscii: string;
  let hostUnicode: string;
  let host: NormalizedIndicator;
  if (url.hostname.startsWith('[')) {
    const v6 = parseIPv6(rawHost.slice(1, -1));
    if ('problem' in v6) return fail(`host: ${v6.problem}`);
    hostAscii = hostUnicode = `[${v6.ok}]`;
    host = { type: 'IPV6', value: v6.ok, displayValue: v6.ok };
  } else if (ipaddr.IPv4.isValidFourPartDecimal(url.hostname)) {
    // WHATWG turns "0x7f.1" or "010.1.1.1" into an address; those forms are ambiguous, so require the canonical one.
    if (rawHost !== url.hostname) return fail('host: an IPv4 host must be written in four-part dotted decimal');
    hostAscii = hostUnicode = url.hostname;
    host = { type: 'IPV4', value: url.hostname, displayValue: url.hostname };
  } else {
    const domain = checkDomain(url.hostname);
    if ('problem' in domain) return fail(`host: ${domain.problem}`);
    hostAscii = domain.ascii;
    hostUnicode = domain.unicode;
    host = { type: 'DOMAIN', value: domain.ascii, displayValue: domain.unicode };
  }

  url.hostname = hostAscii; // drops a trailing dot and any defang WHATWG let through
  if (url.hostname !== hostAscii) return fail('host cannot be normalized');
  const value = url.href;
  // Without credentials href is "<protocol>//<host>" + the rest, so only the host needs swapping.
  const prefix = `${url.protocol}//${url.host}`;
  const port = url.port === '' ? '' : `:${url.port}`;
  const displayValue = `${url.protocol}//${hostUnicode}${port}${value.slice(prefix.length)}`;
  return [{ type: 'URL', value, displayValue }, host];
}

// ---------------------------------------------------------------------------
// Other types

function normalizeEmail(s: string): NormalizedIndicator {
  const fail = (why: string): never => {
    throw new IndicatorError(-1, `${quote(s)} is not a valid email address (${why})`);
  };
  const parts = refangDots(s).split('@');
  if (parts.length < 2) return fail('missing @');
  if (parts.length > 2) return fail('the local part must not contain @');
  const [local, domainText] = parts as [string, string];
  if (local.length === 0) return fail('empty local part');
  if (local.length > 64) return fail('local part longer than 64 characters');
  if (/\s/.test(local)) return fail('local part contains whitespace');
  if (FORMAT_CHARS.test(local)) return fail('local part contains invisible formatting characters (zero-width or bidi)');
  const domain = checkDomain(domainText);
  if ('problem' in domain) return fail(`domain: ${domain.problem}`);
  return { type: 'EMAIL', value: `${local}@${domain.ascii}`, displayValue: `${local}@${domain.unicode}` };
}

function normalizeAsn(s: string): string {
  const fail = (why: string): never => {
    throw new IndicatorError(-1, `${quote(s)} is not a valid AS number (${why})`);
  };
  const m = /^(?:as *)?([0-9]+)$/i.exec(s);
  if (!m) return fail('expected AS<number> or <number>');
  const digits = m[1]!.replace(/^0+(?=[0-9])/, '');
  // Compare as text first so huge inputs never lose precision as a Number.
  const n = digits.length > 10 ? Infinity : Number(digits);
  if (n === 0) return fail('AS0 is reserved');
  if (n > MAX_ASN) return fail(`must be at most ${MAX_ASN}`);
  return `AS${n}`;
}

function normalizeHash(s: string): string {
  if (!/^[0-9a-f]+$/i.test(s) || !HASH_LENGTHS.has(s.length)) {
    throw new IndicatorError(-1, `${quote(s)} is not a valid file hash (expected 32, 40, 64 or 128 hex digits)`);
  }
  return s.toLowerCase();
}

// ---------------------------------------------------------------------------
// Entry points

/** Rules common to every type; returns the trimmed value. */
function precheck(raw: string, what: string): string {
  const s = raw.trim();
  if (s.length === 0) throw new IndicatorError(-1, `empty ${what}`);
  if (s.length > MAX_LENGTH) throw new IndicatorError(-1, `${what} longer than ${MAX_LENGTH} characters`);
  if (CONTROL_CHARS.test(s)) throw new IndicatorError(-1, `${quote(s)} contains control characters`);
  // Half of a surrogate pair is not a character; stored, it would silently become U+FFFD (so would a URL path).
  if (hasLoneSurrogate(s)) throw new IndicatorError(-1, `${quote(s)} is not well-formed Unicode (a lone surrogate)`);
  return s;
}

function single(type: IndicatorType, value: string): NormalizedIndicator[] {
  return [{ type, value, displayValue: value }];
}

export function normalizeIndicator(type: IndicatorType, raw: string): NormalizedIndicator[] {
  // The type arrives from GraphQL as an enum, but this module must stay safe for any caller.
  if (!(INDICATOR_TYPES as readonly string[]).includes(type)) {
    throw new IndicatorError(-1, `unknown indicator type ${quote(String(type))}`);
  }
  if (typeof raw !== 'string') throw new IndicatorError(-1, 'indicator value must be a string');
  const s = precheck(raw, 'indicator value');

  let result: NormalizedIndicator[];
  switch (type) {
    case 'DOMAIN': {
      const { ascii, unicode } = normalizeDomain(s);
      result = [{ type, value: ascii, displayValue: unicode }];
      break;
    }
    case 'IPV4': {
      const v4 = parseIPv4(refangDots(s));
      if ('problem' in v4) throw new IndicatorError(-1, `${quote(s)} is not a valid IPv4 address (${v4.problem})`);
      result = single(type, v4.ok);
      break;
    }
    case 'IPV6': {
      const v6 = parseIPv6(refangDots(s));
      if ('problem' in v6) throw new IndicatorError(-1, `${quote(s)} is not a valid IPv6 address (${v6.problem})`);
      result = single(type, v6.ok);
      break;
    }
    case 'CIDR':
      result = single(type, normalizeCidr(refangDots(s)));
      break;
    case 'URL':
      result = normalizeUrl(s);
      break;
    case 'EMAIL':
      result = [normalizeEmail(s)];
      break;
    case 'ASN':
      result = single(type, normalizeAsn(s));
      break;
    case 'FILE_HASH':
      result = single(type, normalizeHash(s));
      break;
  }
  // Percent-encoding can grow a URL past the storage limit even when the input fit.
  if (result.some((r) => r.value.length > MAX_LENGTH || r.displayValue.length > MAX_LENGTH)) {
    throw new IndicatorError(-1, `${quote(s)} is longer than ${MAX_LENGTH} characters once normalized`);
  }
  return result;
}

export function normalizeIndicators(inputs: { type: IndicatorType; value: string }[]): NormalizedIndicator[] {
  const out: NormalizedIndicator[] = [];
  const seen = new Set<string>();
  inputs.forEach((input, index) => {
    let normalized: NormalizedIndicator[];
    try {
      normalized = normalizeIndicator(input.type, input.value);
    } catch (err) {
      if (err instanceof IndicatorError) throw new IndicatorError(index, err.reason);
      throw err;
    }
    for (const indicator of normalized) {
      // NUL cannot occur in a value (control characters are refused), so the key is unambiguous.
      const key = `${indicator.type}\u0000${indicator.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(indicator);
    }
  });
  return out;
}

/** A zone may be a single label (VNNIC's `vn`): those are checked as the child of a probe label, then stripped again. */
export function normalizeZone(raw: string): string {
  let s = raw.trim();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (!s) throw new IndicatorError(-1, 'empty zone');
  if (s.includes('.') || /\[\.\]|\(\.\)|\{\.\}|\[dot\]/i.test(s)) return normalizeDomain(s).ascii;
  try {
    return normalizeDomain(`zone.${s}`).ascii.slice('zone.'.length);
  } catch {
    throw new IndicatorError(-1, `${JSON.stringify(s)} is not a valid DNS zone`);
  }
}

/** A normalization of client input: an IndicatorError becomes BAD_USER_INPUT on `field`, with its reason. */
export function normalizedInput<T>(field: string, normalize: () => T): T {
  try {
    return normalize();
  } catch (err) {
    if (err instanceof IndicatorError) throw badInput(field, err.reason);
    throw err;
  }
}

/** A list of indicators from client input: a refused one is BAD_USER_INPUT at `${listField}[i].value`. */
export function normalizeIndicatorsInput(inputs: { type: IndicatorType; value: string }[], listField: string): NormalizedIndicator[] {
  try {
    return normalizeIndicators(inputs);
  } catch (err) {
    if (err instanceof IndicatorError) throw badInput(err.index >= 0 ? `${listField}[${err.index}].value` : listField, err.message);
    throw err;
  }
}
