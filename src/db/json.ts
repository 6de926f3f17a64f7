/**
 * JSON.stringify for a statement's JSON parameter (rows expanded by json_populate_recordset or
 * json_to_recordset), with lone UTF-16 surrogates (which it writes as `\udXXX` escapes, and PostgreSQL's
 * JSON refuses) turned into U+FFFD: what node-postgres does to such a string passed as a parameter, so a
 * batch insert stores what a one-row insert stores. Paired surrogates are written as characters, not escapes.
 */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\ud') || json.includes('\\uD')
    ? json.replace(/(?<=(?:^|[^\\])(?:\\\\)*)\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g, '\\ufffd')
    : json;
}
