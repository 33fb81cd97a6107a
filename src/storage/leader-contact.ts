// How long ago a member last had evidence that it follows the current log: a follower, since it
// last heard from its leader; a leader, since it last heard from a quorum of voters (itself
// counted). Bounded-staleness reads measure their lag from that, so an isolated or deposed member
// refuses them as soon as the bound passes, not only once its election timer or check-quorum fires.
// A member that knows no leader (an election, a minority side) has had no such evidence since it
// lost its leader: its staleness is counted from the last evidence it had then, so it may still
// serve reads with a bound that has not passed, and refuses them once it has.

export class LeaderContact {
  /** When each peer was last heard from (ms, the caller's clock). */
  private readonly heard = new Map<string, number>();
  /** The leader last known, and (while none is) when the last evidence under it was. */
  private leader = '';
  private leaderlessEvidenceAt = -Infinity;

  heardFrom(peer: string, nowMs: number): void {
    this.heard.set(peer, nowMs);
  }

  /** Stops tracking peers that left the configuration, so the map stays as small as it. */
  retain(members: readonly string[]): void {
    for (const peer of this.heard.keys()) if (!members.includes(peer)) this.heard.delete(peer);
  }

  /**
   * The member's leader changed to `leader` ('' for none). Losing one freezes the evidence at
   * what it was: nothing heard while leaderless (a candidate's vote request) shows the log.
   */
  leaderChanged(self: string, leader: string, voters: readonly string[], nowMs: number): void {
    if (leader === '' && this.leader !== '') {
      this.leaderlessEvidenceAt = nowMs - this.staleMs(self, this.leader, voters, nowMs);
    }
    this.leader = leader;
  }

  /** Milliseconds since the last such evidence; Infinity if there never was any. */
  staleMs(self: string, leader: string, voters: readonly string[], nowMs: number): number {
    if (leader === '') return nowMs - this.leaderlessEvidenceAt;
    if (leader !== self) {
      const last = this.heard.get(leader);
      return last === undefined ? Infinity : nowMs - last;
    }
    const times = voters.map((voter) => (voter === self ? nowMs : (this.heard.get(voter) ?? -Infinity))).sort((a, b) => b - a);
    const quorum = Math.floor(voters.length / 2) + 1;
    const last = times[quorum - 1];
    return last === undefined || last === -Infinity ? Infinity : nowMs - last;
  }
}
