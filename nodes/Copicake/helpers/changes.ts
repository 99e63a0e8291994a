import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INode,
} from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import { imageFileFor, uploadTemporaryImage } from './binary';

/** The kinds of template element a change can address. */
export type ChangeKind = 'text' | 'image' | 'qrcode' | 'shape';

/** The keys Copicake reads for each kind of element (besides `name`). */
export const PROPERTIES_BY_KIND: Record<ChangeKind, readonly string[]> = {
	text: ['text', 'fill', 'stroke', 'textBackgroundColor'],
	image: ['src', 'stroke'],
	qrcode: ['content', 'fill', 'stroke'],
	shape: ['fill', 'stroke'],
};

/** A change object as Copicake takes it: the element's name and the properties to set. */
export type Change = IDataObject & { name: string };

/** One entry of the "Changes" list of the define mode, as n8n stores it. */
export type DefinedChange = {
	kind: ChangeKind;
	name: string;
	/** For images: a URL (`src`), or a binary field of the input item to upload. */
	imageSource?: 'url' | 'binary';
	inputBinaryField?: string;
} & IDataObject;

function takesUpload(entry: DefinedChange): boolean {
	return entry.kind === 'image' && entry.imageSource === 'binary';
}

/** Which fields of an incoming item the map mode turns into changes. */
export interface FieldSelection {
	include: 'all' | 'selected' | 'except';
	/** Comma-separated field names, for `selected` and `except`. */
	fields: string;
}

/** Where an error happened, so that it can name the item. */
interface Place {
	node: INode;
	itemIndex: number;
}

function invalid({ node, itemIndex }: Place, message: string, description: string) {
	return new NodeOperationError(node, `${message} (item ${itemIndex})`, { description, itemIndex });
}

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/**
 * Builds the changes of the define mode: per entry only the keys its kind takes, and only those
 * set. An image to upload gets its `src` later, from the upload.
 */
export function changesFromDefinitions(entries: DefinedChange[], place: Place): Change[] {
	return entries.map((entry, position) => {
		const name = String(entry.name ?? '').trim();
		if (!name) {
			throw invalid(
				place,
				`Change ${position + 1} has no element name`,
				'Set "Element Name" to the name of the element in the Copicake template, such as text-9so09m.',
			);
		}
		const change: Change = { name };
		for (const key of PROPERTIES_BY_KIND[entry.kind] ?? []) {
			if (key === 'src' && takesUpload(entry)) continue;
			if (isSet(entry[key])) change[key] = String(entry[key]);
		}
		return change;
	});
}

/** Checks the changes of the JSON mode: an array of objects that each name an element. */
export function changesFromJson(value: unknown, place: Place): Change[] {
	let parsed = value;
	if (typeof value === 'string') {
		if (!value.trim()) return [];
		try {
			parsed = jsonParse(value);
		} catch (error) {
			throw invalid(
				place,
				'"Changes (JSON)" is not valid JSON',
				`Give a JSON array such as [{"name": "text-9so09m", "text": "Hello"}]. The parser said: ${(error as Error).message}`,
			);
		}
	}
	if (!Array.isArray(parsed)) {
		throw invalid(
			place,
			'"Changes (JSON)" must be an array of changes',
			'Give a JSON array such as [{"name": "text-9so09m", "text": "Hello"}], even for a single change.',
		);
	}
	parsed.forEach((change, position) => {
		const isObject = typeof change === 'object' && change !== null && !Array.isArray(change);
		const name = isObject ? (change as IDataObject).name : undefined;
		if (typeof name !== 'string' || !name.trim()) {
			throw invalid(
				place,
				`Change ${position + 1} of "Changes (JSON)" has no "name"`,
				'Every change must be an object with a "name" string naming an element of the template, such as {"name": "text-9so09m", "text": "Hello"}.',
			);
		}
	});
	return parsed as Change[];
}

/** The property a plain value goes to, guessed from the element's name as Copicake generates it. */
export function mainPropertyFor(elementName: string): string {
	if (elementName.startsWith('image-')) return 'src';
	if (elementName.startsWith('qrcode-')) return 'content';
	return 'text';
}

function fieldList(fields: string): string[] {
	return fields
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
}

/**
 * Builds changes from the item's own fields (the map mode): each field names an element. A plain
 * value goes to the element's main property, an object is taken as the element's properties.
 * Empty values are left out, so an empty cell keeps the template's own content.
 */
export function changesFromItem(json: IDataObject, selection: FieldSelection, place: Place): Change[] {
	const listed = fieldList(selection.fields);
	if (selection.include !== 'all' && !listed.length) {
		throw invalid(
			place,
			selection.include === 'selected' ? '"Fields to Include" is empty' : '"Fields to Leave Out" is empty',
			'List field names separated by commas, or choose "All Fields".',
		);
	}
	const names = Object.keys(json).filter((field) => {
		if (selection.include === 'selected') return listed.includes(field);
		if (selection.include === 'except') return !listed.includes(field);
		return true;
	});
	const changes: Change[] = [];
	for (const name of names) {
		const value = json[name];
		if (!isSet(value)) continue;
		if (Array.isArray(value)) {
			throw invalid(
				place,
				`Field "${name}" holds a list, which cannot become a change`,
				'Give the element a plain value (its text, image URL or QR content) or an object of its properties, or leave the field out.',
			);
		}
		if (typeof value === 'object') {
			changes.push({ ...(value as IDataObject), name });
		} else {
			changes.push({ name, [mainPropertyFor(name)]: String(value) });
		}
	}
	if (!changes.length) {
		throw invalid(
			place,
			'The item has no field to map to a change',
			'In "Map Input Fields" mode each field of the incoming item names a template element (such as text-9so09m). Check the field names, or choose other fields to map.',
		);
	}
	return changes;
}

function withChanges(requestOptions: IHttpRequestOptions, changes: Change[]): IHttpRequestOptions {
	const body = (requestOptions.body ?? {}) as IDataObject;
	return { ...requestOptions, body: { ...body, changes } };
}

function placeOf(context: IExecuteSingleFunctions): Place {
	return { node: context.getNode(), itemIndex: context.getItemIndex() };
}

/**
 * Routing hook of the define mode. Images taken from binary fields are uploaded first; every
 * file is checked before the first upload, so a bad one costs no upload.
 */
export async function sendDefinedChanges(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const entries = this.getNodeParameter('changes.change', []) as DefinedChange[];
	const changes = changesFromDefinitions(entries, placeOf(this));
	const uploads = await Promise.all(
		entries.map(async (entry, position) =>
			takesUpload(entry)
				? { change: changes[position], file: await imageFileFor(this, entry.inputBinaryField || 'data', changes[position].name) }
				: undefined,
		),
	);
	for (const upload of uploads) {
		if (upload) upload.change.src = await uploadTemporaryImage(this, upload.file);
	}
	return withChanges(requestOptions, changes);
}

/** Routing hook of the JSON mode. */
export async function sendJsonChanges(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const value = this.getNodeParameter('changesJson', '[]');
	return withChanges(requestOptions, changesFromJson(value, placeOf(this)));
}

/** Routing hook of the map mode. */
export async function sendMappedChanges(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const include = this.getNodeParameter('fieldsToMap', 'all') as FieldSelection['include'];
	const fields =
		include === 'all' ? '' : (this.getNodeParameter(include === 'selected' ? 'includeFields' : 'excludeFields', '') as string);
	const changes = changesFromItem(this.getInputData().json, { include, fields }, placeOf(this));
	return withChanges(requestOptions, changes);
}
