// The HTTP response that carries a relayed stream: status 200, SSE content type, no caching or
// proxy buffering, then the passed-through and decision headers. Used by every streaming route.

export function sseResponse(body: ReadableStream<Uint8Array>, headers: Record<string, string>): Response {
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    },
  });
}
