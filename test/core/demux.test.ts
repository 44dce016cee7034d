import { expect, test } from "bun:test";
import { Demuxer, demuxAll } from "../../src/backends/docker/demux";

const frame = (kind: number, text: string) => {
  const body = new TextEncoder().encode(text);
  const h = new Uint8Array(8);
  h[0] = kind;
  new DataView(h.buffer).setUint32(4, body.length, false);
  return Buffer.concat([h, body]);
};

test("demultiplexes stdout and stderr", () => {
  const all = Buffer.concat([frame(1, "out1\n"), frame(2, "err1\n"), frame(1, "out2\n")]);
  expect(demuxAll(all)).toEqual({ stdout: "out1\nout2\n", stderr: "err1\n" });
});
test("frames split across chunks at every byte boundary", () => {
  const all = Buffer.concat([frame(1, "hello "), frame(2, "warn"), frame(1, "world")]);
  for (let cut = 1; cut < all.length; cut++) {
    let out = "";
    let err = "";
    const d = new Demuxer((k, data) => (k === "stderr" ? (err += Buffer.from(data).toString()) : (out += Buffer.from(data).toString())));
    d.push(all.subarray(0, cut));
    d.push(all.subarray(cut));
    expect(out).toBe("hello world");
    expect(err).toBe("warn");
    expect(d.pending).toBe(0);
  }
});
test("a TTY (raw) stream is refused rather than garbled", () => {
  expect(() => demuxAll(new TextEncoder().encode("plain text output\n"))).toThrow(/unknown stream type/);
});
