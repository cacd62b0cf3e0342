import {
  INDICATOR_TYPES,
  IndicatorError,
  type IndicatorType,
  type NormalizedIndicator,
  isDomainInZone,
  normalizeDomain,
  normalizeIndicator,
  normalizeIndicators,
} from '../../src/modules/indicators/normalize';

/** Runs fn and returns the IndicatorError it throws; fails the test if it throws anything else or nothing. */
function indicatorError(fn: () => unknown): IndicatorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IndicatorError);
    return err as IndicatorError;
  }
  throw new Error('expected an IndicatorError');
}

function one(type: IndicatorType, raw: string): NormalizedIndicator {
  const result = normalizeIndicator(type, raw);
  expect(result).toHaveLength(1);
  return result[0]!;
}

function same(type: IndicatorType, value: string): NormalizedIndicator {
  return { type, value, displayValue: value };
}

describe('INDICATOR_TYPES', () => {
  it('lists the supported types', () => {
    expect(INDICATOR_TYPES).toEqual(['DOMAIN', 'IPV4', 'IPV6', 'CIDR', 'URL', 'EMAIL', 'ASN', 'FILE_HASH']);
  });
});

describe('IndicatorError', () => {
  it('carries index and reason, and prefixes the list position', () => {
    const err = new IndicatorError(2, '"a..b" is not a valid domain name (empty label)');
    expect(err).toBeInstanceOf(Error);
    expect(err.index).toBe(2);
    expect(err.reason).toBe('"a..b" is not a valid domain name (empty label)');
    expect(err.message).toBe('indicators[2]: "a..b" is not a valid domain name (empty label)');
    expect(err.name).toBe('IndicatorError');
  });

  it('uses index -1 for single values', () => {
    const err = indicatorError(() => normalizeIndicator('DOMAIN', 'a..b'));
    expect(err.index).toBe(-1);
    expect(err.message).toBe('"a..b" is not a valid domain name (empty label)');
  });
});

describe('rules common to all types', () => {
  it.each(INDICATOR_TYPES)('%s: refuses empty and whitespace-only values', (type) => {
    expect(indicatorError(() => normalizeIndicator(type, '')).index).toBe(-1);
    indicatorError(() => normalizeIndicator(type, '   \t\n '));
  });

  it.each(INDICATOR_TYPES)('%s: refuses values longer than 2048 characters', (type) => {
    indicatorError(() => normalizeIndicator(type, `${'a'.repeat(2049)}`));
    indicatorError(() => normalizeIndicator(type, `http://evil.vn/${'a'.repeat(2040)}`));
  });

  it.each(INDICATOR_TYPES)('%s: refuses control characters', (type) => {
    indicatorError(() => normalizeIndicator(type, 'evil\u0000.vn'));
    indicatorError(() => normalizeIndicator(type, 'evil.vn\u0007'));
    indicatorError(() => normalizeIndicator(type, 'ev\til.vn'));
    indicatorError(() => normalizeIndicator(type, 'evil\u007f.vn'));
    indicatorError(() => normalizeIndicator(type, 'evil\u0085.vn'));
  });

  it('trims surrounding whitespace for every type', () => {
    expect(one('DOMAIN', '  evil.vn \n')).toEqual(same('DOMAIN', 'evil.vn'));
    expect(one('IPV4', ' 1.2.3.4\t')).toEqual(same('IPV4', '1.2.3.4'));
    expect(one('IPV6', ' 2001:db8::1 ')).toEqual(same('IPV6', '2001:db8::1'));
    expect(one('CIDR', ' 10.0.0.0/24 ')).toEqual(same('CIDR', '10.0.0.0/24'));
    expect(normalizeIndicator('URL', ' http://evil.vn/x ')[0]).toEqual(same('URL', 'http://evil.vn/x'));
    expect(one('EMAIL', ' a@evil.vn ')).toEqual(same('EMAIL', 'a@evil.vn'));
    expect(one('ASN', ' AS64500 ')).toEqual(same('ASN', 'AS64500'));
    expect(one('FILE_HASH', ` ${'a'.repeat(32)} `)).toEqual(same('FILE_HASH', 'a'.repeat(32)));
  });

  it('accepts a value of exactly 2048 characters', () => {
    const url = `http://evil.vn/${'a'.repeat(2048 - 'http://evil.vn/'.length)}`;
    expect(url).toHaveLength(2048);
    expect(normalizeIndicator('URL', url)[0]!.value).toBe(url);
  });

  it('refuses an unknown type', () => {
    indicatorError(() => normalizeIndicator('HOSTNAME' as IndicatorType, 'evil.vn'));
  });
});

