// Errors in OpenAI's shape {"error":{"message","type","code"}} with the right HTTP status.

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'permission_error'
  | 'insufficient_quota'
  | 'upstream_error'
  | 'timeout_error'
  | 'server_error';

export interface OpenAiErrorBody {
  error: { message: string; type: ErrorType | string; code: string | null; param?: string | null };
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly status: number,
    message: string,
    readonly type: ErrorType,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  toBody(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export function invalidRequest(message: string, code: string, param: string | null = null): GatewayError {
  return new GatewayError(400, message, 'invalid_request_error', code, param);
}

export function errorResponse(error: GatewayError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
