// The manifest and the extension's own code, audited (no browser): no remote code, the CSP,
// no broad host access, only reviewed permissions, no channel from web pages, and log lines
// that cannot carry patient data. A new permission or host is a deliberate change: add it to
// REVIEWED below with the reason, and the reviewer sees it in the diff.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './harness.mjs';

/** Every permission the extension may ask for, and why. */
const REVIEWED = {
  storage: 'settings (chrome.storage.local: the clinic configuration and the demo clock); nothing of the patient',
  unlimitedStorage: 'the call log (#6, #8): one entry is about 300 bytes, so the 10 MB default fills at about 35,000 contacts, and the report must work on 50,000; the log stays on this computer',
  offscreen: 'the engine page that runs the wasm core on a copy of the page when the MIS CSP forbids WebAssembly in content scripts',
  scripting: 'site access (#8): registers the content scripts for the MIS sites the user enabled, and starts them in tabs already open there',
  activeTab: 'site access (#8): the popup reads the current tab\'s address, only after the user clicks the toolbar button, to offer "Enable on this site"',
};
/**
 * Optional host permissions: nothing is granted at install; the browser asks the user for one
 * site at a time when they enable the extension on their MIS (the popup requests exactly
 * "<scheme>://<host>/*"). Any http(s) host, because a chain's MIS can be on any address.
 */
const REVIEWED_OPTIONAL_HOSTS = ['http://*/*', 'https://*/*'];
/** Where the content script runs without asking (host access). Other MIS origins: per site, optional. */
const REVIEWED_MATCHES = {
  'http://127.0.0.1/*': 'the embedded demo MIS and local MIS test instances',
  'http://localhost/*': 'the same, by name',
};
const BROAD = /<all_urls>|^\*:\/\/\*|^https?:\/\/\*\/|^\*:\/\/|^file:/;

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
const ownJs = readdirSync(path.join(ROOT, 'extension')).filter((f) => f.endsWith('.js')).map((f) => `extension/${f}`);
const source = (f) => readFileSync(path.join(ROOT, f), 'utf8');

test('Manifest V3, only reviewed permissions, no broad or undeclared host access', () => {
  assert.equal(manifest.manifest_version, 3);
  for (const key of ['permissions', 'optional_permissions']) {
    for (const p of manifest[key] || []) assert.ok(REVIEWED[p], `${key}: "${p}" is not in the reviewed list`);
  }
  assert.deepEqual(manifest.host_permissions || [], [], 'no host permissions (content script matches only)');
  assert.deepEqual(manifest.optional_host_permissions || [], REVIEWED_OPTIONAL_HOSTS, 'optional hosts: the reviewed list');
  const matches = [
    ...(manifest.content_scripts || []).flatMap((c) => c.matches || []),
    ...(manifest.web_accessible_resources || []).flatMap((w) => w.matches || []),
  ];
  for (const m of matches) {
    assert.doesNotMatch(m, BROAD, `broad match ${m}`);
    assert.ok(REVIEWED_MATCHES[m], `match "${m}" is not in the reviewed list`);
  }
  for (const w of manifest.web_accessible_resources || []) {
    // Only the page core (its ES-module glue, for a fresh core after a trap, and its .wasm).
    for (const r of w.resources) assert.match(r, /^extension\/pkg\/page(\.js|_bg\.wasm)$/, `web-accessible: ${r}`);
  }
});

