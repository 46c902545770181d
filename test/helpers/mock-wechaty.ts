/**
 * One WeChat account for the Wechaty channel, on wechaty-puppet-mock, as
 * several instances see it: each puppet the channels start (one per start,
 * on any instance) is a fresh mock world holding the same bot login and the
 * same citizen (fixed ids), and logs the bot in once started. A citizen's
 * message goes to whichever puppet runs; what the bot sends the citizen is
 * collected from all of them. `peakRunning` is the most puppets that ever
 * ran at the same moment: a second login at once would show as 2.
 */
import { mock, PuppetMock } from 'wechaty-puppet-mock';

export interface MockAccount {
  /** A puppet factory for WechatyChannel / composeApp's wechatyPuppet. */
  puppet: () => PuppetMock;
  /** Puppets started and not stopped. */
  readonly running: number;
  readonly peakRunning: number;
  readonly citizenId: string;
  /** What the bot sent the citizen, in order. */
  readonly received: string[];
  /** The citizen writes to the bot; throws unless exactly one puppet runs. */
  say(text: string): void;
}

type Payload = { text?: string; talkerId?: string; fromId?: string };

/** `startMs` / `stopMs`: how long a puppet takes to log in / out (a real one takes seconds). */
export function mockAccount(o: { citizenName?: string; startMs?: number; stopMs?: number } = {}): MockAccount {
  const tag = Math.random().toString(36).slice(2, 8);
  const botId = `bot-${tag}`;
  const citizenId = `citizen-${tag}`;
  const received: string[] = [];
  const live = new Set<{ mocker: mock.Mocker; bot: mock.ContactMock; citizen: mock.ContactMock }>();
  let peak = 0;

  const world = () => {
    const mocker = new mock.Mocker();
    const bot = mocker.createContact({ id: botId, name: '问政助手' });
    const citizen = mocker.createContact({ id: citizenId, name: o.citizenName ?? '市民丁' });
    // The mocks are EventEmitters at run time; their types do not say so. Only what the bot sends.
    (citizen as unknown as { on(e: 'message', f: (m: { payload: Payload }) => void): void }).on('message', (m) => {
      if ((m.payload.talkerId ?? m.payload.fromId) === botId) received.push(m.payload.text ?? '');
    });
    return { mocker, bot, citizen };
  };

  class AccountPuppet extends PuppetMock {
    private readonly world: ReturnType<typeof world>;
    constructor(w: ReturnType<typeof world>) {
      super({ mocker: w.mocker });
      this.world = w;
    }
    override async onStart(): Promise<void> {
      if (o.startMs) await new Promise((r) => setTimeout(r, o.startMs));
      await super.onStart();
      live.add(this.world);
      peak = Math.max(peak, live.size);
      setImmediate(() => this.world.mocker.login(this.world.bot));
    }
    override async onStop(): Promise<void> {
      if (o.stopMs) await new Promise((r) => setTimeout(r, o.stopMs));
      live.delete(this.world);
      await super.onStop();
    }
  }

  return {
    puppet: () => new AccountPuppet(world()),
    get running() {
      return live.size;
    },
    get peakRunning() {
      return peak;
    },
    citizenId,
    received,
    say(text) {
      const [only, ...more] = [...live];
      if (!only || more.length > 0) throw new Error(`${live.size} bots are running, not one`);
      only.citizen.say(text).to(only.bot);
    },
  };
}
