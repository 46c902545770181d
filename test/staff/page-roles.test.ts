import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../helpers/app.js';
import { type StaffClient, staffMember } from '../helpers/staff.js';

const MAINTAINER_PAGES = ['/console/review', '/console/models', '/console/dashboard'];

describe('console pages an agent cannot use', () => {
  let t: TestApp;
  let agent: StaffClient;
  let maintainer: StaffClient;
  beforeAll(async () => {
    t = await startApp({ clock: () => new Date() });
    agent = await staffMember(t, 'page-agent', 'agent');
    maintainer = await staffMember(t, 'page-maintainer', 'maintainer');
  });
  afterAll(() => t.close());

  it.each(MAINTAINER_PAGES)('%s answers an agent with a 403 page that links back to the console', async (url) => {
    const res = await agent.get(url);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/没有权限/);
    expect(res.body).toMatch(/<a href="\/console">/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  });

  it.each(MAINTAINER_PAGES)('%s serves the page to a maintainer', async (url) => {
    const res = await maintainer.get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).not.toMatch(/没有权限/);
  });
});
