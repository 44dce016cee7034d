/**
 * systemd user units and a crontab line that run `clauderon reconcile` (pure text generation).
 * The unit carries the environment (CLAUDERON_HOME, DOCKER_HOST, zellij socket dir, PATH) so a pass
 * started by the timer sees the same engine and sessions as the user's shell.
 */
export interface TimerInput {
  binary: string;
  intervalSeconds: number;
  env: Record<string, string>;
  unitName: string;
  logFile: string;
  lockFile: string;
}

/** systemd quoting: the whole assignment in double quotes, with \ " and % escaped. */
const sdQuote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%")}"`;
const sdPath = (s: string) => (/[\s"'\\%]/.test(s) ? sdQuote(s) : s);

export function serviceUnit(i: TimerInput): string {
  return [
    "[Unit]",
    `Description=clauderon reconcile (CLAUDERON_HOME=${i.env.CLAUDERON_HOME ?? "default"})`,
    "",
    "[Service]",
    "Type=oneshot",
    ...Object.entries(i.env).map(([k, v]) => `Environment=${sdQuote(`${k}=${v}`)}`),
    "Environment=NO_COLOR=1",
    `ExecStart=${sdPath(i.binary)} reconcile`,
    "# 5 = some sessions still waiting, 6 = some gave up: reported by clauderon, not unit failures",
    "SuccessExitStatus=5 6",
    "",
  ].join("\n");
}

export function timerUnit(i: TimerInput): string {
  return [
    "[Unit]",
    `Description=Run clauderon reconcile every ${i.intervalSeconds} s`,
    "",
    "[Timer]",
    "OnActiveSec=10s",
    `OnUnitActiveSec=${i.intervalSeconds}s`,
    "AccuracySec=1s",
    `Unit=${i.unitName}.service`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A crontab line that cannot overlap itself (flock -n). cron's unit is the minute. */
export function cronLine(i: TimerInput): string {
  const minutes = Math.max(1, Math.round(i.intervalSeconds / 60));
  const when = minutes === 1 ? "* * * * *" : `*/${Math.min(minutes, 59)} * * * *`;
  const env = Object.entries(i.env).map(([k, v]) => `${k}=${shQuote(v)}`);
  // % is special in crontab: escape it
  const cmd = [...env, "NO_COLOR=1", "flock", "-n", shQuote(i.lockFile), shQuote(i.binary), "reconcile", ">>", shQuote(i.logFile), "2>&1"].join(" ").replace(/%/g, "\\%");
  return `${when} ${cmd} # ${i.unitName}`;
}
