// The demo MIS server: node 20 built-ins only, listens on 127.0.0.1 and nowhere else.
//
//   node demo/mis/server.js [--port N] [--today YYYY-MM-DD] [--file patients.json]
//   node demo/mis/server.js --render <id> [--today YYYY-MM-DD] [--hide a,b] [--fragment]
//
// Port: --port, else env PORT, else 8765 (0 picks a free port; the printed URL has the real
// one). Today: --today, else env DEMO_TODAY, else the clinic's date (Europe/Moscow), read
// per request so a long-running demo rolls over at midnight. patients.json is re-read when
// it changes, so trainers can edit it without a restart.

import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { DEFAULT_FILE, defaultToday, loadPatients, parseToday, toSnapshot } from './data.js';
import { HEAVY_ID, heavyPatient } from './heavy.js';
import { SECTIONS } from './labels.js';
import { renderAppShell, renderCardFragment, renderCardPage, renderListPage, renderNotFound } from './render.js';

export const DEFAULT_PORT = 8765;
export const HOST = '127.0.0.1';
export const CSP = "default-src 'self'; script-src 'self'";

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const CONTENT_TYPES = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// Every response: a strict MIS policy (no inline script or style), and no sniffing.
// DEMO_CSP=off serves without the policy, like the many MIS that send none (the extension
// then runs its core in the page's content script instead of its offscreen engine).
const BASE_HEADERS = {
  ...(process.env.DEMO_CSP === 'off' ? {} : { 'Content-Security-Policy': CSP }),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'SAMEORIGIN',
};

export class BadRequest extends Error {}

/** `?hide=visits,plans` → a Set of contract section names; unknown names are an error. */
export function parseHide(value) {
  const hide = new Set();
  if (!value) return hide;
  for (const name of String(value).split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!SECTIONS.includes(name)) {
      throw new BadRequest(`unknown section "${name}" in hide; sections: ${SECTIONS.join(', ')}`);
    }
    hide.add(name);
  }
  return hide;
}

/** Patients for `today`, cached until patients.json changes on disk. */
function patientStore(file) {
  let cache = { key: null, patients: null };
  return (today) => {
    const key = `${today}|${statSync(file).mtimeMs}`;
    if (cache.key !== key) cache = { key, patients: loadPatients({ today, file }) };
    return cache.patients;
  };
}

export function createMisServer({ today: fixedToday, file = DEFAULT_FILE, log = () => {} } = {}) {
  if (fixedToday) parseToday(fixedToday);
  const patientsFor = patientStore(file);

  function send(res, status, body, headers = {}) {
    res.writeHead(status, { ...BASE_HEADERS, 'Cache-Control': 'no-store', ...headers });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }
  const sendHtml = (res, status, page) => send(res, status, String(page), { 'Content-Type': 'text/html; charset=utf-8' });
  const sendJson = (res, status, value) => send(res, status, JSON.stringify(value, null, 2), { 'Content-Type': 'application/json; charset=utf-8' });
  const sendText = (res, status, text) => send(res, status, text, { 'Content-Type': 'text/plain; charset=utf-8' });

  async function serveStatic(res, name) {
    const target = path.resolve(STATIC_DIR, name);
    if (!target.startsWith(STATIC_DIR) || !CONTENT_TYPES[path.extname(target)]) return false;
    try {
      if (!(await stat(target)).isFile()) return false;
      const body = await readFile(target);
      res.writeHead(200, { ...BASE_HEADERS, 'Content-Type': CONTENT_TYPES[path.extname(target)], 'Cache-Control': 'no-cache' });
      res.end(res.req.method === 'HEAD' ? undefined : body);
      return true;
    } catch {
      return false;
    }
  }

  async function handle(req, res) {
    const url = new URL(req.url, `http://${HOST}`);
    const route = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'method not allowed', { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    }
    if (route === '/healthz') return sendText(res, 200, 'ok');
    if (route.startsWith('/static/')) {
      if (await serveStatic(res, decodeURIComponent(route.slice('/static/'.length)))) return;
      return sendText(res, 404, 'not found');
    }
    if (route === '/favicon.ico') return send(res, 204, '');

    const today = fixedToday ?? defaultToday();
    const patients = patientsFor(today);
    // The generated heavy card (heavy.js, for the benchmark) opens by URL but is not listed.
    const byId = (id) => patients.find((p) => p.patient.id === id) ?? (id === HEAVY_ID ? heavyPatient(today) : undefined);
    const notFound = (what) => sendHtml(res, 404, renderNotFound(what, { today }));

    if (route === '/') {
      return send(res, 302, '', { Location: '/patients' });
    }
    if (route === '/patients') return sendHtml(res, 200, renderListPage(patients, { today }));

    let m = /^\/patients\/([^/]+)$/.exec(route);
    if (m) {
      const p = byId(decodeURIComponent(m[1]));
      if (!p) return notFound(`Пациент с картой № ${decodeURIComponent(m[1])} не найден.`);
      const hide = parseHide(url.searchParams.get('hide'));
      if (url.searchParams.get('fragment') === '1') {
        return sendHtml(res, 200, renderCardFragment(p, { today, hide }));
      }
      return sendHtml(res, 200, renderCardPage(p, { today, hide }));
    }

    if (route === '/app') return sendHtml(res, 200, renderAppShell(patients, null, { today }));
    m = /^\/app\/patients\/([^/]+)$/.exec(route);
    if (m) {
      const p = byId(decodeURIComponent(m[1]));
      if (!p) return notFound(`Пациент с картой № ${decodeURIComponent(m[1])} не найден.`);
      return sendHtml(res, 200, renderAppShell(patients, p, { today, hide: parseHide(url.searchParams.get('hide')) }));
    }

    if (route === '/api/patients') {
      return sendJson(res, 200, url.searchParams.get('snapshots') === '1' ? patients.map(toSnapshot) : patients);
    }
    m = /^\/api\/patients\/([^/]+)$/.exec(route);
    if (m) {
      const p = byId(decodeURIComponent(m[1]));
      if (!p) return sendJson(res, 404, { error: `no patient ${decodeURIComponent(m[1])}` });
      return sendJson(res, 200, url.searchParams.get('snapshot') === '1' ? toSnapshot(p) : p);
    }
    return notFound(`Страница ${route} не найдена.`);
  }

  const server = http.createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () => log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
    handle(req, res).catch((e) => {
      if (e instanceof BadRequest) return sendText(res, 400, e.message);
      log(`error: ${e.stack ?? e}`);
      if (!res.headersSent) sendText(res, 500, `demo MIS error: ${e.message}`);
      else res.end();
    });
  });
  return server;
}

