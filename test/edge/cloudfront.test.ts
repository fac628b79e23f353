import { describe, expect, it } from 'vitest';
import { cloudFrontEvent, originRequest, viewerRequest, type CfRequest } from '../../src/edge/lambda/cloudfront.js';
import { requestProblem, responseProblem } from '../../src/edge/lambda/cloudfront-rules.js';

const viewer: CfRequest = viewerRequest(
  { method: 'GET', url: 'http://d111.cloudfront.net/a/b?zip=1', headers: [['User-Agent', 'curl'], ['Connection', 'keep-alive']], body: new Uint8Array(), clientIp: '203.0.113.1' },
  { includeBody: false },
);

describe('CloudFront events', () => {
  it('a viewer request: uri, querystring, lower-case header map of { key, value }, no hop-by-hop headers', () => {
    expect(viewer).toEqual({
      clientIp: '203.0.113.1',
      headers: { host: [{ key: 'Host', value: 'd111.cloudfront.net' }], 'user-agent': [{ key: 'User-Agent', value: 'curl' }] },
      method: 'GET',
      querystring: 'zip=1',
      uri: '/a/b',
    });
    const ev = cloudFrontEvent('viewer-request', viewer) as { Records: { cf: { config: Record<string, string> } }[] };
    expect(ev.Records[0]!.cf.config).toMatchObject({ eventType: 'viewer-request', distributionId: 'EDFDVBD6EXAMPLE' });
  });

  it('an origin request carries the origin and CloudFront\'s own headers; a body is exposed only up to the limit', () => {
    const body = new Uint8Array(2 * 1024 * 1024).fill(65);
    const r = originRequest(viewer, new URL('http://127.0.0.1:8531'), body, { includeBody: true });
    expect(r.headers['host']).toEqual([{ key: 'Host', value: '127.0.0.1:8531' }]);
    expect(r.headers['x-forwarded-for']).toEqual([{ key: 'X-Forwarded-For', value: '203.0.113.1' }]);
    expect(r.origin!.custom).toMatchObject({ domainName: '127.0.0.1', port: 8531, protocol: 'http', path: '' });
    expect(r.body).toMatchObject({ action: 'read-only', encoding: 'base64', inputTruncated: true });
    expect(Buffer.from(r.body!.data, 'base64').length).toBe(1024 * 1024);
  });
});

describe('what CloudFront refuses from a function', () => {
  const ok = { status: '200', headers: { 'content-type': [{ key: 'Content-Type', value: 'text/plain' }] }, body: 'hi' };

  it('accepts a well-formed generated response', () => {
    expect(responseProblem('viewer-request', ok)).toBeUndefined();
    expect(responseProblem('viewer-request', { ...ok, status: 404 })).toBeUndefined();
  });

  it('a bad status, header map or body', () => {
    expect(responseProblem('viewer-request', { ...ok, status: 'OK' })).toMatch(/status must be an HTTP status code/);
    expect(responseProblem('viewer-request', { ...ok, headers: { 'Content-Type': [{ value: 'x' }] } })).toMatch(/must be lower case/);
    expect(responseProblem('viewer-request', { ...ok, headers: { 'content-type': 'text/plain' } })).toMatch(/must be an array/);
    expect(responseProblem('viewer-request', { ...ok, headers: { 'content-type': [{ key: 'X-Other', value: 'x' }] } })).toMatch(/does not match/);
    expect(responseProblem('viewer-request', { ...ok, body: { a: 1 } })).toMatch(/body must be a string/);
  });

  it('a generated response over 40 KB from a viewer trigger, over 1 MB from an origin trigger', () => {
    const big = { ...ok, body: 'x'.repeat(41 * 1024) };
    expect(responseProblem('viewer-request', big)).toMatch(/at most 40960 bytes/);
    expect(responseProblem('origin-request', big)).toBeUndefined();
    expect(responseProblem('origin-request', { ...ok, body: 'x'.repeat(1024 * 1024 + 1) })).toMatch(/at most 1048576 bytes/);
  });

  it('read-only headers may not change, disallowed ones may not be added', () => {
    const changedHost = { ...viewer, headers: { ...viewer.headers, host: [{ key: 'Host', value: 'evil.example' }] } };
    expect(requestProblem('viewer-request', changedHost, viewer)).toBe('the host header is read-only in viewer-request functions');
    const added = { ...viewer, headers: { ...viewer.headers, 'x-real-ip': [{ key: 'X-Real-IP', value: '1.2.3.4' }] } };
    expect(requestProblem('viewer-request', added, viewer)).toBe('the x-real-ip header may not be set by a Lambda@Edge function');
    expect(requestProblem('viewer-request', { ...viewer, headers: { ...viewer.headers, 'x-mine': [{ value: '1' }] }, uri: '/other' }, viewer)).toBeUndefined();
    expect(requestProblem('viewer-request', { ...viewer, uri: 'no-slash' }, viewer)).toMatch(/uri must be a path/);
    const original = { status: '200', headers: { 'content-length': [{ key: 'Content-Length', value: '2' }] } };
    expect(responseProblem('viewer-response', { ...original, headers: {} }, original)).toBe('the content-length header is read-only in viewer-response functions');
    expect(responseProblem('origin-response', { ...original, headers: {} }, original)).toBeUndefined();
  });
});
