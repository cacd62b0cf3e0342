import { IntlMessageFormat } from 'intl-messageformat';
import type { Language, NotificationKind } from './notification.entity';

/**
 * Message catalogs in ICU message format (DESIGN.md §7): a subject and a body per notification kind,
 * in Vietnamese and English, chosen by the recipient organization's language. Arguments: `ref` (the
 * incident reference, or "" when the recipient may not see the incident), `title` (only where the view
 * shows it and the TLP allows), `action`, `due` (formatted), `status`, `org`, `link`.
 */
type Catalog = Record<NotificationKind, { subject: string; body: string }> & {
  footer: { subject: string; body: string };
  restricted: { subject: string; body: string };
};

const VI: Catalog = {
  REPORT_RECEIVED: {
    subject: 'Đã tiếp nhận báo cáo sự cố {ref}',
    body: 'Chúng tôi đã tiếp nhận báo cáo sự cố của quý vị. Số tiếp nhận: {ref}.{hasTitle, select, yes { Tiêu đề: {title}.} other {}}',
  },
  INCIDENT_ASSIGNED: {
    subject: 'Sự cố {ref} được chuyển cho đơn vị của quý vị',
    body: 'Sự cố {ref} hiện do đơn vị của quý vị xử lý.{hasTitle, select, yes { Tiêu đề: {title}.} other {}}',
  },
  DIRECTIVE_ISSUED: {
    subject: 'Yêu cầu điều phối mới: {action}',
    body: 'VNCERT yêu cầu đơn vị của quý vị thực hiện: {action}. Hạn hoàn thành: {due}.{hasRef, select, yes { Sự cố: {ref}.} other {}}',
  },
  DIRECTIVE_DUE_SOON: {
    subject: 'Yêu cầu điều phối sắp đến hạn: {action}',
    body: 'Yêu cầu điều phối ({action}) sẽ đến hạn lúc {due}.{hasRef, select, yes { Sự cố: {ref}.} other {}}',
  },
  DIRECTIVE_OVERDUE: {
    subject: 'Yêu cầu điều phối quá hạn: {action}',
    body: 'Yêu cầu điều phối ({action}) đã quá hạn từ {due}.{hasRef, select, yes { Sự cố: {ref}.} other {}}',
  },
  DIRECTIVE_ANSWERED: {
    subject: 'Phản hồi yêu cầu điều phối: {status}',
    body: 'Yêu cầu điều phối ({action}) đã được phản hồi: {status}.{hasRef, select, yes { Sự cố: {ref}.} other {}}',
  },
  FINAL_REPORT_DUE: {
    subject: 'Sắp đến hạn báo cáo kết thúc sự cố {ref}',
    body: 'Báo cáo kết thúc sự cố {ref} phải được gửi trước {due}.',
  },
  FINAL_REPORT_OVERDUE: {
    subject: 'Quá hạn báo cáo kết thúc sự cố {ref}',
    body: 'Báo cáo kết thúc sự cố {ref} đã quá hạn từ {due}.',
  },
  INCIDENT_SHARED: {
    subject: 'Sự cố {ref} được chia sẻ với đơn vị của quý vị',
    body: 'Sự cố {ref} đã được chia sẻ với đơn vị của quý vị.{hasTitle, select, yes { Tiêu đề: {title}.} other {}}',
  },
  INCIDENT_REFERRED: {
    subject: 'Sự cố {ref} được chuyển đến đơn vị của quý vị',
    body: 'Sự cố {ref} đã được chuyển đến đơn vị của quý vị để phối hợp xử lý.',
  },
  REPORT_STATUS_CHANGED: {
    subject: 'Báo cáo sự cố {ref}: trạng thái {status}',
    body: 'Trạng thái báo cáo sự cố {ref} của quý vị đã chuyển sang {status}.',
  },
  PING: { subject: 'Kiểm tra webhook', body: 'Đây là thông báo kiểm tra.' },
  footer: { subject: '', body: 'Xem chi tiết: {link}' },
  restricted: { subject: 'Thông báo {ref}', body: 'Số tham chiếu: {ref}' },
};

