/**
 * The one error catalogue. Every error the API returns has a stable snake_case code from this
 * table and the HTTP status it is always sent with. The web client imports the same table to
 * translate codes into messages.
 */
export const errorCatalogue = {
  invalid_input: { status: 400, message: 'The request is not valid.' },
  malformed_json: { status: 400, message: 'The request body is not valid JSON.' },
  malformed_url: { status: 400, message: 'The URL is not valid (bad percent-encoding).' },
  malformed_request: { status: 400, message: 'The request is not valid HTTP.' },
  invalid_cursor: { status: 400, message: 'The pagination cursor is not valid.' },
  unauthenticated: { status: 401, message: 'You need to log in.' },
  invalid_credentials: { status: 401, message: 'Wrong username or password.' },
  invalid_token: { status: 401, message: 'The session token is not valid or has expired.' },
  forbidden: { status: 403, message: 'You are not allowed to do this.' },
  cross_site_request: {
    status: 403,
    message: 'This request comes from another site; it is refused to protect your session.',
  },
  not_found: { status: 404, message: 'Not found.' },
  route_not_found: { status: 404, message: 'There is no such API route.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed here.' },
  request_timeout: { status: 408, message: 'The request took too long to arrive.' },
  upgrade_required: {
    status: 426,
    message: 'This URL is a WebSocket: connect with Upgrade: websocket.',
  },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  username_taken: { status: 409, message: 'That username is already taken.' },
  already_signed_up: { status: 409, message: 'You are already signed up for this activity.' },
  signup_closed: { status: 409, message: 'Sign-up for this activity is closed.' },
  already_reported: { status: 409, message: 'You have already reported this post.' },
  /** Stream only (an `error` frame): a socket follows at most STREAM_LIMITS.maxSubscriptions. */
  too_many_subscriptions: {
    status: 409,
    message: 'This connection follows as many threads as it may; unsubscribe from one first.',
  },
  insufficient_funds: { status: 409, message: 'Your wallet balance is not enough.' },
  idempotency_key_reused: {
    status: 409,
    message: 'This Idempotency-Key was used for a different request.',
  },
  already_paid: { status: 409, message: 'This share is already paid.' },
  wrong_password: { status: 403, message: 'Wrong password.' },
  pin_not_set: { status: 409, message: 'Set a payment PIN first.' },
  wrong_pin: { status: 403, message: 'Wrong payment PIN.' },
  pin_locked: { status: 403, message: 'Too many wrong PINs; payments are locked for a while.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  rate_limited: { status: 429, message: 'Too many requests; try again later.' },
  slow_mode: { status: 429, message: 'This group is in slow mode; wait before posting again.' },
  account_locked: {
    status: 429,
    message: 'Too many failed log-ins; this account is locked for a while.',
  },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
  query_timeout: {
    status: 503,
    message: 'The database took too long to answer this request; try again shortly.',
  },
  wrong_checkin_code: { status: 400, message: 'No confirmed attendee has this check-in code.' },
  checkin_closed: {
    status: 409,
    message: 'Check-in opens 2 hours before the start and closes a day after the end.',
  },
  checkin_locked: {
    status: 429,
    message: 'Too many wrong check-in codes; code entry is locked for a while.',
  },
  // #13 chat and "your data"
  blocked: { status: 403, message: 'You cannot message this person.' },
  account_holds_money: {
    status: 409,
    message:
      'This account still holds money (a wallet balance, money for its own upcoming paid activities, or open bills); settle it first.',
  },
  account_owns_groups: {
    status: 409,
    message: 'This account owns groups with other members; hand them over first.',
  },
  account_banned: {
    status: 403,
    message: 'This account is banned from quanzi by an operator.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
