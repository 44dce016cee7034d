export const subCommands = {};
