// The port through which the scorer pool learns which folder a learned model line should load
// now: the active model version (a retrained, promoted scorer), or null for the line's shipped
// folder. The learning wing implements it by polling the store; scoring never imports learning.

export interface ActiveModel {
  /** Version id, e.g. "default@6". */
  id: string;
  /** Folder with meta.json + scorer.onnx. */
  dir: string;
}

export interface ModelVersionSource {
  active(line: string): ActiveModel | null;
}
