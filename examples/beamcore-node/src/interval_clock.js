// Wall-clock intervals of the lean chain: 4 s slots of 5 intervals (800 ms), counted
// from GENESIS_TIME. Calls onInterval(interval) at each boundary; a late timer (a busy
// event loop) reports the newest interval once and says how many it skipped, so the
// node is ticked to now and stale duties are not replayed.
export const SECONDS_PER_SLOT = 4;
export const INTERVALS_PER_SLOT = 5;
export const MS_PER_INTERVAL = (SECONDS_PER_SLOT * 1000) / INTERVALS_PER_SLOT;

export class IntervalClock {
  constructor({ genesisTime, onInterval, now = () => Date.now() }) {
    this.genesisMs = genesisTime * 1000;
    this.onInterval = onInterval;
    this.now = now;
    this.last = -1;
    this.timer = null;
  }

  // Intervals since genesis (negative before it).
  current() {
    return Math.floor((this.now() - this.genesisMs) / MS_PER_INTERVAL);
  }

  start() {
    const schedule = () => {
      const next = this.genesisMs + (this.current() + 1) * MS_PER_INTERVAL;
      this.timer = setTimeout(fire, Math.max(0, next - this.now()));
    };
    const fire = () => {
      const interval = this.current();
      if (interval >= 0 && interval > this.last) {
        const skipped = this.last >= 0 ? interval - this.last - 1 : 0;
        this.last = interval;
        this.onInterval(interval, skipped);
      }
      if (this.timer !== null) schedule();
    };
    this.timer = setTimeout(fire, 0);
  }

  stop() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
