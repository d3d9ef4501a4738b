// Many of the agent's tests start real processes (the CLI, its bundle, MCP
// servers) and wait on them; a loaded 2-core machine takes seconds more than
// jest's 5 s default. Every wait still ends as soon as its process answers.
jest.setTimeout(60_000);

export {};
