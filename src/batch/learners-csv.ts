import { parse } from "csv-parse/sync";
import { learnerSchema, toFieldIssues, type Learner } from "../credential/schema.js";
import { ValidationError, type FieldIssue } from "../credential/errors.js";

const REQUIRED = ["id", "name", "wallet", "date"] as const;

/**
 * Parses a learners CSV (header row; columns id, name, wallet, date, optional grade). Every row is
 * validated; if any is bad, throws one {@link ValidationError} listing every bad row and field.
 * Rows are numbered from 1 (the first data row); duplicate learner ids and wallets are rejected.
 */
export function parseLearnersCsv(text: string, source = "learners CSV"): Learner[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (cause) {
    throw new ValidationError(source, [{ field: "(file)", message: (cause as Error).message }]);
  }
  const header = records.length ? Object.keys(records[0]!) : [];
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (records.length === 0) throw new ValidationError(source, [{ field: "(file)", message: "no learner rows" }]);
  if (missing.length) throw new ValidationError(source, missing.map((c) => ({ field: c, row: 0, message: "missing column" })));

  const issues: FieldIssue[] = [];
  const learners: Learner[] = [];
  const ids = new Map<string, number>();
  const wallets = new Map<string, number>();
  records.forEach((record, i) => {
    const row = i + 1;
    const input = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ""));
    const result = learnerSchema.safeParse(input);
    if (!result.success) {
      issues.push(...toFieldIssues(result.error, row));
      return;
    }
    const learner = result.data;
    const idRow = ids.get(learner.id);
    if (idRow !== undefined) issues.push({ field: "id", row, message: `duplicate learner id (also row ${idRow})` });
    const walletRow = wallets.get(learner.wallet);
    if (walletRow !== undefined) issues.push({ field: "wallet", row, message: `duplicate wallet (also row ${walletRow})` });
    ids.set(learner.id, row);
    wallets.set(learner.wallet, row);
    learners.push(learner);
  });
  if (issues.length) throw new ValidationError(source, issues);
  return learners;
}
