import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodePropertyRouting,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

interface IdParameter {
	/** The parameter's name and its label in the editor. */
	parameter: string;
	label: string;
	/** What to do when it is empty. */
	hint: string;
	/** Where Copicake expects the ID. */
	type: 'body' | 'query';
	property: string;
}

/**
 * The routing of a required ID parameter: it is sent trimmed (IDs pasted from a dashboard often
 * carry spaces), and an item whose ID is empty stops before any request (an expression can
 * resolve to nothing even though the editor marks the field required). Trimming here rather
 * than in a `send.value` expression spares n8n an expression context per item.
 */
export function idRouting({ parameter, label, hint, type, property }: IdParameter): INodePropertyRouting {
	return {
		send: {
			type,
			property,
			preSend: [
				async function (
					this: IExecuteSingleFunctions,
					requestOptions: IHttpRequestOptions,
				): Promise<IHttpRequestOptions> {
					const value = this.getNodeParameter(parameter, '');
					const id = value === undefined || value === null ? '' : String(value).trim();
					if (id === '') {
						const itemIndex = this.getItemIndex();
						throw new NodeOperationError(this.getNode(), `"${label}" is empty (item ${itemIndex})`, {
							description: hint,
							itemIndex,
						});
					}
					const target = (type === 'body' ? requestOptions.body : requestOptions.qs) as IDataObject;
					target[property] = id;
					return requestOptions;
				},
			],
		},
	};
}
