/**
 * A password's strength, roughly: an estimate of its entropy from its length and the kinds of characters in it,
 * less for repeats, sequences and the commonest passwords. A hint for the person choosing it, not a policy (the
 * keystore asks only for 8 characters; scrypt makes each guess cost).
 */

export interface Strength {
  /** 0 (too short) to 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  words: "too short" | "weak" | "fair" | "good" | "strong";
  /** What would make it stronger, or why it is fine. */
  hint: string;
  /** Estimated bits. */
  bits: number;
}

const COMMON = [
  "password",
  "123456",
  "qwerty",
  "letmein",
  "welcome",
  "admin",
  "iloveyou",
  "monkey",
  "dragon",
  "abc123",
  "credstack",
  "wallet",
];

/**
 * @example
 * passwordStrength("correct horse battery staple").words; // "strong"
 */
export function passwordStrength(password: string): Strength {
  const length = [...password].length;
  if (length < 8) return { score: 0, words: "too short", hint: `At least 8 characters (${8 - length} more).`, bits: 0 };
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  let bits = length * Math.log2(Math.max(pool, 10));
  const lower = password.toLowerCase();
  if (COMMON.some((w) => lower.includes(w))) bits -= 28;
  if (/(.)\1{2,}/.test(password)) bits -= 10;
  if (/(0123|1234|2345|3456|4567|5678|6789|abcd|bcde|cdef|qwer|asdf|zxcv)/.test(lower)) bits -= 12;
  if (new Set(password).size <= length / 3) bits -= 10;
  bits = Math.max(0, Math.round(bits));
  if (bits < 40)
    return { score: 1, words: "weak", hint: "Easy to guess: use a longer phrase of unrelated words.", bits };
  if (bits < 60)
    return { score: 2, words: "fair", hint: "A few more words or characters make it much harder to guess.", bits };
  if (bits < 80)
    return { score: 3, words: "good", hint: "Keep it somewhere safe: nobody can recover it for you.", bits };
  return { score: 4, words: "strong", hint: "Keep it somewhere safe: nobody can recover it for you.", bits };
}