test('no channel from web pages or other extensions', () => {
  assert.equal(manifest.externally_connectable, undefined, 'no web page may message the extension');
  for (const f of ownJs) {
    assert.doesNotMatch(source(f), /onMessageExternal|onConnectExternal|onUserScriptMessage/, `${f} listens outside`);
    assert.doesNotMatch(source(f), /addEventListener\(\s*['"]message['"]|onmessage\s*=/, `${f} listens to page messages`);
  }
});

test('CSP: script-src \'self\' \'wasm-unsafe-eval\', nothing remote, nothing inline', () => {
  const csp = manifest.content_security_policy && manifest.content_security_policy.extension_pages;
  assert.ok(csp, 'an explicit extension_pages policy');
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
  for (const [name, values] of Object.entries(directives)) {
    for (const v of values) {
      assert.match(v, /^'(self|none|wasm-unsafe-eval)'$/, `${name} allows ${v}`);
    }
  }
  assert.equal(manifest.content_security_policy.sandbox, undefined);
  assert.equal(manifest.sandbox, undefined);
});

test('no remote code: every script is a file of the package, nothing is fetched or evaluated', () => {
  const files = [
    manifest.background.service_worker,
    ...(manifest.content_scripts || []).flatMap((c) => [...(c.js || []), ...(c.css || [])]),
  ];
  for (const f of files) assert.ok(existsSync(path.join(ROOT, f)), `${f} is in the package`);
  for (const html of readdirSync(path.join(ROOT, 'extension')).filter((f) => f.endsWith('.html'))) {
    const text = source(`extension/${html}`);
    for (const [, src] of text.matchAll(/<script[^>]*\bsrc="([^"]*)"/g)) {
      assert.ok(!/^[a-z]+:/i.test(src) && existsSync(path.join(ROOT, 'extension', src)), `${html}: script ${src}`);
    }
    assert.doesNotMatch(text, /<script(?![^>]*\bsrc=)[^>]*>/, `${html}: an inline script`);
  }
  for (const f of ownJs) {
    const text = source(f);
    assert.doesNotMatch(text, /\beval\(|new Function\(|importScripts\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon/, `${f} evaluates or opens a channel`);
    // One reviewed exception: the related reads a profile declares (GNU Health's search_read),
    // made by the content script to the MIS page's own origin only.
    const fetches = (text.match(/\bfetch\(/g) || []).length;
    if (f === 'extension/content.js') {
      assert.equal(fetches, 1, `${f}: only the related read fetches`);
      assert.match(text, /target\.origin !== location\.origin/, `${f}: the related read is same-origin only`);
    } else if (f === 'extension/i18n.js' || f === 'extension/background.js') {
      // The second: the chosen language's messages, a file of the package itself (the pages'
      // words; the worker's copy is for an overlay message when the core could not run).
      assert.equal(fetches, 1, `${f}: only the messages file`);
      assert.match(text, /fetch\(chrome\.runtime\.getURL\(`_locales\/\$\{code\}\/messages\.json`\)\)/, `${f}: fetches its own _locales only`);
    } else {
      assert.equal(fetches, 0, `${f} fetches`);
    }
    for (const [, spec] of text.matchAll(/\bimport\s*(?:\(|[^'"]*from\s*)\s*['"`]([^'"`]*)/g)) {
      assert.ok(!/^[a-z]+:/i.test(spec), `${f} imports ${spec}`);
    }
    // URLs only in the overlay's allow-list of dial and messenger links.
    for (const [url] of text.matchAll(/https?:\/\/[^\s'"`)]*/g)) {
      assert.equal(f, 'extension/overlay.js', `${f} names ${url}`);
    }
  }
  // The wasm-bindgen glue, as an ES module and as a classic script.
  for (const glue of ['precall.js', 'precall_classic.js', 'page.js', 'page_classic.js'].map((f) => path.join(ROOT, 'extension/pkg', f))) {
    if (!existsSync(glue)) continue;
    // The wasm-bindgen glue: URLs only in comments, the only fetch is of the .wasm we pass it.
    const lines = readFileSync(glue, 'utf8').split('\n');
    for (const line of lines.filter((l) => /https?:\/\//.test(l))) assert.match(line.trim(), /^(\/\/|\*)/, `glue: ${line}`);
    const fetches = lines.filter((l) => /\bfetch\(/.test(l)).map((l) => l.trim());
    assert.ok(fetches.every((l) => /fetch\(module_or_path\)/.test(l)), `glue fetches: ${fetches}`);
    assert.ok(!lines.some((l) => /\bimport\(|new Function|\beval\(/.test(l)), 'glue imports or evaluates code');
  }
});

test('the shipped .wasm files have no fault hook (test builds only)', (t) => {
  for (const f of ['page_bg.wasm', 'precall_bg.wasm']) {
    const wasm = path.join(ROOT, 'extension/pkg', f);
    if (!existsSync(wasm)) return t.skip('not built (make build)');
    assert.ok(!readFileSync(wasm).includes('data-precall-fault'), `release build ${f} carries the fault hook`);
    const testWasm = path.join(ROOT, 'out/test-ext/pkg', f);
    if (existsSync(testWasm)) assert.ok(readFileSync(testWasm).includes('data-precall-fault'), `the test build ${f} has it`);
  }
});

test('log lines carry no page or patient data: a constant text and at most an error name', () => {
  let calls = 0;
  for (const f of ownJs) {
    for (const [call, args] of source(f).matchAll(/console\.\w+\(([^;]*)\);/g)) {
      assert.match(args, /^'[^']*'(, err && err\.name)?$/, `${f}: ${call}`);
      calls += 1;
    }
    assert.equal(source(f).match(/console\./g)?.length || 0, source(f).match(/console\.\w+\(([^;]*)\);/g)?.length || 0, `${f}: a console call the check cannot read`);
  }
  assert.ok(calls > 0, 'the check sees the log lines');
});
