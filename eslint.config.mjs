// The rules n8n's verification scanner (@n8n/scan-community-package) applies to community
// packages, taken from the scanner itself so that they cannot drift: the community-nodes
// rules plus the nodes, credentials and package.json rule sets of eslint-plugin-n8n-nodes-base.
// `npm run lint` also runs with --no-inline-config, as the scanner does, so eslint-disable
// comments could not hide anything.
import { buildScanConfig } from '@n8n/scan-community-package/scanner/scanner.mjs';

export default [{ ignores: ['node_modules/**', 'n8n-runtime/**'] }, ...(await buildScanConfig())];
