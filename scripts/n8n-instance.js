'use strict';
/**
 * Starts a fresh, isolated n8n 2.41.1 server for end-to-end tests.
 *
 *   const { startN8n } = require('./n8n-instance');
 *   const n8n = await startN8n({ withPackage: true, ownerFromEnv: true });
 *   await n8n.api('GET', '/workflows');        // public API, X-N8N-API-KEY
 *   await n8n.rest('GET', '/credentials');     // internal API, owner cookie
 *   await n8n.stop();
 *
 * Node.js 20 compatible, Node's standard library only (global fetch). The
 * server itself runs on the Node 24 that scripts/n8n-runtime.js installs.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const runtime = require('./n8n-runtime');
const { installPackage, packageName: thisPackage } = require('./package-install');

const OWNER = Object.freeze({
	email: 'owner@example.com',
	password: 'Owner-password-1', // n8n wants 8+ characters, a digit and an uppercase letter
	firstName: 'Test',
	lastName: 'Owner',
});

/** A port that was free a moment ago (the OS picks it). */
function findFreePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * Calls fn until it returns a truthy value (or a promise of one) without
 * throwing; resolves to that value. On timeout, rejects naming `what` and the
 * last error fn threw; once `signal` is aborted, rejects with its reason.
 */
async function waitFor(fn, { timeout = 30_000, interval = 250, what = 'condition', signal } = {}) {
	const deadline = Date.now() + timeout;
	let lastError;
	for (;;) {
		signal?.throwIfAborted();
		try {
			const value = await fn();
			if (value) return value;
			lastError = undefined;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const reason = lastError ? `: ${lastError.message}` : '';
			throw new Error(`Timed out after ${timeout} ms waiting for ${what}${reason}`);
		}
		await new Promise((resolve) => setTimeout(resolve, interval));
	}
}

// Servers still running and temporary user folders not yet removed, so that a
// caller that exits or is interrupted leaves neither behind (each server runs
// in its own process group, so a Ctrl-C in the terminal does not reach it).
const running = new Set();
const tempFolders = new Set();

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch (error) {
		if (error.code !== 'ESRCH') throw error;
	}
}

function killAllNow() {
	for (const child of running) killGroup(child.pid, 'SIGKILL');
	for (const folder of tempFolders) fs.rmSync(folder, { recursive: true, force: true });
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.once(signal, () => {
		// A caller with a handler of its own stops its servers itself (gracefully:
		// n8n's database is worth a clean shutdown); 'exit' above is the safety net.
		if (process.listenerCount(signal) > 0) return;
		killAllNow();
		// Listening replaced the default action (exiting): restore it.
		process.kill(process.pid, signal);
	});
}

function ownerEnv() {
	// n8n's own bcryptjs, so that the hash is one n8n accepts.
	const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(runtime.n8nBin)] }));
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: OWNER.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: OWNER.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
	};
}

