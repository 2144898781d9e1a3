// The fixed set of task types and the short descriptions / example prompts that define them.
// Editing this list changes the task-type features: bump FEATURE_LAYOUT_VERSION in extractor.ts.

export interface TaskTypeDefinition {
  name: string;
  descriptions: readonly string[];
}

export const TASK_TYPE_DEFINITIONS: readonly TaskTypeDefinition[] = [
  {
    name: 'code',
    descriptions: [
      'Write a Python function that parses the file and returns a list.',
      'Fix the bug in this JavaScript code, it throws an exception.',
      'How do I implement this algorithm in C++ with a hash map?',
      'Write a SQL query that joins two tables and groups the rows.',
      'Refactor this class and add unit tests.',
      'Why does my program crash with a null pointer error when I compile it?',
      'Explain what this code snippet does and improve its performance.',
      'programming, software, source code, debugging, functions, APIs',
      'This Node.js script fails with a TypeError; here is the stack trace.',
      'Write a shell command that finds large files and deletes them.',
      'How do I use async await with a fetch request in a loop?',
    ],
  },
  {
    name: 'math',
    descriptions: [
      'Solve the equation for x.',
      'Calculate the probability of drawing two red balls.',
      'Find the derivative and the integral of the function.',
      'A store sells apples for 3 dollars each; how many can she buy with 20 dollars?',
      'Prove that the square root of 2 is irrational.',
      'What is the sum of all prime numbers less than 50?',
      'Compute the area of a triangle with sides 3, 4 and 5.',
      'mathematics, arithmetic, algebra, geometry, numbers, percentages',
      'What is 25% of 80? Show the calculation.',
      'If 3 pencils cost 45 cents, how much do 12 pencils cost?',
      'Simplify (2x + 3)(x - 4) and find the roots of the quadratic.',
      'Compute 17 * 23 + 144 / 12.',
    ],
  },
  {
    name: 'reasoning',
    descriptions: [
      'Solve this logic puzzle: who owns the fish?',
      'If all roses are flowers and some flowers fade quickly, can we conclude that some roses fade quickly?',
      'Think step by step and explain your reasoning.',
      'Which answer is correct? Explain why the other options are wrong.',
      'A man is looking at a photograph and says brothers and sisters I have none; who is in the picture?',
      'What would happen if the moon disappeared? Reason about the consequences.',
      'Analyse the argument and find the logical flaw.',
      'riddles, deduction, logic, inference, cause and effect',
      'John is older than Mary and Mary is older than Sue; who is the youngest?',
      'All A are B and no B are C. Does it follow that no A are C?',
      'Two doors, two guards, one always lies: what single question finds the right door?',
    ],
  },
  {
    name: 'extraction',
    descriptions: [
      'Extract all names, dates and amounts from this text as JSON.',
      'List the email addresses mentioned in the following document.',
      'Classify the sentiment of this review as positive, negative or neutral.',
      'Parse this invoice and return the fields in a table.',
      'Identify the entities in the paragraph below.',
      'Pull out the key facts from this passage into a structured list.',
      'Categorise each of these support tickets by topic.',
      'information extraction, fields, entities, labels, structured data',
      'Tag every word in this sentence with its part of speech.',
      'Return the title, author and date of each article in the list below.',
    ],
  },
  {
    name: 'writing',
    descriptions: [
      'Write a short story about a dragon who is afraid of fire.',
      'Write a poem about the ocean at night.',
      'Draft a blog post about remote work for a general audience.',
      'Write a cover letter for a marketing job.',
      'Rewrite this paragraph to sound more professional.',
      'Compose a persuasive essay about renewable energy.',
      'Write a catchy product description and a slogan.',
      'creative writing, fiction, essays, emails, editing and style',
      'Write song lyrics about a summer road trip.',
      'Write a funny toast for my sister at her birthday party.',
      'Improve the wording of my resume and make it sound stronger.',
    ],
  },
  {
    name: 'summarization',
    descriptions: [
      'Summarise the following article in three sentences.',
      'Give me a TL;DR of this text.',
      'Condense these meeting notes into the key points.',
      'What are the main takeaways of this report?',
      'Write a brief abstract of the paper below.',
      'Shorten this document to a one-paragraph overview.',
      'summary, overview, main points, key ideas, condense',
      'Summarize the plot of this book chapter by chapter.',
      'Recap the discussion above in a few bullet points.',
    ],
  },
  {
    name: 'translation',
    descriptions: [
      'Translate this sentence into French.',
      'How do you say good morning in Japanese?',
      'Translate the following paragraph from German to English.',
      'What does this Spanish phrase mean in English?',
      'Render this text in Italian, keeping the formal tone.',
      'Traduce este texto al inglés.',
      'translation between languages, French, Spanish, German, Chinese',
      'Translate hello, thank you and goodbye into Russian.',
      'What is the word for apple in Korean?',
    ],
  },
  {
    name: 'knowledge',
    descriptions: [
      'Who was the first president of the United States?',
      'What is the capital of Australia?',
      'When did the Second World War end?',
      'What causes the seasons on Earth?',
      'Tell me about the history of the Roman Empire.',
      'What is photosynthesis?',
      'Which element has the atomic number 6?',
      'facts, history, science, geography, definitions, trivia',
      'How far is the Moon from the Earth?',
      'Who discovered penicillin and when?',
      'What is the population of Canada?',
    ],
  },
  {
    name: 'advice',
    descriptions: [
      'Help me plan a one-week trip to Italy on a budget.',
      'What should I consider when choosing a laptop for work?',
      'Give me tips to improve my sleep.',
      'How can I prepare for a job interview?',
      'Make a weekly workout and meal plan for me.',
      'Recommend some books for learning about investing.',
      'What is the best way to ask my boss for a raise?',
      'recommendations, planning, tips, suggestions, personal advice',
      'Should I rent or buy a house? Help me decide.',
      'How do I stay motivated when learning a new skill?',
    ],
  },
  {
    name: 'chitchat',
    descriptions: [
      'Hi, how are you today?',
      'Hello there!',
      'Thanks, that was helpful.',
      'Tell me a joke.',
      'What is your name?',
      'Good morning! Nice to meet you.',
      'I am bored, let us chat.',
      'greetings, small talk, casual conversation, thanks',
      'How are you doing? What have you been up to?',
      'Lol that is great, have a nice day!',
    ],
  },
];

/** Returned by inference when no task type stands out. */
export const GENERAL_TASK_TYPE = 'general';
