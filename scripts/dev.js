#!/usr/bin/env node
'use strict';
/**
 * `npm run dev`: n8n at http://localhost:5678 with this package installed and
 * reloaded on every change, a local sandbox standing in for Copicake, a
 * credential for it and the example workflows, ready to run.
 *
 *   node scripts/dev.js            runs until Ctrl-C
 *   require('./dev').startDev()    the same, for the screenshots script
 *
 * n8n keeps its data in n8n-runtime/dev-user-folder/, so work done in the
 * editor survives restarts; the setup (credential, workflows) is only added
 * where missing. That folder sits under n8n-runtime/ on purpose: the package
 * installed in it then resolves `n8n-workflow` to n8n's own copy
 * (n8n-runtime/node_modules), never to the repository's dev copy.
 */
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { promisify } = require('node:util');

const { ensureRuntime, runtimeDir } = require('./n8n-runtime');
const { startN8n, isNoise, OWNER } = require('./n8n-instance');
const { installPackage, repoRoot } = require('./package-install');
const { createSandbox, SANDBOX } = require('./sandbox');
const workflows = require('./n8n-workflows');

const N8N_PORT = 5678;
const N8N_URL = workflows.DEV_N8N_URL;
const DEV_USER_FOLDER = path.join(runtimeDir, 'dev-user-folder');
const N8N_LOG_FILE = path.join(DEV_USER_FOLDER, 'n8n.log');
const TRIGGER_NODE = 'Copicake Trigger';
const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';

const binDir = path.join(repoRoot, 'node_modules', '.bin');
const execFileAsync = promisify(execFile);

/** Fails early, and says why, when another program holds one of the fixed ports. */
function assertPortFree(port, what) {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', (error) => {
			if (error.code !== 'EADDRINUSE') return reject(error);
			reject(
				new Error(
					`Port ${port} (${what}) is already in use: is another \`npm run dev\` or n8n running? Stop it and try again.`,
				),
			);
		});
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
	});
}

/** The build that `npm run build` does, as the two steps the watcher repeats. */
async function buildOnce() {
	try {
		await execFileAsync(path.join(binDir, 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: repoRoot });
	} catch (error) {
		throw new Error(`the build failed (npm run build):\n${error.stdout ?? ''}${error.stderr ?? ''}`);
	}
	await copyAssets();
}

function copyAssets() {
	return execFileAsync(path.join(binDir, 'gulp'), ['build:icons', '--silent'], { cwd: repoRoot });
}

/**
 * Recompiles on every change to the sources (tsc --watch), then copies icons
 * and codex files and updates the installed copy: n8n's hot reload sees the
 * changed files and reloads the package. Returns the watcher process.
 */