/** fetch, with the body sent and parsed as JSON; never throws on a status. */
async function request(url, method, body, headers) {
	const response = await fetch(url, {
		method,
		headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed = text;
	try {
		parsed = text ? JSON.parse(text) : undefined;
	} catch {
		// not JSON: keep the text
	}
	return { status: response.status, ok: response.ok, body: parsed, headers: response.headers };
}

/**
 * Logs the owner in; resolves to the session cookie, "n8n-auth=...". No
 * browser-id header: the session is then not bound to one, so later requests
 * (or a browser given the cookie) need none either.
 */
async function logIn(baseUrl, { email, password } = OWNER) {
	const login = expectOk(
		await request(`${baseUrl}/rest/login`, 'POST', { emailOrLdapLoginId: email, password }),
		'POST /rest/login',
	);
	const cookie = login.headers
		.getSetCookie()
		.map((header) => header.split(';')[0])
		.find((pair) => pair.startsWith('n8n-auth='));
	if (!cookie) throw new Error('POST /rest/login set no n8n-auth cookie');
	return cookie;
}

function expectOk(response, what) {
	if (!response.ok) {
		throw new Error(`${what} failed: HTTP ${response.status} ${JSON.stringify(response.body)}`);
	}
	return response;
}

/**
 * Starts n8n and resolves once it is ready, with an owner logged in and a
 * public API key.
 *
 * @param {object} [opts]
 * @param {number} [opts.port] default: a free port
 * @param {string} [opts.userFolder] N8N_USER_FOLDER; default: a new temporary
 *   folder, removed again by stop()
 * @param {boolean} [opts.withPackage] install this repository's built package
 *   (see package-install.js) as a community package: its node types are then
 *   `n8n-nodes-copicake.<node>`
 * @param {boolean} [opts.ownerFromEnv] create the owner through
 *   N8N_INSTANCE_OWNER_* at startup instead of POST /rest/owner/setup
 * @param {boolean} [opts.devReload] N8N_DEV_RELOAD: reload the installed package
 *   when its files change
 * @param {Record<string, string>} [opts.extraEnv] more environment, last word
 * @param {number} [opts.readyTimeout] ms to wait for readiness (default 120 s)
 * @param {(line: string) => void} [opts.log] progress lines (default: none)
 * @param {(line: string) => void} [opts.onLogLine] each line n8n writes, as it comes
 * @param {number} [opts.maxLogLines] how many of n8n's lines logs() keeps (default: all)
 * @param {string} [opts.apiKeyLabel] label of the public API key; keys with that
 *   label left by earlier starts (a reused user folder) are deleted first
 *
 * Resolves to { baseUrl, port, userFolder, packageName, process (the n8n
 * ChildProcess), owner: { email, password }, cookie (the owner's n8n-auth
 * session, "n8n-auth=..."), apiKey, apiKeyScopes, logs(), logLinesMatching(re),
 * api(method, path, body), rest(method, path, body), stop({ timeout }) }.
 * api() calls /api/v1<path> with the API key, rest() calls /rest<path> with the
 * cookie (a path already starting with /api/v1/ or /rest/ is taken as is);
 * both resolve to { status, ok, body (parsed JSON, else text), headers } and
 * never throw on an HTTP status. /rest answers wrap their payload in `data`.
 */
async function startN8n(opts = {}) {
	const log = opts.log ?? (() => {});
	const started = Date.now();
	const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

	await runtime.ensureRuntime({ log });
	const port = opts.port ?? (await findFreePort());
	let brokerPort;
	do brokerPort = await findFreePort();
	while (brokerPort === port);
	const ownUserFolder = opts.userFolder === undefined;
	const userFolder = ownUserFolder ? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-instance-')) : path.resolve(opts.userFolder);
	if (ownUserFolder) tempFolders.add(userFolder);
	fs.mkdirSync(userFolder, { recursive: true });
	if (opts.withPackage) await installPackage({ userFolder });
	const packageName = opts.withPackage ? thisPackage : undefined;
	const baseUrl = `http://127.0.0.1:${port}`;

	const env = { ...process.env };
	// Whatever n8n settings the caller's shell has would break the isolation;
	// NODE_ENV=test (set by jest) makes n8n refuse to load any node.
	for (const key of Object.keys(env)) {
		if (key.startsWith('N8N_') || key.startsWith('DB_') || key === 'NODE_ENV' || key === 'WEBHOOK_URL') delete env[key];
	}
	Object.assign(env, {
		// n8n starts its JavaScript task runner as plain `node` from PATH.
		PATH: `${path.dirname(runtime.node24Bin)}${path.delimiter}${process.env.PATH}`,
		NODE_ENV: 'production', // as in n8n's own Docker image
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'n8n-nodes-copicake-test-encryption-key',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		...(opts.ownerFromEnv ? ownerEnv() : {}),
		// Debug level: see the wait for the package's file watcher below.
		...(opts.devReload ? { N8N_DEV_RELOAD: 'true', ...(packageName ? { N8N_LOG_LEVEL: 'debug' } : {}) } : {}),
		...opts.extraEnv,
	});

	log(`n8n: starting on ${baseUrl} (user folder ${userFolder}${packageName ? `, package ${packageName}` : ''})`);
	// Its own process group, so that stop() also ends the task runner child;
	// cwd is the user folder because n8n reads a .env file from its cwd.
	const child = spawn(runtime.node24Bin, [runtime.n8nBin, 'start'], {
		cwd: userFolder,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	running.add(child);
	const lines = [];
	const maxLogLines = opts.maxLogLines ?? Infinity;
	const onLine = (line) => {
		lines.push(line);
		if (lines.length > maxLogLines) lines.splice(0, lines.length - maxLogLines);
		opts.onLogLine?.(line);
	};
	readline.createInterface({ input: child.stdout }).on('line', onLine);
	readline.createInterface({ input: child.stderr }).on('line', onLine);
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			running.delete(child);
			resolve({ code, signal });
		});
	});
	let exitStatus;
	// Ends the waits below at once if n8n exits instead of getting ready.
	const exitedEarly = new AbortController();
	exited.then((status) => {
		exitStatus = status;
		exitedEarly.abort(new Error(`n8n exited (${status.signal ?? `exit code ${status.code}`})`));
	});

	const logs = () => lines.slice();
	const logLinesMatching = (re) => lines.filter((line) => re.test(line));

	async function stop({ timeout = 10_000 } = {}) {
		if (!exitStatus) {
			killGroup(child.pid, 'SIGTERM');
			let timer;
			const timedOut = new Promise((resolve) => (timer = setTimeout(resolve, timeout, 'timeout')));
			if ((await Promise.race([exited, timedOut])) === 'timeout') {
				log(`n8n: no exit ${timeout} ms after SIGTERM, killing it`);
			}
			clearTimeout(timer);
		}
		// Also whatever n8n left in its group (a task runner it did not reap).
		killGroup(child.pid, 'SIGKILL');
		await exited;
		if (ownUserFolder) {
			fs.rmSync(userFolder, { recursive: true, force: true });
			tempFolders.delete(userFolder);
		}
	}

	try {
		await waitFor(async () => (await fetch(`${baseUrl}/healthz/readiness`)).ok, {
			timeout: opts.readyTimeout ?? 120_000,
			what: `${baseUrl}/healthz/readiness`,
			signal: exitedEarly.signal,
		});
		log(`n8n: ready after ${elapsed()}`);

		if (!opts.ownerFromEnv) {
			const setup = await request(`${baseUrl}/rest/owner/setup`, 'POST', {
				email: OWNER.email,
				firstName: OWNER.firstName,
				lastName: OWNER.lastName,
				password: OWNER.password,
			});
			// A reused user folder has its owner from an earlier start.
			const alreadySetUp = setup.status === 400 && /already setup/.test(setup.body?.message);
			if (!alreadySetUp) expectOk(setup, 'POST /rest/owner/setup');
		}
		const cookie = await logIn(baseUrl);

		const rest = (method, restPath, body) =>
			request(`${baseUrl}${restPath.startsWith('/rest/') ? '' : '/rest'}${restPath}`, method, body, { cookie });

		// Every scope the owner's role may give a key (workflows, credentials,
		// executions, tags, projects, ...); the list depends on the n8n version.
		const scopes = expectOk(await rest('GET', '/api-keys/scopes'), 'GET /rest/api-keys/scopes').body.data;
		const label = opts.apiKeyLabel ?? `test ${Date.now()}`;
		const listed = expectOk(await rest('GET', `/api-keys?label=${encodeURIComponent(label)}`), 'GET /rest/api-keys').body
			.data;
		const keys = Array.isArray(listed) ? listed : listed.items; // a page since n8n 2.x
		for (const key of keys.filter((candidate) => candidate.label === label)) {
			expectOk(await rest('DELETE', `/api-keys/${key.id}`), `DELETE /rest/api-keys/${key.id}`);
		}
		const created = expectOk(
			await rest('POST', '/api-keys', { label, scopes, expiresAt: null }),
			'POST /rest/api-keys',
		);
		const apiKey = created.body.data.rawApiKey;

		const api = (method, apiPath, body) =>
			request(`${baseUrl}${apiPath.startsWith('/api/v1/') ? '' : '/api/v1'}${apiPath}`, method, body, {
				'x-n8n-api-key': apiKey,
			});

		log(`n8n: owner logged in, API key created (${elapsed()})`);

		// n8n starts watching the package only after it reports ready (and
		// after its own, much larger node folders), and says so at debug level
		// only: a change made before then would not be reloaded.
		if (opts.devReload && packageName && env.N8N_LOG_LEVEL === 'debug') {
			await waitFor(
				() =>
					lines.some(
						(line) => line.includes('Watching node folders for hot reload') && line.includes(`"loader":"${packageName}"`),
					),
				{ timeout: 30_000, interval: 100, what: `n8n to watch ${packageName} for changes`, signal: exitedEarly.signal },
			);
			log(`n8n: watching ${packageName} for changes (${elapsed()})`);
		}
		return {
			baseUrl,
			port,
			userFolder,
			packageName,
			process: child,
			owner: { email: OWNER.email, password: OWNER.password },
			cookie,
			apiKey,
			apiKeyScopes: scopes,
			logs,
			logLinesMatching,
			api,
			rest,
			stop,
		};
	} catch (error) {
		const tail = lines.slice(-40).join('\n');
		await stop();
		error.message += `\n--- last n8n log lines ---\n${tail}`;
		throw error;
	}
}

/**
 * Log lines every start here writes that have nothing to do with the package:
 * no internet (api.n8n.io), no Python task runner.
 */
function isNoise(line) {
	return /api\.n8n\.io|Python task runner|A system task run failed/.test(line);
}

module.exports = { startN8n, logIn, request, expectOk, waitFor, findFreePort, isNoise, OWNER };
