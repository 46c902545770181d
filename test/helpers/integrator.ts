/**
 * Tests talk to the JSON message API as an integrator does: naming users,
 * with the integrator key (the chat page's cookie citizens are tested in
 * test/http/web-identity.test.ts). Every test app and test server is
 * started with this key.
 */
export const TEST_INTEGRATION_KEY = 'test-integration-key-0123456789abcdef';
export const INTEGRATOR = { authorization: `Bearer ${TEST_INTEGRATION_KEY}` } as const;
