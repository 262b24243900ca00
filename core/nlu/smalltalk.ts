// Messages that are not about the list at all: greetings, thanks, questions about the
// assistant, the weather, jokes. The agent answers them; the list stays as it is.

const GREETING =
  "(?:hi+|hello+|hey+|heya|hiya|howdy|g'?day|gday|aloha|ciao|salut|yo+|sup|hola|bonjour|hallo|namaste|greetings|good\\s+(?:morning|afternoon|evening|day|night)|morning|evening|gm|gn)(?:\\s+(?:there|again|taskwire|bot|buddy|friend|you|all|everyone))?";
const THANKS =
  '(?:thanks|thank\\s+you|thank\\s+u|thx|ty|cheers|much\\s+appreciated|appreciate\\s+it|ta)(?:\\s+(?:so|very)\\s+much|\\s+a\\s+lot|\\s+a\\s+bunch|\\s+again|\\s+buddy|\\s+mate|\\s+man)?';
const ACKNOWLEDGEMENT =
  "(?:ok|okay|k|kk|cool|nice|great|awesome|perfect|sounds\\s+good|got\\s+it|alright|all\\s+right|sure|yes|yeah|yep|yup|no|nope|nah|lol|lmao|haha+|hehe+|wow|amazing|love\\s+it|good\\s+job|well\\s+done|nice\\s+one|neat|sweet|fine|good|great\\s+job|excellent|brilliant|noted|understood|right|indeed|true|oh|ah|hmm+|uh+|um+|meh|ugh|oops|whoops|cool\\s+beans|grand|sound|lovely|ace|class|champion|magic|splendid|wonderful|fantastic|oh\\s+well|ah\\s+well|fair\\s+enough|my\\s+bad|typo|ignore\\s+(?:that|this|me)|sorry(?:,?\\s+(?:typo|my\\s+bad|wrong\\s+(?:chat|window|person)|ignore\\s+(?:that|this|me)|never\\s*mind))?|wrong\\s+(?:chat|window|person)|no\\s+worries|no\\s+problem|np|never\\s*mind|nvm|forget\\s+it|cancel|stop|nothing|not\\s+now|maybe\\s+later|later|bye|goodbye|bye\\s+bye|see\\s+(?:you|ya)(?:\\s+later)?|ttyl|cya|good\\s+night|night|that'?s\\s+(?:all|it)|that\\s+is\\s+all|all\\s+(?:good|set)|test(?:ing)?(?:\\s+test)*|ping|let\\s+me\\s+(?:think|see)|lemme\\s+think|one\\s+sec(?:ond)?|just\\s+a\\s+(?:sec|second|minute)|hold\\s+on|hang\\s+on|wait)";
const WISHES = "(?:happy|merry)\\s+[\\w\\s']{2,30}|congrat\\w*(?:\\s+[\\w\\s]{0,30})?";
const HELP =
  '(?:help|help\\s+me|i\\s+need\\s+help|can\\s+you\\s+help(?:\\s+me)?|what\\s+can\\s+you\\s+do|(?:remind|tell|show)\\s+me\\s+what\\s+you\\s+(?:can\\s+)?do|what\\s+do\\s+you\\s+do|how\\s+does\\s+this\\s+work|how\\s+do\\s+i\\s+use\\s+(?:this|you)|what\\s+are\\s+you|who\\s+are\\s+you|menu|commands|options|settings)';
const EMOJI_ONLY = '[\\p{Emoji_Presentation}\\p{Extended_Pictographic}\\s!?.]+';
const TAIL =
  "(?:thanks|thank\\s+you|ty|thx|cheers|so\\s+much|a\\s+lot|buddy|mate|man|dude|again|then|though|for\\s+(?:that|the\\s+help|your\\s+help|helping)|that'?s\\s+(?:all|it)|that\\s+is\\s+all|all\\s+good|i'?m\\s+good)";

const WHOLE_MESSAGE = new RegExp(
  `^(?:${[GREETING, THANKS, ACKNOWLEDGEMENT, WISHES, HELP, EMOJI_ONLY].join('|')})(?:[\\s,.!]+${TAIL})*[\\s!.?,:)(;\\p{Emoji_Presentation}\\p{Extended_Pictographic}-]*$`,
  'u',
);

