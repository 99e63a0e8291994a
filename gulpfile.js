// Copies what tsc does not emit next to the compiled files: the icons the descriptions refer
// to (`icon: 'file:…'`) and the nodes' codex files (`*.node.json`, their categories and links).
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist')),
);
