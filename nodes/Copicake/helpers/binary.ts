import type { IBinaryData, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, randomString } from 'n8n-workflow';

import type { FormFile } from '../transport';
import { copicakeRequest, multipartBody, publicRequest } from '../transport';
import type { Rendering } from './rendering';

/** The image types Copicake's temporary upload takes, with the extension it wants. */
const UPLOADABLE_TYPES: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/gif': 'gif',
};

/**
 * At most this many image downloads run at once in an n8n process. Each one in flight holds
 * network and file buffers (about 75 KB), and the items of a run tend to finish together: a
 * 1000-row run would otherwise hold some 75 MB at once. Shared by the whole process on purpose,
 * since memory is the process's; it holds only waiting turns, nothing of an execution.
 */
const MAX_CONCURRENT_DOWNLOADS = 16;
let downloadsRunning = 0;
const downloadTurns: Array<() => void> = [];

async function withDownloadTurn<T>(download: () => Promise<T>): Promise<T> {
	if (downloadsRunning >= MAX_CONCURRENT_DOWNLOADS) {
		await new Promise<void>((resolve) => downloadTurns.push(resolve));
	} else {
		downloadsRunning++;
	}
	try {
		return await download();
	} finally {
		const next = downloadTurns.shift();
		if (next) next();
		else downloadsRunning--;
	}
}

/** What n8n's prepareBinaryData takes: a buffer, or a stream (as a download is read here). */
type BinaryBody = Parameters<IExecuteSingleFunctions['helpers']['prepareBinaryData']>[0];

const MIME_BY_EXTENSION: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

/**
 * Routing step: when "Download Image" is on (it needs the waiting), puts the finished image in
 * the item's binary field. The body is handed to n8n as a stream, so with n8n's filesystem or
 * S3 binary mode the image goes to storage without being held in memory whole.
 */
export async function downloadImage(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (!this.getNodeParameter('waitForCompletion', true) || !this.getNodeParameter('download', false)) {
		return items;
	}
	const field = this.getNodeParameter('binaryPropertyName', 'data') as string;
	return await Promise.all(
		items.map(async (item) => {
			const rendering = item.json as Rendering;
			const binary = await withDownloadTurn(async () => await fetchImage(this, rendering));
			return { ...item, binary: { ...item.binary, [field]: binary } };
		}),
	);
}

async function fetchImage(context: IExecuteSingleFunctions, rendering: Rendering): Promise<IBinaryData> {
	const response = await publicRequest<{ body: BinaryBody; headers: Record<string, string> }>(
		context,
		`the image of rendering "${rendering.id}"`,
		{ method: 'GET', url: rendering.permanent_url, encoding: 'stream', returnFullResponse: true },
	);
	const extension = /\.(\w+)$/.exec(new URL(rendering.permanent_url).pathname)?.[1]?.toLowerCase();
	const headerType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
	const mimeType = headerType.startsWith('image/')
		? headerType
		: (MIME_BY_EXTENSION[extension ?? ''] ?? 'image/png');
	const fileName = `${rendering.id}.${mimeType === 'image/jpeg' ? 'jpg' : (extension ?? 'png')}`;
	return await context.helpers.prepareBinaryData(response.body, fileName, mimeType);
}

/**
 * Checks that an image change's binary field holds a file Copicake can take, before anything
 * is uploaded, and returns it ready to send.
 */
export async function imageFileFor(
	context: IExecuteSingleFunctions,
	field: string,
	changeName: string,
): Promise<FormFile> {
	const itemIndex = context.getItemIndex();
	const binary = context.getInputData().binary?.[field];
	if (!binary) {
		throw new NodeOperationError(
			context.getNode(),
			`The input item has no binary field "${field}" for image change "${changeName}" (item ${itemIndex})`,
			{
				description:
					'Set "Input Binary Field" to the name of the binary field holding the image (often "data"), or choose "Image URL" as the source.',
				itemIndex,
			},
		);
	}
	const extension = UPLOADABLE_TYPES[binary.mimeType];
	if (!extension) {
		throw new NodeOperationError(
			context.getNode(),
			`Binary field "${field}" holds a ${binary.mimeType || 'file of unknown type'}, not an image Copicake can take (item ${itemIndex})`,
			{ description: 'Copicake takes PNG, JPG or GIF images. Convert the file first, e.g. with the Edit Image node.', itemIndex },
		);
	}
	return {
		filename: `${randomString(16)}.${extension}`,
		contentType: binary.mimeType,
		data: await context.helpers.getBinaryDataBuffer(field),
	};
}

interface UploadForm {
	url: string;
	fields: Record<string, string>;
}

/**
 * Uploads an image with Copicake's temporary-image upload and returns its URL, for use as an
 * image change's `src`. Two steps: a presigned form from the API (with the key), then the file
 * posted to that form (without it). Copicake deletes such files within a day.
 */
export async function uploadTemporaryImage(context: IExecuteSingleFunctions, file: FormFile): Promise<string> {
	const form = await copicakeRequest<UploadForm>(context, {
		method: 'GET',
		url: '/v1/utils/upload-temp-image',
		qs: { file: file.filename },
	});
	const { body, contentType } = multipartBody(form.fields, file);
	await publicRequest(context, 'the upload of a temporary image', {
		method: 'POST',
		url: form.url,
		body,
		headers: { 'Content-Type': contentType },
		json: false,
	});
	return `${form.url.replace(/\/+$/, '')}/${form.fields.key}`;
}
