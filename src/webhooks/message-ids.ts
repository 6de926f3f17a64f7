// Svix calls an event sent to endpoints a message, with a `msg_` id. Each outbox event is one message:
// its id is the event's KSUID under `msg_` (evt_2x… → msg_2x…), so the svix-id header is stable across
// attempts and processes, and a message id leads straight back to its event.

const KSUID = /^[0-9A-Za-z]{27}$/;

export function messageIdOf(eventId: string): string {
  return `msg_${eventId.slice('evt_'.length)}`;
}

/** The event behind a message id (`msg_…`) or an event id given as Svix's `eventId` (`evt_…`); undefined if neither. */
export function eventIdOf(messageOrEventId: string): string | undefined {
  const match = /^(msg|evt)_(.*)$/.exec(messageOrEventId);
  return match && KSUID.test(match[2]!) ? `evt_${match[2]}` : undefined;
}
