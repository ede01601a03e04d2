import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addressTokens,
  formatNhsNumber,
  isTemporaryUpn,
  isValidNhsNumber,
  isValidPostcode,
  isValidUpn,
  nameParts,
  nhsCheckDigit,
  normaliseEmail,
  normaliseName,
  normalisePostcode,
  normaliseSex,
  normaliseUkPhone,
  parseDate,
  postcodeDistrict,
  transposeDate,
  unaccent,
  upnCheckLetter,
} from './normalise.ts';

describe('names', () => {
  it('lowercases, strips accents and folds letters NFKD leaves alone', () => {
    assert.equal(unaccent('Zoë Łukasz Søren Strauß José Ærø'), 'zoe lukasz soren strauss jose aero');
    assert.equal(normaliseName('  MAŁGORZATA  '), 'malgorzata');
  });

  it('splits hyphenated and double-barrelled names, keeps apostrophes inside a part, drops honorifics', () => {
    assert.deepEqual(nameParts('Dr Anna-Marie  O’Brien'), ['anna', 'marie', 'obrien']);
    assert.deepEqual(nameParts('Smith-Jones'), ['smith', 'jones']);
    assert.deepEqual(nameParts('Mr. John Smith Jr.'), ['john', 'smith']);
    assert.deepEqual(nameParts('Miss'), ['miss'], 'a name that is only a title is kept');
    assert.deepEqual(nameParts(''), []);
    assert.deepEqual(nameParts(null), []);
  });
});

describe('dates', () => {
  it('reads YYYY-MM-DD, YYYYMMDD and DD/MM/YYYY', () => {
    assert.equal(parseDate('2015-03-07'), 20150307);
    assert.equal(parseDate('20150307'), 20150307);
    assert.equal(parseDate('7/3/2015'), 20150307);
    assert.equal(parseDate(' 2015-3-7 '), 20150307);
  });

  it('rejects impossible dates and other shapes', () => {
    assert.equal(parseDate('2015-02-29'), null);
    assert.equal(parseDate('2016-02-29'), 20160229);
    assert.equal(parseDate('1900-02-29'), null);
    assert.equal(parseDate('2000-02-29'), 20000229);
    assert.equal(parseDate('2015-13-01'), null);
    assert.equal(parseDate('2015-04-31'), null);
    assert.equal(parseDate('20150132'), null);
    assert.equal(parseDate('07-03-2015'), null);
    assert.equal(parseDate('yesterday'), null);
    assert.equal(parseDate(''), null);
  });

  it('transposes day and month only when that gives another real date', () => {
    assert.equal(transposeDate(20150307), 20150703);
    assert.equal(transposeDate(20150325), null);
    assert.equal(transposeDate(20150505), null);
  });
});

describe('postcodes', () => {
  it('normalises case and spacing and finds the district', () => {
    assert.equal(normalisePostcode('ls62ab'), 'LS6 2AB');
    assert.equal(normalisePostcode(' sw1a  1aa '), 'SW1A 1AA');
    assert.equal(normalisePostcode('M1 1AE'), 'M1 1AE');
    assert.equal(normalisePostcode('GIR 0AA'), 'GIR 0AA');
    assert.equal(postcodeDistrict('LS6 2AB'), 'LS6');
  });

  it('refuses shapes that are not UK postcodes', () => {
    for (const bad of ['2119', 'LS6', 'QS6 2AB', 'LS6 2CB', 'LS6 AAB', '12345678', '']) {
      assert.equal(isValidPostcode(bad), false, bad);
    }
  });
});

describe('NHS numbers', () => {
  it('accepts numbers whose modulus 11 check digit is right, however spaced', () => {
    assert.ok(isValidNhsNumber('9434765919'));
    assert.ok(isValidNhsNumber('943 476 5919'));
    assert.ok(isValidNhsNumber('401-023-2137'));
    assert.equal(formatNhsNumber('9434765919'), '943 476 5919');
  });

  it('refuses a wrong check digit, a check of 10, and wrong lengths', () => {
    assert.equal(isValidNhsNumber('9434765918'), false);
    assert.equal(nhsCheckDigit('000000006'), null);
    assert.equal(isValidNhsNumber('0000000060'), false);
    assert.equal(isValidNhsNumber('943476591'), false);
    assert.equal(isValidNhsNumber('94347659190'), false);
    assert.equal(isValidNhsNumber('94347659A9'), false);
  });

  it('maps a check of 11 to 0', () => {
    // All zeros: 11 − 0 = 11 → 0. Last digit 5: 5·2 = 10 → 11 − 10 = 1.
    assert.equal(nhsCheckDigit('000000000'), 0);
    assert.equal(nhsCheckDigit('000000005'), 1);
  });
});

describe('unique pupil numbers', () => {
  it('computes the check letter (Σ value × position mod 23)', () => {
    // 8·2 + 1·4 + 2·5 + 1·10 + 1·13 = 53; 53 mod 23 = 7 → H
    assert.equal(upnCheckLetter('801200001001'), 'H');
    assert.ok(isValidUpn('H801200001001'));
    assert.ok(isValidUpn('h801 2000 01001'));
  });

  it('refuses a wrong check letter or shape', () => {
    assert.equal(isValidUpn('A801200001001'), false);
    assert.equal(isValidUpn('H80120000100'), false);
    assert.equal(isValidUpn('1801200001001'), false);
  });

  it('accepts temporary UPNs that end in a letter', () => {
    const rest = '80120000100A';
    const upn = upnCheckLetter(rest) + rest;
    assert.ok(isValidUpn(upn));
    assert.ok(isTemporaryUpn(upn));
    assert.equal(isValidUpn(`${upn.slice(0, 12)}I`), false, 'I is not in the UPN alphabet');
  });
});

