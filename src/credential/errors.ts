/** Base of credstack's errors: a short message, plus details that name what is wrong. */
export class CredstackError extends Error {
  override name = "CredstackError";
  readonly shortMessage: string;
  readonly details: string | undefined;
  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n\n${options.details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/** One problem found in an input: where (field path, CSV row) and what. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `eu.workloadEcts` or `wallet`. */
  field: string;
  /** 1-based data row of a CSV or JSON Lines input (the header is row 0), when the input has rows. */
  row?: number;
  message: string;
}

/**
 * An input failed validation. Carries every issue found, not only the first (a huge input may carry
 * the first thousands only: `total` counts them all).
 */
export class ValidationError extends CredstackError {
  override name = "ValidationError";
  constructor(
    readonly source: string,
    readonly issues: FieldIssue[],
    readonly total: number = issues.length,
  ) {
    const lines = issues.map((i) => `  ${i.row !== undefined ? `row ${i.row}, ` : ""}${i.field}: ${i.message}`);
    if (total > issues.length) lines.push(`  … and ${total - issues.length} more`);
    super(`Invalid ${source}: ${total} problem${total === 1 ? "" : "s"}.`, { details: lines.join("\n") });
  }
}
