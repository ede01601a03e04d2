import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isServicePath, notificationEmail } from './notifications.ts';

test('a notification links only within the service', () => {
  assert.ok(isServicePath('/people/3f0c2a4e-1d6b-4c8e-9a71-2b5d8e4f6a10/consent'));
  assert.ok(isServicePath('/work'));
  for (const href of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '']) {
    assert.equal(isServicePath(href), false, href);
  }
});

test('the email says only that there is something to look at, and links to the notifications page', () => {
  const one = notificationEmail('a@test.invalid', 1, 'https://early-help.example');
  assert.equal(one.subject, 'Early Help Hub: you have a new notification');
  assert.equal(
    one.text,
    'There is something new for you to look at in Early Help Hub. Sign in to see it: https://early-help.example/notifications',
  );
  assert.match(notificationEmail('a@test.invalid', 3, 'https://early-help.example').text, /There are 3 new things/);
});
