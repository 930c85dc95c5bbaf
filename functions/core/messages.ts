/**
 * The one message catalogue (issue #12): every error and every error detail has a stable code, and each
 * code an English and a Vietnamese template. The API renders it in the caller's language; the console
 * bundles this module for the browser, so it imports nothing (no AWS, no Node, no zod).
 * Vietnamese in the words of the console glossary (glossary-vi.md).
 */

export type Lang = 'en' | 'vi';
export const LANGS: readonly Lang[] = ['en', 'vi'];

export type ParamValue = string | number;
export type MessageParams = Readonly<Record<string, ParamValue>>;

interface Entry {
  en: string;
  vi: string;
}

/** The top-level `error.message` of each error code, and the specific ones that carry parameters. */
const ERROR_MESSAGES = {
  validation_failed: { en: 'The request is invalid', vi: 'Dữ liệu gửi lên không hợp lệ' },
  invalid_json: { en: 'The request body is not valid JSON', vi: 'Nội dung yêu cầu không phải JSON hợp lệ' },
  unauthorized: {
    en: 'A valid bearer token is required',
    vi: 'Cần đăng nhập: thiếu mã truy cập hợp lệ',
  },
  invalid_signature: {
    en: 'The webhook signature is missing or invalid',
    vi: 'Chữ ký webhook bị thiếu hoặc không hợp lệ',
  },
  forbidden: {
    en: 'Your role does not allow this action',
    vi: 'Vai trò của bạn không được phép thực hiện thao tác này',
  },
  not_found: { en: 'Not found', vi: 'Không tìm thấy dữ liệu yêu cầu' },
  conflict: {
    en: 'The request conflicts with the current state',
    vi: 'Yêu cầu không thực hiện được ở trạng thái hiện tại',
  },
  transition_not_allowed: {
    en: 'Cannot {action} a campaign that is {status}',
    vi: 'Không thể {action} chiến dịch đang ở trạng thái {status}',
  },
  payload_too_large: {
    en: 'The request body is larger than {limitBytes} bytes',
    vi: 'Nội dung yêu cầu lớn hơn {limitBytes} byte',
  },
  answer_too_large: {
    en: 'The answer would be larger than {limitBytes} bytes',
    vi: 'Kết quả sẽ lớn hơn {limitBytes} byte: hãy yêu cầu ít dữ liệu hơn',
  },
  unsupported_media_type: {
    en: 'Content-Type must be one of: {accepted}',
    vi: 'Content-Type phải là một trong: {accepted}',
  },
  upload_not_received: {
    en: 'Nothing has been uploaded for upload {uploadId}: PUT the file to its URL first',
    vi: 'Chưa có tệp nào được tải lên cho mã {uploadId}: hãy tải tệp lên địa chỉ đã cấp trước',
  },
  upload_too_large: {
    en: 'The uploaded file has {size} bytes; an import reads at most {limitBytes}',
    vi: 'Tệp đã tải lên có {size} byte; mỗi lần nhập chỉ đọc tối đa {limitBytes} byte',
  },
  import_interrupted: {
    en: 'The import stopped before it finished; the rows read so far are in the audience: import the file again',
    vi: 'Việc nhập danh sách đã dừng trước khi xong; các dòng đã đọc vẫn có trong danh sách: hãy tải tệp lên lại',
  },
  rate_limited: { en: 'Too many requests', vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau' },
  internal_error: { en: 'Something went wrong on our side', vi: 'Đã có lỗi ở phía hệ thống' },
  timed_out: {
    en: 'The request took longer than this service allows and was stopped; retry later',
    vi: 'Yêu cầu chạy quá thời gian cho phép nên đã bị dừng; vui lòng thử lại sau',
  },
  template_archived: {
    en: 'Template {templateId} is archived: unarchive it to start a campaign from it or to edit it',
    vi: 'Mẫu tin {templateId} đã được lưu trữ: hãy bỏ lưu trữ để tạo chiến dịch từ mẫu hoặc sửa mẫu',
  },
  template_version_conflict: {
    en: 'Template {templateId} is at version {current}, not {expected}: it was changed meanwhile; reload and edit again',
    vi: 'Mẫu tin {templateId} đang ở phiên bản {current}, không phải {expected}: đã có người sửa trong lúc đó; hãy tải lại rồi sửa',
  },
  more_problems: {
    en: '{message} ({omitted} more problems not listed)',
    vi: '{message} (còn {omitted} lỗi khác không liệt kê)',
  },
  submit_missing_field_values: {
    en: 'Some recipients have no value for {fields} fields the text needs without a fallback: add the values to the audience, or give each placeholder a fallback such as {{Tên|bà con}}',
    vi: 'Một số người nhận chưa có giá trị cho {fields} trường thông tin mà nội dung cần (không có từ thay thế): hãy bổ sung giá trị vào danh sách người nhận, hoặc thêm từ thay thế cho trường, ví dụ {{Tên|bà con}}',
  },
} as const satisfies Record<string, Entry>;

/** `details[].code` and rejected import rows' `code`: what is wrong with one field or one row. */
const DETAIL_MESSAGES = {
  // zod's own checks
  required: { en: 'is required', vi: 'bắt buộc phải có' },
  invalid_type: { en: 'must be {expected}', vi: 'phải là {expected}' },
  too_small: { en: 'must be at least {minimum}{unit}', vi: 'phải từ {minimum}{unit} trở lên' },
  too_big: { en: 'must be at most {maximum}{unit}', vi: 'không được quá {maximum}{unit}' },
  invalid_format: { en: 'must be a valid {format}', vi: 'phải đúng định dạng {format}' },
  invalid_value: { en: 'must be one of: {values}', vi: 'phải là một trong các giá trị: {values}' },
  unrecognized_keys: { en: 'is not a known field', vi: 'không phải là trường dữ liệu được hỗ trợ' },
  not_multiple_of: { en: 'must be a multiple of {divisor}', vi: 'phải là bội số của {divisor}' },
  invalid_input: { en: 'is invalid', vi: 'không hợp lệ' },
  // requests
  body_not_empty: { en: 'must be empty', vi: 'phải để trống: thao tác này không nhận nội dung' },
  invalid_idempotency_key: {
    en: 'must be 1–128 characters of letters, digits, _ . : -',
    vi: 'phải gồm 1–128 ký tự: chữ cái, chữ số, _ . : -',
  },
  invalid_webhook_id: {
    en: 'must be at most {maximum} characters without control characters',
    vi: 'tối đa {maximum} ký tự, không chứa ký tự điều khiển',
  },
  invalid_cursor: {
    en: 'is not a cursor this API returned',
    vi: 'không phải vị trí trang do hệ thống trả về',
  },
  // text
  empty: { en: 'must not be empty', vi: 'không được để trống' },
  line_break_or_control: {
    en: 'must not contain control characters or line breaks',
    vi: 'không được chứa ký tự điều khiển hoặc dấu xuống dòng',
  },
  control_character: {
    en: 'must not contain control characters',
    vi: 'không được chứa ký tự điều khiển',
  },
  // phones
  invalid_characters: {
    en: 'A phone number may contain only digits, a leading +, spaces, dots, dashes and brackets',
    vi: 'Số điện thoại chỉ được gồm chữ số, dấu + ở đầu, dấu cách, dấu chấm, gạch ngang và ngoặc đơn',
  },
  scientific_notation: {
    en: 'The phone is in scientific notation (as Excel shows long numbers), which has lost digits: format the phone column as Text, type the numbers again with their leading 0, and save the file again',
    vi: 'Số điện thoại bị ghi dạng số mũ (như Excel hiển thị số dài) nên đã mất chữ số: hãy định dạng cột số điện thoại là Văn bản (Text), nhập lại số có chữ số 0 ở đầu rồi lưu lại tệp',
  },
  too_short: {
    en: 'Not a phone number: it has too few digits',
    vi: 'Không phải số điện thoại: thiếu chữ số',
  },
  too_long: {
    en: 'Not a phone number: it has too many digits',
    vi: 'Không phải số điện thoại: thừa chữ số',
  },
  not_vietnamese: {
    en: 'Country code +{countryCode} is not Vietnam (+84)',
    vi: 'Mã quốc gia +{countryCode} không phải của Việt Nam (+84)',
  },
  landline: {
    en: 'This is a Vietnamese landline (02x area code), which cannot receive SMS',
    vi: 'Đây là số máy cố định (mã vùng 02x), không nhận được tin nhắn SMS',
  },
  not_mobile: {
    en: 'This is a Vietnamese {kind} number, not a mobile number',
    vi: 'Đây là số {kind}, không phải số di động',
  },
  invalid_mobile: {
    en: 'Not a valid Vietnamese mobile number (0 followed by 9 digits, e.g. 098 123 4567)',
    vi: 'Không phải số di động Việt Nam hợp lệ (số 0 và 9 chữ số, ví dụ 098 123 4567)',
  },
  opted_out: { en: '{phone} is opted out', vi: 'Số {phone} đã từ chối nhận tin' },
  // audiences and imports
  invalid_audience_id: {
    en: 'is not an audience id (26 characters, as POST /v1/audiences returns)',
    vi: 'không phải mã danh sách người nhận (26 ký tự, do hệ thống cấp khi tạo danh sách)',
  },
  no_subscribers: { en: 'must hold at least one subscriber', vi: 'phải có ít nhất một thuê bao' },
  invalid_upload_id: {
    en: 'is not an upload id (26 characters, as POST .../import-uploads returns)',
    vi: 'không phải mã tệp tải lên (26 ký tự, do hệ thống cấp khi tạo chỗ tải tệp)',
  },
  subscribers_or_upload: {
    en: 'give either subscribers or uploadId, not both',
    vi: 'chỉ gửi một trong hai: danh sách thuê bao (subscribers) hoặc mã tệp tải lên (uploadId)',
  },
  too_many_rows: {
    en: 'must hold at most {maximum} rows; split the import',
    vi: 'tối đa {maximum} dòng mỗi lần tải lên; hãy chia nhỏ danh sách',
  },
  csv_not_utf8: {
    en: 'The file is not UTF-8 text: in Excel save it as "CSV UTF-8 (Comma delimited)"',
    vi: 'Tệp không phải văn bản UTF-8: trong Excel hãy lưu dưới dạng "CSV UTF-8 (Comma delimited)"',
  },
  csv_empty: {
    en: 'The file is empty: the first line must be a header such as {columns}',
    vi: 'Tệp trống: dòng đầu tiên phải là dòng tiêu đề, ví dụ {columns}',
  },
  xlsx_invalid: {
    en: 'The file is not a readable Excel workbook (.xlsx): open it in Excel and save it again as "Excel Workbook (.xlsx)", or send it as CSV UTF-8',
    vi: 'Tệp không phải bảng tính Excel (.xlsx) đọc được: hãy mở bằng Excel và lưu lại dưới dạng "Excel Workbook (.xlsx)", hoặc gửi tệp CSV UTF-8',
  },
  xls_not_supported: {
    en: 'This is an old Excel 97-2003 file (.xls): open it in Excel and save it as "Excel Workbook (.xlsx)"',
    vi: 'Đây là tệp Excel 97-2003 cũ (.xls): hãy mở bằng Excel và lưu dưới dạng "Excel Workbook (.xlsx)"',
  },
  xlsx_encrypted: {
    en: 'The workbook is protected by a password: remove the password (File > Info > Protect Workbook) and save it again',
    vi: 'Bảng tính được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi lưu lại',
  },
  xlsx_too_large_unpacked: {
    en: 'The workbook unpacks to more than 128 MB, far more than a list of 100,000 subscribers needs: keep only the first sheet with the subscribers, or send it as CSV UTF-8',
    vi: 'Bảng tính khi giải nén lớn hơn 128 MB, vượt xa mức cần cho danh sách 100.000 thuê bao: chỉ giữ trang tính đầu tiên có danh sách thuê bao, hoặc gửi tệp CSV UTF-8',
  },
  xlsx_empty: {
    en: 'The first sheet of the workbook is empty: its first row must be a header such as phone,province,commune,tags',
    vi: 'Trang tính đầu tiên trống: dòng đầu tiên phải là dòng tiêu đề, ví dụ Số điện thoại, Tỉnh/Thành phố, Xã/Phường, Nhóm',
  },
  unknown_columns_ignored: {
    en: 'Columns not imported (ignored): {columns}. Row numbers (STT) mean nothing to a message; any other column is kept as a subscriber attribute when its header can name a placeholder (letters or digits, at most 40 characters, not "link")',
    vi: 'Các cột không được nhập (bỏ qua): {columns}. Cột số thứ tự (STT) không dùng trong tin nhắn; các cột khác được lưu làm thông tin thuê bao khi tiêu đề cột dùng được làm tên trường (chữ hoặc số, tối đa 40 ký tự, không phải "link")',
  },
  attribute_columns: {
    en: 'Kept with each subscriber as attributes, for placeholders in messages: {columns}',
    vi: 'Được lưu cùng mỗi thuê bao làm thông tin riêng, dùng cho các trường trong tin nhắn: {columns}',
  },
  too_many_attribute_columns: {
    en: 'At most {maximum} columns of a file are kept as subscriber attributes; these were ignored: {columns}',
    vi: 'Mỗi tệp chỉ lưu tối đa {maximum} cột làm thông tin thuê bao; các cột sau bị bỏ qua: {columns}',
  },
  legacy_district_column: {
    en: 'The file has a district column: since 1 July 2025 Vietnam has no district level. The values are kept as district; give a commune column (Xã/Phường) instead',
    vi: 'Tệp có cột Quận/Huyện: từ 1/7/2025 không còn cấp huyện. Giá trị vẫn được lưu là quận/huyện; hãy dùng cột Xã/Phường thay thế',
  },
  csv_duplicate_column: {
    en: 'column "{column}" appears twice in the header',
    vi: 'cột "{column}" xuất hiện hai lần trong dòng tiêu đề',
  },
  csv_no_phone_column: {
    en: 'the header has no phone column: the first line must name the columns, e.g. {columns}',
    vi: 'dòng tiêu đề thiếu cột phone: dòng đầu tiên phải ghi tên các cột, ví dụ {columns}',
  },
  csv_no_rows: {
    en: 'The file has a header but no subscriber rows',
    vi: 'Tệp có dòng tiêu đề nhưng không có dòng thuê bao nào',
  },
  csv_too_many_rows: {
    en: 'The file has {rows} rows; at most {maximum} per request: split the import',
    vi: 'Tệp có {rows} dòng; tối đa {maximum} dòng mỗi lần tải lên: hãy chia nhỏ danh sách',
  },
  csv_unclosed_quote: {
    en: 'record {record} of the file opens a quoted field that is never closed',
    vi: 'bản ghi {record} của tệp mở dấu ngoặc kép nhưng không đóng lại',
  },
  too_many_fields: {
    en: 'The row has {fields} fields but the header has {columns}; quote fields that contain commas',
    vi: 'Dòng có {fields} trường nhưng dòng tiêu đề có {columns} cột; hãy đặt trường có dấu phẩy trong ngoặc kép',
  },
  missing_phone: { en: 'phone is missing', vi: 'thiếu số thuê bao' },
  place_too_long: {
    en: '{field} is longer than {maximum} characters',
    vi: 'tên {field} dài quá {maximum} ký tự',
  },
  place_control_character: {
    en: '{field} contains a line break or control character',
    vi: 'tên {field} chứa dấu xuống dòng hoặc ký tự điều khiển',
  },
  invalid_tag: {
    en: 'tag "{tag}" must be at most {maximum} characters without ; | or line breaks',
    vi: 'nhóm "{tag}" phải tối đa {maximum} ký tự, không chứa ; | hoặc dấu xuống dòng',
  },
  too_many_tags: {
    en: 'a subscriber may have at most {maximum} tags',
    vi: 'mỗi thuê bao thuộc tối đa {maximum} nhóm',
  },
  attribute_too_long: {
    en: 'the value of column "{column}" is longer than {maximum} characters',
    vi: 'giá trị cột "{column}" dài quá {maximum} ký tự',
  },
  attribute_control_character: {
    en: 'the value of column "{column}" contains a line break or control character',
    vi: 'giá trị cột "{column}" chứa dấu xuống dòng hoặc ký tự điều khiển',
  },
  attribute_placeholder: {
    en: 'the value of column "{column}" contains {{ or }}: a subscriber\'s value is never a placeholder',
    vi: 'giá trị cột "{column}" chứa {{ hoặc }}: thông tin thuê bao không được là một trường thay thế',
  },
  ambiguous_language: {
    en: '"Thái" may be Thái Đen (Tai Dam, tag blt) or Thái Trắng (Tai Dón, tag twh): write one of them; the subscriber was added without a language and gets the Vietnamese text',
    vi: '"Thái" có thể là Thái Đen (mã blt) hoặc Thái Trắng (mã twh): hãy ghi rõ một trong hai; thuê bao đã được thêm nhưng không có ngôn ngữ và sẽ nhận tin tiếng Việt',
  },
  unknown_language: {
    en: "names no language the import knows: write a name such as H'Mông, Thái Đen, Thái Trắng, Khmer, Ê Đê, Tày, Nùng, không dấu, or a language tag (hmn, blt, twh, km, rad, tyz, vi-x-khongdau); the subscriber was added without a language and gets the Vietnamese text",
    vi: "không phải tên ngôn ngữ đã biết: hãy ghi tên như H'Mông, Thái Đen, Thái Trắng, Khmer, Ê Đê, Tày, Nùng, không dấu, hoặc mã ngôn ngữ (hmn, blt, twh, km, rad, tyz, vi-x-khongdau); thuê bao đã được thêm nhưng không có ngôn ngữ và sẽ nhận tin tiếng Việt",
  },
  unknown_province: {
    en: 'names no province or centrally run city of Vietnam, current (since 1 July 2025) or former; the subscriber was added without a province (see GET /v1/provinces)',
    vi: 'không phải tên tỉnh, thành phố nào của Việt Nam, hiện nay (từ 1/7/2025) hay trước đây; thuê bao đã được thêm nhưng không có tỉnh, thành phố (xem GET /v1/provinces)',
  },
  // campaign filters (issue #15)
  unknown_province_filter: {
    en: '"{value}" names no province or centrally run city of Vietnam, current (since 1 July 2025) or former, and is not a two-digit code: see GET /v1/provinces',
    vi: '"{value}" không phải tên tỉnh, thành phố nào của Việt Nam, hiện nay (từ 1/7/2025) hay trước đây, cũng không phải mã hai chữ số: xem GET /v1/provinces',
  },
  communes_need_provinces: {
    en: 'may only be given with provinces: communes of the same name exist in several provinces, so choose the provinces they are in',
    vi: 'chỉ được chọn kèm tỉnh, thành phố: nhiều tỉnh có xã, phường trùng tên, hãy chọn tỉnh, thành phố có các xã, phường này',
  },
  tag_wanted_and_excluded: {
    en: 'tag "{tag}" is both wanted (any or all) and excluded (none), so no one would receive the campaign',
    vi: 'nhóm "{tag}" vừa được chọn (any hoặc all) vừa bị loại trừ (none), nên không ai nhận được chiến dịch',
  },
  // campaigns, schedules, the calendar
  invalid_time: {
    en: 'must be a time HH:MM between 00:00 and 23:59',
    vi: 'phải là giờ dạng HH:MM từ 00:00 đến 23:59',
  },
  invalid_datetime: {
    en: 'must be an ISO 8601 date-time with offset, e.g. 2027-07-30T08:00:00+07:00',
    vi: 'phải là ngày giờ ISO 8601 có múi giờ, ví dụ 2027-07-30T08:00:00+07:00',
  },
  invalid_date: {
    en: 'must be a calendar date YYYY-MM-DD',
    vi: 'phải là ngày hợp lệ dạng YYYY-MM-DD',
  },
  invalid_year: { en: 'must be a year 1000–9999', vi: 'phải là năm từ 1000 đến 9999' },
  year_required: {
    en: 'is needed (or a resolve context) to compute the next yearly schedule',
    vi: 'cần có năm để tính lịch gửi lặp lại hằng năm tiếp theo',
  },
  invalid_schedule: {
    en: 'must be { sendAt }, { occasion, year?, localTime? } or { asap: true }',
    vi: 'phải là { sendAt }, { occasion, year?, localTime? } hoặc { asap: true }',
  },
  invalid_time_zone: {
    en: 'must be an IANA time zone such as Asia/Ho_Chi_Minh',
    vi: 'phải là múi giờ IANA, ví dụ Asia/Ho_Chi_Minh',
  },
  same_start_end: {
    en: 'start and end must differ',
    vi: 'giờ bắt đầu và giờ kết thúc phải khác nhau',
  },
  past_send_at: { en: 'must not be in the past', vi: 'thời điểm đã qua' },
  past_occasion: {
    en: 'must not be in the past: {occasion} {year} resolves to {sendAt}',
    vi: 'thời điểm đã qua: {occasion} {year} rơi vào {sendAt}',
  },
  duplicate_audience: {
    en: 'must not repeat an audience',
    vi: 'không được chọn một danh sách người nhận hai lần',
  },
  unknown_audience: { en: 'no such audience', vi: 'không có danh sách người nhận này' },
  unknown_partner: { en: 'no such partner', vi: 'không có đối tác viễn thông này' },
  reason_required: { en: 'is required to reject', vi: 'bắt buộc phải có khi từ chối' },
  aggregate_links_differ: {
    en: 'aggregate counts one link per campaign, but the texts link to {count} different addresses: use recipient, or one address',
    vi: 'chỉ đếm tổng lượt nhấp cho một liên kết mỗi chiến dịch, nhưng các nội dung dẫn tới {count} liên kết khác nhau: chọn theo từng người nhận, hoặc dùng một liên kết',
  },
  // message content (issue #16)
  unclosed_placeholder: {
    en: '{placeholder} at character {at} is not closed with }}',
    vi: '{placeholder} ở ký tự thứ {at} chưa được đóng bằng }}',
  },
  invalid_placeholder: {
    en: '{placeholder} at character {at} is not a field: a name of letters, digits, spaces, _ . - and apostrophes, then optionally | and a fallback; write \\{{ for a literal {{',
    vi: '{placeholder} ở ký tự thứ {at} không phải trường thông tin: tên gồm chữ, số, dấu cách, _ . - và dấu nháy, có thể thêm | và từ thay thế; viết \\{{ để giữ nguyên {{',
  },
  reserved_placeholder: {
    en: '{placeholder} at character {at}: link needs its address, {{link:https://...}}',
    vi: '{placeholder} ở ký tự thứ {at}: liên kết cần có địa chỉ, {{link:https://...}}',
  },
  placeholder_too_long: {
    en: '{placeholder} at character {at}: a field name is at most 40 characters and a fallback 60',
    vi: '{placeholder} ở ký tự thứ {at}: tên trường tối đa 40 ký tự, từ thay thế tối đa 60 ký tự',
  },
  invalid_language_tag: {
    en: 'must be a BCP 47 language tag such as vi, vi-x-khongdau, hmn, km',
    vi: 'phải là mã ngôn ngữ BCP 47, ví dụ vi, vi-x-khongdau, hmn, km',
  },
  default_language_variant: {
    en: 'vi is the campaign message itself, not a variant',
    vi: 'tiếng Việt (vi) là nội dung chính của chiến dịch, không phải bản ngôn ngữ khác',
  },
  treatment_percent_sum: {
    en: 'treatments and holdout must add up to 100 %, not {total} %',
    vi: 'các nhóm thử nghiệm và nhóm đối chứng phải cộng lại đúng 100 %, không phải {total} %',
  },
  duplicate_treatment: {
    en: 'must not repeat treatment {id}',
    vi: 'không được lặp lại nhóm thử nghiệm {id}',
  },
  holdout_too_large: {
    en: 'must be at most {maximum} %',
    vi: 'không được quá {maximum} %',
  },
  missing_field_values: {
    en: '{missing} recipients of audience {audienceId} have no value for the field {field}',
    vi: '{missing} người nhận trong danh sách {audienceId} chưa có giá trị cho trường {field}',
  },
  // templates (issue #16)
  text_with_template: {
    en: 'must be left out when templateId is given: the campaign takes the template’s texts',
    vi: 'phải bỏ trống khi đã chọn mẫu tin (templateId): chiến dịch lấy nội dung của mẫu',
  },
  template_version_without_template: {
    en: 'needs templateId',
    vi: 'cần chọn mẫu tin (templateId)',
  },
  unknown_template: { en: 'no such template', vi: 'không có mẫu tin này' },
  unknown_template_version: {
    en: 'no such version: the template has versions 1 to {latest}',
    vi: 'không có phiên bản này: mẫu tin có các phiên bản từ 1 đến {latest}',
  },
  // partners
  invalid_partner_id: {
    en: 'must be 2–40 characters of a–z, 0–9 and -',
    vi: 'phải gồm 2–40 ký tự a–z, 0–9 và -',
  },
  invalid_http_url: { en: 'must be an http(s) URL', vi: 'phải là địa chỉ URL http(s)' },
  https_required: { en: 'must be an https URL', vi: 'phải là địa chỉ URL https' },
  url_credentials: { en: 'must not carry credentials', vi: 'không được chứa tên đăng nhập hay mật khẩu' },
  forbidden_address: {
    en: '{address} is a link-local, metadata or reserved address',
    vi: '{address} là địa chỉ nội bộ liên kết, địa chỉ metadata hoặc địa chỉ dành riêng',
  },
  loopback_address: { en: '{address} is a loopback address', vi: '{address} là địa chỉ loopback' },
  private_address: { en: '{address} is a private address', vi: '{address} là địa chỉ mạng riêng' },
  loopback_host: { en: '{address} is a loopback host', vi: '{address} là máy chủ loopback' },
  not_public_host: {
    en: '{address} is not a public host name',
    vi: '{address} không phải là tên máy chủ công khai',
  },
  duplicate_carrier: { en: 'must not repeat a carrier', vi: 'không được chọn một nhà mạng hai lần' },
  invalid_sender_id: {
    en: 'must be 1–11 letters, digits, spaces, "." or "-"',
    vi: 'phải gồm 1–11 chữ cái, chữ số, dấu cách, "." hoặc "-"',
  },
  invalid_currency: {
    en: 'must be an ISO 4217 code such as VND',
    vi: 'phải là mã tiền tệ ISO 4217, ví dụ VND',
  },
  // metrics
  not_after_from: { en: 'must be after from', vi: 'phải sau thời điểm bắt đầu' },
  span_too_long_hours: {
    en: 'must be at most {hours} hours after from',
    vi: 'không được quá {hours} giờ sau thời điểm bắt đầu',
  },
  span_too_long_days: {
    en: 'must be at most {days} days after from',
    vi: 'không được quá {days} ngày sau thời điểm bắt đầu',
  },
} as const satisfies Record<string, Entry>;

export type ErrorMessageCode = keyof typeof ERROR_MESSAGES;
export type DetailCode = keyof typeof DETAIL_MESSAGES;
export type MessageCode = ErrorMessageCode | DetailCode;

export const CATALOGUE: Readonly<Record<MessageCode, Entry>> = { ...ERROR_MESSAGES, ...DETAIL_MESSAGES };
export const DETAIL_CODES = Object.keys(DETAIL_MESSAGES) as [DetailCode, ...DetailCode[]];
export const ERROR_MESSAGE_CODES = Object.keys(ERROR_MESSAGES) as [ErrorMessageCode, ...ErrorMessageCode[]];
export const MESSAGE_CODES = Object.keys(CATALOGUE) as MessageCode[];

export const isDetailCode = (value: unknown): value is DetailCode =>
  typeof value === 'string' && Object.hasOwn(DETAIL_MESSAGES, value);
export const isMessageCode = (value: unknown): value is MessageCode =>
  typeof value === 'string' && Object.hasOwn(CATALOGUE, value);

/**
 * Words that parameters name (a JSON type, a unit, a province column, an occasion) in each language; a
 * parameter value without an entry is shown as it is (a number, a phone, a column from the file).
 */
const WORDS: Record<Lang, Readonly<Record<string, string>>> = {
  en: {
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
    object: 'an object',
    array: 'an array',
    null: 'null',
    characters: ' characters',
    items: ' items',
    regex: 'value',
    url: 'URL',
    datetime: 'ISO 8601 date-time',
    date: 'date (YYYY-MM-DD)',
    email: 'email address',
    'anti-trafficking-day': 'anti-trafficking-day',
    'peak-period': 'peak-period',
  },
  vi: {
    string: 'chuỗi ký tự',
    number: 'số',
    int: 'số nguyên',
    boolean: 'true hoặc false',
    object: 'đối tượng JSON',
    array: 'danh sách',
    null: 'null',
    characters: ' ký tự',
    items: ' mục',
    regex: 'quy định',
    url: 'URL',
    datetime: 'ngày giờ ISO 8601',
    date: 'ngày (YYYY-MM-DD)',
    email: 'thư điện tử',
    province: 'tỉnh, thành phố',
    commune: 'xã, phường',
    district: 'quận, huyện',
    'anti-trafficking-day': 'Ngày Toàn dân phòng, chống mua bán người',
    'peak-period': 'Cao điểm phòng, chống mua bán người',
    'toll free': 'miễn cước',
    'premium rate': 'dịch vụ giá cao',
    'shared cost': 'chia sẻ cước',
    voip: 'VoIP',
    'personal number': 'cá nhân',
    pager: 'nhắn tin (pager)',
    uan: 'truy cập chung',
    voicemail: 'hộp thư thoại',
    approve: 'phê duyệt',
    reject: 'từ chối',
    submit: 'gửi phê duyệt',
    pause: 'tạm dừng',
    resume: 'tiếp tục',
    cancel: 'hủy',
    start: 'bắt đầu gửi',
    complete: 'hoàn thành',
    draft: 'bản nháp',
    pending_approval: 'chờ phê duyệt',
    scheduled: 'đã lên lịch',
    sending: 'đang gửi',
    paused: 'tạm dừng',
    rejected: 'bị từ chối',
    cancelled: 'đã hủy',
    completed: 'hoàn thành',
    failed: 'thất bại',
  },
};

/** Parameters whose value is a word to translate rather than data to quote. */
const WORD_PARAMS = new Set(['expected', 'unit', 'format', 'field', 'occasion', 'kind', 'action', 'status']);

/** `3000` → `3.000` in Vietnamese (glossary); English keeps the digits as they were. */
const formatNumber = (n: number, lang: Lang): string => {
  if (lang === 'en' || !Number.isFinite(n)) return String(n);
  const [whole = '', fraction] = String(n).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return fraction === undefined ? grouped : `${grouped},${fraction}`;
};

const renderParam = (name: string, value: ParamValue, lang: Lang): string => {
  if (typeof value === 'number') return formatNumber(value, lang);
  if (WORD_PARAMS.has(name)) return WORDS[lang][value] ?? value;
  return value;
};

const PLACEHOLDER = /\{(\w+)\}/g;

/** The parameter names a template uses, e.g. `['minimum', 'unit']`. */
export const placeholdersOf = (template: string): string[] =>
  [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');

/** The message of `code` in `lang`; a parameter left out stays visible as `{name}` rather than failing. */
export const messageFor = (code: MessageCode, params: MessageParams = {}, lang: Lang = 'en'): string =>
  CATALOGUE[code][lang].replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = params[name];
    return value === undefined ? placeholder : renderParam(name, value, lang);
  });

