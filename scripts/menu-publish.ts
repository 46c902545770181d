/** npm run menu:publish — sends the custom menu (WECHAT_MENU_FILE) to WeChat's menu API. */
import { WechatApiClient } from '../src/channels/wechat-oa/api-client.js';
import { loadMenu, toWechatMenu } from '../src/channels/wechat-oa/menu.js';
import { cliConfig, runCli } from '../src/cli/common.js';
import { AppError } from '../src/core/errors.js';
import { openStorage } from '../src/storage/open-storage.js';

runCli(async () => {
  const config = cliConfig();
  if (!config.WECHAT_APPID || !config.WECHAT_SECRET)
    throw new AppError('CONFIG_INVALID', 'WECHAT_APPID and WECHAT_SECRET are needed to publish the menu');
  const menu = loadMenu(config.WECHAT_MENU_FILE);
  const storage = await openStorage(config);
  try {
    const api = new WechatApiClient({
      appId: config.WECHAT_APPID,
      secret: config.WECHAT_SECRET,
      apiBase: config.WECHAT_API_BASE,
      tokens: storage.conversations,
    });
    await api.createMenu(toWechatMenu(menu));
    console.log(`menu published from ${config.WECHAT_MENU_FILE} (${menu.button.length} top-level buttons)`);
  } finally {
    await storage.close();
  }
});