describe('DOMAIN', () => {
  it.each([
    ['evil.vn', 'evil.vn', 'evil.vn'],
    ['EVIL.VN', 'evil.vn', 'evil.vn'],
    ['evil.vn.', 'evil.vn', 'evil.vn'],
    ['Bücher.VN.', 'xn--bcher-kva.vn', 'bücher.vn'],
    ['xn--bcher-kva.vn', 'xn--bcher-kva.vn', 'bücher.vn'],
    ['XN--BCHER-KVA.VN', 'xn--bcher-kva.vn', 'bücher.vn'],
    ['bộcôngan.gov.vn', 'xn--bcngan-jxa6332d.gov.vn', 'bộcôngan.gov.vn'],
    ['faß.de', 'xn--fa-hia.de', 'faß.de'], // non-transitional: ß is kept, not mapped to "ss"
    ['例え.テスト', 'xn--r8jz45g.xn--zckzah', '例え.テスト'],
    ['evil。vn', 'evil.vn', 'evil.vn'],
    ['ＥＶＩＬ.vn', 'evil.vn', 'evil.vn'],
    ['EVIL[.]vn', 'evil.vn', 'evil.vn'],
    ['evil[.]vn', 'evil.vn', 'evil.vn'],
    ['evil(.)vn', 'evil.vn', 'evil.vn'],
    ['evil[dot]vn', 'evil.vn', 'evil.vn'],
    ['evil[DOT]vn', 'evil.vn', 'evil.vn'],
    ['evil{.}vn', 'evil.vn', 'evil.vn'],
    ['www[.]evil[.]com[.]vn', 'www.evil.com.vn', 'www.evil.com.vn'],
    ['a-b.vn', 'a-b.vn', 'a-b.vn'],
    ['1evil.vn', '1evil.vn', '1evil.vn'],
    ['123.vn', '123.vn', '123.vn'],
    ['x.y.z.evil.vn', 'x.y.z.evil.vn', 'x.y.z.evil.vn'],
    [`${'a'.repeat(63)}.vn`, `${'a'.repeat(63)}.vn`, `${'a'.repeat(63)}.vn`],
  ])('%s → %s (%s)', (raw, value, displayValue) => {
    expect(normalizeIndicator('DOMAIN', raw)).toEqual([{ type: 'DOMAIN', value, displayValue }]);
  });

  it('accepts a 253-octet name', () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(name).toHaveLength(253);
    expect(one('DOMAIN', name).value).toBe(name);
  });

  it.each([
    ['a..b', 'empty label'],
    ['.vn', 'empty label'],
    ['evil.vn..', 'empty label'],
    ['.', 'empty label'],
    ['-a.vn', 'hyphen'],
    ['a-.vn', 'hyphen'],
    ['evil.-vn', 'hyphen'],
    ['exa mple.vn', 'letters, digits and hyphens'],
    ['a_b.vn', 'letters, digits and hyphens'],
    ['evil!.vn', 'letters, digits and hyphens'],
    ['evil.vn/path', 'letters, digits and hyphens'],
    ['localhost', 'two labels'],
    ['vn', 'two labels'],
    ['evil.123', 'all-numeric'],
    ['1.2.3.4', 'IPV4'],
    ['010.1.1.1', 'IPV4'],
    ['::1', 'IPV6'],
    ['2001:db8::1', 'IPV6'],
    ['[2001:db8::1]', 'IPV6'],
    [`${'a'.repeat(64)}.vn`, '63'],
    ['ab--c.vn', 'third and fourth'],
    ['xn--zz.vn', 'IDNA'],
    ['evil.vn:80', 'letters, digits and hyphens'],
  ])('refuses %s (%s)', (raw, why) => {
    const err = indicatorError(() => normalizeIndicator('DOMAIN', raw));
    expect(err.reason).toContain('is not a valid domain name');
    expect(err.reason).toContain(why);
  });

  it('refuses names longer than 253 octets', () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`;
    expect(name).toHaveLength(254);
    expect(indicatorError(() => normalizeIndicator('DOMAIN', name)).reason).toContain('253');
  });

  it('refuses names whose punycode label exceeds 63 octets', () => {
    indicatorError(() => normalizeIndicator('DOMAIN', `${'ü'.repeat(60)}.vn`));
  });

  it('refuses labels violating the bidi and joiner rules', () => {
    indicatorError(() => normalizeIndicator('DOMAIN', 'aשלום.vn')); // LTR and RTL characters mixed in one label
    indicatorError(() => normalizeIndicator('DOMAIN', 'a\u200db.vn')); // ZWJ outside a virama context
  });
});

describe('normalizeDomain', () => {
  it('returns ASCII and Unicode forms', () => {
    expect(normalizeDomain('Bücher.VN.')).toEqual({ ascii: 'xn--bcher-kva.vn', unicode: 'bücher.vn' });
    expect(normalizeDomain('evil[.]vn')).toEqual({ ascii: 'evil.vn', unicode: 'evil.vn' });
  });

  it('throws IndicatorError with index -1', () => {
    const err = indicatorError(() => normalizeDomain('a..b'));
    expect(err.index).toBe(-1);
    expect(err.message).toBe('"a..b" is not a valid domain name (empty label)');
    indicatorError(() => normalizeDomain(''));
    indicatorError(() => normalizeDomain('localhost'));
  });
});

describe('isDomainInZone', () => {
  it.each([
    ['evil.vn', 'vn', true],
    ['evil.vn', 'evil.vn', true],
    ['a.b.evil.vn', 'evil.vn', true],
    ['EVIL.VN.', 'vn', true],
    ['evil.vn', 'VN.', true],
    ['bücher.vn', 'vn', true],
    ['xn--bcher-kva.vn', 'bücher.vn', true],
    ['devil.vn', 'evil.vn', false],
    ['evil.vn', 'a.evil.vn', false],
    ['evil.vnx', 'vn', false],
    ['evil.com', 'vn', false],
    ['evil.vn', '', false],
    ['', 'vn', false],
  ])('isDomainInZone(%s, %s) = %s', (domain, zone, expected) => {
    expect(isDomainInZone(domain, zone)).toBe(expected);
  });
});

describe('IPV4', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['1[.]2[.]3[.]4', '1.2.3.4'],
    ['10[.]0.0.1', '10.0.0.1'],
  ])('%s → %s', (raw, value) => {
    expect(normalizeIndicator('IPV4', raw)).toEqual([same('IPV4', value)]);
  });

  it.each([
    '010.1.1.1',
    '01.2.3.4',
    '1.1',
    '1.2.3',
    '0x7f.1.1.1',
    '2130706433',
    '256.1.1.1',
    '1.2.3.4.',
    '1.2.3.4/32',
    '1.2.3.-4',
    'evil.vn',
    '::1',
    '::ffff:1.2.3.4',
    '2001:db8::1',
  ])('refuses %s', (raw) => {
    expect(indicatorError(() => normalizeIndicator('IPV4', raw)).reason).toContain('is not a valid IPv4 address');
  });
});

describe('IPV6', () => {
  it.each([
    ['2001:db8::1', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::1', 'fe80::1'],
    // IPv4-mapped stays IPV6; ipaddr.js toRFC5952String() writes the tail in hex, as WHATWG URL does.
    ['::ffff:1.2.3.4', '::ffff:102:304'],
    ['::FFFF:1[.]2[.]3[.]4', '::ffff:102:304'],
  ])('%s → %s', (raw, value) => {
    expect(normalizeIndicator('IPV6', raw)).toEqual([same('IPV6', value)]);
  });

  it.each([
    'fe80::1%eth0',
    'fe80::1%25eth0',
    '1.2.3.4',
    '1::2::3',
    '2001:db8::g',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:010.1.1.1',
    '::ffff:0x7f.1.1.1',
    '2001:db8::/32',
    'evil.vn',
  ])('refuses %s', (raw) => {
    expect(indicatorError(() => normalizeIndicator('IPV6', raw)).reason).toContain('is not a valid IPv6 address');
  });
});

describe('CIDR', () => {
  it.each([
    ['10.0.0.0/24', '10.0.0.0/24'],
    ['10[.]0[.]0[.]0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['1.2.3.4/32', '1.2.3.4/32'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:DB8:0::/48', '2001:db8::/48'],
    ['2001:db8::1/128', '2001:db8::1/128'],
    ['::/0', '::/0'],
    ['::ffff:10.0.0.0/104', '::ffff:a00:0/104'],
  ])('%s → %s', (raw, value) => {
    expect(normalizeIndicator('CIDR', raw)).toEqual([same('CIDR', value)]);
  });

  it.each([
    ['10.0.0.1/24', 'host bits'],
    ['10.0.0.128/24', 'host bits'],
    ['2001:db8::1/32', 'host bits'],
    ['10.0.0.0/33', 'between 0 and 32'],
    ['2001:db8::/129', 'between 0 and 128'],
    ['10.0.0.0/-1', 'decimal'],
    ['10.0.0.0/024', 'decimal'],
    ['10.0.0.0/', 'decimal'],
    ['10.0.0.0', 'address/prefix'],
    ['10.0.0.0/8/8', 'address/prefix'],
    ['010.0.0.0/8', 'dotted decimal'],
    ['10.0/16', 'dotted decimal'],
    ['fe80::%eth0/64', 'zone'],
    ['evil.vn/24', 'IPv4'],
  ])('refuses %s (%s)', (raw, why) => {
    const err = indicatorError(() => normalizeIndicator('CIDR', raw));
    expect(err.reason).toContain('is not a valid CIDR block');
    expect(err.reason).toContain(why);
  });
});

describe('URL', () => {
  it.each([
    ['http://evil.vn/login?x=1#top', 'http://evil.vn/login?x=1#top', 'DOMAIN', 'evil.vn'],
    ['https://EVIL.vn/Path/To?Q=A', 'https://evil.vn/Path/To?Q=A', 'DOMAIN', 'evil.vn'],
    ['ftp://files.evil.vn/a.exe', 'ftp://files.evil.vn/a.exe', 'DOMAIN', 'files.evil.vn'],
    ['http://evil.vn', 'http://evil.vn/', 'DOMAIN', 'evil.vn'],
    ['http://evil.vn./x', 'http://evil.vn/x', 'DOMAIN', 'evil.vn'],
    ['http://evil.vn:8080/x', 'http://evil.vn:8080/x', 'DOMAIN', 'evil.vn'],
    ['HTTP://evil.vn/', 'http://evil.vn/', 'DOMAIN', 'evil.vn'],
    ['hxxp://evil[.]vn/x', 'http://evil.vn/x', 'DOMAIN', 'evil.vn'],
    ['hXXps://evil[.]vn/x', 'https://evil.vn/x', 'DOMAIN', 'evil.vn'],
    ['hxxps[:]//evil[.]vn/a[.]php', 'https://evil.vn/a.php', 'DOMAIN', 'evil.vn'],
    ['http[:]//evil.vn/', 'http://evil.vn/', 'DOMAIN', 'evil.vn'],
    ['fxp://evil[.]vn/file', 'ftp://evil.vn/file', 'DOMAIN', 'evil.vn'],
    ['hxxp://evil(.)vn/x', 'http://evil.vn/x', 'DOMAIN', 'evil.vn'],
    ['hxxp://evil[dot]vn/x', 'http://evil.vn/x', 'DOMAIN', 'evil.vn'],
    ['http://evil.vn/a b', 'http://evil.vn/a%20b', 'DOMAIN', 'evil.vn'],
    ['http://1.2.3.4/x', 'http://1.2.3.4/x', 'IPV4', '1.2.3.4'],
    ['hxxp://1[.]2[.]3[.]4:8080/', 'http://1.2.3.4:8080/', 'IPV4', '1.2.3.4'],
    ['http://[2001:DB8:0::1]/x', 'http://[2001:db8::1]/x', 'IPV6', '2001:db8::1'],
    ['http://[2001:db8::1]:8443/', 'http://[2001:db8::1]:8443/', 'IPV6', '2001:db8::1'],
    ['http://[::ffff:1.2.3.4]/', 'http://[::ffff:102:304]/', 'IPV6', '::ffff:102:304'],
  ])('%s → %s + %s %s', (raw, url, hostType, host) => {
    expect(normalizeIndicator('URL', raw)).toEqual([same('URL', url), same(hostType as IndicatorType, host)]);
  });

  it('keeps the ASCII host in value and the Unicode host in displayValue', () => {
    expect(normalizeIndicator('URL', 'https://Bücher.VN./kaufen?x=ü#f')).toEqual([
      {
        type: 'URL',
        value: 'https://xn--bcher-kva.vn/kaufen?x=%C3%BC#f',
        displayValue: 'https://bücher.vn/kaufen?x=%C3%BC#f',
      },
      { type: 'DOMAIN', value: 'xn--bcher-kva.vn', displayValue: 'bücher.vn' },
    ]);
    expect(normalizeIndicator('URL', 'hxxp://xn--bcher-kva[.]vn:81/')).toEqual([
      { type: 'URL', value: 'http://xn--bcher-kva.vn:81/', displayValue: 'http://bücher.vn:81/' },
      { type: 'DOMAIN', value: 'xn--bcher-kva.vn', displayValue: 'bücher.vn' },
    ]);
  });

  it.each([
    ['http://user:pass@evil.vn/', 'credentials'],
    ['http://user@evil.vn/', 'credentials'],
    ['http://@evil.vn/', 'credentials'],
    ['http://paypal.com@evil.vn/', 'credentials'],
    ['http://', 'cannot be parsed'],
    ['http:///x', 'two labels'],
    ['https://localhost/', 'two labels'],
    ['http://a..b/', 'empty label'],
    ['http://-a.vn/', 'hyphen'],
    ['http://a_b.vn/', 'letters, digits and hyphens'],
    ['http://evil.123/', 'cannot be parsed'],
    ['http://0x7f.1/', 'four-part dotted decimal'],
    ['http://010.1.1.1/', 'four-part dotted decimal'],
    ['http://2130706433/', 'four-part dotted decimal'],
    ['http://[fe80::1%25eth0]/', 'cannot be parsed'],
    ['javascript:alert(1)', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['mailto:a@evil.vn', 'scheme'],
    ['hxxpx://evil.vn/', 'scheme'],
    ['evil.vn/path', 'scheme'],
    ['//evil.vn/path', 'missing scheme'],
  ])('refuses %s (%s)', (raw, why) => {
    const err = indicatorError(() => normalizeIndicator('URL', raw));
    expect(err.reason).toContain('is not a valid URL');
    expect(err.reason).toContain(why);
  });

  it('refuses a URL that only grows past 2048 characters when percent-encoded', () => {
    indicatorError(() => normalizeIndicator('URL', `http://evil.vn/${'ü'.repeat(1000)}`));
  });
});

