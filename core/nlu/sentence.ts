import { lowerSameLength } from './masked-text';

/** A sanitised utterance and the part of it that carries the request (politeness trimmed). */
export interface Sentence {
  text: string;
  lower: string;
  start: number;
  end: number;
  question: boolean;
}

const LEADING_FILLER = [
  /^(?:hey|hi|hello|ok|okay|so|um+|uh+|erm|a+n+d+|yo|please|pls|kindly|just|quickly|quick|also|and|oh|then|btw|hmm+|nah|nope|actually|anyway|anyways|taskwire|assistant|bot|i\s+meant|i\s+mean)(?:\s+(?:there|again|so|and|then))?\s*[,!.:;-]*\s+/,
  /^(?:alright|right|well|actually|sorry|oops|whoops|oopsie|ah+|uh\s+oh|oh\s+wait|my\s+bad|thanks|thank you|great|cool|perfect|awesome|nice|yes|yeah|yep|no|nope|wait|now|good|sure|ok|okay|oh|hmm+)\s*[,!.:;-]+\s*/,
  /^(?:can|could|would|will|wud|cud|can't|won't|cn)\s+(?:you|u|ya|we)\s+(?:please\s+|pls\s+|kindly\s+|just\s+|quickly\s+|also\s+|go\s+ahead\s+and\s+)?/,
  /^(?:would\s+you\s+mind|do\s+you\s+mind|would\s+it\s+be\s+possible\s+to|is\s+it\s+possible\s+to|i\s+was\s+wondering\s+if\s+you\s+could|i'?d\s+like\s+you\s+to|i\s+would\s+like\s+you\s+to|i\s+want\s+you\s+to|i\s+need\s+you\s+to|go\s+ahead\s+and|be\s+a\s+dear\s+and|i'?d\s+appreciate\s+it\s+if\s+you(?:'d|\s+could|\s+would)|you\s+should|you\s+can|you\s+could|you\s+need\s+to|you\s+have\s+to|you\s+must|help\s+me)\s+/,
  /^(?:i(?:'d|\s+would)?\s+(?:like|want|need|wanna|have)\s+to|i\s+wanna|let'?s|let\s+me|lemme|i'?m\s+going\s+to|i\s+am\s+going\s+to|i'?m\s+gonna|i\s+gotta|i\s+must|i\s+should|i'?ll|i\s+will)\s+(?!cancel\s+(?:my|our)\s+(?!.*\b(?:tasks?|to-?dos?|reminders?|items?|entry|entries)\b))(?=(?:add|create|make\s+a|set\s+(?:up\s+)?an?|put|schedule\s+an?|delete|remove|mark|change|update|rename|reschedule|postpone|see|know|check\s+(?:my|the|what)|view|list|edit|cancel|tick|cross|log|enter|jot|note\s+down|write\s+down|get\s+rid|find\s+(?:my|out)|look\s+at|show|review\s+my|move\s+(?:my|the|it|that)|push)\b)/,
  /^(?:please|pls|kindly)\s+/,
  // A sigh before a sentence about oneself: "ugh I have to clean the fridge" (but "ugh mondays" is chatter).
  /^(?:ugh+|argh+|oof|omg|welp|sigh)[\s,!.]+(?=(?:i|we)\b)/,
];

const TRAILING_FILLER =
  /(?:[\s,]+(?:please|pls|plz|lol|lmao|haha+|hehe+|thanks|thank you|thank u|thx|ty|for me|if you can|if possible|would you|could you|will you|can you|ok|okay|thank you so much|thanks a lot|cheers|kthx|thanks so much|asap please|buddy|mate|dude))+[\s.!]*$/;

/**
 * Finds where the request itself starts and ends: "Hey, could you please add milk thanks!" →
 * "add milk".
 */
export function toSentence(text: string): Sentence {
  const lower = lowerSameLength(text);
  let start = 0;
  let end = lower.length;
  const question = /\?\s*$/.test(lower);
  const punctuation = /[\s.!?]+$/.exec(lower);
  // "!!" is a priority, not punctuation.
  if (punctuation && !/!!/.test(punctuation[0])) end = punctuation.index;
  for (let i = 0; i < 6; i++) {
    const slice = lower.slice(start, end);
    const filler = LEADING_FILLER.map((re) => re.exec(slice)).find((m) => m && m[0].length < slice.length);
    if (!filler) break;
    start += filler[0].length;
  }
  const trailing = TRAILING_FILLER.exec(lower.slice(start, end));
  if (trailing && trailing.index > 0) end = start + trailing.index;
  const trimmed = /[\s.!?,]+$/.exec(lower.slice(start, end));
  if (trimmed && trimmed.index > 0 && !/!!/.test(trimmed[0])) end = start + trimmed.index;
  return { text, lower, start, end, question };
}

export function core(s: Sentence): string {
  return s.lower.slice(s.start, s.end);
}
