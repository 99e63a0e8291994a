import { NodeApiError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { describeFailure, isTransient } from '../../../../nodes/Copicake/helpers/errors';

const node = { name: 'Copicake', type: 'copicake' } as INode;

describe('request failures', () => {
	it.each([
		[{ status: 500 }, true],
		[{ status: 502 }, true],
		[{ status: 503 }, true],
		[{ status: 504 }, true],
		[{ status: 400 }, false],
		[{ status: 401 }, false],
		[{ status: 404 }, false],
		[{ status: 429 }, false],
		[{ networkCode: 'ECONNRESET' }, true],
		[{ networkCode: 'ETIMEDOUT' }, true],
		[{ networkCode: 'ECONNABORTED' }, true],
		[{ networkCode: 'ENOTFOUND' }, false],
		[{ networkCode: 'ECONNREFUSED' }, false],
	])('%j is transient: %s', (failure, transient) => {
		expect(isTransient(failure)).toBe(transient);
	});

	it('reads a network code out of the error n8n wraps around a dropped connection', () => {
		const dropped = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		expect(describeFailure(new NodeApiError(node, dropped as never))).toEqual({ networkCode: 'ECONNRESET' });
	});
});
