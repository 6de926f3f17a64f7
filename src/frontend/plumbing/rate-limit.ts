import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { ClerkError } from '../../http/clerk-error.js';
import { consumeRateLimit, type RateLimitRule } from '../rate-limits/service.js';

/**
 * A route's preHandler for one of Clerk's per-IP limits: over it, 429 too_many_requests with
 * Retry-After (seconds), which clerk-js reads into the error's `retryAfter`. GATEHOUSE_RATE_LIMITS=off
 * turns every limit off.
 */
export function rateLimited(deps: Pick<Deps, 'db' | 'clock' | 'config'>, rule: RateLimitRule) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!deps.config.rateLimits) return;
    const outcome = await consumeRateLimit(deps, rule, request.ip);
    if (outcome.allowed) return;
    reply.header('retry-after', String(outcome.retryAfterSeconds));
    throw new ClerkError('too_many_requests');
  };
}