describe('EMAIL', () => {
  it.each([
    ['John.Doe@EVIL.VN', 'John.Doe@evil.vn', 'John.Doe@evil.vn'],
    ['john[.]doe@evil[.]vn', 'john.doe@evil.vn', 'john.doe@evil.vn'],
    ['a+tag@evil.vn.', 'a+tag@evil.vn', 'a+tag@evil.vn'],
    ['Info@Bücher.VN', 'Info@xn--bcher-kva.vn', 'Info@bücher.vn'],
    [`${'x'.repeat(64)}@evil.vn`, `${'x'.repeat(64)}@evil.vn`, `${'x'.repeat(64)}@evil.vn`],
  ])('%s → %s (%s)', (raw, value, displayValue) => {
    expect(normalizeIndicator('EMAIL', raw)).toEqual([{ type: 'EMAIL', value, displayValue }]);
  });

  it.each([
    ['evil.vn', 'missing @'],
    ['@evil.vn', 'empty local part'],
    ['a@b@evil.vn', 'must not contain @'],
    [`${'x'.repeat(65)}@evil.vn`, '64'],
    ['john doe@evil.vn', 'whitespace'],
    ['a@', 'empty label'],
    ['a@localhost', 'two labels'],
    ['a@a..b', 'empty label'],
    ['a@a_b.vn', 'letters, digits and hyphens'],
    ['a@1.2.3.4', 'IPv4 address literal'],
    ['a@[1.2.3.4]', 'IPv4 address literal'],
  ])('refuses %s (%s)', (raw, why) => {
    const err = indicatorError(() => normalizeIndicator('EMAIL', raw));
    expect(err.reason).toContain('is not a valid email address');
    expect(err.reason).toContain(why);
  });
});

