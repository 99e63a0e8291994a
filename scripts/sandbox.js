'use strict';
/**
 * The local sandbox: the fake Copicake of the tests (test/fake-copicake/),
 * set up with one account, its API key and two templates, so that the example
 * workflows run without a Copicake account. Used by `npm run dev`, the
 * screenshots and the end-to-end tests, so all three see the same templates
 * as the files in examples/.
 */
const { FakeCopicake } = require('../test/fake-copicake/server');

const SANDBOX = Object.freeze({
	/** `npm run dev` serves it here; the tests take a free port. */
	port: 5680,
	apiKey: 'sandbox-api-key',
	accountId: 'sandboxAccount00000000000001',
	/** The template ids the example workflows use. */
	templates: Object.freeze({
		welcomeCard: 'sandboxWelcomeCardTemplate01',
		certificate: 'sandboxCertificateTemplate01',
	}),
	/** Long enough to see "processing", short enough not to wait for it. */
	renderMs: 1500,
	credentialName: 'Copicake (local sandbox)',
});

/**
 * A sandbox server, not yet started (`await sandbox.start(port)`). `options`
 * adds to or overrides the FakeCopicake options (see its JSDoc).
 * @param {import('../test/fake-copicake/server').FakeCopicakeOptions} [options]
 */
function createSandbox(options = {}) {
	return new FakeCopicake({
		apiKeys: { [SANDBOX.apiKey]: SANDBOX.accountId },
		templates: Object.fromEntries(Object.values(SANDBOX.templates).map((id) => [id, SANDBOX.accountId])),
		renderMs: SANDBOX.renderMs,
		...options,
	});
}

module.exports = { SANDBOX, createSandbox };
