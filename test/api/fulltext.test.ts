import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestClient, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
let client: TestClient;
beforeEach(async () => {
  t = await testRegion();
  client = t.client;
  await client.post('/_api/collection', { name: 'mails' });
  await client.post('/_api/document/mails', [
    { _key: 'a', body: 'Banana and apple pie' },
    { _key: 'b', body: 'A banana, a pear: no cranberry' },
    { _key: 'c', body: ['Headache', 'aspirin'] },
    { _key: 'd', body: { en: 'Pear', de: 'Birne', deep: { en: 'banana' } } },
    { _key: 'e', body: 'Über Äpfel und Möhren' },
    { _key: 'f', body: 42 },
    { _key: 'g', subject: 'banana' },
  ]);
});
afterEach(() => t.close());

const keys = async (search: string, limit = '') => {
  const r = await client.post('/_api/cursor', { query: `FOR m IN FULLTEXT(mails, 'body', @q${limit}) SORT m._key RETURN m._key`, bindVars: { q: search } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.result as string[];
};

describe('FULLTEXT() over a fulltext index', () => {
  beforeEach(async () => {
    expect((await client.post('/_api/index?collection=mails', { type: 'fulltext', fields: ['body'], minLength: 3 })).status).toBe(201);
  });

  it('matches complete words and prefixes, case-insensitively, in strings, arrays of strings and an object\'s string values', async () => {
    expect(await keys('banana')).toEqual(['a', 'b']);
    expect(await keys('BANANA')).toEqual(['a', 'b']);
    expect(await keys('complete:pear')).toEqual(['b', 'd']);
    expect(await keys('prefix:head')).toEqual(['c']);
    expect(await keys('head')).toEqual([]);
    expect(await keys('prefix:möh')).toEqual(['e']);
    expect(await keys('über')).toEqual(['e']);
  });

  it('combines terms left to right: AND by default, | for OR, - for NOT', async () => {
    expect(await keys('banana,pear')).toEqual(['b']);
    expect(await keys('+banana,+pear')).toEqual(['b']);
    expect(await keys('banana,|aspirin')).toEqual(['a', 'b', 'c']);
    expect(await keys('banana,-cranberry')).toEqual(['a']);
    expect(await keys('banana,|aspirin,-apple')).toEqual(['b', 'c']);
  });

  it('leaves out words shorter than the index minLength, and caps the result at a non-zero limit', async () => {
    expect(await keys('pie')).toEqual(['a']);
    expect(await keys('no')).toEqual([]);
    expect(await keys('banana', ', 1')).toHaveLength(1);
    expect(await keys('banana', ', 0')).toEqual(['a', 'b']);
  });
});

describe('FULLTEXT() refusals', () => {
  const error = async (query: string) => (await client.post('/_api/cursor', { query })).body;

  it('needs a fulltext index on the attribute (1571), an existing collection (1203) and string arguments (1542)', async () => {
    expect(await error("FOR m IN FULLTEXT(mails, 'body', 'banana') RETURN m")).toMatchObject({ error: true, code: 400, errorNum: 1571 });
    await client.post('/_api/index?collection=mails', { type: 'fulltext', fields: ['subject'] });
    expect(await error("FOR m IN FULLTEXT(mails, 'body', 'banana') RETURN m")).toMatchObject({ errorNum: 1571, errorMessage: "no suitable fulltext index found for fulltext query on 'mails'" });
    expect(await error("RETURN FULLTEXT(nosuch, 'body', 'banana')")).toMatchObject({ errorNum: 1203 });
    expect(await error("RETURN FULLTEXT('nosuch', 'body', 'banana')")).toMatchObject({ errorNum: 1203 });
    expect(await error("RETURN FULLTEXT(mails, 'subject', 7)")).toMatchObject({ errorNum: 1542 });
  });
});
