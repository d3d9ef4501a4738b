import crypto from 'node:crypto';
import { redactSecrets } from '@mcpeeker/plugin-mcpeeker-common';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// The redaction decides what is secret; its markers are served only in a
// URL's path, where a salt of this process keeps them from being guessed.
const SALT = crypto.randomBytes(16).toString('hex');

/** Whether the one redaction (common's `redactSecrets`) finds a secret in this shape. */
const redactsSomething = (shape: unknown) =>
  redactSecrets(shape, { salt: SALT }).redactions > 0;

/**
 * server.json's `{name}` (a value filled in from a variable, an argument or
 * the user) written as the reference the redaction knows (`${name}`): a
 * reference to a value kept elsewhere is no secret.
 */
const asReference = (value: string) =>
  value.replace(/\{([A-Za-z_]\w{0,127})\}/g, '$${$1}');

/** Whether a value, where it is used, is a secret: how a config would hold it, asked of the redaction. */
type IsSecret = (value: string) => boolean;

const headerSecret =
  (name: string): IsSecret =>
  value =>
    redactsSomething({ headers: { [name]: asReference(value) } });
const envSecret =
  (name: string): IsSecret =>
  value =>
    redactsSomething({ env: { [name]: asReference(value) } });
const argumentSecret =
  (flag: string | undefined): IsSecret =>
  value =>
    redactsSomething({
      args: flag ? [flag, asReference(value)] : [asReference(value)],
    });
const namedSecret =
  (name: string): IsSecret =>
  value =>
    redactsSomething({ [name]: asReference(value) });

/**
 * An Input (a header, an environment variable, an argument, a URL
 * variable) without a value the redaction calls secret: `value` and
 * `default` are left out, as the specification has it for a value the
 * user provides, and the input says it is secret and, when it had a value,
 * required, so clients prompt for it. Its variables are judged where they
 * are used, as the value they fill in.
 */
function withoutSecretInput(input: unknown, isSecret: IsSecret): unknown {
  if (!isObject(input)) return input;
  const out: Json = { ...input };
  let dropped = false;
  let hadValue = false;
  for (const key of ['value', 'default']) {
    const value = out[key];
    if (typeof value === 'string' && isSecret(value)) {
      delete out[key];
      dropped = true;
      hadValue ||= key === 'value';
    }
  }
  if (typeof out.placeholder === 'string' && isSecret(out.placeholder))
    delete out.placeholder;
  if (
    Array.isArray(out.choices) &&
    out.choices.some(c => typeof c === 'string' && isSecret(c))
  ) {
    delete out.choices;
    dropped = true;
  }
  if (isObject(out.variables))
    out.variables = Object.fromEntries(
      Object.entries(out.variables).map(([name, variable]) => [
        name,
        withoutSecretInput(variable, isSecret),
      ]),
    );
  if (dropped) {
    out.isSecret = true;
    if (hadValue) out.isRequired = true;
  }
  return out;
}

function withoutSecretList(
  list: unknown,
  judge: (item: Json) => IsSecret,
): unknown {
  if (!Array.isArray(list)) return list;
  return list.map(item => {
    if (!isObject(item)) return item;
    const out = withoutSecretInput(item, judge(item)) as Json;
    // A positional argument is identified by its value or its valueHint.
    if (
      out.type === 'positional' &&
      out.value === undefined &&
      out.valueHint === undefined
    )
      out.valueHint = 'secret';
    return out;
  });
}

const nameOf = (item: Json) => (typeof item.name === 'string' ? item.name : '');

const withoutSecretHeaders = (headers: unknown) =>
  withoutSecretList(headers, item => headerSecret(nameOf(item)));

const withoutSecretArguments = (args: unknown) =>
  withoutSecretList(args, item =>
    argumentSecret(item.type === 'named' ? nameOf(item) : undefined),
  );

