// Errors the UI shows: every failure becomes an ApiError with a code, and
// every code has a message in the user's language. Nothing reaches the page
// as a stack trace.
import { translate, type Key, type Lang } from './i18n';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'INTERNAL'
  | 'NETWORK'
  | 'NOT_WORKBOOK'
  | 'HTTP'
  | 'UNKNOWN';

const known: ErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'INTERNAL', 'NETWORK', 'NOT_WORKBOOK', 'HTTP', 'UNKNOWN'];

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: Record<string, string>;
  constructor(code: ErrorCode, message: string, status = 0, detail: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.detail = detail;
  }
}

/** Classify a GraphQL error's extensions.code (unknown codes are UNKNOWN). */
export function codeOf(ext: unknown): ErrorCode {
  const c = typeof ext === 'object' && ext !== null ? (ext as { code?: unknown }).code : undefined;
  return typeof c === 'string' && (known as string[]).includes(c) ? (c as ErrorCode) : 'UNKNOWN';
}

/** Classify an HTTP answer that carried no GraphQL errors. */
export function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 502 || status === 503 || status === 504) return 'NETWORK';
  if (status >= 500) return 'INTERNAL';
  if (status >= 400) return 'BAD_USER_INPUT';
  return 'HTTP';
}

/** What the user was doing, when that changes the message. */
export type Action = 'import' | 'read';

/** The message for an error, in lang. Non-ApiErrors become UNKNOWN. */
export function errorMessage(err: unknown, lang: Lang, action: Action = 'read'): string {
  const e = err instanceof ApiError ? err : new ApiError('UNKNOWN', err instanceof Error ? err.message : String(err));
  let key: Key;
  switch (e.code) {
    case 'UNAUTHENTICATED':
      key = /expired/i.test(e.message) ? 'err.EXPIRED' : 'err.UNAUTHENTICATED';
      break;
    case 'FORBIDDEN':
      key = action === 'import' ? 'err.FORBIDDEN_IMPORT' : 'err.FORBIDDEN';
      break;
    case 'NOT_FOUND':
      key = 'err.NOT_FOUND';
      break;
    case 'BAD_USER_INPUT':
      key = 'err.BAD_USER_INPUT';
      break;
    case 'INTERNAL':
      key = 'err.INTERNAL';
      break;
    case 'NETWORK':
      key = 'err.NETWORK';
      break;
    case 'NOT_WORKBOOK':
      key = 'err.NOT_WORKBOOK';
      break;
    case 'HTTP':
      key = 'err.HTTP';
      break;
    default:
      key = 'err.UNKNOWN';
  }
  return translate(lang, key, { msg: e.message, status: e.status, name: e.detail.name ?? '' });
}

/**
 * Whether bytes start like an Excel workbook: .xlsx and .xlsm are ZIP
 * archives (PK\x03\x04). Old .xls files and renamed text files are not.
 */
export function looksLikeWorkbook(name: string, head: Uint8Array): boolean {
  if (!/\.(xlsx|xlsm)$/i.test(name)) return false;
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}
