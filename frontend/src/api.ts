// The GraphQL client: POST /graphql with the user's token, and the
// GraphQL multipart upload for imports. Every failure is an ApiError.
import { ApiError, codeOf, codeOfStatus } from './errors';

const TOKEN_KEY = 'cpsfgraph.token';

export function getToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(tok: string): void {
  if (tok) sessionStorage.setItem(TOKEN_KEY, tok);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(json: boolean): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json' };
  if (json) h['Content-Type'] = 'application/json';
  const tok = getToken();
  if (tok) h.Authorization = 'Bearer ' + tok;
  return h;
}

interface GqlError {
  message: string;
  extensions?: { code?: string };
}

/** Turn a GraphQL response body (already parsed) into data or an ApiError. */
export function unwrap<T>(status: number, body: unknown): T {
  const b = (body ?? {}) as { data?: T | null; errors?: GqlError[] };
  if (b.errors && b.errors.length > 0) {
    const e = b.errors[0];
    let code = codeOf(e.extensions);
    if (code === 'UNKNOWN') code = codeOfStatus(status);
    throw new ApiError(code, e.message, status);
  }
  if (status >= 400 || b.data == null) {
    throw new ApiError(codeOfStatus(status), `HTTP ${status}`, status);
  }
  return b.data;
}

async function parse<T>(res: Response): Promise<T> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(codeOfStatus(res.status), `HTTP ${res.status}: not a GraphQL answer`, res.status);
  }
  return unwrap<T>(res.status, body);
}

/** Run a GraphQL operation. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/graphql', { method: 'POST', headers: headers(true), body: JSON.stringify({ query, variables }), signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError('NETWORK', e instanceof Error ? e.message : String(e));
  }
  return parse<T>(res);
}

/**
 * Send a GraphQL multipart request (variables.file = the file), reporting
 * upload progress (0..1).
 */
export function upload<T>(query: string, variables: Record<string, unknown>, file: File, onProgress?: (p: number) => void): Promise<T> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ '0': ['variables.file'] }));
  form.append('0', file, file.name);
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/graphql');
    for (const [k, v] of Object.entries(headers(false))) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('GraphQL-Require-Preflight', '1');
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(ev.loaded / ev.total);
    };
    xhr.onerror = () => reject(new ApiError('NETWORK', 'upload failed: the server cannot be reached'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        reject(new ApiError(codeOfStatus(xhr.status), `HTTP ${xhr.status}: not a GraphQL answer`, xhr.status));
        return;
      }
      try {
        resolve(unwrap<T>(xhr.status, body));
      } catch (e) {
        reject(e);
      }
    };
    xhr.send(form);
  });
}

/** Download a file that needs the token (exports), saving it under name. */
export async function download(url: string, name: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { headers: headers(false) });
  } catch (e) {
    throw new ApiError('NETWORK', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).slice(0, 200);
    throw new ApiError(codeOfStatus(res.status), text || `HTTP ${res.status}`, res.status);
  }
  saveBlob(await res.blob(), name);
}

export function saveBlob(blob: Blob, name: string): void {
  const a = document.createElement('a');
  const href = URL.createObjectURL(blob);
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
