export { ZellijBackend } from "./zellij";
