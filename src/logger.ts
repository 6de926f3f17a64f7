import pino from 'pino';

/**
 * Structured logs that never carry secrets: request logs hold method, url and status only (Fastify
 * does not log bodies), and anything that could hold a key, password, digest or metadata is redacted.
 */
export function logger(level: string) {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.password',
        '*.password_digest',
        '*.totp_secret',
        '*.backup_codes',
        '*.public_metadata',
        '*.private_metadata',
        '*.unsafe_metadata',
        'body',
      ],
      censor: '[redacted]',
    },
  });
}
