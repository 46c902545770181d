import { describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../src/nlu/entities/id-number.js';
import { createLogger, loggerOptions } from '../../src/observability/logger.js';
import { OneLinePerRequest } from '../../src/observability/request-log.js';
import { maskPersonalData } from '../../src/privacy/mask.js';

const ID = `31011519900307123${idCheckDigit('31011519900307123')}`;

describe('masking personal data in free text', () => {
  it('keeps an ID number’s region and last four, hiding the birth date', () => {
    expect(maskPersonalData(`我的身份证${ID}`)).toBe(`我的身份证310115********${ID.slice(-4)}`);
  });

  it('masks mobile numbers in any common spelling, and landlines', () => {
    expect(maskPersonalData('电话13912345678')).toBe('电话139****5678');
    expect(maskPersonalData('电话139-1234-5678')).toBe('电话139****5678');
    expect(maskPersonalData('座机021-62345678')).toBe('座机021-****5678');
  });

  it('masks bank card numbers that pass the Luhn check, and leaves other long numbers', () => {
    expect(maskPersonalData('卡号6222021234567890128')).toBe('卡号***************0128');
    expect(maskPersonalData('订单号1234567890123456')).toBe('订单号1234567890123456');
  });

  it('stars house, lane and room numbers but keeps the street', () => {
    expect(maskPersonalData('住在张江路88弄3号1201室')).toBe('住在张江路**弄*号****室');
  });

  it('masks e-mail addresses', () => {
    expect(maskPersonalData('邮箱zhangsan@example.com')).toBe('邮箱z***@example.com');
  });

  it('leaves text without personal data alone', () => {
    expect(maskPersonalData('居住证怎么续签？下周三上午可以吗')).toBe('居住证怎么续签？下周三上午可以吗');
    expect(maskPersonalData('预约号A20261125-0001')).toBe('预约号A20261125-0001');
  });
});

describe('the application logger', () => {
  it('masks personal data in messages and objects, and redacts secrets', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => lines.push(l) });
    log.info({ note: `来电13912345678，身份证${ID}`, nested: { phone: '13812345678' }, token: 'abc' }, '市民13700001111来电');
    const line = lines.join('');
    expect(line).not.toContain('13912345678');
    expect(line).not.toContain('13812345678');
    expect(line).not.toContain('13700001111');
    expect(line).not.toContain(ID);
    expect(line).toContain('139****5678');
    expect(line).toContain('[redacted]');
  });

  it('masks what an error says, and keeps the request line of an HTTP log', async () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => lines.push(l) });
    log.error({ err: new Error('bad phone 13912345678') }, 'failed');
    expect(lines.join('')).not.toContain('13912345678');
    expect(lines.join('')).toContain('139****5678');

    const Fastify = (await import('fastify')).default;
    const httpLines: string[] = [];
    const app = Fastify({
      logger: { ...loggerOptions('info'), stream: { write: (l: string) => httpLines.push(l) } },
      logController: new OneLinePerRequest(),
    });
    app.get('/ping', async () => 'pong');
    await app.inject({ method: 'GET', url: '/ping' });
    await app.close();
    // One line per request, with the request, the status and the time.
    const parsed = httpLines.map((l) => JSON.parse(l));
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ msg: 'request completed', req: { method: 'GET', url: '/ping' }, res: { statusCode: 200 } });
    expect(parsed[0].responseTime).toBeTypeOf('number');
  });
});
