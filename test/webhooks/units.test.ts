import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'svix';
import { signatureHeaders } from '../../src/webhooks/delivery/sign.js';
import { endpointUrlProblem, isInternalAddress } from '../../src/webhooks/delivery/targets.js';
import { retryDelayMs } from '../../src/webhooks/delivery/worker.js';
import { generateSecret, parseSecret } from '../../src/webhooks/endpoints/secrets.js';
import { eventIdOf, messageIdOf } from '../../src/webhooks/message-ids.js';

// The pure parts of delivery: the retry schedule, signing, secrets, message ids, and which addresses are internal.

const SVIX_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];

test('retryDelayMs → Svix schedule ±20 % jitter; none left after the last', () => {
  assert.equal(retryDelayMs(SVIX_SCHEDULE, 1, () => 0.5), 5000);
  assert.equal(retryDelayMs(SVIX_SCHEDULE, 1, () => 0), 4000);
  assert.equal(retryDelayMs(SVIX_SCHEDULE, 1, () => 1), 6000);
  assert.equal(retryDelayMs(SVIX_SCHEDULE, 2, () => 0.5), 300_000);
  assert.equal(retryDelayMs(SVIX_SCHEDULE, 7, () => 0.5), 36_000_000);
  assert.equal(retryDelayMs(SVIX_SCHEDULE, 8), undefined, 'eight attempts in all, then failed');
  for (let i = 0; i < 100; i++) {
    const delay = retryDelayMs([0.5], 1)!;
    assert.ok(delay >= 400 && delay <= 600, String(delay));
  }
});

test('signatureHeaders → svix-id, svix-timestamp (s), one v1 signature per secret, each verifiable with svix', () => {
  const current = generateSecret();
  const previous = generateSecret();
  const body = '{"data":{"id":"user_1"},"type":"user.created"}';
  const now = new Date();
  const headers = signatureHeaders('msg_abc', body, [current, previous], now);
  assert.equal(headers['svix-id'], 'msg_abc');
  assert.equal(headers['svix-timestamp'], String(Math.floor(now.getTime() / 1000)));
  assert.equal(headers['svix-signature']!.split(' ').length, 2);
  new Webhook(current).verify(body, headers);
  new Webhook(previous).verify(body, headers);
  assert.throws(() => new Webhook(generateSecret()).verify(body, headers), /No matching signature/);
  assert.throws(() => new Webhook(current).verify(`${body} `, headers), /No matching signature/);
  // A signature from Svix's own signer (the svix package) matches ours.
  assert.equal(headers['svix-signature']!.split(' ')[0], new Webhook(current).sign('msg_abc', now, body));
});

test('parseSecret → Svix secrets: base64 of 24–75 bytes, whsec_ optional; generateSecret → whsec_ + 24 bytes', () => {
  const bytes24 = Buffer.alloc(24, 1).toString('base64');
  assert.equal(parseSecret(bytes24), `whsec_${bytes24}`);
  assert.equal(parseSecret(`whsec_${bytes24}`), `whsec_${bytes24}`);
  assert.equal(parseSecret(Buffer.alloc(23).toString('base64')), undefined);
  assert.equal(parseSecret(Buffer.alloc(76).toString('base64')), undefined);
  assert.equal(parseSecret('whsec_not base64!!'), undefined);
  assert.equal(parseSecret(''), undefined);
  const generated = generateSecret();
  assert.match(generated, /^whsec_[A-Za-z0-9+/]{32}$/);
  assert.notEqual(generateSecret(), generated);
});

test('message ids ↔ event ids', () => {
  const eventId = 'evt_2x4Y6z8A0b2C4d6E8f0G2h4I6j8';
  assert.equal(messageIdOf(eventId), 'msg_2x4Y6z8A0b2C4d6E8f0G2h4I6j8');
  assert.equal(eventIdOf(messageIdOf(eventId)), eventId);
  assert.equal(eventIdOf(eventId), eventId);
  assert.equal(eventIdOf('msg_short'), undefined);
  assert.equal(eventIdOf('user_2x4Y6z8A0b2C4d6E8f0G2h4I6j8'), undefined);
});

test('isInternalAddress / endpointUrlProblem → loopback, private, link-local, mapped IPv6 are internal; public is not', () => {
  for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '[::1]', '224.0.0.1']) {
    assert.equal(isInternalAddress(address), true, address);
  }
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', 'example.com']) {
    assert.equal(isInternalAddress(address), false, address);
  }
  assert.equal(endpointUrlProblem('https://hooks.example.com/x', true), undefined);
  assert.equal(endpointUrlProblem('http://127.0.0.1:3000/x', false), undefined, 'allowed unless blocking is on');
  assert.match(endpointUrlProblem('http://127.0.0.1:3000/x', true)!, /private/);
  assert.match(endpointUrlProblem('http://app.localhost/x', true)!, /private/);
  assert.match(endpointUrlProblem('ftp://example.com/x', false)!, /http or https/);
  assert.match(endpointUrlProblem('javascript:alert(1)', false)!, /http or https/);
  assert.equal(endpointUrlProblem('nope', false), 'Invalid URL');
});
