#!/usr/bin/env node
'use strict';
/**
 * `npm run screenshots`: pictures of the nodes in the real n8n editor for the
 * README, written to docs/screenshots/. Drives Debian's Chromium
 * (`apt-get install chromium`) headless through playwright-core. Uses the n8n
 * of a running `npm run dev` if there is one, else starts one for the while.
 *
 * Each picture runs an example workflow first where that shows more (the
 * node's input and output filled in).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const { startDev, N8N_URL } = require('./dev');
const { logIn, request } = require('./n8n-instance');
const { EXAMPLES, readExample } = require('./n8n-workflows');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const OUT_DIR = path.resolve(__dirname, '..', 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

function log(line) {
	console.log(`[screenshots] ${line}`);
}

async function devIsRunning() {
	try {
		return (await fetch(`${N8N_URL}/healthz/readiness`)).ok;
	} catch {
		return false;
	}
}

/** The ids of the example workflows in that n8n, by file name. */
async function exampleWorkflowIds(cookie) {
	const listed = await request(`${N8N_URL}/rest/workflows`, 'GET', undefined, { cookie });
	if (!listed.ok) throw new Error(`GET /rest/workflows: HTTP ${listed.status}`);
	const ids = {};
	for (const file of Object.values(EXAMPLES)) {
		const { name } = readExample(file);
		const workflow = listed.body.data.find((candidate) => candidate.name === name && !candidate.isArchived);
		if (!workflow) throw new Error(`n8n has no workflow "${name}" (examples/${file}): was it renamed or deleted?`);
		ids[file] = workflow.id;
	}
	return ids;
}

/** Chromium with a fresh profile and the owner's session. */
async function openBrowser(cookie) {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: screenshots need Chromium (apt-get install chromium), or set CHROMIUM_PATH`);
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'copicake-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: VIEWPORT,
	});
	const name = cookie.slice(0, cookie.indexOf('='));
	await context.addCookies([{ name, value: cookie.slice(name.length + 1), url: N8N_URL }]);
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		page,
		close: async () => {
			await context.close();
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

const canvasNode = (page, name) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

async function openWorkflow(page, workflowId) {
	await page.goto(`${N8N_URL}/workflow/${workflowId}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
	await page.waitForTimeout(500); // the canvas fits its view after the first paint
}

/** Presses "Execute workflow" and waits for the end of the run; closes the "executed" toast. */
async function executeWorkflow(page) {
	await page.locator('[data-test-id="execute-workflow-button"]').click();
	const toast = page.locator('.el-notification').filter({ hasText: 'Workflow executed successfully' });
	await toast.waitFor({ timeout: 60_000 });
	await toast.locator('.el-notification__closeBtn').click();
	await toast.waitFor({ state: 'detached' });
	await page.mouse.move(0, VIEWPORT.height / 2); // no hover effects in the picture
}

async function openNode(page, name) {
	await canvasNode(page, name).dblclick();
	await page.locator('[data-test-id="ndv"]').waitFor();
	await page.waitForTimeout(800); // panels slide in
}

/** n8n's hints (such as its "Production Checklist") that would cover the picture. */
async function closePopovers(page) {
	for (const close of await page.locator('[data-test-id="suggested-actions-close"]').all()) {
		if (await close.isVisible()) await close.click();
	}
}

async function save(page, file) {
	const target = path.join(OUT_DIR, file);
	await page.screenshot({ path: target });
	log(`wrote ${path.relative(process.cwd(), target)}`);
}

async function shootAll(page, ids) {
	// The spreadsheet case on the canvas, after a run: five items through each node.
	await openWorkflow(page, ids[EXAMPLES.rowsToImages]);
	await executeWorkflow(page);
	await save(page, 'rows-to-images-canvas.png');
	// Its Copicake node: the rows in, the finished renderings (and their images) out.
	await openNode(page, 'Render one image per row');
	await page.locator('[data-test-id="output-panel"] [data-test-id="radio-button-schema"]').click();
	await save(page, 'copicake-node-map-fields.png');

	// Create Rendering with changes defined in the editor, fed by the guest list.
	await openWorkflow(page, ids[EXAMPLES.createWithWebhook]);
	await executeWorkflow(page);
	await openNode(page, 'Start one rendering per guest');
	await save(page, 'copicake-node-define.png');

	// The trigger, with its production URL shown.
	await openWorkflow(page, ids[EXAMPLES.renderingFinished]);
	await openNode(page, 'Copicake Trigger');
	await page.getByText('Webhook URLs', { exact: true }).click();
	await page.getByText('Production URL', { exact: true }).click();
	await page.waitForTimeout(500); // the caret's turn
	await save(page, 'copicake-trigger.png');

	// The trigger workflow's runs: one per rendering the guest list started.
	await page.goto(`${N8N_URL}/workflow/${ids[EXAMPLES.renderingFinished]}/executions`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
	await page.waitForTimeout(1000);
	await closePopovers(page);
	await save(page, 'copicake-trigger-executions.png');
	// The newest run's trigger node: the rendering as read back from Copicake.
	await openNode(page, 'Copicake Trigger');
	await save(page, 'copicake-trigger-output.png');
}

async function main() {
	fs.mkdirSync(OUT_DIR, { recursive: true });
	const dev = (await devIsRunning()) ? undefined : await startDev({ log, watch: false });
	log(dev ? 'started n8n for the screenshots' : `using the n8n running at ${N8N_URL}`);
	let browser;
	try {
		const cookie = await logIn(N8N_URL);
		const ids = await exampleWorkflowIds(cookie);
		browser = await openBrowser(cookie);
		await shootAll(browser.page, ids);
	} finally {
		await browser?.close();
		await dev?.stop();
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(`[screenshots] ${error.stack ?? error.message}`);
		process.exit(1);
	});
}
