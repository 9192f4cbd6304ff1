/** The signal ids of ../shared/datasets (one detector family each); detectors may add their own. */
export const SIGNAL_IDS = [
  'sql_injection',
  'command_injection',
  'path_traversal',
  'ssrf',
  'secret_leak',
  'pii',
  'prompt_injection',
  'destructive_operation',
] as const;
export type SignalId = (typeof SIGNAL_IDS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ['database', 'shell', 'filesystem', 'network', 'email', 'payment', 'code', 'general'] as const;
export type Category = (typeof CATEGORIES)[number];

/** One finding: which signal, how bad, where (JSON pointer into the call) and a short, masked excerpt. */
export interface Signal {
  id: SignalId;
  severity: Severity;
  /** JSON pointer into the call document, e.g. `/arguments/sql` or `/arguments/items/0/url`. */
  path: string;
  /** What was seen, at most ~120 characters; secrets are masked (see maskSecret). */
  evidence: string;
}

/** A string somewhere in the call's arguments. */
export interface StringField {
  /** JSON pointer from the call document root (`/arguments/...`). */
  pointer: string;
  /** The nearest object key above the value, lower-cased ('' for array items of a root array). */
  key: string;
  /**
   * That key as written, when it differs from `key`: credential names are read by their words
   * (`nextPageToken` is a page token, not a token; lower-cased, `nextpagetoken` has no words).
   */
  name?: string;
  value: string;
}

/** What every detector sees: the tool, its category, and every string in its arguments. */
export interface DetectionInput {
  toolName: string;
  category: Category;
  fields: StringField[];
  /**
   * A JSON document found inside a string of the call, read as arguments of its own: its parse
   * budgets are the call's, already opened (see classify()).
   */
  embedded?: boolean;
  /** The call's arguments as sent (absent for embedded documents): for what strings alone cannot show, like an empty filter. */
  args?: Record<string, unknown>;
  /**
   * The documents `fields` were read from, with the pointer each one's strings start with: the
   * arguments at `/arguments`, or the embedded documents at `#0`, `#1`… — for what is not a string
   * (`{"password": {"$ne": null}}`).
   */
  documents?: ReadonlyArray<readonly [document: unknown, pointer: string]>;
}

export type Detector = (input: DetectionInput) => Signal[];

export interface Classification {
  category: Category;
  signals: Signal[];
}
