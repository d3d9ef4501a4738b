/**
 * Lets jsdom's `getComputedStyle` answer again from its last answer while
 * nothing on the page has changed.
 *
 * Testing Library asks for the computed style of every element it looks at:
 * each role query checks whether the element and all its ancestors are
 * visible, and each accessible name walks the element's subtree. jsdom builds
 * a new style declaration for every call, matching the element against its
 * default style sheet and the page's, and that was a quarter of the frontend
 * tests' CPU time; half of the calls asked again about an element whose style
 * jsdom had already worked out since the last change to the page.
 *
 * The answer is the same: jsdom keeps one style cache per document and drops
 * it on any change to the DOM or to a style sheet (`_styleCache`); the saved
 * answers are dropped with it. If a jsdom version has no such cache, nothing
 * is changed.
 */
export function cacheComputedStyleBetweenChanges(win: Window = window) {
  const doc = win.document;
  const implSymbol = Object.getOwnPropertySymbols(doc).find(
    symbol => symbol.description === 'impl',
  );
  const docImpl = implSymbol
    ? (doc as unknown as Record<symbol, { _styleCache?: unknown }>)[implSymbol]
    : undefined;
  if (!docImpl || !('_styleCache' in docImpl)) {
    return;
  }
  const computeStyle = win.getComputedStyle;
  let answeredFor: unknown = null;
  let answers = new WeakMap<Element, CSSStyleDeclaration>();
  win.getComputedStyle = function getComputedStyle(
    element: Element,
    pseudoElement?: string | null,
  ) {
    if (pseudoElement || element?.ownerDocument !== doc) {
      return computeStyle.call(win, element, pseudoElement);
    }
    if (answeredFor === null || docImpl._styleCache !== answeredFor) {
      // The page changed since the last answer (or this is the first).
      const style = computeStyle.call(win, element);
      answeredFor = docImpl._styleCache;
      answers = new WeakMap([[element, style]]);
      return style;
    }
    let style = answers.get(element);
    if (!style) {
      style = computeStyle.call(win, element);
      answers.set(element, style);
    }
    return style;
  };
}