describe('ASN', () => {
  it.each([
    ['AS64500', 'AS64500'],
    ['as64500', 'AS64500'],
    ['As64500', 'AS64500'],
    ['64500', 'AS64500'],
    ['AS 64500', 'AS64500'],
    ['AS1', 'AS1'],
    ['AS4294967295', 'AS4294967295'],
    ['AS064500', 'AS64500'],
  ])('%s → %s', (raw, value) => {
    expect(normalizeIndicator('ASN', raw)).toEqual([same('ASN', value)]);
  });

  it.each([
    'AS0',
    '0',
    'AS000',
    '-1',
    'AS-1',
    'AS4294967296',
    '99999999999999999999999',
    'AS64500a',
    'ASN64500',
    'AS1.10',
    '64,500',
    '+64500',
    'AS',
    '６４５００',
  ])('refuses %s', (raw) => {
    expect(indicatorError(() => normalizeIndicator('ASN', raw)).reason).toContain('is not a valid AS number');
  });
});

describe('FILE_HASH', () => {
  it.each([
    ['D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e'], // MD5
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'], // SHA-1
    ['E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'], // SHA-256
    ['AB'.repeat(64), 'ab'.repeat(64)], // SHA-512
  ])('%s → %s', (raw, value) => {
    expect(normalizeIndicator('FILE_HASH', raw)).toEqual([same('FILE_HASH', value)]);
  });

  it.each([
    'a'.repeat(31),
    'a'.repeat(33),
    'a'.repeat(56),
    'a'.repeat(96),
    'a'.repeat(129),
    `${'a'.repeat(31)}g`,
    `0x${'a'.repeat(32)}`,
    `${'a'.repeat(16)} ${'a'.repeat(16)}`,
    `sha256:${'a'.repeat(64)}`,
  ])('refuses %s', (raw) => {
    expect(indicatorError(() => normalizeIndicator('FILE_HASH', raw)).reason).toContain('is not a valid file hash');
  });
});

