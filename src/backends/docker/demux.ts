/**
 * Docker's multiplexed stream (non-TTY logs/attach): frames of an 8-byte header
 * [stream, 0, 0, 0, size (big-endian u32)] followed by `size` bytes. Chunks may split anywhere,
 * so bytes are buffered until a whole frame is present.
 */
export type StreamKind = "stdin" | "stdout" | "stderr";
const KINDS: Record<number, StreamKind> = { 0: "stdin", 1: "stdout", 2: "stderr" };

export class Demuxer {
  private buf = new Uint8Array(0);
  constructor(private readonly onFrame: (kind: StreamKind, data: Uint8Array) => void) {}

  push(chunk: Uint8Array) {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    let off = 0;
    while (merged.length - off >= 8) {
      const kind = KINDS[merged[off] as number];
      if (!kind) throw new Error(`malformed log stream: unknown stream type ${merged[off]} (the container may use a TTY)`);
      const size = new DataView(merged.buffer, merged.byteOffset + off + 4, 4).getUint32(0, false);
      if (merged.length - off - 8 < size) break;
      this.onFrame(kind, merged.subarray(off + 8, off + 8 + size));
      off += 8 + size;
    }
    this.buf = merged.slice(off);
  }

  /** Bytes of an incomplete trailing frame (0 when the stream ended cleanly). */
  get pending() {
    return this.buf.length;
  }
}

/** Demultiplex a whole buffer into stdout and stderr text. */
export function demuxAll(bytes: Uint8Array): { stdout: string; stderr: string } {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  new Demuxer((k, d) => (k === "stderr" ? err : out).push(d.slice())).push(bytes);
  const dec = (parts: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(parts));
  return { stdout: dec(out), stderr: dec(err) };
}
