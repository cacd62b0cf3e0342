import { IntlMessageFormat } from 'intl-messageformat';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

/**
 * GraphQL error messages in the caller's language (DESIGN.md §7): `Accept-Language: vi` gets
 * Vietnamese, anything else the English the hub writes; `extensions.code` and `field` never change.
 * Messages are ICU templates: known English messages are matched and their parts carried over; any
 * other message gets its code's Vietnamese sentence (with the field at fault where there is one).
 */
export type ErrorLanguage = 'vi' | 'en';

/** The first of vi/en in the header by q-value; English when neither is named. */
export function errorLanguage(header: string | null | undefined): ErrorLanguage {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag, q: q ? Number(q) : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === 'vi' || tag.startsWith('vi-')) return 'vi';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}

const TYPE_NAMES_VI: Record<string, string> = {
  Incident: 'Sự cố',
  Directive: 'Yêu cầu điều phối',
  Note: 'Ghi chú',
  Account: 'Tài khoản',
  Organization: 'Tổ chức',
  ApiKey: 'Khóa API',
  Webhook: 'Webhook',
  NotificationDelivery: 'Lần gửi thông báo',
};

/** Known messages: English pattern → Vietnamese ICU template over its captures. */
const PATTERNS: { en: RegExp; vi: string; args: (m: RegExpExecArray) => Record<string, string> }[] = [
  { en: /^(\w+) not found$/, vi: '{type}: không tìm thấy', args: (m) => ({ type: TYPE_NAMES_VI[m[1]] ?? m[1] }) },
  { en: /^Authentication required/, vi: 'Cần xác thực: gửi "Authorization: Bearer <token hoặc khóa API>"', args: () => ({}) },
  { en: /^Your role may not perform (.+)$/, vi: 'Vai trò của bạn không được phép thực hiện thao tác này ({what})', args: (m) => ({ what: m[1] }) },
  { en: /changed since you read it/, vi: 'Dữ liệu đã thay đổi kể từ khi bạn đọc; hãy tải lại và thử lại', args: () => ({}) },
  { en: /^webhook URL refused: (.+)$/, vi: 'URL webhook bị từ chối: {reason}', args: (m) => ({ reason: m[1] }) },
];

const BY_CODE_VI: Record<string, string> = {
  UNAUTHENTICATED: 'Cần xác thực',
  FORBIDDEN: 'Bạn không có quyền thực hiện thao tác này',
  NOT_FOUND: 'Không tìm thấy',
  BAD_USER_INPUT: '{field, select, none {Dữ liệu không hợp lệ} other {Dữ liệu không hợp lệ tại {field}}}',
  CONFLICT: 'Dữ liệu đã thay đổi kể từ khi bạn đọc; hãy tải lại và thử lại',
  INVALID_TRANSITION: 'Không thể thực hiện chuyển trạng thái này từ trạng thái hiện tại',
  RATE_LIMITED: 'Quá nhiều yêu cầu; hãy thử lại sau',
  QUERY_TOO_COMPLEX: 'Truy vấn quá phức tạp',
  SERVICE_UNAVAILABLE: 'Dịch vụ tạm thời không khả dụng; hãy thử lại sau giây lát',
  BAD_REQUEST: 'Yêu cầu không hợp lệ',
  GRAPHQL_PARSE_FAILED: 'Không phân tích được truy vấn GraphQL',
  GRAPHQL_VALIDATION_FAILED: 'Truy vấn GraphQL không hợp lệ',
  INTERNAL_SERVER_ERROR: 'Lỗi nội bộ',
};

const compiled = new Map<string, IntlMessageFormat>();
function render(template: string, args: Record<string, string>): string {
  let f = compiled.get(template);
  if (!f) {
    f = new IntlMessageFormat(template, 'vi-VN');
    compiled.set(template, f);
  }
  return String(f.format(args));
}

export function localizeError(error: GraphQLFormattedError, language: ErrorLanguage): GraphQLFormattedError {
  if (language === 'en') return error;
  for (const p of PATTERNS) {
    const m = p.en.exec(error.message);
    if (m) return { ...error, message: render(p.vi, p.args(m)) };
  }
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR';
  const template = BY_CODE_VI[code];
  if (!template) return error;
  const field = typeof error.extensions?.field === 'string' ? error.extensions.field : 'none';
  return { ...error, message: render(template, { field }) };
}

/** Apollo plugin: rewrites the messages of a response's errors by the request's Accept-Language. */
export function errorLanguagePlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          const language = errorLanguage(request.http?.headers.get('accept-language'));
          if (language === 'en' || response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) => localizeError(e, language));
        },
      };
    },
  };
}
