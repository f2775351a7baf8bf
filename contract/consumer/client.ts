// A minimal typed fetch wrapper, as a frontend team would write over the
// generated types: one function per call, typed by the spec's operationId.
// The contract test only compiles this code (tsc --strict); it never runs it.

/** The JSON body of an operation's first 2xx response. */
export type Ok<Op> = Op extends { responses: infer R }
  ? R extends { 200: { content: { "application/json": infer T } } }
    ? T
    : R extends { 201: { content: { "application/json": infer T } } }
      ? T
      : never
  : never;

/** The JSON request body of an operation. */
export type Body<Op> = Op extends { requestBody?: { content: { "application/json": infer B } } }
  ? B
  : never;

/** The query parameters of an operation. */
export type Query<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export interface Call {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  async send<Op>(call: Call): Promise<Ok<Op>> {
    const url = new URL(call.path, this.baseUrl);
    for (const [key, value] of Object.entries(call.query ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined) url.searchParams.append(key, String(item));
      }
    }
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.token) headers.Authorization = `Token ${this.token}`;
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    if (!response.ok) throw new Error(`${call.method} ${call.path}: ${response.status}`);
    return (await response.json()) as Ok<Op>;
  }

  async text(path: string, accept: string): Promise<string> {
    const headers: Record<string, string> = { Accept: accept };
    if (this.token) headers.Authorization = `Token ${this.token}`;
    const response = await fetch(new URL(path, this.baseUrl), { headers });
    return response.text();
  }
}
