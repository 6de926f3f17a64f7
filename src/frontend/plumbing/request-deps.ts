import type { Deps } from '../../deps.js';
import type { HttpRequestAttributes } from '../../webhooks/events.js';

/** What a Frontend API service call gets: everything in Deps, and the request behind it (for events). */
export type RequestDeps = Deps & { httpRequest: HttpRequestAttributes };
