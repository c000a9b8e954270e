/** A connector lifecycle failure the API shows as-is: HTTP status, machine code, advice, details. */
export class ConnectorError extends Error {
  override name = 'ConnectorError';
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.details = options.details;
  }
}
