// @ts-check
'use strict';

/**
 * A local stand-in for the Copicake API, following ../shared/copicake-api.md and nothing
 * more: the same routes, the same `{ error, data }` envelope, the same error codes. It is a
 * real HTTP server on 127.0.0.1 that records every request it receives, so tests can assert
 * what reached "Copicake". Used by the jest tests, the benchmark, the end-to-end tests and the
 * local sandbox of `npm run dev`; plain JavaScript so all of them can load it as it is.
 */

const http = require('node:http');
const { randomBytes } = require('node:crypto');
const { URL } = require('node:url');

const { pngImage, jpgImage } = require('./images');
const { parseMultipart } = require('./multipart');

/** @typedef {'success' | 'failed' | 'error' | 'never'} Outcome */

/**
 * @typedef {object} Faults  Misbehaviour on purpose, each a probability from 0 to 1.
 * @property {number} [serverErrorRate]  requests answered 500/502/503/504
 * @property {number} [resetRate]  requests whose connection is dropped without an answer
 * @property {number} [quotaRate]  create requests answered 429 (quota used up)
 * @property {number} [failRenderRate]  renderings that end `failed`
 * @property {number} [neverFinishRate]  renderings that stay `processing`
 * @property {number} [slowRate]  requests answered only after `slowMs`
 * @property {number} [slowMs]
 */

/**
 * @typedef {object} FakeCopicakeOptions
 * @property {Record<string, string>} [apiKeys]  valid API key → account (user) id
 * @property {Record<string, string>} [templates]  template id → owning account id
 * @property {number} [renderMs]  how long a rendering stays `processing`
 * @property {(template: string, changes: unknown[]) => Outcome} [outcome]  how a rendering ends
 * @property {number} [quota]  renderings allowed before create answers 429
 * @property {number} [latencyMs]  added before every answer
 * @property {Faults} [faults]
 * @property {() => number} [random]  source of randomness for faults (seeded in tests)
 * @property {number} [imageBytes]  size of the PNG images served (padded); default small
 * @property {boolean} [webhookOnFailure]  whether a failed rendering also calls its webhook
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {any} body  parsed JSON, multipart fields, or undefined
 * @property {number} at  ms since the server started
 */

const DEFAULT_USER = 'tMIe7GOBu9NW017nZIzlJjfnupjW';

const ERROR_MESSAGES = /** @type {Record<number, string>} */ ({
	400: 'Bad request',
	401: 'Unauthorized',
	404: 'Not found',
	429: 'Rate limit exceeded',
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
});

/** Copicake-style ids: 28 letters and digits. */
function newId() {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(28), (byte) => alphabet[byte % alphabet.length]).join('');
}

