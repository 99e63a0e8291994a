import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

/** A rendering as Copicake describes it (the `data` of its answers). */
export interface Rendering extends IDataObject {
	id: string;
	type: string;
	status: string;
	template_id: string;
	changes: IDataObject[];
	options: IDataObject;
	permanent_url: string;
	created_by: string;
	created_at: string;
}

/** Takes the rendering out of Copicake's `{ error, data }` envelope. */
export function renderingOf(envelope: unknown): Rendering {
	return ((envelope as IDataObject | undefined)?.data ?? envelope) as Rendering;
}

/** Routing step: the item's JSON becomes the rendering itself, paired to its input item. */
export async function unwrapRendering(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const pairedItem = { item: this.getItemIndex() };
	return items.map((item) => ({ ...item, json: renderingOf(item.json), pairedItem }));
}
