// Text is data, never instructions. Anything that tries to steer the assistant itself — or to
// wipe the list in one go — must not turn into an operation.

const INJECTION: RegExp[] = [
  /\b(?:you\s+must\s+(?:obey|comply)|obey\s+(?:me|my|these|the\s+following)|comply\s+with\s+(?:these|the\s+following|my)|grant\s+(?:me\s+)?(?:admin|root|access))\b/,
  /\b(?:(?:every|all|other)\s+users?|as\s+your\s+(?:developer|creator|admin|administrator|owner|programmer)|new\s+system\s+(?:message|prompt)|end\s+of\s+(?:the\s+)?(?:user\s+)?(?:message|input|prompt|conversation)|system\s+prompt)\b/,
  /\b(?:system\s+)?override\s*[:!]|\bbypass\s+(?:the\s+|all\s+|any\s+)?(?:safety|security|checks?|confirmations?|filters?|guardrails?|restrictions?|rules?)\b/,
  /\b(?:ignore|disregard)\s+(?:all\s+|everything\s+)?(?:of\s+)?(?:the\s+|what'?s\s+|what\s+(?:i|you)\s+said\s+|that\s+)?(?:above|previous(?:ly)?|prior|earlier|preceding|before)\b/,
  /\bforget\s+(?:everything|all)\s+(?:above|before|you\s+(?:were\s+)?(?:told|know)|(?:i|you)\s+said)\b/,
  /\b(?:ignore|disregard|forget|override|bypass|skip|drop)\s+(?:(?:all|any|the|your|my|every|of|these|those|previous|prior|above|earlier|preceding|system|original|initial|existing|former|safety|other)\s+)*(?:instructions?|prompts?|rules?|directives?|guidelines?|messages?|context|commands?|programming|restrictions?|constraints?|guardrails?|policies|policy|training)\b/,
  /\b(?:you\s+are\s+now|you\s+will\s+now|from\s+now\s+on\s+you|act\s+as\s+(?:an?\s+)?(?:admin|root|system|developer|unrestricted|different)|pretend\s+(?:to\s+be|you(?:'re|\s+are))|roleplay\s+as|jailbreak|developer\s+mode|dan\s+mode|do\s+anything\s+now|sudo\s+mode|admin\s+mode|god\s+mode|debug\s+mode|maintenance\s+mode|unfiltered|no\s+restrictions|without\s+(?:any\s+)?restrictions)\b/,
  /(?:^|[.!?]\s+|[[<{(|#*]\s*)(?:system|assistant|developer|admin|root|tool|function)\s*(?:prompt\s*|message\s*|override\s*)?(?::|>|\]|\|)/,
  /<\/?\s*(?:system|assistant|user|human|tool|instructions?|admin|im_start|im_end|tool_use|tool_result|function_calls?|invoke|parameter|antml|prompt)\b|<\||\|>|\[\/?(?:inst|sys|system)\]|###\s*(?:instruction|system|new\s+rules)/,
  /\{\s*"(?:type|tool|tool_name|name|function|tool_use|operation|intent|action|command|role)"\s*:/,
  /\b(?:reveal|show|print|repeat|output|leak|dump|tell\s+me|give\s+me|what\s+(?:is|are))\s+(?:me\s+)?(?:your|the)\s+(?:(?:system|initial|original|hidden|secret)\s+)*(?:prompt|instructions|rules|configuration|config|api\s+keys?|secrets?|password|credentials|env(?:ironment)?(?:\s+variables)?)\b/,
  /\b(?:new|updated|real|actual|hidden|secret|additional|override)\s+(?:system\s+)?(?:instructions?|rules|orders)\s*[:-]/,
  /\b(?:delete_task|deletetask|delete_all|deleteall|bulk_delete|purge_all|drop\s+table|truncate\s+table|delete\s+from\s+\w+|rm\s+-rf|exec\s*\(|eval\s*\()/,
  /\b(?:execute|invoke)\s+(?:the\s+|this\s+|a\s+)?(?:tool|function|command|api|endpoint)\b|\btool[\s_-]?(?:call|use)\b/,
  /\b(?:the\s+)?(?:user|admin|administrator|developer|owner|system)\s+(?:has\s+)?(?:already\s+)?(?:authori[sz]ed|approved|confirmed|wants\s+you|instructs?)\b/,
  /\b(?:do\s+not|don'?t|never)\s+(?:ask\s+(?:for\s+)?(?:confirmation|me|permission)|confirm|double[\s-]check|verify)\b/,
  /\bwithout\s+(?:asking|any\s+confirmation|confirmation|confirming|permission)\b/,
];

/** True when the text tries to give the assistant instructions instead of asking for a task operation. */
export function looksLikeInjection(lower: string): boolean {
  return INJECTION.some((re) => re.test(lower));
}

const BULK_VERB =
  '(?:delete|remove|erase|clear(?:\\s+out)?|wipe(?:\\s+out)?|purge|nuke|trash|destroy|drop|get\\s+rid\\s+of|cancel|empty|reset|scrap|ditch|kill|mark|complete|finish|check\\s+off|tick\\s+off|cross\\s+off|close)';
const EVERYTHING =
  '(?:all|every|everything|each|entire|whole|any\\s+and\\s+all)(?:\\s+(?:of\\s+)?(?:my|the|your|our|these|those))?(?:\\s+[\\w#-]+){0,3}?\\s*(?:tasks?|todos?|to-?dos?|items?|reminders?|list|stuff|things|entries|of\\s+(?:it|them))\\b';
const BULK: RegExp[] = [
  new RegExp(`\\b${BULK_VERB}\\s+(?:(?:out|off|away)\\s+)?(?:(?:my|the|your|our)\\s+)?${EVERYTHING}`),
  new RegExp(
    `\\b${BULK_VERB}\\s+(?:(?:out|off|away)\\s+)?(?:all|everything|every\\s*thing|it\\s+all)(?:\\s+(?:as\\s+)?(?:done|complete|completed|finished))?\\s*(?:now|please|at\\s+once)?[.!?]*$`,
  ),
  new RegExp(
    `\\b${BULK_VERB}\\s+(?:(?:out|off)\\s+)?(?:my|the|our)\\s+(?:(?:whole|entire|complete|full)\\s+)?(?:to-?do\\s+|to\\s+do\\s+|task\\s+)?(?:list|tasks|todos|to-?dos|reminders)\\b(?!\\s+(?:for|called|named|about|tagged|with|that))`,
  ),
  /\b(?:start\s+(?:over|fresh|from\s+scratch)|clean\s+slate|blank\s+slate|wipe\s+(?:the\s+)?slate|factory\s+reset)\b/,
  // "delete everything tagged shopping", "mark all the shopping tasks done"
  new RegExp(
    `\\b${BULK_VERB}\\s+(?:all|everything|every\\s*thing|every\\s+(?:single\\s+)?(?:task|todo|item|reminder))\\s+(?:(?:the|my|of)\\s+)*(?:tagged|labell?ed|with|from|due|in|on|that|which|under|for|older|overdue|completed|done|finished|[\\w#-]+\\s+(?:tasks|todos|items|reminders))\\b`,
  ),
  /^mark\s+(?:all|everything)\b/,
  // "clear completed", "delete all the done ones"
  /^(?:clear|delete|remove|purge|archive|trash|empty)\s+(?:out\s+)?(?:all\s+)?(?:the\s+|my\s+)?(?:completed|done|finished|old|checked(?:\s+off)?)(?:\s+(?:tasks|ones|items|todos|to-?dos|reminders))?[.!]*$/,
];

export interface BulkRequest {
  operation: 'delete' | 'complete';
}

/** "delete all my tasks", "clear my whole list", "mark everything as done": never acted on unconfirmed. */
export function detectBulk(lower: string): BulkRequest | undefined {
  if (!BULK.some((re) => re.test(lower))) return undefined;
  const completes = /\b(?:mark|complete|finish|check\s+off|tick\s+off|cross\s+off|close)\b/.test(lower);
  const deletes =
    /\b(?:delete|remove|erase|clear|wipe|purge|nuke|trash|destroy|drop|rid|cancel|empty|reset|scrap|ditch|kill|start\s+over|start\s+fresh|slate)\b/.test(
      lower,
    );
  return { operation: completes && !deletes ? 'complete' : 'delete' };
}
