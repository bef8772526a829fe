// The native tests read a resolved copy of the demo data; it must match patients.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FIXTURE, fixtureText } from '../../../scripts/update-demo-fixture.mjs';

test('tests/fixtures/demo_scenarios.json is up to date with demo/mis/patients.json', () => {
  assert.ok(readFileSync(FIXTURE, 'utf8') === fixtureText(),
    'the copy is stale: run `node scripts/update-demo-fixture.mjs`');
});
