/**
 * The STIX pattern parser (src/modules/exchange/stix.pattern.ts) against OASIS's grammar
 * (../shared/conformance/stix2-json-schemas/pattern_grammar/STIXPattern.g4): it accepts every pattern of
 * OASIS's example bundles and the pattern examples of the STIX 2.1 specification (§9), which exercise
 * every rule of the grammar; it rejects what the grammar rejects; and every pattern the hub emits parses
 * back to the one comparison it was built from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsePattern, simpleComparison, tokenize, quote } from '../../../src/modules/exchange/stix.pattern';
import { observableOf } from '../../../src/modules/exchange/stix.bundle';
import { STIX_DIR, exampleBundles } from './conformance';

/** STIX 2.1 §9.9 "Pattern Examples", and one per grammar rule the examples leave out. */
const SPEC_VALID = [
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
  "[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']",
  "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
  "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
  "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
  "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
  "[(file:name = 'pdf.exe' OR file:size = 371712) AND file:created = t'2014-01-13T07:03:17Z']",
  "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
  "[x-usb-device:usbdrive.serial_number = '575833334B41383042303637']",
  "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
  "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 180 SECONDS",
  "[network-traffic:dst_port IN (443, 8443) AND network-traffic:protocols[0] = 'tcp']",
  "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "([ipv4-addr:value = '10.0.0.1'] AND [ipv4-addr:value = '10.0.0.2']) OR [domain-name:value = 'x.example']",
  "[artifact:payload_bin = b'aGVsbG8=' AND artifact:hashes.'SHA-1' != 'aa']",
  "[file:magic_number_hex = h'ffd8']",
  '[file:size >= 10 AND file:size < 2.5 AND file:x_neg > -1 AND file:x_negf <= -.5]',
  '[user-account:is_privileged = true AND user-account:is_disabled NOT = false]',
  "[file:name LIKE 'x%' AND file:name NOT LIKE 'y%' AND file:parent_directory_ref.path ISSUBSET '10.0.0.0/8' AND ipv4-addr:value ISSUPERSET '10.0.0.0/8']",
  '[EXISTS windows-registry-key:values AND NOT EXISTS file:name]',
  '[a:b[-1] = 1 /* a comment */] // and a line comment',
  "[file:name = 'it\\'s']",
  "[x-custom-object:'quoted-prop'.inner = 'v']",
];

const INVALID = [
  '',
  "domain-name:value = 'x'",
  "[domain-name:value = 'x'",
  "[domain-name:value 'x']",
  '[domain-name:value = x]',
  "[domain-name:value = 'unterminated]",
  "[domain-name: = 'x']",
  "[:value = 'x']",
  "[domain-name:value = 'x'] AND",
  "[domain-name:value = 'x'] WITHIN SECONDS",
  "[domain-name:value = 'x'] REPEATS -1 TIMES",
  "[file:hashes.MD5 = 'a'] START '2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "[file:created = t'2014-13-13T07:03:17Z']",
  '[file:size > true]',
  '[file:size IN 1]',
  '[file:name MATCHES 5]',
  "[domain-name:value = 'x'] #",
  "[domain-name:value = 'x' AND]",
  "[domain-name:value == 'x' OR OR domain-name:value = 'y']",
  "[file:hashes.'SHA-256 = 'x']",
  '[a-b:c-d = 1]',
];

test('the grammar file is the one these cases follow', () => {
  const g4 = fs.readFileSync(path.join(STIX_DIR, 'pattern_grammar', 'STIXPattern.g4'), 'utf8');
  // The rules the parser implements, by name (a grammar that changed would need the parser to follow).
  for (const rule of [
    'observationExpressions',
    'observationExpressionOr',
    'observationExpressionAnd',
    'comparisonExpression',
    'propTest',
    'startStopQualifier',
    'withinQualifier',
    'repeatedQualifier',
    'objectPath',
    'setLiteral',
    'TimestampLiteral',
    'BinaryLiteral',
    'HexLiteral',
  ]) {
    expect(g4).toMatch(new RegExp(`^${rule}\\b`, 'm'));
  }
});

test("every indicator pattern of OASIS's example bundles parses", () => {
  const patterns = exampleBundles().flatMap((e) =>
    (e.bundle.objects ?? []).filter((o) => o.type === 'indicator').map((o) => [e.name, String(o.pattern)] as const),
  );
  expect(patterns.length).toBeGreaterThan(5);
  const failed = patterns.filter(([, p]) => {
    try {
      parsePattern(p);
      return false;
    } catch {
      return true;
    }
  });
  expect(failed).toEqual([]);
});

test.each(SPEC_VALID)('valid: %s', (p) => {
  expect(() => parsePattern(p)).not.toThrow();
});

test.each(INVALID)('invalid: %s', (p) => {
  expect(() => parsePattern(p)).toThrow();
});

test('the lexer takes the longest match and keywords before identifiers, as ANTLR', () => {
  expect(tokenize("AND ANDX h'ff' hx").map((t) => t.kind)).toEqual(['AND', 'IdNoHyphen', 'Hex', 'IdNoHyphen', 'EOF']);
  expect(tokenize('domain-name <= <> == .5').map((t) => t.kind)).toEqual(['IdHyphen', 'LE', 'NEQ', 'EQ', 'FloatPos', 'EOF']);
});

test('what the hub emits is the subset: one comparison that parses back to its value', () => {
  const cases: [string, string][] = [
    ['DOMAIN', 'xn--bcher-kva.example'],
    ['IPV4', '198.51.100.7'],
    ['IPV6', '2001:db8::1'],
    ['CIDR', '198.51.100.0/24'],
    ['CIDR', '2001:db8::/32'],
    ['URL', "http://evil.example/a'b\\c"],
    ['EMAIL', 'x@evil.example'],
    ['ASN', 'AS64500'],
    ['FILE_HASH', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['FILE_HASH', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['FILE_HASH', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['FILE_HASH', 'a'.repeat(128)],
  ];
  for (const [type, value] of cases) {
    const o = observableOf(type, value)!;
    const c = simpleComparison(parsePattern(o.pattern))!;
    expect(c).not.toBeNull();
    expect(c.objectType).toBe(o.sco.type);
    expect(c.value.value).toBe(type === 'ASN' ? '64500' : value);
  }
  expect(quote("a'b\\c")).toBe("'a\\'b\\\\c'");
  // Anything else is not the subset.
  const compound = SPEC_VALID.filter((p) =>
    / (AND|OR|FOLLOWEDBY|WITHIN|REPEATS|START|IN|LIKE|MATCHES|NOT|ISSUBSET) |EXISTS|\[\*\]|\[-?\d\]/.test(p.replace(/'[^']*'/g, "''")),
  );
  expect(compound.length).toBeGreaterThan(15);
  for (const p of compound) expect([p, simpleComparison(parsePattern(p))]).toEqual([p, null]);
});
