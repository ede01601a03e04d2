import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatNhsNumber,
  isPermanentUpn,
  isTestNhsNumber,
  isValidNhsNumber,
  isValidUpn,
  makeUpn,
  nhsCheckDigit,
  upnCheckLetter,
} from './identifiers.ts';

test('NHS numbers: published examples pass and a changed digit fails', () => {
  assert.equal(isValidNhsNumber('9434765919'), true);
  assert.equal(isValidNhsNumber('943 476 5919'), true);
  assert.equal(isValidNhsNumber('401-023-2137'), true);
  assert.equal(isValidNhsNumber('9434765918'), false);
  assert.equal(isValidNhsNumber('9434765910'), false);
  // Swapping two digits changes the weighted sum, so the check catches it.
  assert.equal(isValidNhsNumber('4934765919'), false);
});

test('NHS numbers: malformed input is never valid', () => {
  for (const bad of ['', '943476591', '94347659190', '943476591X', 'abcdefghij', '943 476 591 9x']) {
    assert.equal(isValidNhsNumber(bad), false, bad);
  }
});

test('NHS check digit: 11 becomes 0 and 10 means no valid number', () => {
  // Weights run 10 down to 2: a 1 in the last place gives sum 2, so 11 − 2 = 9.
  assert.equal(nhsCheckDigit('000000001'), 9);
  // Sum 0 and sum 11 (weights 6 + 3 + 2) leave no remainder: 11 − 0 = 11, written as 0.
  assert.equal(nhsCheckDigit('000000000'), 0);
  assert.equal(nhsCheckDigit('000010011'), 0);
  // Sum 12 (weights 10 + 2) leaves 1: 11 − 1 = 10, so no check digit can make these nine valid.
  assert.equal(nhsCheckDigit('100000001'), undefined);
  assert.equal(nhsCheckDigit('12345678'), undefined);
});

test('NHS numbers in the 999 range are recognised as test numbers only when valid', () => {
  const nine = '999000001';
  const check = nhsCheckDigit(nine);
  assert.notEqual(check, undefined);
  assert.equal(isTestNhsNumber(`${nine}${check}`), true);
  assert.equal(isTestNhsNumber('9434765919'), false);
  assert.equal(isTestNhsNumber(`${nine}${((check ?? 0) + 1) % 10}`), false);
  assert.equal(formatNhsNumber('9434765919'), '943 476 5919');
});

test('UPN: a known valid number passes, and a wrong check letter fails', () => {
  assert.equal(isValidUpn('Z213282605052'), true);
  assert.equal(isValidUpn('z213282605052'), true);
  assert.equal(isValidUpn('A213282605052'), false);
  assert.equal(isValidUpn('A123456789123'), false);
  assert.equal(upnCheckLetter('213282605052'), 'Z');
});

test('UPN: shape rules', () => {
  for (const bad of ['', 'Z21328260505', 'Z2132826050521', '1213282605052', 'Z21328260505I', 'Z2132826A5052']) {
    assert.equal(isValidUpn(bad), false, bad);
  }
});

test('UPN: a temporary number ends in a letter valued by its place in the alphabet', () => {
  const rest = '82121002001A';
  const letter = upnCheckLetter(rest);
  assert.ok(letter);
  assert.equal(isValidUpn(`${letter}${rest}`), true);
  assert.equal(isPermanentUpn(`${letter}${rest}`), false);
  // I, O and S are not in the alphabet, so they cannot end a temporary UPN.
  assert.equal(upnCheckLetter('82121002001I'), undefined);
});

test('makeUpn builds permanent UPNs that pass the check', () => {
  const upn = makeUpn(821, 2101, 2019, 7);
  assert.match(upn, /^[A-Z]821210119007$/);
  assert.equal(isPermanentUpn(upn), true);
  for (let serial = 1; serial < 200; serial++) assert.equal(isValidUpn(makeUpn(383, 3201, 2015, serial)), true);
  assert.throws(() => makeUpn(8210, 1, 2019, 1));
});
