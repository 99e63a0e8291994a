// @ts-check
'use strict';

/**
 * Real image files for finished renderings, so that downloads carry genuine PNG and JPG bytes:
 * the sandbox pictures in fixtures/ (made once with ImageMagick), or, when a test asks for a
 * given size, a generated PNG padded to that size with an ancillary chunk that viewers skip.
 */

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const FIXTURES = path.join(__dirname, 'fixtures');

/** @type {Map<string, Buffer>} */
const fixtureCache = new Map();

/** @param {string} name */
function fixture(name) {
	let data = fixtureCache.get(name);
	if (!data) {
		data = fs.readFileSync(path.join(FIXTURES, name));
		fixtureCache.set(name, data);
	}
	return data;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(zlib.crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A solid-colour PNG, its colour taken from `seed`, padded to about `bytes` bytes.
 * @param {string} seed @param {number} bytes
 */
function generatedPng(seed, bytes) {
	const width = 64;
	const height = 32;
	let hash = 0;
	for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
	const rgb = [hash & 0xff, (hash >> 8) & 0xff, (hash >> 16) & 0xff];
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
	const row = Buffer.alloc(1 + width * 3);
	for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
	const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
	const parts = [
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', pixels),
	];
	const size = parts.reduce((sum, part) => sum + part.length, 0) + 12;
	if (bytes > size + 12) parts.push(chunk('paDd', Buffer.alloc(bytes - size - 12, seed)));
	parts.push(chunk('IEND', Buffer.alloc(0)));
	return Buffer.concat(parts);
}

/**
 * The PNG served for a finished rendering: the sandbox picture, or a generated one of
 * `bytes` bytes when a test or the benchmark asks for a size.
 * @param {string} id @param {number} [bytes]
 */
function pngImage(id, bytes = 0) {
	return bytes > 0 ? generatedPng(id, bytes) : fixture('rendering.png');
}

function jpgImage() {
	return fixture('rendering.jpg');
}

module.exports = { pngImage, jpgImage, generatedPng };
