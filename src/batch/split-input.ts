import { createReadStream } from "node:fs";

/** A run of consecutive input records, as raw bytes, cut at record boundaries. */
export interface InputChunk {
  /** The records' bytes (whole lines, each ending with `\n` except perhaps the file's last). */
  bytes: Buffer;
  /** Records in the chunk (empty lines do not count). */
  records: number;
  /** 1-based line number of the chunk's first line. */
  firstLine: number;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Streams a CSV or JSON Lines file as chunks of exactly `size` records (the last may be shorter),
 * without parsing them: the parsing happens on worker threads. CSV records may span lines inside
 * quoted fields (RFC 4180), so CSV is scanned with its quote state; JSON Lines cannot. Empty lines
 * are not records. A CSV's header record comes first, as a chunk of its own. `onBytes` reports the
 * fraction of the file read.
 */
export async function* splitRecords(file: string, kind: "csv" | "jsonl", size: number, fileSize: number, onBytes?: (fraction: number) => void): AsyncGenerator<InputChunk> {
  let parts: Buffer[] = []; // bytes of the current chunk not yet cut
  let records = 0;
  let line = 1; // line number at the current position
  let firstLine = 1;
  let inQuotes = false;
  let lineHasContent = false;
  let read = 0;
  let target = kind === "csv" ? 1 : size; // the CSV header is a chunk of its own
  for await (const data of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    read += data.length;
    let cutFrom = 0;
    const cut = (end: number): InputChunk => {
      parts.push(data.subarray(cutFrom, end));
      const chunk = { bytes: Buffer.concat(parts), records, firstLine };
      parts = [];
      cutFrom = end;
      records = 0;
      firstLine = line;
      target = size;
      return chunk;
    };
    const endOfLine = (at: number): InputChunk | undefined => {
      line++;
      if (lineHasContent) records++;
      lineHasContent = false;
      return records === target ? cut(at + 1) : undefined;
    };
    if (kind === "jsonl") {
      let at = 0;
      for (;;) {
        const nl = data.indexOf(LF, at);
        const end = nl === -1 ? data.length : nl;
        // A line is content unless it is all whitespace; only short runs need a look.
        if (!lineHasContent && end > at) lineHasContent = end - at > 4 || data.subarray(at, end).toString("latin1").trim() !== "";
        if (nl === -1) break;
        const chunk = endOfLine(nl);
        if (chunk) yield chunk;
        at = nl + 1;
      }
    } else {
      for (let i = 0; i < data.length; i++) {
        const byte = data[i]!;
        if (byte === QUOTE) inQuotes = !inQuotes; // an escaped quote ("") toggles twice
        if (byte === LF) {
          if (inQuotes) {
            line++;
            continue;
          }
          const chunk = endOfLine(i);
          if (chunk) yield chunk;
        } else if (byte !== CR && byte !== 0x20 && byte !== 0x09) lineHasContent = true;
      }
    }
    if (cutFrom < data.length) parts.push(data.subarray(cutFrom));
    onBytes?.(read / (fileSize || 1));
  }
  if (lineHasContent) records++;
  if (records > 0) yield { bytes: Buffer.concat(parts), records, firstLine };
}
