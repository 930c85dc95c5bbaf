import * as z from 'zod';
import { schemaMessage } from './messages.js';

/**
 * Text people type: names and free text. Trimmed and NFC-normalised (contract §1), and never holding C0
 * or C1 control characters (NUL, ESC, DEL, NEL, CSI...): they hide text in the console, break CSV reports
 * and terminal logs, and no keyboard types them.
 */

/** Every C0 and C1 control character, DEL included (Unicode category Cc). */
const CONTROL = /\p{Cc}/u;
/** The same, except the line breaks and tab a multi-line text box sends. */
const CONTROL_BUT_LINE_BREAKS = /(?![\n\r\t])\p{Cc}/u;

/** Trimmed, NFC, at most `max` characters, refused (with `code`) when it holds a `forbidden` character. */
const typedText = (max: number, forbidden: RegExp, code: 'line_break_or_control' | 'control_character') =>
  z
    .string()
    .trim()
    .normalize('NFC')
    .max(max)
    .refine((text) => !forbidden.test(text), schemaMessage(code));

/** A name on one line: no control characters at all, line breaks and tabs included. */
export const nameText = (max: number) => typedText(max, CONTROL, 'line_break_or_control');

/** Free text (a description, a reason): line breaks and tabs allowed, other control characters not. */
export const freeText = (max: number) => typedText(max, CONTROL_BUT_LINE_BREAKS, 'control_character');
