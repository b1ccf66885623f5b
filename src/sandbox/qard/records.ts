import { deepFreeze, serialisedOnce, type RawJson } from '../commerce-data/exact-json.js';
import { generateQardUserData, type QardUserData } from './data.js';
import { connectedConnection, type QardUserState } from './state.js';

/**
 * The seeded commerce records each user serves once synced, generated on first read and frozen:
 * a user's records never change after generation, so their JSON is kept.
 */
export class QardRecords {
  private readonly data = new Map<string, QardUserData>();
  // Qard amounts are strings, so plain JSON is exact; records are serialised once and list
  // pages embed that text through `toExactJson`.
  readonly recordJson: (record: object) => RawJson = serialisedOnce((record) =>
    JSON.stringify(record),
  );

  constructor(private readonly seed: number) {}

  of(user: QardUserState): QardUserData {
    let data = this.data.get(user.id);
    if (!data) {
      const connectionId = (connectedConnection(user) ?? user.connections[0])?.id ?? '';
      data = deepFreeze(generateQardUserData(this.seed, user.id, connectionId));
      this.data.set(user.id, data);
    }
    return data;
  }
}
