// onnxruntime-node's Linux build starts Microsoft's telemetry client when it creates its first
// session: it leaves an empty mat-debug-<pid>.log and a .ses file in the temp folder on every start
// and tries HTTPS uploads. ORT_DISABLE_TELEMETRY, read at that moment, turns the client off.

/** Call before the first InferenceSession is created (also before transformers.js loads a model). */
export function disableOnnxTelemetry(): void {
  // An explicit choice in the environment wins.
  process.env['ORT_DISABLE_TELEMETRY'] ??= '1';
}
