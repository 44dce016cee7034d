// Deterministic output for everything spawned or printed under test.
process.env.NO_COLOR = "1";
delete process.env.ZELLIJ;
delete process.env.ZELLIJ_SESSION_NAME;