function watchAndReinstall({ log }) {
	const watcher = spawn(path.join(binDir, 'tsc'), ['--watch', '--preserveWatchOutput', '-p', 'tsconfig.build.json'], {
		cwd: repoRoot,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let queue = Promise.resolve(); // one reinstall at a time
	let firstPass = true; // it only repeats the initial build
	const reinstall = () => {
		const quiet = firstPass;
		firstPass = false;
		queue = queue
			.then(copyAssets)
			.then(() => installPackage({ userFolder: DEV_USER_FOLDER }))
			.then(({ changed }) => {
				if (changed && !quiet) log(`rebuilt: ${changed} file(s) changed; n8n reloads the package (refresh the editor)`);
			})
			.catch((error) => log(`reinstall failed: ${error.message}`));
	};
	readline.createInterface({ input: watcher.stdout }).on('line', (line) => {
		const done = /Found (\d+) errors?\. Watching for file changes/.exec(line);
		if (!done) {
			// Compile errors and the files they are in: what the developer needs to see.
			if (/error TS|\.ts\(\d+/.test(line)) log(`tsc: ${line}`);
		} else if (done[1] === '0') {
			reinstall();
		} else {
			log('tsc: the package was not reinstalled: fix the errors above');
		}
	});
	return watcher;
}

/**
 * n8n's log goes to a file; the lines worth seeing while developing also go to
 * the console: the package failing to load at any time, and once the setup is
 * done (its probes make n8n log errors on purpose), every error and warning.
 */
function n8nLogSink(log) {
	fs.mkdirSync(DEV_USER_FOLDER, { recursive: true });
	const file = fs.createWriteStream(N8N_LOG_FILE, { flags: 'w' });
	const sink = {
		setupDone: false,
		onLogLine(line) {
			file.write(`${line}\n`);
			if (isNoise(line)) return;
			// n8n's text format at debug level: "<time> | <level> | <message> {<meta>}".
			const worthSeeing = sink.setupDone
				? /\| (error|warn) +\||Hot reload|Failed to load|Unrecognized node type/
				: /Failed to load|Unrecognized node type/;
			if (worthSeeing.test(line)) log(`n8n: ${line}`);
		},
		close: () => new Promise((resolve) => file.end(resolve)),
	};
	return sink;
}

/**
 * The credential for the sandbox and the example workflows, added where
 * missing; the trigger workflow is published when first added, so that the
 * create + trigger pair works at once.
 */
async function setUpExamples(n8n, sandboxUrl) {
	const credential = await workflows.ensureCredential(n8n, {
		name: SANDBOX.credentialName,
		apiKey: SANDBOX.apiKey,
		baseUrl: sandboxUrl,
	});
	const imported = [];
	for (const file of Object.values(workflows.EXAMPLES)) {
		const example = workflows.adaptWorkflow(workflows.readExample(file), { credential, n8nUrl: N8N_URL });
		const workflow = await workflows.ensureWorkflow(n8n, example);
		const trigger = example.nodes.find((node) => node.name === TRIGGER_NODE);
		if (trigger && !workflow.existed) {
			await workflows.publishWorkflow(n8n, workflow.id, workflows.productionWebhookUrl(N8N_URL, example, TRIGGER_NODE));
		}
		const manual = example.nodes.some((node) => node.type === MANUAL_TRIGGER_TYPE);
		imported.push({ file, id: workflow.id, name: workflow.name, existed: !!workflow.existed, manual });
	}
	return { credential, workflows: imported };
}

/**
 * Starts everything; resolves to { n8n, sandbox, sandboxUrl, setup, stop() }.
 * `stop` ends n8n (cleanly), the watcher and the sandbox, and may be called
 * twice. `watch: false` leaves out the rebuild-and-reload watcher.
 */
async function startDev({ log = console.log, watch = true } = {}) {
	const started = Date.now();
	const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
	await assertPortFree(N8N_PORT, 'n8n');
	await assertPortFree(SANDBOX.port, 'the local Copicake sandbox');

	await ensureRuntime({ log });
	log('building the package');
	await buildOnce();
	await installPackage({ userFolder: DEV_USER_FOLDER });

	const sandbox = createSandbox();
	const sandboxUrl = await sandbox.start(SANDBOX.port);
	const sink = n8nLogSink(log);
	const resources = { sandbox, sink, watcher: undefined, n8n: undefined };
	let stopping;
	const stop = () =>
		(stopping ??= (async () => {
			resources.watcher?.kill();
			await resources.n8n?.stop();
			await sandbox.stop();
			await sink.close();
		})());

	try {
		resources.n8n = await startN8n({
			port: N8N_PORT,
			userFolder: DEV_USER_FOLDER,
			withPackage: true,
			ownerFromEnv: true,
			devReload: true,
			apiKeyLabel: 'npm run dev',
			onLogLine: sink.onLogLine,
			maxLogLines: 5000,
			// The editor shows webhook URLs under localhost, where the browser reaches n8n.
			extraEnv: { N8N_HOST: 'localhost', N8N_EDITOR_BASE_URL: `${N8N_URL}/`, N8N_WEBHOOK_URL: `${N8N_URL}/` },
			log,
		});
		const setup = await setUpExamples(resources.n8n, sandboxUrl);
		sink.setupDone = true;
		if (watch) resources.watcher = watchAndReinstall({ log });
		log(`ready after ${seconds()}`);
		return { n8n: resources.n8n, sandbox, sandboxUrl, setup, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

function banner({ sandboxUrl, setup }) {
	const lines = [
		'',
		`n8n with n8n-nodes-copicake: ${N8N_URL}`,
		`  log in as ${OWNER.email} / ${OWNER.password}`,
		'',
		`Local sandbox (a stand-in for Copicake): ${sandboxUrl}`,
		`  credential "${setup.credential.name}" (API key ${SANDBOX.apiKey})`,
		`  template IDs: ${Object.values(SANDBOX.templates).join(', ')}`,
		'',
		'Example workflows (open one, press "Execute workflow"):',
		...setup.workflows.map(
			(workflow) =>
				`  ${N8N_URL}/workflow/${workflow.id}  ${workflow.name}${workflow.manual ? '' : ' (published: runs on its own)'}`,
		),
		'',
		'For the real Copicake: add a Copicake API credential with your API key and pick it in the nodes.',
		`Edits to nodes/ and credentials/ are rebuilt and reloaded; n8n's log: ${path.relative(process.cwd(), N8N_LOG_FILE)}`,
		'Ctrl-C stops n8n, the sandbox and the watcher.',
		'',
	];
	console.log(lines.join('\n'));
}

async function main() {
	const log = (line) => console.log(`[dev] ${line}`);
	let dev;
	let exiting = false;
	const shutdown = async () => {
		if (exiting) return;
		exiting = true;
		log('stopping n8n, the sandbox and the watcher');
		await dev?.stop();
		process.exit(0);
	};
	// npm forwards Ctrl-C too: the second signal finds the shutdown under way.
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, shutdown);
	try {
		dev = await startDev({ log });
	} catch (error) {
		console.error(`[dev] ${error.message}`);
		process.exit(1);
	}
	if (exiting) return;
	banner(dev);
}

module.exports = { startDev, N8N_URL };

if (require.main === module) main();
