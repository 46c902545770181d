/**
 * Leadership in a fleet of one (SQLite, one process): this instance always
 * leads, from its campaign's start to its resignation.
 */
import type { Campaign, Leadership } from '../core/fleet.js';

export const alwaysLeader: Leadership = {
  campaign(_role, duty): Campaign {
    let leading = true;
    const started = duty.lead();
    return {
      get leading() {
        return leading;
      },
      async resign() {
        if (!leading) return;
        leading = false;
        await started;
        await duty.stepDown('resigned');
      },
    };
  },
};