/**
 * The answer's language from an `Accept-Language` header: Vietnamese when `vi` (or `vi-VN`, ...) is
 * preferred over English, English otherwise. q-values count; `q=0` means "not this one".
 */
export const languageOf = (header: string | undefined): Lang => {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...options] = part.trim().split(';');
      const q = options.map((option) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(option)?.[1]).find(Boolean);
      const quality = q === undefined ? 1 : Number(q);
      return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', quality, index };
    })
    .filter((entry) => Number.isFinite(entry.quality) && entry.quality > 0)
    .filter((entry) => entry.lang === 'vi' || entry.lang === 'en' || entry.lang === '*')
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked[0]?.lang === 'vi' ? 'vi' : 'en';
};

/** Vietnamese names of the fields officers fill in, by path with array positions left out. */
const FIELD_LABELS_VI: Readonly<Record<string, string>> = {
  name: 'Tên',
  description: 'Mô tả',
  message: 'Nội dung tin nhắn',
  text: 'Nội dung tin nhắn',
  schedule: 'Lịch gửi',
  'schedule.sendAt': 'Lịch gửi',
  'schedule.occasion': 'Dịp',
  'schedule.year': 'Năm',
  'schedule.localTime': 'Giờ gửi',
  'schedule.repeat': 'Lặp lại hằng năm',
  sendingWindow: 'Khung giờ gửi',
  'sendingWindow.start': 'Khung giờ gửi (bắt đầu)',
  'sendingWindow.end': 'Khung giờ gửi (kết thúc)',
  start: 'Giờ bắt đầu',
  end: 'Giờ kết thúc',
  audienceIds: 'Danh sách người nhận',
  audienceId: 'Danh sách người nhận',
  partnerIds: 'Đối tác viễn thông',
  partnerId: 'Đối tác viễn thông',
  campaignId: 'Chiến dịch',
  'filters.provinces': 'Tỉnh, thành phố',
  'filters.communes': 'Xã, phường',
  'filters.tags': 'Nhóm',
  'filters.tags.any': 'Nhóm (thuộc ít nhất một)',
  'filters.tags.all': 'Nhóm (thuộc tất cả)',
  'filters.tags.none': 'Nhóm (loại trừ)',
  phone: 'Số thuê bao',
  phones: 'Số thuê bao gửi thử',
  reason: 'Lý do',
  subscribers: 'Danh sách thuê bao',
  'subscribers.phone': 'Số thuê bao',
  'subscribers.province': 'Tỉnh, thành phố',
  'subscribers.commune': 'Xã, phường',
  'subscribers.district': 'Quận, huyện',
  'subscribers.tags': 'Nhóm',
  province: 'Tỉnh, thành phố',
  commune: 'Xã, phường',
  district: 'Quận, huyện',
  tags: 'Nhóm',
  webhookUrl: 'Địa chỉ webhook',
  carriers: 'Nhà mạng',
  tps: 'Số tin mỗi giây',
  maxBatchSize: 'Số tin tối đa mỗi lô',
  senderId: 'Tên định danh (brandname)',
  pricePerSegment: 'Giá mỗi tin nhắn thành phần',
  currency: 'Đơn vị tiền tệ',
  frequencyCap: 'Hạn mức tin nhắn cho mỗi thuê bao',
  'frequencyCap.messages': 'Hạn mức tin nhắn cho mỗi thuê bao (số tin)',
  'frequencyCap.hours': 'Hạn mức tin nhắn cho mỗi thuê bao (số giờ)',
  timeZone: 'Múi giờ',
  year: 'Năm',
  date: 'Ngày',
  sendAt: 'Lịch gửi',
  from: 'Từ',
  to: 'Đến',
  limit: 'Số mục mỗi trang',
  cursor: 'Vị trí trang',
  status: 'Trạng thái',
  variants: 'Bản ngôn ngữ khác',
  templateId: 'Mẫu tin',
  templateVersion: 'Phiên bản mẫu tin',
  version: 'Phiên bản',
  archived: 'Gồm cả mẫu đã lưu trữ',
};

