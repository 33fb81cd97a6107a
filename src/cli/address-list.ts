import { splitHostPort } from '../observability/http-server.js';
import { UsageError } from './usage-error.js';

/** Parses `ID=HOST:PORT,ID=HOST:PORT` (the form of --peers, --storage and --writers). */
export function parseAddressList(flag: string, text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new UsageError(`${flag}: expected ID=HOST:PORT[,ID=HOST:PORT...], got ${JSON.stringify(item)}`);
    const id = item.slice(0, eq);
    if (result.has(id)) throw new UsageError(`${flag}: ${id} is listed twice`);
    const address = item.slice(eq + 1);
    try {
      splitHostPort(address);
    } catch (error) {
      throw new UsageError(`${flag}: ${id}: ${(error as Error).message}`);
    }
    result.set(id, address);
  }
  if (result.size === 0) throw new UsageError(`${flag} is required: ID=HOST:PORT[,ID=HOST:PORT...]`);
  return result;
}
