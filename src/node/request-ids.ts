import { randomBytes } from 'node:crypto';

/**
 * Request ids for writes that arrive without one, so that this writer can resend them safely.
 * Unique across writers (the writer id) and across restarts of one writer (a random boot nonce).
 */
export class RequestIds {
  private readonly prefix: string;
  private sequence = 0;

  constructor(writerId: string) {
    this.prefix = `${writerId}.${randomBytes(6).toString('base64url')}.`;
  }

  next(): string {
    this.sequence++;
    return this.prefix + this.sequence.toString(36);
  }
}
