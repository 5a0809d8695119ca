/** The errors a request is answered with: HTTP status, the field at fault, the message. */

/** A request that cannot be served: HTTP status, the field at fault, and the message. */
export class RequestError extends Error {
  /** HTTP status (400, 404, 405, 413, 503, …). */
  readonly status: number;
  /** Dotted field path inside the request (`swipes[1].x[3]`), `(body)` for the whole body, or `null`. */
  readonly field: string | null;
  /** Seconds for a `Retry-After` header (503 only). */
  readonly retryAfter: number | null;

  /**
   * @param status - HTTP status
   * @param field - field path, or null when no field is at fault
   * @param message - the full message (it names the field when there is one)
   * @param retryAfter - seconds for `Retry-After`
   */
  constructor(status: number, field: string | null, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

/** A 400 naming `field`: `<field>: <problem>`. */
export function badField(field: string, problem: string): RequestError {
  return new RequestError(400, field, `${field}: ${problem}`);
}
