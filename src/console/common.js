/**
 * What the staff console pages (console, review, models, tickets) share,
 * served as /console/common.js and imported by each page's own inline
 * module: the JSON API with the session's CSRF token and its errors, signing
 * in, the live event stream with its reconnect, and the small DOM and
 * formatting helpers. Every server string is rendered with textContent
 * (here: el's `text` and children), never as markup.
 */

/** The signed-in session's CSRF token; sent on every state-changing call. */
export const session = { csrf: null };

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter) {
    super(message);
    Object.assign(this, { status, code, details, retryAfter });
  }
}

export const NETWORK_ERROR = '网络连接失败，请检查网络后重试。';

let sessionLost = null;
/** Called when an API call (other than login and /me) answers 401: the session ended under the page. */
export function onSessionLost(fn) {
  sessionLost = fn;
}

/** Calls the JSON API; throws ApiError (status 0, code NETWORK when the server was not reached). */
export async function api(method, url, body, retried = false) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (session.csrf) headers['x-csrf-token'] = session.csrf;
  }
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      // A JSON content type with no body is refused by the server: a bodiless POST sends {}.
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', NETWORK_ERROR);
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const e = data?.error || {};
  const err = new ApiError(
    res.status,
    e.code || `HTTP_${res.status}`,
    e.message || `请求失败（${res.status}）`,
    e.details,
    res.headers.get('retry-after'),
  );
  const authCall = url === '/api/staff/login' || url === '/api/staff/me';
  if (err.code === 'CSRF_REJECTED' && !retried && !authCall) {
    // The token may have been rotated (another tab logged in): fetch it again once.
    const me = await api('GET', '/api/staff/me').catch(() => null);
    if (me?.csrfToken) {
      session.csrf = me.csrfToken;
      return api(method, url, body, true);
    }
  }
  if (res.status === 401 && !authCall) sessionLost?.();
  throw err;
}

/** Who is signed in ({ user, csrfToken }); throws ApiError 401 when nobody is. */
export async function currentStaff() {
  const me = await api('GET', '/api/staff/me');
  session.csrf = me.csrfToken;
  return me;
}

export async function logOut() {
  try {
    await api('POST', '/api/staff/logout');
  } catch {
    /* logged out either way */
  }
  session.csrf = null;
}

/**
 * Signs in from a login form (its username and current-password inputs).
 * `loggedIn` gets { user, csrfToken }, the password field already cleared;
 * `failed` gets the error, and by default shows its message in the form's
 * #login-error. The submit button is disabled while the call runs.
 */
export function loginForm(form, { loggedIn, failed = (err) => showError(form, err) }) {
  const name = form.querySelector('input[autocomplete="username"]');
  const password = form.querySelector('input[autocomplete="current-password"]');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const who = name.value.trim();
    if (!who || !password.value) {
      failed({ message: '请输入账号和密码。' });
      return;
    }
    const button = form.querySelector('[type="submit"]');
    if (button) button.disabled = true;
    try {
      const r = await api('POST', '/api/staff/login', { name: who, password: password.value });
      session.csrf = r.csrfToken;
      password.value = '';
      await loggedIn(r);
    } catch (err) {
      failed(err);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

function showError(form, err) {
  form.querySelector('#login-error').textContent = err.message;
}

/**
 * The live event stream (/api/staff/events). `status` shows its state
 * (data-state open / connecting / closed, and `name` as its words);
 * `onReconnected` runs when it opens again after a drop (events may have been
 * missed); `signedIn` says whether to keep trying; `onSessionGone` runs when
 * the session turned out to have ended.
 */
export function liveEvents({ status, name, onEvent, onReconnected, signedIn, onSessionGone }) {
  let es = null;
  let down = false;
  const show = (s) => {
    status.dataset.state = s;
    status.textContent = s === 'open' ? name : s === 'connecting' ? '重新连接中…' : `${name}已断开`;
  };
  function connect() {
    es?.close();
    const mine = new EventSource('/api/staff/events');
    es = mine;
    show('connecting');
    mine.onopen = () => {
      show('open');
      if (down) {
        down = false;
        onReconnected();
      }
    };
    mine.onerror = () => {
      down = true;
      if (mine.readyState === EventSource.CLOSED) {
        show('closed');
        // The browser gives up on a non-200 answer: check the session, then try again.
        setTimeout(async () => {
          if (es !== mine || !signedIn()) return;
          const me = await api('GET', '/api/staff/me').catch((e) => (e.status === 401 ? 'gone' : null));
          if (me === 'gone') onSessionGone();
          else if (es === mine) connect();
        }, 5000);
      } else {
        show('connecting');
      }
    };
    mine.onmessage = (msg) => {
      let e;
      try {
        e = JSON.parse(msg.data);
      } catch {
        return;
      }
      onEvent(e);
    };
  }
  function close() {
    es?.close();
    es = null;
  }
  return { connect, close };
}

/** Coalesces bursts of calls (events) into one run of `fn`, never two in flight. */
export function coalesce(fn) {
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await fn();
    } finally {
      running = false;
      if (again) {
        again = false;
        trigger();
      }
    }
  };
  const trigger = () => {
    if (!timer) timer = setTimeout(run, 80);
  };
  return trigger;
}

/**
 * An element: `props` are attributes, except class, text (its textContent),
 * testid, dataset and on* (listeners); children are nodes or text.
 */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = String(v);
    else if (k === 'testid') node.dataset.testid = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** 0.873 → 87% */
export const percent = (score) => `${Math.round((Number(score) || 0) * 100)}%`;

/** A date and time in full (2026/3/2 10:00:00), or — for none. */
export const dateTime = (ms) => (ms ? new Date(ms).toLocaleString('zh-CN', { hour12: false }) : '—');