/**
 * How a field is named in front of its message: `schedule.sendAt` → `Lịch gửi`, `phones.2` → `Số thuê bao
 * gửi thử (mục 3)`; a path without a Vietnamese name is shown as it is (it names a JSON field or header).
 */
export const fieldLabel = (path: string, lang: Lang): string => {
  if (lang === 'en') return path;
  const segments = path.split('.');
  const named = segments.filter((segment) => !/^\d+$/.test(segment)).join('.');
  const label = FIELD_LABELS_VI[named];
  if (!label) return path;
  const last = segments.at(-1);
  return last !== undefined && /^\d+$/.test(last) ? `${label} (mục ${Number(last) + 1})` : label;
};

/** No field to name: the whole body (a CSV file, an empty body). */
export const BODY_PATH = '(body)';

/**
 * One detail's message in `lang`. English is the detail's own message, as the API has always written it
 * (no field name in front); Vietnamese names the field first: "Lịch gửi: thời điểm đã qua".
 */
export const detailMessage = (
  detail: { path: string; code: DetailCode; message: string; params?: MessageParams | undefined },
  lang: Lang,
): string => {
  if (lang === 'en') return detail.message;
  const text = messageFor(detail.code, detail.params, lang);
  return detail.path === BODY_PATH || detail.path === '' ? text : `${fieldLabel(detail.path, lang)}: ${text}`;
};

/**
 * Messages a zod schema writes for its own checks (`.regex(re, schemaMessage('invalid_partner_id'))`),
 * remembered so a zod issue carrying one of them gets its code back (zod 4 keeps only the text).
 */
const schemaMessages = new Map<string, { code: DetailCode; params: MessageParams }>();

export const schemaMessage = (code: DetailCode, params: MessageParams = {}): string => {
  const message = messageFor(code, params, 'en');
  schemaMessages.set(message, { code, params });
  return message;
};

export const codeOfSchemaMessage = (
  message: string,
): { code: DetailCode; params: MessageParams } | undefined => schemaMessages.get(message);

/** A zod custom issue (`ctx.addIssue(...)`) with its catalogue code and parameters. */
export const customIssue = (code: DetailCode, params: MessageParams = {}) => ({
  code: 'custom' as const,
  message: messageFor(code, params, 'en'),
  params: { ...params, code },
});
