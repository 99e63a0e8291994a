// @ts-check
'use strict';

/**
 * The fake Copicake in a process of its own, so that the benchmark measures the CPU and memory
 * of n8n's engine alone. Started with fork(): options come as JSON in argv[2], the base URL is
 * sent back once listening, and `{ type: 'stats' }` messages are answered with request counts.
 */
const { FakeCopicake } = require('../test/fake-copicake/server');

const fake = new FakeCopicake(JSON.parse(process.argv[2] ?? '{}'));

process.on('message', (/** @type {any} */ message) => {
	if (message?.type === 'stats') {
		const byPath = {};
		for (const { path } of fake.requests) {
			const key = path.startsWith('/renderings/') ? '/renderings/*' : path;
			byPath[key] = (byPath[key] ?? 0) + 1;
		}
		process.send?.({ type: 'stats', requests: fake.requests.length, byPath, renderings: fake.renderings.size });
	}
	if (message?.type === 'reset') {
		fake.reset();
		process.send?.({ type: 'reset' });
	}
});

fake.start().then((baseUrl) => process.send?.({ type: 'ready', baseUrl }));
process.on('disconnect', () => void fake.stop().then(() => process.exit(0)));
