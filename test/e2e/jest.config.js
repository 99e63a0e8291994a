/**
 * The end-to-end tests: a real n8n server with the package installed, driven through its REST
 * API and webhooks (`npm run test:e2e`, which first installs the n8n runtime and builds).
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	// One n8n server per test file, and files one after the other: each server takes ~1 GB.
	maxWorkers: 1,
	testTimeout: 120_000,
};
