/**
 * Stands in, in component tests, for the function Backstage's packages
 * (@backstage/ui, the notifications plugin, …) call when loaded to add their
 * CSS to the page. Left out, jsdom neither parses their ~1,100 rules for each
 * test file nor matches every element against them whenever Testing Library
 * asks for a computed style: role queries cost a quarter less. As with
 * Material UI's style sheets (`renderUnstyled`), how things look is checked
 * in real Chromium (`e2e/`); the tests assert what is on the page and what it
 * does.
 */
export default function styleInject(_css: string): void {}
