import { ClauderonError } from "./errors";

export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
export const NAME_RULE =
  "a session name is 1 to 48 characters: lowercase letters a-z, digits 0-9 and '-', starting with a letter or digit";

export function validateName(name: string | undefined): string {
  if (name === undefined || name === "") throw new ClauderonError("invalid-name", `missing session name: ${NAME_RULE}`);
  if (!NAME_PATTERN.test(name)) {
    throw new ClauderonError("invalid-name", `invalid session name ${JSON.stringify(name)}: ${NAME_RULE}`);
  }
  return name;
}

/** Backend resource name for a session (Docker container and zellij session alike). */
export const resourceName = (name: string) => `clauderon-${name}`;
