// One error type for every failure the sandbox answers, shaped like Stripe's `{error: {...}}` body.
export type ErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'rate_limit_error';

export type ErrorFields = {
  code?: string;
  param?: string;
  decline_code?: string;
  charge?: string;
  payment_intent?: unknown;
  doc_url?: string;
};

export class ApiError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly fields: ErrorFields;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    type: ErrorType,
    message: string,
    fields: ErrorFields = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.type = type;
    this.fields = fields;
    this.headers = headers;
  }

  body(requestId: string): string {
    return JSON.stringify({
      error: {
        ...this.fields,
        message: this.message,
        request_log_url: null,
        type: this.type,
        request_id: requestId,
      },
    });
  }
}

export function invalid(message: string, param?: string, code = 'parameter_invalid'): ApiError {
  return new ApiError(400, 'invalid_request_error', message, param ? { code, param } : { code });
}

export function missingParam(param: string): ApiError {
  return new ApiError(400, 'invalid_request_error', `Missing required param: ${param}.`, {
    code: 'parameter_missing',
    param,
  });
}

export function notFound(kind: string, id: string, param = 'id'): ApiError {
  return new ApiError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

export function unknownRoute(method: string, path: string): ApiError {
  return new ApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}
