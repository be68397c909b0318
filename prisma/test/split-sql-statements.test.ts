import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../migrate-runner.ts';

describe('splitSqlStatements', () => {
  it('when statements end with semicolons, then each is returned trimmed, without empty ones', () => {
    expect(splitSqlStatements('SELECT 1;\n\n  SELECT 2 ;;\nSELECT 3')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('when a semicolon is inside quotes or backticks, then it does not split', () => {
    const sql = 'INSERT INTO `a;b` VALUES (\'x;y\', "p;q");SELECT 2;';
    expect(splitSqlStatements(sql)).toEqual(['INSERT INTO `a;b` VALUES (\'x;y\', "p;q")', 'SELECT 2']);
  });

  it('when quotes are escaped by doubling or backslash, then the literal continues', () => {
    const sql = "SELECT 'it''s; fine', 'back\\'slash; too', `tick``; name`; SELECT 2";
    expect(splitSqlStatements(sql)).toEqual(["SELECT 'it''s; fine', 'back\\'slash; too', `tick``; name`", 'SELECT 2']);
  });

  it('when comments hold semicolons or quotes, then they are dropped and do not split', () => {
    const sql = [
      "-- CreateTable; don't split here",
      'CREATE TABLE t (id INT); # trailing; comment',
      "/* block; comment with a ' quote */ SELECT 1;",
      '--',
      'SELECT 2',
    ].join('\n');
    expect(splitSqlStatements(sql)).toEqual(['CREATE TABLE t (id INT)', 'SELECT 1', 'SELECT 2']);
  });

  it('when -- is not followed by whitespace, then it is arithmetic, not a comment (MySQL rule)', () => {
    expect(splitSqlStatements('SELECT 1--1; SELECT 2')).toEqual(['SELECT 1--1', 'SELECT 2']);
  });

  it('when comment markers are inside a string, then they stay in the string', () => {
    expect(splitSqlStatements("SELECT '-- not a comment; # nor this /* nor */'")).toEqual([
      "SELECT '-- not a comment; # nor this /* nor */'",
    ]);
  });

  it('when a comment sits between tokens, then the tokens stay apart', () => {
    expect(splitSqlStatements('SELECT/* x */1')).toEqual(['SELECT 1']);
  });

  it('when a MySQL executable comment /*! */ is used, then it is kept for the server', () => {
    expect(splitSqlStatements('/*!40101 SET NAMES utf8mb4 */; SELECT 1')).toEqual([
      '/*!40101 SET NAMES utf8mb4 */',
      'SELECT 1',
    ]);
  });

  it('when a quote or block comment is never closed, then it throws naming the line', () => {
    expect(() => splitSqlStatements("SELECT 1;\nSELECT 'oops")).toThrow(/unterminated ' quote .* line 2/);
    expect(() => splitSqlStatements('SELECT 1 /* open')).toThrow(/unterminated \/\* comment at line 1/);
  });

  it('when given the init migration, then it yields one statement per CREATE TABLE and ALTER TABLE', () => {
    const sql = readFileSync(new URL('../migrations/20261121000000_init/migration.sql', import.meta.url), 'utf8');
    const statements = splitSqlStatements(sql);
    const expected = (sql.match(/^(CREATE|ALTER) TABLE/gm) ?? []).length;
    expect(expected).toBeGreaterThan(10);
    expect(statements).toHaveLength(expected);
    expect(statements.every((s) => /^(CREATE|ALTER) TABLE/.test(s))).toBe(true);
  });
});
