import { badInput } from '../../graphql/errors';
import type { ReportIncidentInput } from './incident.types';

/**
 * Free text of a report is stored as sent, so it must be text PostgreSQL can hold faithfully: no NUL
 * (text and jsonb refuse it: it would be an internal error), no half surrogate pairs (jsonb refuses
 * them; text would silently turn them into U+FFFD), and no control characters (terminal escapes in
 * logs and UIs) — except tab and line breaks in multi-line fields. Checked before any database access,
 * so the answer is BAD_USER_INPUT naming the field.
 */
const SINGLE_LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(value: string, multiLine = false): string | null {
  if (LONE_SURROGATE.test(value)) return 'is not well-formed Unicode (it contains half of a surrogate pair)';
  if ((multiLine ? MULTI_LINE_CONTROL : SINGLE_LINE_CONTROL).test(value)) {
    return multiLine ? 'contains control characters (only tab and line breaks are allowed)' : 'contains control characters';
  }
  return null;
}

function check(field: string, value: string | null | undefined, multiLine = false): void {
  if (typeof value !== 'string') return;
  const problem = textProblem(value, multiLine);
  if (problem) throw badInput(field, `${field.replace(/^input\./, '')} ${problem}`);
}

/** Every string of a report but the indicators (which the normalizer checks, and more strictly). */
export function checkReportText(input: ReportIncidentInput): void {
  check('input.title', input.title);
  check('input.description', input.description, true);
  check('input.reportTo', input.reportTo);
  check('input.idempotencyKey', input.idempotencyKey);
  const contact = input.reporterContact;
  check('input.reporterContact.name', contact.name);
  check('input.reporterContact.email', contact.email);
  check('input.reporterContact.phone', contact.phone);
  check('input.reporterContact.organizationName', contact.organizationName);
  const system = input.affectedSystem;
  if (system) {
    check('input.affectedSystem.name', system.name);
    check('input.affectedSystem.operator', system.operator);
    check('input.affectedSystem.connectivityProvider', system.connectivityProvider);
    (system.publicIps ?? []).forEach((ip, i) => check(`input.affectedSystem.publicIps[${i}]`, ip));
  }
}