function decoded(text: string) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * A URL as served: no user name or password, a query value the redaction
 * calls secret replaced by a `{variable}` the user is asked for (clients
 * fill in a remote's variables), a secret in the path by the redaction's
 * marker, a fragment holding a secret left out.
 */
function withoutSecretUrl(
  url: string,
  variables: Json,
): { url: string; variables: Json } {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? undefined : url.slice(hash + 1);
  const question = beforeHash.indexOf('?');
  const base = (
    question < 0 ? beforeHash : beforeHash.slice(0, question)
  ).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
  const query = question < 0 ? undefined : beforeHash.slice(question + 1);
  const out: Json = { ...variables };
  const params = query?.split('&').flatMap(param => {
    const eq = param.indexOf('=');
    // A bare parameter that is itself a key (`?ghp_…`) goes.
    if (eq < 0) return redactsSomething(decoded(param)) ? [] : [param];
    const name = param.slice(0, eq);
    const value = param.slice(eq + 1);
    // A name that is itself a key names no variable either.
    if (redactsSomething(decoded(name))) return [];
    if (!redactsSomething(`?${decoded(name)}=${asReference(decoded(value))}`))
      return [param];
    const stem = decoded(name)
      .slice(0, 64)
      .replace(/\W/g, '_')
      .replace(/^(?=\d|$)/, '_');
    let variable = stem;
    for (let i = 2; Object.hasOwn(out, variable); i++)
      variable = `${stem}_${i}`;
    out[variable] = {
      description: `The ${decoded(
        name,
      )} query parameter (a secret: the registry does not serve it)`,
      isRequired: true,
      isSecret: true,
    };
    return [`${name}={${variable}}`];
  });
  const keepFragment =
    fragment !== undefined && !redactsSomething(`?${decoded(fragment)}`);
  return {
    url: `${redactSecrets(base, { salt: SALT }).value}${
      params?.length ? `?${params.join('&')}` : ''
    }${keepFragment ? `#${fragment}` : ''}`,
    variables: out,
  };
}

function withoutSecretTransport(
  transport: unknown,
  options: { variables: boolean },
): unknown {
  if (!isObject(transport)) return transport;
  const out: Json = { ...transport };
  if ('headers' in out) out.headers = withoutSecretHeaders(out.headers);
  const given = isObject(out.variables) ? out.variables : {};
  const variables = Object.fromEntries(
    Object.entries(given).map(([name, variable]) => [
      name,
      withoutSecretInput(variable, namedSecret(name)),
    ]),
  );
  if (typeof out.url === 'string') {
    const served = withoutSecretUrl(out.url, variables);
    out.url = served.url;
    // A package's transport takes its `{names}` from the package's
    // arguments and environment: a variable is a remote's alone.
    if (options.variables && Object.keys(served.variables).length > 0)
      out.variables = served.variables;
  } else if (isObject(out.variables)) out.variables = variables;
  return out;
}

/**
 * A server.json as the MCP Registry API serves it, to anyone when it is
 * open (`allowUnauthenticated`): nothing in it the one redaction calls a
 * secret. Header and environment variable values, argument values, their
 * defaults and variables go as the specification has a value the user
 * provides (no `value`, `isSecret: true`); URLs lose credentials and secret
 * query values (see `withoutSecretUrl`). The rest is served as imported.
 */
export function withoutSecrets(server: Json): Json {
  const out: Json = { ...server };
  if (Array.isArray(out.remotes))
    out.remotes = out.remotes.map(remote =>
      withoutSecretTransport(remote, { variables: true }),
    );
  if (Array.isArray(out.packages))
    out.packages = out.packages.map(pkg => {
      if (!isObject(pkg)) return pkg;
      const served: Json = { ...pkg };
      if ('transport' in served)
        served.transport = withoutSecretTransport(served.transport, {
          variables: false,
        });
      if ('environmentVariables' in served)
        served.environmentVariables = withoutSecretList(
          served.environmentVariables,
          item => envSecret(nameOf(item)),
        );
      for (const key of ['packageArguments', 'runtimeArguments'])
        if (key in served) served[key] = withoutSecretArguments(served[key]);
      return served;
    });
  return out;
}
