import { describe, expect, it } from 'vitest';
import { unwrap } from './api';
import { ApiError, codeOf, codeOfStatus, errorMessage, looksLikeWorkbook } from './errors';

describe('errorMessage', () => {
  it.each([
    [new ApiError('UNAUTHENTICATED', 'unauthenticated: token tok_1 expired'), 'read', 'en', /has expired/],
    [new ApiError('UNAUTHENTICATED', 'unauthenticated: unknown token'), 'read', 'en', /invalid or has expired/],
    [new ApiError('UNAUTHENTICATED', 'unknown token'), 'read', 'ja', /トークンが無効か期限切れです/],
    [new ApiError('FORBIDDEN', 'role viewer cannot write'), 'import', 'en', /A viewer cannot import/],
    [new ApiError('FORBIDDEN', 'role viewer cannot write'), 'import', 'ja', /閲覧者 \(viewer\) は取り込みができません/],
    [new ApiError('FORBIDDEN', 'no'), 'read', 'en', /Your role does not allow this/],
    [new ApiError('NETWORK', 'Failed to fetch'), 'read', 'en', /cannot be reached/],
    [new ApiError('NETWORK', 'Failed to fetch'), 'read', 'ja', /サーバーに接続できません/],
    [new ApiError('NOT_WORKBOOK', 'x', 0, { name: 'notes.txt' }), 'import', 'en', /“notes.txt” is not an Excel workbook/],
    [new ApiError('NOT_WORKBOOK', 'x', 0, { name: 'notes.txt' }), 'import', 'ja', /「notes.txt」は Excel ワークブックではありません/],
    [new ApiError('BAD_USER_INPUT', 'first: want 1..500'), 'read', 'en', /could not accept this request: first: want 1..500/],
    [new ApiError('INTERNAL', 'internal error (request ab12)'), 'read', 'en', /internal error \(request ab12\)/],
    [new ApiError('NOT_FOUND', 'asset X'), 'read', 'ja', /見つかりません/],
    [new Error('boom'), 'read', 'en', /Something went wrong: boom/],
    ['plain', 'read', 'en', /Something went wrong: plain/],
  ] as [unknown, 'read' | 'import', 'en' | 'ja', RegExp][])('%s (%s, %s)', (err, action, lang, want) => {
    const m = errorMessage(err, lang, action);
    expect(m).toMatch(want);
    expect(m).not.toMatch(/\{\w+\}/);
    expect(m).not.toMatch(/at \w+ \(/); // no stack trace
  });
});

describe('codes', () => {
  it('reads extensions.code and maps HTTP statuses', () => {
    expect(codeOf({ code: 'FORBIDDEN' })).toBe('FORBIDDEN');
    expect(codeOf({ code: 'SOMETHING_NEW' })).toBe('UNKNOWN');
    expect(codeOf(undefined)).toBe('UNKNOWN');
    expect(codeOfStatus(401)).toBe('UNAUTHENTICATED');
    expect(codeOfStatus(403)).toBe('FORBIDDEN');
    expect(codeOfStatus(502)).toBe('NETWORK');
    expect(codeOfStatus(500)).toBe('INTERNAL');
    expect(codeOfStatus(413)).toBe('BAD_USER_INPUT');
  });
});

describe('unwrap', () => {
  it('returns data', () => {
    expect(unwrap(200, { data: { me: { role: 'VIEWER' } } })).toEqual({ me: { role: 'VIEWER' } });
  });
  it('throws the first error with its code', () => {
    try {
      unwrap(200, { data: null, errors: [{ message: 'analyst role needed', extensions: { code: 'FORBIDDEN' } }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe('FORBIDDEN');
      expect((e as ApiError).message).toBe('analyst role needed');
    }
  });
  it('classifies an error without a code by its HTTP status', () => {
    expect(() => unwrap(401, { errors: [{ message: 'no token' }] })).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => unwrap(503, {})).toThrow(expect.objectContaining({ code: 'NETWORK' }));
  });
});

describe('looksLikeWorkbook', () => {
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14]);
  it.each([
    ['book.xlsx', zip, true],
    ['BOOK.XLSM', zip, true],
    ['book.xlsx', new TextEncoder().encode('a,b,c'), false],
    ['book.csv', zip, false],
    ['book.xls', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]), false],
    ['book.xlsx', new Uint8Array([0x50, 0x4b]), false],
  ] as [string, Uint8Array, boolean][])('%s', (name, head, want) => {
    expect(looksLikeWorkbook(name, head)).toBe(want);
  });
});
