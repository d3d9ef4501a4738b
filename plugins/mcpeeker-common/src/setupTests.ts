// A loaded 2-core machine can take longer than jest's 5 s default for the
// heavier checks here (the SARIF schema, property runs); no test waits on time.
jest.setTimeout(60_000);

export {};