const ABOUT_THE_ASSISTANT =
  /\b(?:how\s+are\s+you|how'?s\s+it\s+going|how\s+(?:are\s+)?you\s+doing|how\s+have\s+you\s+been|what'?s\s+up|whats\s+up|wassup|who\s+are\s+you|what\s+are\s+you|what'?s\s+your\s+name|what\s+is\s+your\s+name|are\s+you\s+(?:a\s+|an\s+)?(?:bot|robot|human|real|person|ai|alive|sentient|conscious|chatgpt|claude|smart|there|ok|okay|single|married)|who\s+(?:made|created|built|programmed|designed|owns)\s+you|what\s+can\s+you\s+do|what\s+do\s+you\s+do|how\s+do(?:es)?\s+(?:this|it|you)\s+work|how\s+do\s+i\s+use\s+(?:this|you)|tell\s+me\s+about\s+yourself|do\s+you\s+(?:like|love|have\s+feelings|dream|sleep|eat|know\s+(?:me|who|what))|i\s+love\s+you|you'?re\s+(?:great|awesome|the\s+best|amazing|stupid|dumb|useless|funny|smart|cool)|you\s+(?:suck|rock|are\s+(?:great|awesome|stupid|dumb|useless|funny|smart|cool))|good\s+(?:bot|job)|bad\s+bot|what'?s\s+the\s+meaning\s+of\s+life|where\s+are\s+you\s+from|how\s+old\s+are\s+you|can\s+you\s+hear\s+me)\b/;

const OUT_OF_SCOPE_QUESTION =
  /\b(?:weather|forecast|temperature|rain(?:ing)?|snow(?:ing)?|sunny|umbrella|capital\s+of|population\s+of|president|prime\s+minister|who\s+won|score|stock|bitcoin|crypto|exchange\s+rate|time\s+is\s+it|what\s+time|what\s+day\s+is|what'?s\s+the\s+date|today'?s\s+date|what\s+is\s+the\s+date|how\s+far|how\s+tall|how\s+big|how\s+long\s+(?:is|does)|how\s+(?:do|can|should)\s+(?:i|you)\s+(?:cook|make|bake|fix|learn|get\s+to|lose|say)|what\s+(?:should|shall|can)\s+(?:i|we)\s+(?:cook|eat|have\s+for|make\s+for|wear|watch|read|listen\s+to|play|name)|what'?s\s+for\s+(?:dinner|lunch|breakfast)|recipe|meaning\s+of|definition|define|translate|news|headlines|traffic|directions|movie|song|lyrics|joke|riddle|poem|story|fact|trivia|calculate|square\s+root|\d+\s*[-+*/x×÷^]\s*\d+)\b/;

const ASSISTANT_ACTION =
  /^(?:(?:tell|sing|play|book|order|call|get|find|buy|write|draft|compose|recommend|suggest|show|give|read|make|send)\s+me\s+(?:a|an|some|the|something|anything)\b(?!.*\b(?:summary|week|today|tomorrow|due|overdue|schedule|plan|day|tasks?|todos?|list|agenda|reminders?)\b)|tell\s+me\s+(?:a\s+)?(?:joke|story|fact|riddle|something)|(?:turn|switch)\s+(?:on|off)\b|(?:set|change)\s+the\s+(?:thermostat|temperature|volume|lights?|brightness)|navigate\s+to|directions\s+to|open\s+(?:the\s+)?(?:app|spotify|youtube|netflix|browser|settings|camera)\b|google\s+|translate\s+|calculate\s+|convert\s+\d|search\s+(?:the\s+web|online|google|the\s+internet)\b|play\s+(?:some\s+|a\s+|the\s+|my\s+)?(?:music|song|songs|playlist|radio|podcast|video|game|spotify)\b|(?:pause|resume|skip)\s+(?:the\s+)?(?:music|song|track)\b|call\s+(?:me\s+)?(?:an?\s+)?(?:uber|cab|taxi|lyft)\b|what'?s\s+\d|how\s+much\s+is\s+\d)/;

/** Greetings, thanks, acknowledgements and remarks to the assistant itself: no request at all. */
export function isChatter(core: string): boolean {
  const text = core.trim();
  return WHOLE_MESSAGE.test(text) || (ABOUT_THE_ASSISTANT.test(text) && text.split(/\s+/).length <= 8);
}

/** True for chatter and out-of-scope requests that must not change the list. */
export function isSmallTalk(core: string, question: boolean): boolean {
  const text = core.trim();
  if (WHOLE_MESSAGE.test(text)) return true;
  if (ABOUT_THE_ASSISTANT.test(text) && text.split(/\s+/).length <= 8) return true;
  if (ASSISTANT_ACTION.test(text)) return true;
  const questionLike =
    question ||
    /^(?:what|what's|whats|how|who|where|when|why|which|is|are|will|would|can|could|do|does|did|should)\b/.test(
      text,
    );
  return questionLike && OUT_OF_SCOPE_QUESTION.test(text);
}
