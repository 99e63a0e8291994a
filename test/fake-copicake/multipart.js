// @ts-check
'use strict';

/**
 * @typedef {object} Part
 * @property {string} name
 * @property {string} [filename]
 * @property {string} [contentType]
 * @property {Buffer} data
 */

/**
 * Splits a multipart/form-data body into its parts, in order (an S3 form post needs the file
 * last, so the order matters to the fake upload endpoint).
 * @param {Buffer} body @param {string} contentType @returns {Part[]}
 */
function parseMultipart(body, contentType) {
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	if (!boundary) return [];
	const delimiter = Buffer.from(`--${boundary}`);
	/** @type {Part[]} */
	const parts = [];
	let start = body.indexOf(delimiter);
	while (start >= 0) {
		const next = body.indexOf(delimiter, start + delimiter.length);
		if (next < 0) break;
		// Each part: CRLF, headers, blank line, data, CRLF before the next delimiter.
		const part = body.subarray(start + delimiter.length + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		if (headerEnd >= 0) {
			const headers = part.subarray(0, headerEnd).toString('utf8');
			const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
			const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
			const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
			const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim();
			if (name !== undefined) {
				parts.push({ name, filename, contentType: type, data: part.subarray(headerEnd + 4) });
			}
		}
		start = next;
	}
	return parts;
}

module.exports = { parseMultipart };