class FakeCopicake {
	/** @param {FakeCopicakeOptions} [options] */
	constructor(options = {}) {
		this.apiKeys = options.apiKeys ?? { 'test-api-key': DEFAULT_USER };
		this.templates = options.templates ?? { tpl_social_post: DEFAULT_USER };
		this.renderMs = options.renderMs ?? 0;
		this.outcome = options.outcome ?? (() => 'success');
		this.quota = options.quota ?? Infinity;
		this.latencyMs = options.latencyMs ?? 0;
		this.faults = options.faults ?? {};
		this.random = options.random ?? Math.random;
		this.imageBytes = options.imageBytes ?? 0;
		this.webhookOnFailure = options.webhookOnFailure ?? true;
		/** @type {RecordedRequest[]} */
		this.requests = [];
		/** @type {Map<string, any>} */
		this.renderings = new Map();
		/** @type {Map<string, { outcome: Outcome, finishAt: number }>} */
		this.plans = new Map();
		/** Answers forced on upcoming requests: `respondWith`. */
		/** @type {{ method?: string, path: string, status: number, times: number, reset?: boolean }[]} */
		this.scripted = [];
		/** Files received by the temporary-image upload, by key. */
		/** @type {Map<string, { data: Buffer, contentType: string }>} */
		this.uploads = new Map();
		/** Webhook calls made, with the answer each got. */
		/** @type {{ url: string, status: number | null, body: string, error?: string }[]} */
		this.webhookCalls = [];
		/** @type {Map<string, Buffer>} images served, by rendering id */
		this.servedImages = new Map();
		this.startedAt = Date.now();
		/** @type {Set<NodeJS.Timeout>} */
		this.timers = new Set();
		/** @type {Set<import('node:net').Socket>} */
		this.sockets = new Set();
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error) => {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: `fake server fault: ${error.message}`, data: null }));
			});
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.baseUrl = '';
	}

	/** Starts listening on a free port of 127.0.0.1 (or `port`) and returns the base URL. */
	async start(port = 0) {
		await new Promise((resolve) => this.server.listen(port, '127.0.0.1', () => resolve(undefined)));
		const address = /** @type {import('node:net').AddressInfo} */ (this.server.address());
		this.baseUrl = `http://127.0.0.1:${address.port}`;
		return this.baseUrl;
	}

	async stop() {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const socket of this.sockets) socket.destroy();
		await new Promise((resolve) => this.server.close(() => resolve(undefined)));
	}

	/** Forgets requests, renderings and scripted answers between tests. */
	reset() {
		this.requests = [];
		this.renderings.clear();
		this.plans.clear();
		this.scripted = [];
		this.uploads.clear();
		this.webhookCalls = [];
		this.servedImages.clear();
	}

	/**
	 * Forces the next `times` requests to `path` (and `method`, if given) to be answered with
	 * `status` and Copicake's error envelope, or, with `reset`, to have their connection dropped.
	 * @param {{ method?: string, path: string, status?: number, times?: number, reset?: boolean }} rule
	 */
	respondWith({ method, path, status = 500, times = 1, reset = false }) {
		this.scripted.push({ method, path, status, times, reset });
	}

	/** @param {string} [path] @param {string} [method] */
	requestsTo(path, method) {
		return this.requests.filter(
			(request) => (!path || request.path === path) && (!method || request.method === method),
		);
	}

	/** The create requests received, in order. */
	get createRequests() {
		return this.requestsTo('/v1/image/create', 'POST');
	}

	// --- request handling -------------------------------------------------------------

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	async handle(req, res) {
		const url = new URL(req.url ?? '/', this.baseUrl || 'http://127.0.0.1');
		const raw = await readBody(req);
		const contentType = String(req.headers['content-type'] ?? '');
		/** @type {RecordedRequest} */
		const record = {
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: req.headers,
			body: parseBody(raw, contentType),
			at: Date.now() - this.startedAt,
		};
		this.requests.push(record);

		if (this.latencyMs) await this.pause(this.latencyMs);
		if (this.faults.slowRate && this.random() < this.faults.slowRate) {
			await this.pause(this.faults.slowMs ?? 1000);
		}

		const scripted = this.takeScripted(record);
		if (scripted?.reset || (this.isApi(record) && this.chance(this.faults.resetRate))) {
			req.socket.destroy();
			return;
		}
		if (scripted) return this.fail(res, scripted.status);
		if (this.isApi(record) && this.chance(this.faults.serverErrorRate)) {
			return this.fail(res, [500, 502, 503, 504][Math.floor(this.random() * 4)]);
		}

		const route = `${record.method} ${record.path}`;
		if (route === 'POST /upload') return this.receiveUpload(record, res, raw, contentType);
		if (record.method === 'GET' && record.path.startsWith('/upload/')) {
			return this.serveUpload(record.path.slice('/upload/'.length), res);
		}
		if (record.method === 'GET' && record.path.startsWith('/renderings/')) {
			return this.serveImage(record.path.slice('/renderings/'.length), res);
		}

		const account = this.accountOf(req);
		if (!account) return this.fail(res, 401);
		switch (route) {
			case 'GET /v1/user/me':
				return this.send(res, 200, { id: account });
			case 'POST /v1/image/create':
				return this.create(account, record.body, res);
			case 'GET /v1/image/get':
				return this.get(account, record.query.id, res);
			case 'GET /v1/utils/upload-temp-image':
				return this.presignUpload(record.query.file, res);
			default:
				return this.fail(res, 404);
		}
	}

	/** @param {RecordedRequest} record */
	isApi(record) {
		return record.path.startsWith('/v1/');
	}

	/** @param {number | undefined} rate */
	chance(rate) {
		return !!rate && this.random() < rate;
	}

	/** @param {RecordedRequest} record */
	takeScripted(record) {
		const index = this.scripted.findIndex(
			(rule) => rule.path === record.path && (!rule.method || rule.method === record.method),
		);
		if (index < 0) return undefined;
		const rule = this.scripted[index];
		if (--rule.times <= 0) this.scripted.splice(index, 1);
		return rule;
	}

	/** @param {http.IncomingMessage} req */
	accountOf(req) {
		const match = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
		return match ? this.apiKeys[match[1]] : undefined;
	}

	/** @param {string} account @param {any} body @param {http.ServerResponse} res */
	create(account, body, res) {
		if (!isValidCreateBody(body)) return this.fail(res, 400);
		const owner = this.templates[body.template_id];
		if (!owner) return this.fail(res, 404);
		if (owner !== account) return this.fail(res, 401);
		if (this.quota <= 0 || this.chance(this.faults.quotaRate)) return this.fail(res, 429);
		this.quota -= 1;

		const id = newId();
		const rendering = {
			type: 'image',
			status: 'processing',
			changes: body.changes ?? [],
			options: body.options ?? {},
			template_id: body.template_id,
			permanent_url: '',
			created_by: account,
			id,
			created_at: new Date().toISOString(),
		};
		this.renderings.set(id, rendering);
		this.plans.set(id, { outcome: this.planOutcome(rendering), finishAt: Date.now() + this.renderMs });
		this.scheduleFinish(id);
		return this.send(res, 200, rendering);
	}

	/** @param {any} rendering @returns {Outcome} */
	planOutcome(rendering) {
		if (this.chance(this.faults.neverFinishRate)) return 'never';
		if (this.chance(this.faults.failRenderRate)) return 'failed';
		return this.outcome(rendering.template_id, rendering.changes);
	}

	/** @param {string} account @param {string | undefined} id @param {http.ServerResponse} res */
	get(account, id, res) {
		if (!id) return this.fail(res, 400);
		const rendering = this.renderings.get(id);
		if (!rendering || rendering.created_by !== account) return this.fail(res, 404);
		this.settle(id);
		return this.send(res, 200, rendering);
	}

	/** Ends a rendering once its time has come, whether or not anyone is looking. @param {string} id */
	scheduleFinish(id) {
		const plan = this.plans.get(id);
		if (!plan || plan.outcome === 'never') return;
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			// Timers run on a clock of their own and may fire a millisecond before Date.now()
			// reaches finishAt; the rendering would then never finish unless someone polled it.
			plan.finishAt = Math.min(plan.finishAt, Date.now());
			this.settle(id);
		}, this.renderMs);
		this.timers.add(timer);
	}

	/** Moves a rendering to its planned end state when its render time has passed. @param {string} id */
	settle(id) {
		const rendering = this.renderings.get(id);
		const plan = this.plans.get(id);
		if (!rendering || !plan || rendering.status !== 'processing') return;
		if (plan.outcome === 'never' || Date.now() < plan.finishAt) return;
		rendering.status = plan.outcome;
		if (plan.outcome === 'success') {
			const format = rendering.options.format === 'jpg' ? 'jpg' : 'png';
			rendering.permanent_url = `${this.baseUrl}/renderings/${id}.${format}`;
		}
		const webhookUrl = rendering.options.webhook_url;
		if (webhookUrl && (plan.outcome === 'success' || this.webhookOnFailure)) {
			this.callWebhook(webhookUrl, rendering).catch(() => undefined);
		}
	}

	/**
	 * Calls a rendering's webhook as the contract says: GET, `rendering_id` and the URL-encoded
	 * `permanent_url` in the query, joined with `&` when the URL already has a query.
	 * @param {string} webhookUrl @param {any} rendering
	 */
	async callWebhook(webhookUrl, rendering) {
		const query = `rendering_id=${encodeURIComponent(rendering.id)}&permanent_url=${encodeURIComponent(rendering.permanent_url)}`;
		const url = `${webhookUrl}${webhookUrl.includes('?') ? '&' : '?'}${query}`;
		const call = { url, status: /** @type {number | null} */ (null), body: '' };
		this.webhookCalls.push(call);
		try {
			const response = await fetch(url, { method: 'GET' });
			call.status = response.status;
			call.body = await response.text();
		} catch (error) {
			Object.assign(call, { error: /** @type {Error} */ (error).message });
		}
	}

	/** @param {string | undefined} file @param {http.ServerResponse} res */
	presignUpload(file, res) {
		if (!file || !/^[\w.-]+\.(png|jpe?g|gif)$/i.test(file)) return this.fail(res, 400);
		// Not enveloped, as the contract says: a presigned S3 form post.
		return this.send(res, 200, {
			url: `${this.baseUrl}/upload`,
			fields: {
				key: `temp-images/${newId()}/${file}`,
				policy: Buffer.from('{"fake":"policy"}').toString('base64'),
				'x-amz-signature': randomBytes(16).toString('hex'),
			},
		}, false);
	}

	/** @param {RecordedRequest} record @param {http.ServerResponse} res @param {Buffer} raw @param {string} contentType */
	receiveUpload(record, res, raw, contentType) {
		const parts = parseMultipart(raw, contentType);
		const key = parts.find((part) => part.name === 'key')?.data.toString();
		const file = parts.find((part) => part.name === 'file');
		const fileIsLast = parts[parts.length - 1]?.name === 'file';
		if (!key || !file || !file.filename || !fileIsLast) {
			res.writeHead(400, { 'content-type': 'application/xml' });
			res.end('<Error><Code>InvalidArgument</Code></Error>');
			return;
		}
		record.body = { fields: Object.fromEntries(parts.filter((p) => !p.filename).map((p) => [p.name, p.data.toString()])), file };
		this.uploads.set(key, { data: file.data, contentType: file.contentType ?? 'application/octet-stream' });
		res.writeHead(204);
		res.end();
	}

	/** @param {string} key @param {http.ServerResponse} res */
	serveUpload(key, res) {
		const upload = this.uploads.get(decodeURIComponent(key));
		if (!upload) return this.fail(res, 404);
		res.writeHead(200, { 'content-type': upload.contentType, 'content-length': upload.data.length });
		res.end(upload.data);
	}

	/** @param {string} file @param {http.ServerResponse} res */
	serveImage(file, res) {
		const [id, format] = file.split('.');
		const rendering = this.renderings.get(id);
		if (!rendering || rendering.status !== 'success') return this.fail(res, 404);
		const image = format === 'jpg' ? jpgImage() : pngImage(id, this.imageBytes);
		this.servedImages.set(id, image);
		res.writeHead(200, {
			'content-type': format === 'jpg' ? 'image/jpeg' : 'image/png',
			'content-length': image.length,
		});
		res.end(image);
	}

	/** @param {http.ServerResponse} res @param {number} status @param {any} data @param {boolean} [envelope] */
	send(res, status, data, envelope = true) {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(envelope ? { error: null, data } : data));
	}

	/** @param {http.ServerResponse} res @param {number} status */
	fail(res, status) {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: ERROR_MESSAGES[status] ?? 'Error', data: null }));
	}

	/** @param {number} ms */
	pause(ms) {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve(undefined);
			}, ms);
			this.timers.add(timer);
		});
	}
}

