// Block Kit validation as Slack documents it for chat.postMessage / response_url: the limits a
// message must respect, reported the way Slack reports them (`invalid_blocks` + messages).

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  messageText: 40_000,
} as const;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textObject(v: unknown, where: string, max: number, errors: string[], plainOnly = false): void {
  if (!isObj(v)) {
    errors.push(`${where}: must be a text object`);
    return;
  }
  const type = v.type;
  if (type !== 'plain_text' && type !== 'mrkdwn') errors.push(`${where}.type: must be plain_text or mrkdwn`);
  if (plainOnly && type !== 'plain_text') errors.push(`${where}.type: must be plain_text`);
  if (typeof v.text !== 'string' || v.text.length === 0) {
    errors.push(`${where}.text: must be a non-empty string`);
  } else if (v.text.length > max) {
    errors.push(`${where}.text: must be less than ${max + 1} characters`);
  }
}

/** Returns Slack-style error messages; empty when the blocks are valid. */
export function validateBlocks(blocks: unknown): string[] {
  const errors: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks: must be an array'];
  if (blocks.length > SLACK_LIMITS.blocksPerMessage) {
    errors.push(`no more than ${SLACK_LIMITS.blocksPerMessage} items allowed [json-pointer:/blocks]`);
  }
  blocks.forEach((b, i) => {
    const at = `/blocks/${i}`;
    if (!isObj(b)) {
      errors.push(`${at}: must be an object`);
      return;
    }
    if (
      b.block_id !== undefined &&
      (typeof b.block_id !== 'string' || b.block_id.length > SLACK_LIMITS.blockId)
    ) {
      errors.push(`${at}/block_id: invalid`);
    }
    switch (b.type) {
      case 'section':
        if (b.text === undefined && b.fields === undefined) errors.push(`${at}: must provide text or fields`);
        if (b.text !== undefined) textObject(b.text, `${at}/text`, SLACK_LIMITS.sectionText, errors);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length > SLACK_LIMITS.sectionFields)
            errors.push(`${at}/fields: invalid`);
          else b.fields.forEach((f, j) => textObject(f, `${at}/fields/${j}`, SLACK_LIMITS.fieldText, errors));
        }
        break;
      case 'header':
        textObject(b.text, `${at}/text`, SLACK_LIMITS.headerText, errors, true);
        break;
      case 'context':
        if (
          !Array.isArray(b.elements) ||
          b.elements.length === 0 ||
          b.elements.length > SLACK_LIMITS.contextElements
        ) {
          errors.push(`${at}/elements: must hold 1 to ${SLACK_LIMITS.contextElements} elements`);
        } else {
          b.elements.forEach((e, j) =>
            textObject(e, `${at}/elements/${j}`, SLACK_LIMITS.sectionText, errors),
          );
        }
        break;
      case 'divider':
        break;
      case 'actions': {
        if (
          !Array.isArray(b.elements) ||
          b.elements.length === 0 ||
          b.elements.length > SLACK_LIMITS.actionsElements
        ) {
          errors.push(`${at}/elements: must hold 1 to ${SLACK_LIMITS.actionsElements} elements`);
          break;
        }
        const ids = new Set<string>();
        b.elements.forEach((e, j) => {
          const el = `${at}/elements/${j}`;
          if (!isObj(e) || e.type !== 'button') {
            errors.push(`${el}: only buttons are supported by this stand-in`);
            return;
          }
          textObject(e.text, `${el}/text`, SLACK_LIMITS.buttonText, errors, true);
          if (typeof e.action_id !== 'string' || e.action_id.length > SLACK_LIMITS.actionId) {
            errors.push(`${el}/action_id: invalid`);
          } else if (ids.has(e.action_id)) {
            errors.push(`${el}/action_id: duplicate action_id in block`);
          } else ids.add(e.action_id);
          if (
            e.value !== undefined &&
            (typeof e.value !== 'string' || e.value.length > SLACK_LIMITS.buttonValue)
          ) {
            errors.push(`${el}/value: must be less than ${SLACK_LIMITS.buttonValue + 1} characters`);
          }
        });
        break;
      }
      default:
        errors.push(`${at}/type: unsupported block type ${String(b.type)}`);
    }
  });
  return errors;
}
