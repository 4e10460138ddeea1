/** `url` made absolute against the page. */
export const abs = (url: string): string => new URL(url, document.baseURI).href;
