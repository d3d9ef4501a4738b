// The store tests talk to real engines (SQLite, PostgreSQL, NATS, ClickHouse)
// and start HTTP servers; on a loaded 2-core machine a test can take longer
// than jest's 5 s default. Files that need more set their own limit; every
// wait still ends as soon as what it waits for is there.
jest.setTimeout(60_000);

export {};
