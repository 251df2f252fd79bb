/** `keystroke/action`: typed units of work for agents (as tools) and workflows (as steps). */
export { type Action, type ActionContext, type ActionDefinition, defineAction, isAction } from "./define-action.js";
