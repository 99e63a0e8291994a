'use strict';
/**
 * Puts this package into an n8n user folder the way `npm install` in
 * ~/.n8n/nodes would: a real copy of the `npm pack` tarball (so exactly the
 * published files) at `<userFolder>/.n8n/nodes/node_modules/<name>`.
 *
 *   const { installPackage } = require('./package-install');
 *   const dir = await installPackage({ userFolder });   // after `npm run build`
 *
 * A copy, not a symlink to the repository: Node resolves modules from a file's
 * real path, so a linked package would `require('n8n-workflow')` from the
 * repository's node_modules and run on a second copy of n8n-workflow. A copy
 * has none of its own; n8n puts its own module paths on NODE_PATH before it
 * loads community packages, so the copy gets n8n's n8n-workflow, as after a
 * real install. (Verified with NODE_DEBUG=module on n8n 2.41.1.)
 *
 * Calling it again updates the copy in place, writing only files whose bytes
 * changed and removing files no longer packed: n8n's hot reload watches that
 * folder and must keep watching it.
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const packageName = packageJson.name;

/** Where n8n looks for installed community packages. */
function installedPackageDir(userFolder) {
	return path.join(userFolder, '.n8n', 'nodes', 'node_modules', packageName);
}

/** The machine's npm: the one running this script if started by npm. */
function npmCommand() {
	return process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
}

/** Packs the built package and unpacks it into a new temporary folder. */
async function packToFolder() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'copicake-pack-'));
	const [npm, ...npmArgs] = npmCommand();
	const { stdout } = await execFileAsync(
		npm,
		[...npmArgs, 'pack', '--ignore-scripts', '--json', '--loglevel=error', '--pack-destination', work],
		{ cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
	);
	const [{ filename }] = JSON.parse(stdout);
	const unpacked = path.join(work, 'package');
	fs.mkdirSync(unpacked);
	await execFileAsync('tar', ['-xzf', path.join(work, filename), '-C', unpacked, '--strip-components=1']);
	return { work, unpacked };
}

function listFiles(dir, prefix = '') {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const relative = path.join(prefix, entry.name);
		return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
	});
}

function sameBytes(a, b) {
	try {
		return fs.readFileSync(a).equals(fs.readFileSync(b));
	} catch {
		return false;
	}
}

/** Makes `target` hold exactly the files of `source`; returns how many changed. */
function syncFolder(source, target) {
	const wanted = new Set(listFiles(source));
	let changed = 0;
	for (const file of listFiles(target)) {
		if (wanted.has(file)) continue;
		fs.rmSync(path.join(target, file));
		changed += 1;
	}
	for (const file of wanted) {
		const from = path.join(source, file);
		const to = path.join(target, file);
		if (sameBytes(from, to)) continue;
		fs.mkdirSync(path.dirname(to), { recursive: true });
		fs.copyFileSync(from, to);
		changed += 1;
	}
	return changed;
}

/**
 * Installs (or updates) the built package in the user folder; resolves to
 * { dir, changed } with the number of files written or removed. A symlink left
 * there by an older setup is replaced by a real folder.
 */
async function installPackage({ userFolder }) {
	if (!fs.existsSync(path.join(repoRoot, 'dist'))) {
		throw new Error('dist/ is missing: run `npm run build` before installing the package into n8n');
	}
	const dir = installedPackageDir(userFolder);
	if (fs.lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) fs.rmSync(dir);
	fs.mkdirSync(dir, { recursive: true });
	const { work, unpacked } = await packToFolder();
	try {
		return { dir, changed: syncFolder(unpacked, dir) };
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

module.exports = { installPackage, installedPackageDir, packageName, repoRoot };
