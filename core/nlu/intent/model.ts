// The shape of a trained intent model: written by scripts/nlu-train.ts, read by classifier.ts.

/** What the classifier tells apart; `clarify` is decided afterwards, by what a request lacks. */
export type IntentClass = 'create' | 'update' | 'complete' | 'delete' | 'query' | 'none';

export interface IntentModel {
  classes: IntentClass[];
  buckets: number;
  /** Quantised weights: row-major [bucket][class], int8, base64. */
  weights: string;
  /** Multiply an int8 weight by this to get the trained weight. */
  scale: number;
  bias: number[];
  /** Softmax temperature fitted on the dev set, so probabilities mean what they say. */
  temperature: number;
}
