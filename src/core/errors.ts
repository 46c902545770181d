/**
 * The one error catalogue. Every error a client or operator can see has a
 * stable code here; tests assert the code, never the wording. 5xx details
 * never reach clients (see http/error-handler.ts).
 */
export const ErrorCodes = {
  CONFIG_INVALID: { status: 500, message: 'Configuration is invalid' },
  BAD_REQUEST: { status: 400, message: 'The request is not valid' },
  TEXT_REQUIRED: { status: 400, message: 'Field "text" must be a non-empty string' },
  TEXT_TOO_LONG: { status: 400, message: 'Field "text" is too long' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  MODEL_NOT_READY: { status: 503, message: 'The language model is not loaded yet' },
  PARSE_TIMEOUT: { status: 503, message: 'Understanding this message took too long' },
  STORE_UNAVAILABLE: { status: 503, message: 'The database is unavailable; please try again' },
  MODEL_INVALID: { status: 500, message: 'The model artifact is missing or damaged' },
  CORPUS_INVALID: { status: 500, message: 'The corpus is not valid' },
  DATA_INVALID: { status: 400, message: 'The data file is not valid' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state' },
  UNAUTHENTICATED: { status: 401, message: 'Please log in' },
  API_KEY_REQUIRED: { status: 401, message: 'Naming a userId needs the integrator API key (Authorization: Bearer …)' },
  BAD_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  LOGIN_THROTTLED: { status: 429, message: '登录失败次数过多，请稍后再试' },
  FORBIDDEN: { status: 403, message: 'Your role does not allow this' },
  CSRF_REJECTED: { status: 403, message: 'Missing or wrong CSRF token; reload the console' },
  ALREADY_CLAIMED: { status: 409, message: '该会话已被其他坐席认领' },
  NOT_CLAIMED_BY_YOU: { status: 409, message: '请先认领该会话' },
  HANDOFF_CLOSED: { status: 409, message: '该会话已结束' },
  UNKNOWN_INTENT: { status: 400, message: '模型中没有这个意图' },
  UNKNOWN_DEPARTMENT: { status: 400, message: '没有这个部门' },
  HELDOUT_TEXT: { status: 409, message: '该问法与测试集（corpus/test）中的句子相同，不能写入训练语料' },
  ALREADY_REVIEWED: { status: 409, message: '该条目已被其他维护人员标注' },
  REASON_REQUIRED: { status: 400, message: '请填写原因或办理结果' },
  TICKET_TRANSITION: { status: 409, message: '工单当前状态不能改为该状态' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ErrorCodes[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.details = details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
