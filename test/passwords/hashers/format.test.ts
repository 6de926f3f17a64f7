import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { equalBytes, equalText } from '../../../src/passwords/hashers/compare.js';
import { decodeBase64, decodeHex, parseCount } from '../../../src/passwords/hashers/format.js';
import { DigestFormatError } from '../../../src/passwords/hashers/hasher.js';
import { encode64 } from '../../../src/passwords/hashers/portable-phpass.js';

describe('digest field readers', () => {
  test('base64 must be canonical: unused low bits of the last character are refused', () => {
    assert.deepEqual(decodeBase64('QQ==', 'x'), Buffer.from('A'));
    assert.deepEqual(decodeBase64('QQ', 'x'), Buffer.from('A')); // unpadded, as in PHC strings
    for (const bad of ['QR==', 'QQ=', 'Q Q==', 'QQ==QQ==', '', '-_8=']) assert.throws(() => decodeBase64(bad, 'x'), DigestFormatError, bad);
  });
  test('hex must be whole bytes of hex digits', () => {
    assert.deepEqual(decodeHex('00Ff', 'x'), Buffer.from([0, 255]));
    for (const bad of ['0', '0g', '', ' 00']) assert.throws(() => decodeHex(bad, 'x'), DigestFormatError, bad);
  });
  test('counts are decimal and within [min, max]', () => {
    assert.equal(parseCount('1000', 'n', 1000), 1000);
    assert.throws(() => parseCount('1001', 'n', 1000), /exceeds the limit 1000/);
    for (const bad of ['0', '-1', '1e3', '0x10', '', '１']) assert.throws(() => parseCount(bad, 'n', 1000), DigestFormatError, bad);
  });
  test('constant-time compares', () => {
    assert.equal(equalBytes(Buffer.from([1, 2]), Buffer.from([1, 2])), true);
    assert.equal(equalBytes(Buffer.from([1, 2]), Buffer.from([1, 3])), false);
    assert.equal(equalBytes(Buffer.from([1, 2]), Buffer.from([1, 2, 3])), false);
    assert.equal(equalText('abc', 'abd'), false);
  });
  test("phpass's encode64: 16 bytes give 22 characters, least significant bits first", () => {
    assert.equal(encode64(Buffer.alloc(16)), '.'.repeat(22));
    assert.equal(encode64(Buffer.from([1])), '/.');
    assert.equal(encode64(Buffer.from([0xff, 0xff, 0xff])), 'zzzz');
    assert.equal(encode64(Buffer.alloc(16, 0xff)).length, 22);
  });
});
