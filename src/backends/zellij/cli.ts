/** Resolve the zellij executable: CLAUDERON_ZELLIJ, else `zellij` on PATH; undefined if absent. */
export function zellijBinary(env: NodeJS.ProcessEnv): string | undefined {
  const want = env.CLAUDERON_ZELLIJ || "zellij";
  if (want.includes("/")) return want;
  return Bun.which(want, { PATH: env.PATH ?? "" }) ?? undefined;
}
