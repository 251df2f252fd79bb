/**
 * The hosted project whose code is running now, for the calls project code makes back into the
 * server outside a workflow step (`agent.prompt()` or `workflow.run()` from an action, `promptLlm()`):
 * the server runs each agent prompt inside its project's scope. The object called cannot say
 * which project it belongs to — each of a project's files is loaded in a module namespace of its
 * own, so the agent a workflow file imports is not the object the project's agent list holds.
 * Calls made inside a workflow step carry the step, whose run names its project.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export const projectScope = new AsyncLocalStorage<string>();