const EN: Catalog = {
  REPORT_RECEIVED: {
    subject: 'Incident report received: {ref}',
    body: 'We have received your incident report. Receipt number: {ref}.{hasTitle, select, yes { Title: {title}.} other {}}',
  },
  INCIDENT_ASSIGNED: {
    subject: 'Incident {ref} assigned to your organization',
    body: 'Incident {ref} is now handled by your organization.{hasTitle, select, yes { Title: {title}.} other {}}',
  },
  DIRECTIVE_ISSUED: {
    subject: 'New coordination order: {action}',
    body: 'VNCERT directs your organization to: {action}. Due: {due}.{hasRef, select, yes { Incident: {ref}.} other {}}',
  },
  DIRECTIVE_DUE_SOON: {
    subject: 'Coordination order due soon: {action}',
    body: 'The coordination order ({action}) is due at {due}.{hasRef, select, yes { Incident: {ref}.} other {}}',
  },
  DIRECTIVE_OVERDUE: {
    subject: 'Coordination order overdue: {action}',
    body: 'The coordination order ({action}) has been overdue since {due}.{hasRef, select, yes { Incident: {ref}.} other {}}',
  },
  DIRECTIVE_ANSWERED: {
    subject: 'Coordination order answered: {status}',
    body: 'The coordination order ({action}) was answered: {status}.{hasRef, select, yes { Incident: {ref}.} other {}}',
  },
  FINAL_REPORT_DUE: {
    subject: 'Final report due soon for incident {ref}',
    body: 'The final report of incident {ref} is due by {due}.',
  },
  FINAL_REPORT_OVERDUE: {
    subject: 'Final report overdue for incident {ref}',
    body: 'The final report of incident {ref} has been overdue since {due}.',
  },
  INCIDENT_SHARED: {
    subject: 'Incident {ref} shared with your organization',
    body: 'Incident {ref} has been shared with your organization.{hasTitle, select, yes { Title: {title}.} other {}}',
  },
  INCIDENT_REFERRED: {
    subject: 'Incident {ref} referred to your organization',
    body: 'Incident {ref} has been referred to your organization.',
  },
  REPORT_STATUS_CHANGED: {
    subject: 'Incident report {ref}: status {status}',
    body: 'The status of your incident report {ref} is now {status}.',
  },
  PING: { subject: 'Webhook test', body: 'This is a test notification.' },
  footer: { subject: '', body: 'Details: {link}' },
  restricted: { subject: 'Notification {ref}', body: 'Reference: {ref}' },
};

export const CATALOGS: Record<Language, Catalog> = { VI, EN };
const LOCALES: Record<Language, string> = { VI: 'vi-VN', EN: 'en-GB' };

export interface MessageArgs {
  ref: string;
  title: string;
  action: string;
  due: string;
  status: string;
  link: string;
}

const cache = new Map<string, IntlMessageFormat>();
function format(language: Language, text: string, args: Record<string, string>): string {
  const key = `${language}\u0000${text}`;
  let f = cache.get(key);
  if (!f) {
    f = new IntlMessageFormat(text, LOCALES[language]);
    cache.set(key, f);
  }
  return String(f.format(args));
}

/**
 * Subject and plain-text body. Empty `title`/`ref` leave their sentence out (the view withholds them);
 * `restricted` is the TLP:RED and AMBER+STRICT message: the reference and the link, nothing more.
 */
export function renderMessage(language: Language, kind: NotificationKind | 'restricted', args: MessageArgs): { subject: string; text: string } {
  const entry = CATALOGS[language][kind];
  // Optional parts are ICU `select`s on hasTitle/hasRef: withheld values leave no trace in the text.
  const values: Record<string, string> = { ...args, hasTitle: args.title ? 'yes' : 'no', hasRef: args.ref ? 'yes' : 'no', ref: args.ref || '—' };
  const subject = format(language, entry.subject, values);
  const body = format(language, entry.body, values);
  const footer = format(language, CATALOGS[language].footer.body, { link: args.link });
  return { subject, text: `${body}\n\n${footer}\n` };
}

/** A due time in the recipient's language, in Vietnam's time zone (the reference time of the network). */
export function formatDue(language: Language, at: Date | null): string {
  if (!at) return '';
  return (
    new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }).format(at) + ' (UTC+7)'
  );
}