describe('normalizeIndicators', () => {
  it('normalizes every input and keeps their order', () => {
    expect(
      normalizeIndicators([
        { type: 'IPV4', value: '1.2.3.4' },
        { type: 'DOMAIN', value: 'Bücher.VN' },
        { type: 'ASN', value: '64500' },
      ]),
    ).toEqual([same('IPV4', '1.2.3.4'), { type: 'DOMAIN', value: 'xn--bcher-kva.vn', displayValue: 'bücher.vn' }, same('ASN', 'AS64500')]);
  });

  it('returns an empty list for no inputs', () => {
    expect(normalizeIndicators([])).toEqual([]);
  });

  it('merges duplicates by type and normalized value, keeping the first occurrence', () => {
    expect(
      normalizeIndicators([
        { type: 'DOMAIN', value: 'evil.vn' },
        { type: 'IPV4', value: '1.2.3.4' },
        { type: 'DOMAIN', value: 'EVIL[.]vn.' },
        { type: 'IPV4', value: '1[.]2[.]3[.]4' },
        { type: 'ASN', value: 'as 64500' },
        { type: 'ASN', value: 'AS64500' },
      ]),
    ).toEqual([same('DOMAIN', 'evil.vn'), same('IPV4', '1.2.3.4'), same('ASN', 'AS64500')]);
  });

  it('keeps equal values of different types apart', () => {
    expect(
      normalizeIndicators([
        { type: 'IPV4', value: '1.2.3.4' },
        { type: 'CIDR', value: '1.2.3.4/32' },
      ]),
    ).toEqual([same('IPV4', '1.2.3.4'), same('CIDR', '1.2.3.4/32')]);
  });

  it("merges a URL's derived host with an explicit DOMAIN, wherever it appears", () => {
    expect(
      normalizeIndicators([
        { type: 'DOMAIN', value: 'evil.vn' },
        { type: 'URL', value: 'hxxp://evil[.]vn/a' },
        { type: 'URL', value: 'http://evil.vn/b' },
      ]),
    ).toEqual([same('DOMAIN', 'evil.vn'), same('URL', 'http://evil.vn/a'), same('URL', 'http://evil.vn/b')]);

    expect(
      normalizeIndicators([
        { type: 'URL', value: 'http://evil.vn/a' },
        { type: 'DOMAIN', value: 'EVIL.VN' },
        { type: 'URL', value: 'http://1.2.3.4/' },
        { type: 'IPV4', value: '1.2.3.4' },
      ]),
    ).toEqual([same('URL', 'http://evil.vn/a'), same('DOMAIN', 'evil.vn'), same('URL', 'http://1.2.3.4/'), same('IPV4', '1.2.3.4')]);
  });

  it('reports the index of the first refused input', () => {
    const err = indicatorError(() =>
      normalizeIndicators([
        { type: 'DOMAIN', value: 'evil.vn' },
        { type: 'IPV4', value: '1.2.3.4' },
        { type: 'DOMAIN', value: 'a..b' },
        { type: 'DOMAIN', value: 'localhost' },
      ]),
    );
    expect(err.index).toBe(2);
    expect(err.reason).toBe('"a..b" is not a valid domain name (empty label)');
    expect(err.message).toBe('indicators[2]: "a..b" is not a valid domain name (empty label)');
  });

  it('reports index 0 too', () => {
    const err = indicatorError(() => normalizeIndicators([{ type: 'URL', value: 'http://u:p@evil.vn/' }]));
    expect(err.index).toBe(0);
    expect(err.message).toMatch(/^indicators\[0\]: /);
  });
});
