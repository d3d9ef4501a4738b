import {
  createContext,
  Dispatch,
  ReactNode,
  SetStateAction,
  useContext,
  useEffect,
} from 'react';

/**
 * The browser tab's title of an MCPeeker page ("github | MCPeeker"). The page
 * (`McpeekerPage`) names each of its routes ("Findings", "Page not found");
 * a page of one thing names it, once it is known, with `usePageTitle`: a
 * finding by its server, a registry entry by its name, a missing one "…
 * not found". The MCPeeker page's Header writes the title: one place.
 */
const SetPageTitle = createContext<
  Dispatch<SetStateAction<string | undefined>> | undefined
>(undefined);

/** Where `usePageTitle` tells the title: the MCPeeker page's own state. */
export function PageTitleProvider({
  setTitle,
  children,
}: {
  setTitle: Dispatch<SetStateAction<string | undefined>>;
  children: ReactNode;
}) {
  return (
    <SetPageTitle.Provider value={setTitle}>{children}</SetPageTitle.Provider>
  );
}

/**
 * Names the page in the browser's tab while the calling component shows
 * (`undefined`: not yet, the route's name stands). Outside the MCPeeker page
 * (an entity's tab) it does nothing.
 */
export function usePageTitle(title: string | undefined) {
  const setTitle = useContext(SetPageTitle);
  useEffect(() => {
    if (!setTitle || title === undefined) return undefined;
    setTitle(title);
    // Left, or renamed: the route's name again, unless another took over.
    return () => setTitle(now => (now === title ? undefined : now));
  }, [setTitle, title]);
}
