import { describe, expect, it } from 'vitest';
import { useJsc8 } from '../helpers/jsc8.js';

/** jsC8's import and export calls (importandexport.ts, collection.import) over HTTPS through the front door. */
const j = useJsc8();

describe('jsc8@1.1.0 import and export', () => {
  it('importDocuments, exportDataByCollectionName, exportDataByQuery and collection.import', async () => {
    await j.client.createCollection('people');
    const imported = await j.client.importDocuments('people', [{ email: 'ann@x', n: 1 }, { email: 'bob@x', n: 2 }, { n: 3 }], true, 'email');
    expect(imported).toMatchObject({ code: 200, error: false, result: { created: 2, errors: 1, unprocessed: 0 } });
    expect(imported.result.details).toHaveLength(1);

    const page = await j.client.exportDataByCollectionName('people', { offset: 0, limit: 10, order: 'asc' });
    expect(page).toMatchObject({ code: 200, error: false });
    expect(page.result.map((d: { _key: string }) => d._key)).toEqual(['ann@x', 'bob@x']);
    const byQuery = await j.client.exportDataByQuery('FOR p IN people FILTER p.n > @n RETURN p.email', { n: 1 });
    expect(byQuery).toEqual({ code: 200, error: false, result: ['bob@x'] });
    await expect(j.client.exportDataByQuery('FOR p IN people REMOVE p IN people')).rejects.toMatchObject({ code: 400, errorNum: 10 });

    const lines = await j.client.collection('people').import([{ _key: 'cy' }, { _key: 'dee' }]);
    expect(lines).toMatchObject({ error: false, created: 2, errors: 0 });
    expect((await j.client.exportDataByCollectionName('people', { order: 'desc' })).result.map((d: { _key: string }) => d._key)).toEqual(['dee', 'cy', 'bob@x', 'ann@x']);
  });
});
