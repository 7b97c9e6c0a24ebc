import { createWriteStream } from "node:fs";
import { once } from "node:events";

/**
 * Writes a synthetic learners CSV of `n` rows (ids S0000001…, distinct wallets, grades, dates) for
 * benchmarks and scale tests. Deterministic: the same `n` gives the same file.
 */
export async function writeSyntheticLearnersCsv(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  // On the seed course's scale (Dutch 1–10): a v3 credential refuses a grade off its course's scale.
  const grades = ["8", "6.5", "9.5", "7", "5.5", "10"];
  out.write("id,name,wallet,grade,date\n");
  for (let i = 0; i < n; i++) {
    const wallet = `0xc${(i + 1).toString(16).padStart(39, "0")}`;
    const day = String(1 + (i % 28)).padStart(2, "0");
    const line = `S${String(i + 1).padStart(7, "0")},Learner ${i + 1},${wallet},${grades[i % grades.length]},2026-06-${day}\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}
