/** A count and its noun: "1 event", "2 events", "0 events". */
export const plural = (n: number, word: string) =>
  `${n} ${word}${n === 1 ? '' : 's'}`;
