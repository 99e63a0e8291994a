import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { sendDefinedChanges, sendJsonChanges, sendMappedChanges } from '../../helpers/changes';
import { idRouting } from '../../helpers/parameters';
import { completionFields, maxWaitOption, retryOption } from './common.fields';

const TEXT = ['text'];
const IMAGE = ['image'];
const QR_CODE = ['qrcode'];

const changeFields: INodeProperties[] = [
	{
		displayName: 'Element Kind',
		name: 'kind',
		type: 'options',
		default: 'text',
		options: [
			{ name: 'Image', value: 'image' },
			{ name: 'QR Code', value: 'qrcode' },
			{ name: 'Shape (Rect, Triangle, Circle)', value: 'shape' },
			{ name: 'Text', value: 'text' },
		],
		description: 'The kind of template element to change; it decides which properties can be set',
	},
	{
		displayName: 'Element Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. text-9so09m',
		description: 'The name of the element in the Copicake template (shown in the template editor)',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		default: '',
		displayOptions: { show: { kind: TEXT } },
		description: 'The new text. Left empty, the template keeps its own text.',
	},
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		default: 'url',
		displayOptions: { show: { kind: IMAGE } },
		options: [
			{ name: 'Image URL', value: 'url', description: 'A public URL of the image' },
			{
				name: 'Binary Field of the Input',
				value: 'binary',
				description: 'A file from an earlier step, uploaded to Copicake first',
			},
		],
		description: 'Where the image to show comes from',
	},
	{
		displayName: 'Image URL',
		name: 'src',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/photo.png',
		displayOptions: { show: { kind: IMAGE, imageSource: ['url'] } },
		description: 'A public URL of the image to show',
	},
	{
		displayName: 'Input Binary Field',
		name: 'inputBinaryField',
		type: 'string',
		default: 'data',
		displayOptions: { show: { kind: IMAGE, imageSource: ['binary'] } },
		hint: 'Copicake deletes uploaded images within a day',
		description:
			'The binary field of the input item holding the image (PNG, JPG or GIF). It is uploaded as a temporary Copicake image, which Copicake deletes within a day; the rendering keeps its copy.',
	},
	{
		displayName: 'QR Code Content',
		name: 'content',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com',
		displayOptions: { show: { kind: QR_CODE } },
		description: 'The text or URL the QR code encodes',
	},
	{
		displayName: 'Fill Colour',
		name: 'fill',
		type: 'color',
		default: '',
		displayOptions: { show: { kind: ['text', 'qrcode', 'shape'] } },
		description: 'Hex colour such as #ff0000. Left empty, the template keeps its own.',
	},
	{
		displayName: 'Stroke Colour',
		name: 'stroke',
		type: 'color',
		default: '',
		description: 'Hex colour of the outline. Left empty, the template keeps its own.',
	},
	{
		displayName: 'Text Background Colour',
		name: 'textBackgroundColor',
		type: 'color',
		default: '',
		displayOptions: { show: { kind: TEXT } },
		description: 'Hex colour behind the text. Left empty, the template keeps its own.',
	},
];

const properties: INodeProperties[] = [
	{
		displayName: 'Template ID',
		name: 'templateId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. jfwrFJdR3z1eF8BcEhSnAFyhxgOq',
		description:
			'The ID of the Copicake template to render, as shown in the Copicake dashboard under the template',
		routing: idRouting({
			parameter: 'templateId',
			label: 'Template ID',
			hint: 'Set the ID of a Copicake template (from the Copicake dashboard), or make sure its expression gives one for every item.',
			type: 'body',
			property: 'template_id',
		}),
	},
	{
		displayName: 'Changes',
		name: 'changesMode',
		type: 'options',
		noDataExpression: true,
		default: 'define',
		options: [
			{
				name: 'Define Below',
				value: 'define',
				description: 'Build the list of changes here, with expressions where values come from the input',
				routing: { send: { preSend: [sendDefinedChanges] } },
			},
			{
				name: 'Map Input Fields',
				value: 'mapFields',
				description:
					'Each field of the incoming item names a template element, e.g. a spreadsheet column "text-9so09m"',
				routing: { send: { preSend: [sendMappedChanges] } },
			},
			{
				name: 'Using JSON',
				value: 'json',
				description: 'Give the changes as a JSON array, usually from an expression',
				routing: { send: { preSend: [sendJsonChanges] } },
			},
		],
		description: 'How the changes to the template are given',
	},
	{
		displayName: 'Changes',
		name: 'changes',
		type: 'fixedCollection',
		placeholder: 'Add Change',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		displayOptions: { show: { changesMode: ['define'] } },
		description: 'The template elements to change. Elements not listed keep what the template has.',
		options: [{ displayName: 'Change', name: 'change', values: changeFields }],
	},
	{
		displayName: 'Changes (JSON)',
		name: 'changesJson',
		type: 'json',
		default: '[]',
		displayOptions: { show: { changesMode: ['json'] } },
		description:
			'A JSON array of changes. Each change is an object with "name" (the element\'s name in the template, such as "text-9so09m") and the properties to set: "text", "fill", "stroke", "textBackgroundColor" for text; "src", "stroke" for images; "content", "fill", "stroke" for QR codes; "fill", "stroke" for shapes. Example: [{"name": "text-9so09m", "text": "Hello"}, {"name": "image-yeavh7", "src": "https://example.com/a.png"}].',
	},
	{
		displayName: 'Fields to Map',
		name: 'fieldsToMap',
		type: 'options',
		default: 'all',
		displayOptions: { show: { changesMode: ['mapFields'] } },
		options: [
			{ name: 'All Fields', value: 'all' },
			{ name: 'Selected Fields', value: 'selected' },
			{ name: 'All Fields Except', value: 'except' },
		],
		description:
			'Which fields of the item become changes. A plain value goes to the element\'s main property (the image URL for "image-…" elements, the content for "qrcode-…", the text otherwise); an object value is taken as the element\'s properties; empty values are left out.',
	},
	{
		displayName: 'Fields to Include',
		name: 'includeFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. text-9so09m, image-yeavh7',
		displayOptions: { show: { changesMode: ['mapFields'], fieldsToMap: ['selected'] } },
		description: 'Comma-separated names of the fields to map',
	},
	{
		displayName: 'Fields to Leave Out',
		name: 'excludeFields',
		type: 'string',
		default: '',
		placeholder: 'e.g. email, row_number',
		displayOptions: { show: { changesMode: ['mapFields'], fieldsToMap: ['except'] } },
		description: 'Comma-separated names of the fields that are not template elements',
	},
	...completionFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Format',
				name: 'format',
				type: 'options',
				default: 'png',
				options: [
					{ name: 'PNG', value: 'png' },
					{ name: 'JPG', value: 'jpg' },
				],
				description: 'The image format of the rendering',
				routing: { send: { type: 'body', property: 'options.format' } },
			},
			maxWaitOption,
			retryOption,
			{
				displayName: 'Webhook URL',
				name: 'webhookUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://your-n8n.example.com/webhook/…/copicake',
				description:
					'Copicake calls this URL when the rendering is done. Paste the production URL of a Copicake Trigger node here to continue in another workflow.',
				routing: { send: { type: 'body', property: 'options.webhook_url' } },
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['rendering'], operation: ['create'] } },
	properties,
);
