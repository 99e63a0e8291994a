import type { IExecuteSingleFunctions, IHttpRequestOptions, PreSendAction } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A routing hook that stops an item before any request when a required ID parameter is empty
 * (an expression can resolve to nothing even though the editor marks the field required).
 */
export function requireParameter(name: string, displayName: string, hint: string): PreSendAction {
	return async function (
		this: IExecuteSingleFunctions,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const value = this.getNodeParameter(name, '');
		if (value === undefined || value === null || String(value).trim() === '') {
			const itemIndex = this.getItemIndex();
			throw new NodeOperationError(this.getNode(), `"${displayName}" is empty (item ${itemIndex})`, {
				description: hint,
				itemIndex,
			});
		}
		return requestOptions;
	};
}