/** Starts listening on 127.0.0.1; resolves to `{server, port, url}`. */
export function startMisServer({ port = DEFAULT_PORT, ...options } = {}) {
  const server = createMisServer(options);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      const actual = server.address().port;
      resolve({ server, port: actual, url: `http://${HOST}:${actual}` });
    });
  });
}

/** The card page (or fragment) HTML for one patient, without a server: test fixtures. */
export function renderPatientHtml(id, { today = defaultToday(), hide = '', fragment = false, file = DEFAULT_FILE } = {}) {
  parseToday(today);
  const p = loadPatients({ today, file }).find((x) => x.patient.id === id) ?? (id === HEAVY_ID ? heavyPatient(today) : undefined);
  if (!p) throw new BadRequest(`no patient with id ${id}`);
  const opts = { today, hide: parseHide(hide) };
  return String(fragment ? renderCardFragment(p, opts) : renderCardPage(p, opts));
}

const USAGE = `usage:
  node demo/mis/server.js [--port N] [--today YYYY-MM-DD] [--file patients.json] [--quiet]
  node demo/mis/server.js --render <id> [--today YYYY-MM-DD] [--hide a,b] [--fragment]
`;

function parseArgs(argv) {
  const args = { quiet: false, fragment: false };
  const value = (i, name) => {
    if (i >= argv.length || argv[i].startsWith('--')) throw new BadRequest(`${name} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') args.port = value(++i, a);
    else if (a === '--today') args.today = value(++i, a);
    else if (a === '--file') args.file = path.resolve(value(++i, a));
    else if (a === '--render') args.render = value(++i, a);
    else if (a === '--hide') args.hide = value(++i, a);
    else if (a === '--fragment') args.fragment = true;
    else if (a === '--quiet') args.quiet = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new BadRequest(`unknown argument ${a}`);
  }
  return args;
}

async function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`server.js: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // A fixed today (--today or DEMO_TODAY), or undefined: the clinic's date, per request.
  let today;
  try {
    today = args.today !== undefined ? parseToday(args.today, '--today')
      : process.env.DEMO_TODAY ? parseToday(process.env.DEMO_TODAY, 'DEMO_TODAY') : undefined;
  } catch (e) {
    process.stderr.write(`server.js: ${e.message}\n`);
    return 2;
  }
  const file = args.file ?? DEFAULT_FILE;

  if (args.render !== undefined) {
    try {
      process.stdout.write(renderPatientHtml(args.render, { today: today ?? defaultToday(), hide: args.hide, fragment: args.fragment, file }));
      return 0;
    } catch (e) {
      process.stderr.write(`server.js: ${e.message}\n`);
      return 2;
    }
  }

  const portText = args.port ?? (process.env.PORT || String(DEFAULT_PORT)); // an empty PORT is unset
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`server.js: bad port ${JSON.stringify(portText)}\n`);
    return 2;
  }
  try {
    loadPatients({ today: today ?? defaultToday(), file }); // fail at start, not on the first request
  } catch (e) {
    process.stderr.write(`server.js: ${e.message}\n`);
    return 2;
  }
  const log = args.quiet ? () => {} : (line) => process.stderr.write(`${line}\n`);
  const { server, url } = await startMisServer({ port, today, file, log }).catch((e) => {
    process.stderr.write(`server.js: cannot listen on ${HOST}:${port}: ${e.message}\n`);
    process.exit(2);
  });
  process.stdout.write(`Demo MIS: ${url}/patients  (today ${today ?? `${defaultToday()}, clinic date`})\n`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
