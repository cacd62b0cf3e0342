import { classify } from '../../src/modules/incidents/classification';
import { HubError } from '../../src/graphql/errors';

test('derives the national category when exactly one lists the class/type', () => {
  expect(classify({ rsitClass: 'fraud', rsitType: 'phishing' }).nationalCategory).toBe('SPOOFING');
  expect(classify({ rsitClass: 'malicious-code', rsitType: 'c2-server' }).nationalCategory).toBe('MALWARE');
  expect(classify({ rsitClass: 'availability', rsitType: 'ddos' }).nationalCategory).toBe('DOS');
});

test('OTHER when none lists it; required when several do', () => {
  expect(classify({ rsitClass: 'vulnerable', rsitType: 'weak-crypto' }).nationalCategory).toBe('OTHER');
  // intrusions/application-compromise: UNAUTHORIZED_ACCESS (intrusions/*) and DEFACEMENT.
  expect(() => classify({ rsitClass: 'intrusions', rsitType: 'application-compromise' })).toThrow(HubError);
  expect(classify({ rsitClass: 'intrusions', rsitType: 'application-compromise', nationalCategory: 'DEFACEMENT' }).nationalCategory).toBe(
    'DEFACEMENT',
  );
  expect(() => classify({ rsitClass: 'information-content-security', rsitType: 'unauthorised-information-modification' })).toThrow(/RANSOMWARE/);
});

test('the type must belong to the class; unknown values are refused with the field', () => {
  const field = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as HubError).extensions.field;
    }
    return null;
  };
  expect(field(() => classify({ rsitClass: 'fraud', rsitType: 'ddos' }))).toBe('input.rsitType');
  expect(field(() => classify({ rsitClass: 'nope' }))).toBe('input.rsitClass');
  expect(field(() => classify({ rsitClass: 'fraud', rsitType: 'phishing', nationalCategory: 'NOPE' }))).toBe('input.nationalCategory');
});
