import { SLACK_LIMITS } from '../../shared/notify/slack-message';

/**
 * Checks a posted Slack message against Block Kit's shape and size rules (the ones Slack answers
 * `invalid_blocks` for); returns the problems found, [] when valid. Limits are Slack's documented ones.
 */

type Json = Record<string, unknown>;

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider', 'actions']);

function textObject(value: unknown, where: string, max: number, problems: string[], plainOnly = false): void {
  const t = value as Json | undefined;
  if (!t || typeof t !== 'object') return void problems.push(`${where}: missing text object`);
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') problems.push(`${where}: text type ${String(t.type)}`);
  if (plainOnly && t.type !== 'plain_text') problems.push(`${where}: must be plain_text`);
  if (typeof t.text !== 'string' || t.text.length === 0) return void problems.push(`${where}: empty text`);
  if (t.text.length > max) problems.push(`${where}: ${t.text.length} > ${max} characters`);
}

export function blockKitProblems(message: unknown): string[] {
  const problems: string[] = [];
  const m = message as Json;
  if (typeof m.text !== 'string' || m.text.length === 0) problems.push('text: missing fallback text');
  if (!Array.isArray(m.blocks)) return [...problems, 'blocks: not an array'];
  if (m.blocks.length === 0 || m.blocks.length > SLACK_LIMITS.blocks)
    problems.push(`blocks: ${m.blocks.length} blocks`);
  m.blocks.forEach((raw, i) => {
    const b = raw as Json;
    const where = `blocks[${i}](${String(b.type)})`;
    if (!BLOCK_TYPES.has(String(b.type))) return void problems.push(`${where}: unknown type`);
    switch (b.type) {
      case 'header':
        textObject(b.text, where, SLACK_LIMITS.headerText, problems, true);
        break;
      case 'section': {
        const fields = b.fields as unknown[] | undefined;
        if (!b.text && !fields) problems.push(`${where}: neither text nor fields`);
        if (b.text) textObject(b.text, `${where}.text`, SLACK_LIMITS.sectionText, problems);
        if (fields) {
          if (fields.length > SLACK_LIMITS.fields) problems.push(`${where}: ${fields.length} fields`);
          fields.forEach((f, k) => textObject(f, `${where}.fields[${k}]`, SLACK_LIMITS.fieldText, problems));
        }
        break;
      }
      case 'context': {
        const elements = b.elements as unknown[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > SLACK_LIMITS.contextElements) {
          problems.push(`${where}: elements`);
        } else elements.forEach((e, k) => textObject(e, `${where}.elements[${k}]`, SLACK_LIMITS.contextText, problems));
        break;
      }
      case 'actions': {
        const elements = b.elements as Json[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25)
          problems.push(`${where}: elements`);
        for (const [k, e] of (elements ?? []).entries()) {
          if (e.type !== 'button') problems.push(`${where}.elements[${k}]: not a button`);
          textObject(e.text, `${where}.elements[${k}].text`, SLACK_LIMITS.buttonText, problems, true);
          if (typeof e.url !== 'string' || !/^https?:\/\//.test(e.url) || e.url.length > SLACK_LIMITS.buttonUrl) {
            problems.push(`${where}.elements[${k}]: bad url`);
          }
          if (typeof e.action_id !== 'string' || e.action_id.length > 255)
            problems.push(`${where}.elements[${k}]: action_id`);
        }
        break;
      }
    }
  });
  return problems;
}

/** All text of a message, for "it mentions X" assertions. */
export function allText(message: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(message);
  return parts.join('\n');
}
