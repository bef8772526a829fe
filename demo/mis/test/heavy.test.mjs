// The generated heavy card (heavy.js, for `make bench`): deterministic, valid, the promised
// sizes, rendered with the card markup, and kept out of the patient list and data file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { loadPatients } from '../data.js';
import { HEAVY_ID, HEAVY_SIZES, heavyEntry, heavyPatient } from '../heavy.js';
import { renderCardPage, renderListPage } from '../render.js';
import { validateSnapshot } from '../validate.js';

const TODAY = '2026-11-23';

test('the heavy card has the promised sizes, validates and is the same every time', () => {
  const p = heavyPatient(TODAY);
  for (const [section, n] of Object.entries(HEAVY_SIZES)) assert.equal(p[section].length, n, section);
  assert.deepEqual(validateSnapshot(p, 'heavy'), []);
  assert.deepEqual(heavyEntry(), heavyEntry());
  assert.equal(JSON.stringify(heavyPatient(TODAY)), JSON.stringify(p));
});

test('the heavy card renders as a card and is not listed', () => {
  const page = String(renderCardPage(heavyPatient(TODAY), { today: TODAY }));
  assert.match(page, /<article class="patient-card" id="patient-card" data-patient-id="heavy">/);
  assert.equal((page.match(/<tr class="comm-row/g) || []).length, HEAVY_SIZES.communications);
  assert.equal((page.match(/<tr class="visit-row/g) || []).length, HEAVY_SIZES.visits);
  const patients = loadPatients({ today: TODAY });
  assert.ok(!patients.some((x) => x.patient.id === HEAVY_ID), 'not in patients.json');
  assert.doesNotMatch(String(renderListPage(patients, { today: TODAY })), /patients\/heavy/);
  const cli = spawnSync(process.execPath, [fileURLToPath(new URL('../server.js', import.meta.url)), '--render', 'heavy', '--today', TODAY], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(cli.stdout, page);
});
