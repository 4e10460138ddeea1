/** The base `memo` resolved against, and what it resolved (a mount asks again for the same `src`). */
let base = '';
let memo = new Map<string, string>();

/** `url` made absolute against the page. */
export const abs = (url: string): string => {
  const b = document.baseURI;
  if (b !== base || memo.size > 99) (base = b), (memo = new Map());
  let a = memo.get(url);
  if (a === undefined) memo.set(url, (a = new URL(url, b).href));
  return a;
};
