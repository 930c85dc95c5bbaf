/**
 * Text without its accents, for comparing what people type: NFD, every combining mark dropped, đ → d and
 * Đ → D (a letter of its own, not a mark). Case is kept. "Từ chối" → "Tu choi". Imports nothing, so the
 * console may use it too.
 */
export const foldAccents = (text: string): string =>
  text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