describe('other fields', () => {
  it('reads CIN sex codes and common words', () => {
    assert.equal(normaliseSex('Female'), 'F');
    assert.equal(normaliseSex('m'), 'M');
    assert.equal(normaliseSex('U'), 'U');
    assert.equal(normaliseSex('x'), null);
  });

  it('tokenises addresses and expands abbreviations', () => {
    assert.deepEqual(addressTokens('Flat 2, 14 Church St.'), ['2', '14', 'church', 'street']);
  });
});

describe('email addresses', () => {
  it('trims and lower-cases; keeps dots and tags at other providers', () => {
    assert.equal(normaliseEmail('  Sam.Taylor@Example.ORG '), 'sam.taylor@example.org');
    assert.equal(normaliseEmail('sam.taylor+school@example.com'), 'sam.taylor+school@example.com');
    assert.equal(normaliseEmail("o'brien@example.co.uk"), "o'brien@example.co.uk");
  });

  it('at Gmail drops dots and +tags in the local part, and treats googlemail.com as gmail.com', () => {
    assert.equal(normaliseEmail('Sam.Taylor@gmail.com'), 'samtaylor@gmail.com');
    assert.equal(normaliseEmail('s.a.m.taylor+college@GoogleMail.com'), 'samtaylor@gmail.com');
    assert.equal(normaliseEmail('samtaylor@googlemail.com'), 'samtaylor@gmail.com');
    assert.equal(normaliseEmail('sam.taylor@gmail.co.uk'), 'sam.taylor@gmail.co.uk', 'only gmail.com itself');
  });

  it('does not parse what is not an address', () => {
    for (const bad of [
      '',
      '   ',
      'sam',
      'sam@',
      '@example.org',
      'sam@example',
      'sam@@example.org',
      'sam taylor@example.org',
      'sam@exa mple.org',
      '.sam@example.org',
      'sam.@example.org',
      'sa..m@example.org',
      'sam@-example.org',
      'sam@example..org',
      '+tag@gmail.com',
      'phone me',
      `${'a'.repeat(65)}@example.org`,
    ]) {
      assert.equal(normaliseEmail(bad), null, bad);
    }
    assert.equal(normaliseEmail(null), null);
    assert.equal(normaliseEmail(undefined), null);
  });

  it('property: normalising is idempotent, and case, spaces around and Gmail dots never change the result', () => {
    const rnd = seeded(12);
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
    for (let i = 0; i < 500; i++) {
      const local = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => letters[Math.floor(rnd() * 36)]).join('');
      const domain = ['gmail.com', 'googlemail.com', 'example.org', 'example.com', 'school.example.sch.uk'][
        Math.floor(rnd() * 5)
      ]!;
      const email = `${local}@${domain}`;
      const n = normaliseEmail(email);
      assert.ok(n, email);
      assert.equal(normaliseEmail(n), n, email);
      assert.equal(normaliseEmail(`  ${email.toUpperCase()}\t`), n, email);
      if (domain.includes('mail.com')) {
        const dotted = local.split('').join(rnd() < 0.5 ? '.' : '');
        assert.equal(normaliseEmail(`${dotted}+x${i}@${domain}`), n, dotted);
      } else {
        assert.equal(n, email);
      }
    }
  });
});

describe('UK telephone numbers', () => {
  it('keeps digits only, and turns +44, 0044 and 44 into the leading 0', () => {
    const cases: [string, string][] = [
      ['07700 900123', '07700900123'],
      ['07700-900-123', '07700900123'],
      ['(01632) 960001', '01632960001'],
      ['+44 7700 900123', '07700900123'],
      ['+447700900123', '07700900123'],
      ['+44 (0)7700 900123', '07700900123'],
      ['+44 07700 900123', '07700900123'],
      ['0044 7700 900123', '07700900123'],
      ['00447700900123', '07700900123'],
      ['447700900123', '07700900123'],
      ['44 1632 960001', '01632960001'],
      [' 0113 496 0000 ', '01134960000'],
      ['020 7946 0000', '02079460000'],
      ['01632 96000', '0163296000'],
    ];
    for (const [input, expected] of cases) assert.equal(normaliseUkPhone(input), expected, input);
  });

  it('does not parse numbers that are not UK numbers of 10 or 11 digits', () => {
    for (const bad of [
      '',
      '   ',
      '07700 9001234',
      '0770 900',
      '7700 900123',
      '+1 202 555 0100',
      '001 202 555 0100',
      '+33 1 23 45 67 89',
      '00 7700 900123',
      '07700 900123 ext 4',
      'ring mum',
      '0770O 900123',
      '+44',
      '999',
    ]) {
      assert.equal(normaliseUkPhone(bad), null, bad);
    }
    assert.equal(normaliseUkPhone(null), null);
  });

  it('property: every way of writing a UK number gives the same digits, and normalising is idempotent', () => {
    const rnd = seeded(44);
    for (let i = 0; i < 500; i++) {
      const len = rnd() < 0.5 ? 9 : 10;
      const national = `${1 + Math.floor(rnd() * 9)}${Array.from({ length: len - 1 }, () => Math.floor(rnd() * 10)).join('')}`;
      const expected = `0${national}`;
      const spaced = (s: string) => s.replace(/(\d{4})(\d{3})/, rnd() < 0.5 ? '$1 $2 ' : '$1-$2');
      for (const written of [
        expected,
        spaced(expected),
        `+44${national}`,
        `+44 ${spaced(national)}`,
        `+44 (0)${national}`,
        `0044${national}`,
        `44${national}`,
      ]) {
        assert.equal(normaliseUkPhone(written), expected, written);
      }
      assert.equal(normaliseUkPhone(expected), expected);
    }
  });
});

/** A small seeded generator, so a failing case can be reproduced. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