/** The create body the contract accepts: a template id, optional changes with names, optional options. */
function isValidCreateBody(/** @type {any} */ body) {
	if (!body || typeof body !== 'object' || typeof body.template_id !== 'string' || !body.template_id) return false;
	if (body.changes !== undefined) {
		if (!Array.isArray(body.changes)) return false;
		for (const change of body.changes) {
			if (!change || typeof change !== 'object' || typeof change.name !== 'string' || !change.name) return false;
		}
	}
	if (body.options !== undefined) {
		if (!body.options || typeof body.options !== 'object') return false;
		if (body.options.format !== undefined && !['png', 'jpg'].includes(body.options.format)) return false;
		if (body.options.webhook_url !== undefined && typeof body.options.webhook_url !== 'string') return false;
	}
	return true;
}

/** @param {http.IncomingMessage} req @returns {Promise<Buffer>} */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** @param {Buffer} raw @param {string} contentType */
function parseBody(raw, contentType) {
	if (!raw.length) return undefined;
	if (contentType.includes('application/json')) {
		try {
			return JSON.parse(raw.toString('utf8'));
		} catch {
			return raw.toString('utf8');
		}
	}
	if (contentType.includes('multipart/form-data')) return undefined; // parsed by the upload route
	return raw.toString('utf8');
}

module.exports = { FakeCopicake, DEFAULT_USER, newId };
