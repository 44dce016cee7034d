import { createConsola as createFancy, type ConsolaInstance } from "consola";
import { createConsola as createBasic } from "consola/basic";

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
export const stripAnsi = (s: string) => s.replace(ANSI, "");

/** Colour only without NO_COLOR, and only when stdout (and the stream written to) is a TTY. */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return !!process.stdout.isTTY && !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

/**
 * Human logs and progress go to stderr (so stdout stays clean for --json and pipes). The level is
 * fixed at info: consola would otherwise drop info lines under `bun test`.
 */
export function makeLogger(json: boolean): ConsolaInstance {
  const make = colorEnabled(process.stderr) ? createFancy : createBasic;
  const l = make({
    stdout: process.stderr,
    stderr: process.stderr,
    level: 3,
    formatOptions: { date: false, colors: colorEnabled(process.stderr), compact: true },
  });
  if (json) l.level = 1;
  return l;
}

export function writeOut(text: string) {
  process.stdout.write(colorEnabled() ? text : stripAnsi(text));
}

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Plain columns, no colour. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd()).join("\n");
}

/** Ask y/N on the terminal (stderr prompt, stdin answer). Only call when stdin is a TTY. */
export async function confirm(question: string): Promise<boolean> {
  process.stderr.write(`${question} [y/N] `);
  for await (const line of console) {
    return /^y(es)?$/i.test(line.trim());
  }
  return false;
}

export const isInteractive = () => !!process.stdin.isTTY && !!process.stderr.isTTY;
