/**
 * Conformance of the offline KQL evaluator with Microsoft's Kusto documentation: each case is an example from the
 * cited page (input, query, the documented output). Where a page's example reads a sample table (StormEvents) or
 * uses an operator outside the evaluator's scope (`range`), the case keeps the page's values and puts them in a
 * `datatable`/`print`, and says so in `note`. Cells compare as Kusto's tostring() of the value (dynamic as compact
 * JSON, datetime as ISO 8601 with trailing zero fractions dropped), rows in order unless `unordered`.
 *
 * Then property tests (fast-check, fixed seed from test/setup.ts) of summarize, join and mv-expand against a plain
 * reference implementation on random tables.
 */
import fc from 'fast-check';
import { defaultAnalyzer } from '../../scripts/kql/analyzer';
import { compileQuery, evaluate, Table, toKString } from '../../scripts/kql/eval';

const DOC = 'https://learn.microsoft.com/kusto/query/';
const NOW = Date.parse('2026-11-26T10:00:00Z');

interface Case {
  doc: string;
  query: string;
  /** expected rows, cells as tostring() */
  rows: (string | number | boolean | null)[][];
  columns?: string[];
  unordered?: boolean;
  note?: string;
}

function run(query: string): Table {
  const q = compileQuery(query, defaultAnalyzer());
  if (q.errors.length) throw new Error(`analyzer: ${q.errors.join('; ')}`);
  return evaluate(q, { tables: {}, now: NOW });
}

const cells = (t: Table) => t.rows.map((r) => t.columns.map((c) => toKString(r[c.name] ?? null)));
const norm = (rows: Case['rows']) => rows.map((r) => r.map((v) => (v === null ? '' : String(v))));
const sorted = (rows: string[][]) => [...rows].map((r) => JSON.stringify(r)).sort();

/** One `print` of boolean examples: every expression must be true. */
const truths = (page: string, exprs: string[]): Case[] =>
  exprs.map((e) => ({ doc: page, query: `print r = ${e}`, rows: [['true']] }));

const STRING_OPS = `${DOC}datatypes-string-operators`;
const JOIN_XY = `let X = datatable(Key:string, Value1:long) ['a',1, 'b',2, 'b',3, 'c',4];
let Y = datatable(Key:string, Value2:long) ['b',10, 'c',20, 'c',30, 'd',40];
X`;

const CASES: Case[] = [
  // --- string operators: the examples column of the operators table (each yields true)
  ...truths(STRING_OPS, [
    '"aBc" == "aBc"',
    '"abc" != "ABC"',
    '"abc" =~ "ABC"',
    '"aBc" !~ "xyz"',
    '"FabriKam" contains "BRik"',
    '"Fabrikam" !contains "xyz"',
    '"FabriKam" contains_cs "Kam"',
    '"Fabrikam" !contains_cs "Kam"',
    '"Fabrikam" endswith "Kam"',
    '"Fabrikam" !endswith "brik"',
    '"Fabrikam" endswith_cs "kam"',
    '"Fabrikam" !endswith_cs "brik"',
    '"North America" has "america"',
    '"North America" !has "amer"',
    'not("North America" has_all("south", "north"))',
    '"North America" has_any("south", "north")',
    '"North America" has_cs "America"',
    '"North America" !has_cs "amer"',
    '"North America" hasprefix "ame"',
    '"North America" !hasprefix "mer"',
    '"North America" hassuffix "ica"',
    '"North America" !hassuffix "americ"',
    '"123" in ("123", "345", "abc")',
    '"123" !in ("345", "abc", "def")',
    '"abc" in~ ("123", "345", "ABC")',
    '"bca" !in~ ("123", "345", "abc")',
    '"Fabrikam" startswith "fab"',
    '"Fabrikam" !startswith "kam"',
    '"Fabrikam" startswith_cs "Fab"',
    '"Fabrikam" !startswith_cs "fab"',
  ]),
  // --- has: whole terms (the "What is a term?" section: maximal runs of ASCII alphanumerics)
  ...truths(STRING_OPS, [
    '"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun" has "KustoExplorerQueryRun"',
    '"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun" has "c1db"',
    '"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun" has "Kusto"',
    '"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun" !has "Explorer"',
    '"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun" contains "Explorer"',
    '"Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun" !has "d136"',
  ]),
  ...truths(`${DOC}has-operator`, [
    '"North America" has "north"',
    '"South America" !has "merica"',
    '"Redmond,WA" has "wa"',
  ]),
  ...truths(`${DOC}has-any-operator`, [
    '"Alabama storm" has_any ("Alabama", "Texas")',
    '"a storm in Texas" has_any ("Alabama", "Texas")',
    'not("Texan storm" has_any ("Alabama", "Texas"))',
  ]),
  ...truths(`${DOC}has-all-operator`, [
    '"cold and freezing rain" has_all ("cold", "rain")',
    'not("cold and freezing hail" has_all ("cold", "rain"))',
  ]),
  ...truths(`${DOC}in-operator`, [
    '"NEW YORK" in ("NEW YORK", "TEXAS")',
    '"New York" !in ("NEW YORK", "TEXAS")',
    '5 in (dynamic([1, 5, 7]))',
  ]),
  ...truths(`${DOC}in-cs-operator`, [
    '"New York" in~ ("NEW YORK", "TEXAS")',
    '"austin" in~ (dynamic(["Austin", "Houston"]))',
  ]),
  ...truths(`${DOC}not-in-cs-operator`, [
    '"Dallas" !in~ ("austin", "houston")',
    'not("AUSTIN" !in~ ("austin", "houston"))',
  ]),
  ...truths(`${DOC}contains-operator`, ['"FLORIDA" contains "lor"', '"Florida" !contains "xyz"']),
  ...truths(`${DOC}startswith-operator`, ['"Lamar" startswith "lam"', '"Lamar" !startswith "mar"']),
  ...truths(`${DOC}endswith-operator`, ['"Lamar" endswith "MAR"', '"Lamar" !endswith "lam"']),
  ...truths(`${DOC}equals-operator`, ['"Lamar" == "Lamar"', 'not("lamar" == "Lamar")', '"lamar" =~ "LAMAR"']),
  // --- in with a let-bound dynamic list (in-operator page: `let cities = dynamic([...])`)
  {
    doc: `${DOC}in-operator`,
    query: `let cities = dynamic(['Dublin','Redmond','Amsterdam']);
datatable(City:string, Events:long)['Redmond',1, 'Seattle',2, 'Dublin',3, 'dublin',4]
| where City in (cities)`,
    rows: [
      ['Redmond', 1],
      ['Dublin', 3],
    ],
    note: 'the page reads StormEvents; the same filter over a datatable',
  },
  {
    doc: `${DOC}in-cs-operator`,
    query: `datatable(State:string)['FLORIDA', 'Georgia', 'texas'] | where State in~ ("Florida", "Texas")`,
    rows: [['FLORIDA'], ['texas']],
  },
  // --- split
  { doc: `${DOC}split-function`, query: 'print split("aa_bb", "_")', rows: [['["aa","bb"]']] },
  { doc: `${DOC}split-function`, query: 'print split("aaa_bbb_ccc", "_", 1)', rows: [['["bbb"]']] },
  { doc: `${DOC}split-function`, query: 'print split("", "_")', rows: [['[""]']] },
  { doc: `${DOC}split-function`, query: 'print split("a__b", "_")', rows: [['["a","","b"]']] },
  { doc: `${DOC}split-function`, query: 'print split("aabbcc", "bb")', rows: [['["aa","cc"]']] },
  {
    doc: `${DOC}split-function`,
    query: 'print split("aa_bb", "_"), split("aaa_bbb_ccc", "_", 1)',
    columns: ['print_0', 'print_1'],
    rows: [['["aa","bb"]', '["bbb"]']],
  },
  // --- strings
  { doc: `${DOC}strcat-function`, query: 'print str = strcat("hello", " ", "world")', rows: [['hello world']] },
  {
    doc: `${DOC}strcat-array-function`,
    query: 'print str = strcat_array(dynamic([1, 2, 3]), "->")',
    rows: [['1->2->3']],
  },
  {
    doc: `${DOC}strcat-delim-function`,
    query: "print st = strcat_delim('-', 1, '2', 'A', 1s)",
    rows: [['1-2-A-00:00:01']],
  },
  { doc: `${DOC}strlen-function`, query: 'print length = strlen("hello")', rows: [[5]] },
  { doc: `${DOC}strlen-function`, query: 'print length = strlen("⒦⒰⒮⒯⒪")', rows: [[5]] },
  { doc: `${DOC}substring-function`, query: 'print substring("123456", 1)', rows: [['23456']] },
  { doc: `${DOC}substring-function`, query: 'print substring("123456", 2, 2)', rows: [['34']] },
  { doc: `${DOC}substring-function`, query: 'print substring("ABCD", 0, 2)', rows: [['AB']] },
  { doc: `${DOC}substring-function`, query: 'print substring("123456", -2, 2)', rows: [['']] },
  { doc: `${DOC}tolower-function`, query: 'print tolower("Hello")', rows: [['hello']] },
  { doc: `${DOC}toupper-function`, query: 'print toupper("hello")', rows: [['HELLO']] },
  {
    doc: `${DOC}trim-function`,
    query:
      'let string_to_trim = @"--https://bing.com--";\nlet substring = "--";\nprint string_to_trim = string_to_trim, trimmed_string = trim(substring, string_to_trim)',
    rows: [['--https://bing.com--', 'https://bing.com']],
  },
  { doc: `${DOC}trim-function`, query: 'print str = trim(@"[^\\w]+", "- Te st1// $")', rows: [['Te st1']] },
  {
    doc: `${DOC}trim-start-function`,
    query:
      'let string_to_trim = @"sample text";\nlet substring = "sample";\nprint string_to_trim = string_to_trim, trimmed_string = trim_start(substring, string_to_trim)',
    rows: [['sample text', ' text']],
  },
  { doc: `${DOC}trim-end-function`, query: 'print str = trim_end(@"[^\\w]+", "- Te st1// $")', rows: [['- Te st1']] },
  {
    doc: `${DOC}replace-string-function`,
    query: 'print replace_string("A magic trick can turn a cat into a dog", "cat", "hamster")',
    rows: [['A magic trick can turn a hamster into a dog']],
  },
  {
    doc: `${DOC}indexof-function`,
    query: 'print idx1 = indexof("abcdefg","cde"), idx2 = indexof("abcdefg","xyz")',
    rows: [[2, -1]],
  },
  { doc: `${DOC}extract-function`, query: 'print extract("x=([0-9.]+)", 1, "hello x=45.6|wo")', rows: [['45.6']] },
  { doc: `${DOC}tostring-function`, query: 'print tostring(123)', rows: [['123']] },
  { doc: `${DOC}tostring-function`, query: 'print tostring(dynamic({"a":1}))', rows: [['{"a":1}']] },
  // --- conversions
  {
    doc: `${DOC}tobool-function`,
    query: 'print tobool("true") == true, tobool("false") == false, tobool(1) == true, tobool(123) == true',
    rows: [['true', 'true', 'true', 'true']],
  },
  { doc: `${DOC}tolong-function`, query: 'print tolong("123")', rows: [[123]] },
  { doc: `${DOC}tolong-function`, query: 'print isnull(tolong("abc"))', rows: [['true']] },
  { doc: `${DOC}toint-function`, query: 'print toint("123") == 123', rows: [['true']] },
  { doc: `${DOC}todouble-function`, query: 'print todouble("1.0e3")', rows: [[1000]] },
  {
    doc: `${DOC}todatetime-function`,
    query: 'print todatetime("2015-12-24") == datetime(2015-12-24)',
    rows: [['true']],
  },
  { doc: `${DOC}todatetime-function`, query: 'print isnull(todatetime("abc"))', rows: [['true']] },
  { doc: `${DOC}totimespan-function`, query: 'print totimespan("0.00:01:00") == time(1min)', rows: [['true']] },
  {
    doc: `${DOC}parse-json-function`,
    query:
      'print d = parse_json(\'{"a":123, "b":"hello", "c":[1,2,3], "d":{}}\')\n| project a = d.a, b = d.b, c2 = d.c[2], dd = d.d',
    rows: [[123, 'hello', 3, '{}']],
  },
  {
    doc: `${DOC}parse-json-function`,
    query: 'print d = parse_json("not json")\n| project t = tostring(d)',
    rows: [['not json']],
  },
  {
    doc: `${DOC}todynamic-function`,
    query: 'print d = todynamic(\'{"a":[1,{"b":"x"}]}\')\n| project v = tostring(d.a[1].b)',
    rows: [['x']],
  },
  {
    doc: `${DOC}scalar-data-types/dynamic`,
    query:
      'print o = dynamic({"a":123, "b":"hello", "c":[1,2,3], "d":{}})\n| project a = o.a, b = o[\'b\'], c0 = o.c[0], lastItem = o.c[-1], absent = isnull(o.x)',
    rows: [[123, 'hello', 1, 3, 'true']],
  },
  {
    doc: `${DOC}scalar-data-types/dynamic`,
    query:
      'print o = dynamic([1, "two", {"three": 3}])\n| project n = array_length(o), t = tostring(o[1]), x = o[2].three',
    rows: [[3, 'two', 3]],
  },
  // --- conditional and null
  {
    doc: `${DOC}iff-function`,
    query: 'datatable(State:string)["TEXAS", "IOWA"]\n| extend Rain = iff(State == "TEXAS", "Rainy", "Dry")',
    rows: [
      ['TEXAS', 'Rainy'],
      ['IOWA', 'Dry'],
    ],
    note: 'the page reads StormEvents',
  },
  { doc: `${DOC}iff-function`, query: 'print r = iff(bool(null), "yes", "no")', rows: [['no']] },
  {
    doc: `${DOC}case-function`,
    query:
      'datatable(Size:long)[1, 3, 5, 7, 9, 11, 13, 15]\n| extend bucket = case(Size <= 3, "Small", Size <= 10, "Medium", "Large")',
    rows: [
      [1, 'Small'],
      [3, 'Small'],
      [5, 'Medium'],
      [7, 'Medium'],
      [9, 'Medium'],
      [11, 'Large'],
      [13, 'Large'],
      [15, 'Large'],
    ],
    note: 'the page builds Size with range 1..15 step 2',
  },
  {
    doc: `${DOC}coalesce-function`,
    query: 'print result = coalesce(tolong("not a number"), tolong("42"), 33)',
    rows: [[42]],
  },
  { doc: `${DOC}coalesce-function`, query: 'print result = coalesce("", "x", "y")', rows: [['x']] },
  {
    doc: `${DOC}isempty-function`,
    query:
      'print a = isempty(""), b = isempty("x"), c = isempty(parse_json("")), d = isempty(parse_json("[]")), e = isempty(parse_json("{}"))',
    rows: [['true', 'false', 'true', 'false', 'false']],
  },
  {
    doc: `${DOC}isnotempty-function`,
    query: 'print a = isnotempty(""), b = isnotempty("x")',
    rows: [['false', 'true']],
  },
  {
    doc: `${DOC}isnull-function`,
    query:
      'print a = isnull(""), b = isnull("x"), c = isnull(parse_json("")), d = isnull(parse_json("[]")), e = isnull(long(null)), f = isnull(1)',
    rows: [['false', 'false', 'true', 'false', 'true', 'false']],
  },
  {
    doc: `${DOC}isnotnull-function`,
    query: 'print a = isnotnull(long(null)), b = isnotnull(1)',
    rows: [['false', 'true']],
  },
  { doc: `${DOC}not-function`, query: 'print a = not(false), b = not(1 == 1)', rows: [['true', 'false']] },
  {
    doc: `${DOC}null-values`,
    query: 'print a = isnull(long(null) + 1), b = long(null) == long(null), c = isnull(datetime(null) - 1d)',
    rows: [['true', '', 'true']],
    note: 'null propagates through arithmetic and comparison (null, shown as empty)',
  },
  { doc: `${DOC}null-values`, query: 'datatable(a:long)[1, long(null), 3] | where a > 1', rows: [[3]] },
  {
    doc: `${DOC}scalar-data-types/null-values`,
    query:
      'datatable(val:int)[5, int(null)]\n| extend IsBiggerThan3 = val > 3\n| extend IsBiggerThan3OrNull = val > 3 or isnull(val)\n| extend IsEqualToNull = val == int(null)\n| extend IsNotEqualToNull = val != int(null)',
    rows: [
      [5, 'true', 'true', 'false', 'true'],
      ['', '', 'true', '', ''],
    ],
  },
  {
    doc: `${DOC}scalar-data-types/null-values`,
    query: 'print a = long(null) == 1, b = long(null) != 1, c = isnull(long(null) == long(null))',
    rows: [['false', 'true', 'true']],
  },
  {
    doc: `${DOC}null-values`,
    query: 'datatable(a:long)[1, long(null), 3] | summarize c = count(), s = sum(a), m = min(a)',
    rows: [[3, 4, 1]],
  },
  // --- dynamic arrays and bags
  { doc: `${DOC}array-length-function`, query: 'print array_length(dynamic([1, 2, 3, "four"]))', rows: [[4]] },
  { doc: `${DOC}array-length-function`, query: 'print isnull(array_length(parse_json("21")))', rows: [['true']] },
  {
    doc: `${DOC}set-difference-function`,
    query: 'print arr = set_difference(dynamic([1,2,3]), dynamic([1,2,3]))',
    rows: [['[]']],
  },
  {
    doc: `${DOC}set-difference-function`,
    query:
      'print x = 1, y = 2, z = 4, w = 8\n| project set_difference(pack_array(x,y,x,z), pack_array(x, y), pack_array(x,y,w))',
    columns: ['Column1'],
    rows: [['[4]']],
    note: "first row of the page's range example",
  },
  {
    doc: `${DOC}set-intersect-function`,
    query: 'print arr = set_intersect(dynamic([1, 2, 3]), dynamic([1, 2, 3]))',
    rows: [['[1,2,3]']],
  },
  {
    doc: `${DOC}set-intersect-function`,
    query:
      'print x = 1, y = 2, z = 4, w = 8\n| project set_intersect(pack_array(x,y,x,z), pack_array(x, y), pack_array(x,y,w))',
    rows: [['[1,2]']],
    note: "first row of the page's range example",
  },
  {
    doc: `${DOC}set-union-function`,
    query: 'print arr = set_union(dynamic([1, 2, 3]), dynamic([1, 2, 3]))',
    rows: [['[1,2,3]']],
  },
  {
    doc: `${DOC}set-union-function`,
    query:
      'print x = 1, y = 2, z = 4, w = 8\n| project set_union(pack_array(x,y,x,z), pack_array(x, y), pack_array(x,y,w))',
    rows: [['[1,2,4,8]']],
    note: "first row of the page's range example",
  },
  {
    doc: `${DOC}set-has-element-function`,
    query: 'print arr = dynamic(["this", "is", "an", "example"])\n| project Result = set_has_element(arr, "example")',
    rows: [['true']],
  },
  {
    doc: `${DOC}array-concat-function`,
    query: 'print x = 1, y = 2, z = 4\n| project array_concat(pack_array(x, y), pack_array(z))',
    rows: [['[1,2,4]']],
  },
  {
    doc: `${DOC}pack-array-function`,
    query: 'print x = 1, y = 2, z = 4\n| project pack_array(x, y, z)',
    rows: [['[1,2,4]']],
  },
  { doc: `${DOC}pack-array-function`, query: 'print x = "a", y = 2\n| project pack_array(x, y)', rows: [['["a",2]']] },
  {
    doc: `${DOC}bag-pack-function`,
    query: 'print bag_pack("Level", "Information", "ProcessID", 1234, "Data", bag_pack("url", "www.bing.com"))',
    rows: [['{"Level":"Information","ProcessID":1234,"Data":{"url":"www.bing.com"}}']],
  },
  {
    doc: `${DOC}bag-keys-function`,
    query:
      "datatable(input: dynamic)[dynamic({'Key1': 'V1', 'Key2': 'V2'}), dynamic({'Key1': 'V1'})]\n| extend keys = bag_keys(input)",
    rows: [
      ['{"Key1":"V1","Key2":"V2"}', '["Key1","Key2"]'],
      ['{"Key1":"V1"}', '["Key1"]'],
    ],
  },
  // --- date-times and timespans
  {
    doc: `${DOC}datetime-diff-function`,
    query: "print year = datetime_diff('year',datetime(2017-01-01),datetime(2000-12-31))",
    rows: [[17]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query: "print quarter = datetime_diff('quarter',datetime(2017-07-01),datetime(2017-03-30))",
    rows: [[2]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query: "print month = datetime_diff('month',datetime(2017-01-01),datetime(2015-12-30))",
    rows: [[13]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query: "print week = datetime_diff('week',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59))",
    rows: [[5]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query: "print day = datetime_diff('day',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59))",
    rows: [[29]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query: "print hour = datetime_diff('hour',datetime(2017-10-31 01:00),datetime(2017-10-30 23:59))",
    rows: [[2]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query: "print minute = datetime_diff('minute',datetime(2017-10-30 23:05:01),datetime(2017-10-30 23:00:59))",
    rows: [[5]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query: "print second = datetime_diff('second',datetime(2017-10-30 23:00:10.100),datetime(2017-10-30 23:00:00.900))",
    rows: [[10]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query:
      "print millisecond = datetime_diff('millisecond',datetime(2017-10-30 23:00:00.200100),datetime(2017-10-30 23:00:00.100900))",
    rows: [[100]],
  },
  {
    doc: `${DOC}datetime-diff-function`,
    query:
      "print microsecond = datetime_diff('microsecond',datetime(2017-10-30 23:00:00.1009001),datetime(2017-10-30 23:00:00.1008009))",
    rows: [[100]],
  },
  {
    doc: `${DOC}datetime-add-function`,
    query:
      "print year = datetime_add('year',1,datetime(2017-01-01)), quarter = datetime_add('quarter',1,datetime(2017-01-01)), month = datetime_add('month',1,datetime(2017-01-01)), week = datetime_add('week',1,datetime(2017-01-01)), day = datetime_add('day',1,datetime(2017-01-01)), hour = datetime_add('hour',1,datetime(2017-01-01)), minute = datetime_add('minute',1,datetime(2017-01-01)), second = datetime_add('second',1,datetime(2017-01-01))",
    rows: [
      [
        '2018-01-01T00:00:00Z',
        '2017-04-01T00:00:00Z',
        '2017-02-01T00:00:00Z',
        '2017-01-08T00:00:00Z',
        '2017-01-02T00:00:00Z',
        '2017-01-01T01:00:00Z',
        '2017-01-01T00:01:00Z',
        '2017-01-01T00:00:01Z',
      ],
    ],
  },
  {
    doc: `${DOC}datetime-add-function`,
    query: "print datetime_add('month', -1, datetime(2017-03-31))",
    rows: [['2017-02-28T00:00:00Z']],
    note: 'month arithmetic clamps to the last day of the month',
  },
  {
    doc: `${DOC}startofday-function`,
    query: 'datatable(offset:long)[-1, 0, 1]\n| project dayStart = startofday(datetime(2017-01-01 10:10:17), offset)',
    rows: [['2016-12-31T00:00:00Z'], ['2017-01-01T00:00:00Z'], ['2017-01-02T00:00:00Z']],
    note: 'the page builds offset with range -1..1',
  },
  { doc: `${DOC}bin-function`, query: 'print bin(4.5, 1)', rows: [[4]] },
  { doc: `${DOC}bin-function`, query: 'print bin(time(16d), 7d)', rows: [['14.00:00:00']] },
  {
    doc: `${DOC}bin-function`,
    query: 'print bin(datetime(1970-05-11 13:45:07), 1d)',
    rows: [['1970-05-11T00:00:00Z']],
  },
  {
    doc: `${DOC}bin-function`,
    query: 'print bin(datetime(2017-01-01 10:10:17), 1h)',
    rows: [['2017-01-01T10:00:00Z']],
  },
  {
    doc: `${DOC}bin-function`,
    query: 'print bin(datetime(2026-11-26 10:00), 7d)',
    rows: [['2026-11-23T00:00:00Z']],
    note: '7-day bins are aligned to 0001-01-01 (a Monday), not to 1970',
  },
  { doc: `${DOC}bin-function`, query: 'print isnull(bin(long(null), 5))', rows: [['true']] },
  {
    doc: `${DOC}bin-function`,
    query:
      'datatable(Date:datetime, Num:long)[datetime(2018-02-24T15:14),3, datetime(2018-02-23T16:14),4, datetime(2018-02-26T15:14),5]\n| summarize sum(Num) by bin(Date, 1d)',
    columns: ['Date', 'sum_Num'],
    rows: [
      ['2018-02-24T00:00:00Z', 3],
      ['2018-02-23T00:00:00Z', 4],
      ['2018-02-26T00:00:00Z', 5],
    ],
  },
  { doc: `${DOC}ago-function`, query: 'print ago(1h) == now() - 1h, ago(-1d) == now() + 1d', rows: [['true', 'true']] },
  {
    doc: `${DOC}ago-function`,
    query: 'datatable(T:datetime)[datetime(2026-11-26 09:30), datetime(2026-11-26 08:30)] | where T > ago(1h)',
    rows: [['2026-11-26T09:30:00Z']],
    note: 'the clock is fixed at 2026-11-26T10:00:00Z',
  },
  { doc: `${DOC}now-function`, query: 'print now(-2d) == now() - 2d', rows: [['true']] },
  {
    doc: `${DOC}now-function`,
    query: 'print now()',
    rows: [['2026-11-26T10:00:00Z']],
    note: "the evaluator's fixed clock",
  },
  {
    doc: `${DOC}datetime-timespan-arithmetic`,
    query: 'print a = 1d + 2d, b = datetime(1910-06-11) + 1d, c = 1d / 5h, d = 1h / 1s, e = 1.5 * 1h',
    rows: [['3.00:00:00', '1910-06-12T00:00:00Z', 4.8, 3600, '01:30:00']],
  },
  {
    doc: `${DOC}datetime-timespan-arithmetic`,
    query: 'let fromUnixTime = (t: long) { datetime(1970-01-01) + t * 1sec };\nprint result = fromUnixTime(1546897531)',
    rows: [['2019-01-07T21:45:31Z']],
  },
  {
    doc: `${DOC}datetime-timespan-arithmetic`,
    query:
      'let toUnixTime = (dt: datetime) { (dt - datetime(1970-01-01)) / 1s };\nprint result = toUnixTime(datetime(2019-01-07 21:45:31.0000000))',
    rows: [[1546897531]],
  },
  {
    doc: `${DOC}datetime-timespan-arithmetic`,
    query: 'print s = datetime(1997-06-25) - datetime(1910-06-11)',
    rows: [['31791.00:00:00']],
    note: "the page's Cousteau example; the value is the calendar's (87 years, 22 leap days, 14 days)",
  },
  {
    doc: `${DOC}scalar-data-types/timespan`,
    query: 'print a = 2d, b = 30m, c = 10s, d = 100ms, e = time(1.02:03:04), f = 1.5h',
    rows: [['2.00:00:00', '00:30:00', '00:00:10', '00:00:00.1000000', '1.02:03:04', '01:30:00']],
  },
  {
    doc: `${DOC}scalar-data-types/datetime`,
    query:
      'print a = datetime(2015-12-31 23:59:59.9), b = datetime(2015-12-31), c = datetime(2014-05-25T08:20:03.123456Z)',
    rows: [['2015-12-31T23:59:59.9000000Z', '2015-12-31T00:00:00Z', '2014-05-25T08:20:03.1234560Z']],
  },
  {
    doc: `${DOC}between-operator`,
    query: 'datatable(x:long)[49, 50, 53, 55, 56] | where x between (50 .. 55)',
    rows: [[50], [53], [55]],
    note: 'the page filters range 1..100',
  },
  {
    doc: `${DOC}between-operator`,
    query: 'datatable(x:long)[49, 50, 56] | where x !between (50 .. 55)',
    rows: [[49], [56]],
  },
  {
    doc: `${DOC}between-operator`,
    query:
      'datatable(T:datetime)[datetime(2007-07-27), datetime(2007-07-30), datetime(2007-08-01)] | where T between (datetime(2007-07-27) .. datetime(2007-07-30))',
    rows: [['2007-07-27T00:00:00Z'], ['2007-07-30T00:00:00Z']],
  },
  {
    doc: `${DOC}between-operator`,
    query:
      'datatable(T:datetime)[datetime(2007-07-27), datetime(2007-07-30), datetime(2007-08-01)] | where T between (datetime(2007-07-27) .. 3d)',
    rows: [['2007-07-27T00:00:00Z'], ['2007-07-30T00:00:00Z']],
  },
  // --- ip
  {
    doc: `${DOC}ipv4-is-in-range-function`,
    query:
      'datatable(ip_address:string, ip_range:string)["192.168.1.1", "192.168.1.1", "192.168.1.1", "192.168.1.255/24"]\n| extend result = ipv4_is_in_range(ip_address, ip_range)',
    rows: [
      ['192.168.1.1', '192.168.1.1', 'true'],
      ['192.168.1.1', '192.168.1.255/24', 'true'],
    ],
  },
  {
    doc: `${DOC}ipv4-is-in-range-function`,
    query: 'print r = ipv4_is_in_range("10.0.0.1", "192.168.1.0/24")',
    rows: [['false']],
  },
  {
    doc: `${DOC}ipv4-is-in-any-range-function`,
    query: 'print r = ipv4_is_in_any_range("192.168.1.6", "192.168.1.1/24", "10.0.1.1/20", "127.0.0.1/8")',
    rows: [['true']],
  },
  {
    doc: `${DOC}ipv4-is-in-any-range-function`,
    query:
      'let LocalNetworks = dynamic(["192.168.1.1/16", "127.0.0.1/8", "10.0.0.1/8"]);\ndatatable(IP:string)["10.1.2.3", "8.8.8.8"]\n| extend IsLocal = ipv4_is_in_any_range(IP, LocalNetworks)',
    rows: [
      ['10.1.2.3', 'true'],
      ['8.8.8.8', 'false'],
    ],
  },
  {
    doc: `${DOC}ipv6-is-in-any-range-function`,
    query:
      'print r = ipv6_is_in_any_range("2a03:2880:f12c:83:face:b00c::25de", "2a03:2880:f000::/36", "2a03:2880:f12c:83:face:b00c::/64")',
    rows: [['true']],
  },
  {
    doc: `${DOC}ipv6-is-in-any-range-function`,
    query: 'print r = ipv6_is_in_any_range("2001:db8::1", "2a03:2880:f000::/36")',
    rows: [['false']],
  },
  {
    doc: `${DOC}ipv6-is-in-range-function`,
    query: 'print r = ipv6_is_in_range("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7994/120")',
    rows: [['true']],
  },
  {
    doc: `${DOC}ipv4-is-private-function`,
    query: 'print a = ipv4_is_private("10.1.2.3"), b = ipv4_is_private("192.168.1.1"), c = ipv4_is_private("20.1.2.3")',
    rows: [['true', 'true', 'false']],
  },
  // --- let, toscalar, user functions
  {
    doc: `${DOC}let-statement`,
    query: 'let n = 10;\nlet place = "Dallas";\nprint r = strcat(place, ":", n)',
    rows: [['Dallas:10']],
  },
  { doc: `${DOC}let-statement`, query: 'let addOne = (x:long) { x + 1 };\nprint addOne(1)', rows: [[2]] },
  {
    doc: `${DOC}let-statement`,
    query: 'let f = (a:long, b:string) { strcat(b, ":", a) };\nprint f(1, \'a\')',
    rows: [['a:1']],
  },
  {
    doc: `${DOC}let-statement`,
    query: 'let T = datatable(a:long)[1, 2, 3];\nlet Big = (n:long) { T | where a > n };\nBig(1) | count',
    rows: [[2]],
  },
  { doc: `${DOC}toscalar-function`, query: 'let Start = toscalar(print x = 5);\nprint Start + 1', rows: [[6]] },
  {
    doc: `${DOC}toscalar-function`,
    query: 'let T = datatable(a:long)[3, 1, 2];\nlet Max = toscalar(T | summarize max(a));\nT | where a == Max',
    rows: [[3]],
  },
  {
    doc: `${DOC}toscalar-function`,
    query: 'let s = toscalar(datatable(a:string)["x", "y"] | summarize make_list(a));\nprint array_length(s)',
    rows: [[2]],
  },
  {
    doc: `${DOC}query-parameters-statements`,
    query: 'declare query_parameters(n:long);\nprint isnull(n)',
    rows: [['true']],
    note: 'no value bound: the typed null',
  },
  // --- tabular operators
  {
    doc: `${DOC}datatable-operator`,
    query:
      'datatable(Date:datetime, Event:string, MoreData:dynamic)[\n datetime(1910-06-11), "Born", dynamic({"key1":"value1", "key2":"value2"}),\n datetime(1930-01-01), "Enters Ecole Navale", dynamic({"key1":"value3", "key2":"value4"})]\n| where strlen(Event) > 4\n| extend key2 = MoreData.key2',
    rows: [['1930-01-01T00:00:00Z', 'Enters Ecole Navale', '{"key1":"value3","key2":"value4"}', 'value4']],
  },
  {
    doc: `${DOC}print-operator`,
    query: 'print 0 + 1 + 2 + 3 + 4 + 5, x = "Wow!"',
    columns: ['print_0', 'x'],
    rows: [[15, 'Wow!']],
  },
  { doc: `${DOC}print-operator`, query: "print banner = strcat('Hello', ', ', 'World!')", rows: [['Hello, World!']] },
  {
    doc: `${DOC}where-operator`,
    query: 'datatable(Name:string, Value:long)["a",1, "b",2, "c",3] | where Value > 1 and Name != "c"',
    rows: [['b', 2]],
  },
  {
    doc: `${DOC}extend-operator`,
    query: 'datatable(a:long)[1, 2] | extend b = a * 2 | extend c = b + 1',
    columns: ['a', 'b', 'c'],
    rows: [
      [1, 2, 3],
      [2, 4, 5],
    ],
  },
  {
    doc: `${DOC}extend-operator`,
    query: 'datatable(a:long, b:string)[1, "x"] | extend a = a + 10',
    columns: ['a', 'b'],
    rows: [[11, 'x']],
    note: 'an existing column is replaced in place',
  },
  {
    doc: `${DOC}project-operator`,
    query: 'datatable(A:long, B:string, C:long)[1, "x", 3] | project C, B, D = A * 2',
    columns: ['C', 'B', 'D'],
    rows: [[3, 'x', 2]],
  },
  {
    doc: `${DOC}project-away-operator`,
    query: 'print A = "A", B = "B", C = "C" | project-away C, B',
    columns: ['A'],
    rows: [['A']],
  },
  {
    doc: `${DOC}project-away-operator`,
    query: 'print A1 = "A1", A2 = "A2", B = "B" | project-away A*',
    columns: ['B'],
    rows: [['B']],
  },
  {
    doc: `${DOC}project-rename-operator`,
    query: 'print a = "a", b = "b", c = "c" | project-rename new_b = b, new_a = a',
    columns: ['new_a', 'new_b', 'c'],
    rows: [['a', 'b', 'c']],
  },
  {
    doc: `${DOC}sort-operator`,
    query: 'datatable(n:long)[2, 3, 1] | sort by n',
    rows: [[3], [2], [1]],
    note: 'descending by default',
  },
  {
    doc: `${DOC}sort-operator`,
    query: 'datatable(n:long, s:string)[2,"b", 1,"a", 2,"a"] | order by n asc, s desc',
    rows: [
      [1, 'a'],
      [2, 'b'],
      [2, 'a'],
    ],
  },
  {
    doc: `${DOC}sort-operator`,
    query: 'datatable(n:long)[2, long(null), 1] | sort by n asc',
    rows: [[''], [1], [2]],
    note: 'asc puts nulls first',
  },
  {
    doc: `${DOC}sort-operator`,
    query: 'datatable(n:long)[2, long(null), 1] | sort by n desc',
    rows: [[2], [1], ['']],
    note: 'desc puts nulls last',
  },
  { doc: `${DOC}take-operator`, query: 'datatable(n:long)[1, 2, 3] | take 2 | count', rows: [[2]] },
  { doc: `${DOC}top-operator`, query: 'datatable(n:long)[5, 9, 1, 7] | top 2 by n', rows: [[9], [7]] },
  { doc: `${DOC}top-operator`, query: 'datatable(n:long)[5, 9, 1, 7] | top 1 by n asc', rows: [[1]] },
  {
    doc: `${DOC}distinct-operator`,
    query: 'datatable(a:string, b:long)["x",1, "x",1, "y",2] | distinct a, b',
    rows: [
      ['x', 1],
      ['y', 2],
    ],
  },
  { doc: `${DOC}distinct-operator`, query: 'datatable(a:string, b:long)["x",1, "x",2] | distinct a', rows: [['x']] },
  { doc: `${DOC}count-operator`, query: 'datatable(a:long)[1, 2, 3] | count', columns: ['Count'], rows: [[3]] },
  { doc: `${DOC}count-operator`, query: 'datatable(a:long)[] | count', rows: [[0]] },
  {
    doc: `${DOC}union-operator`,
    query: 'let View_1 = view () { print x=1 };\nlet View_2 = view () { print x=toint(2) };\nunion View_1, View_2',
    columns: ['x'],
    rows: [[1], [2]],
    unordered: true,
  },
  {
    doc: `${DOC}union-operator`,
    query: 'union (datatable(a:long)[1]), (datatable(b:string)["x"])',
    columns: ['a', 'b'],
    rows: [
      [1, ''],
      ['', 'x'],
    ],
    unordered: true,
    note: 'outer union: columns of all legs, missing values null',
  },
  { doc: `${DOC}union-operator`, query: 'datatable(a:long)[1] | union (datatable(a:long)[2]) | count', rows: [[2]] },
  {
    doc: `${DOC}union-operator`,
    query: 'union (print a = 1), (print a = "x")',
    columns: ['a_long', 'a_string'],
    rows: [
      [1, ''],
      ['', 'x'],
    ],
    unordered: true,
    note: 'same-named columns of different types become one column per type',
  },
  // --- join flavors (join-operator page's X and Y)
  {
    doc: `${DOC}join-operator`,
    query: `${JOIN_XY} | join Y on Key`,
    columns: ['Key', 'Value1', 'Key1', 'Value2'],
    rows: [
      ['b', 2, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
    ],
    unordered: true,
    note: 'innerunique (the default) keeps one left row per key',
  },
  {
    doc: `${DOC}join-inner`,
    query: `${JOIN_XY} | join kind=inner Y on Key`,
    rows: [
      ['b', 3, 'b', 10],
      ['b', 2, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}join-leftouter`,
    query: `${JOIN_XY} | join kind=leftouter Y on Key`,
    rows: [
      ['a', 1, '', ''],
      ['b', 2, 'b', 10],
      ['b', 3, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}join-rightouter`,
    query: `${JOIN_XY} | join kind=rightouter Y on Key`,
    rows: [
      ['b', 2, 'b', 10],
      ['b', 3, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
      ['', '', 'd', 40],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}join-fullouter`,
    query: `${JOIN_XY} | join kind=fullouter Y on Key`,
    rows: [
      ['a', 1, '', ''],
      ['b', 2, 'b', 10],
      ['b', 3, 'b', 10],
      ['c', 4, 'c', 20],
      ['c', 4, 'c', 30],
      ['', '', 'd', 40],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}join-leftanti`,
    query: `${JOIN_XY} | join kind=leftanti Y on Key`,
    columns: ['Key', 'Value1'],
    rows: [['a', 1]],
  },
  {
    doc: `${DOC}join-rightanti`,
    query: `${JOIN_XY} | join kind=rightanti Y on Key`,
    columns: ['Key', 'Value2'],
    rows: [['d', 40]],
  },
  {
    doc: `${DOC}join-leftsemi`,
    query: `${JOIN_XY} | join kind=leftsemi Y on Key`,
    rows: [
      ['b', 2],
      ['b', 3],
      ['c', 4],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}join-rightsemi`,
    query: `${JOIN_XY} | join kind=rightsemi Y on Key`,
    rows: [
      ['b', 10],
      ['c', 20],
      ['c', 30],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}join-operator`,
    query: `${JOIN_XY} | join kind=inner (Y | project K = Key, Value2) on $left.Key == $right.K | count`,
    rows: [[4]],
  },
  // --- summarize and aggregations
  {
    doc: `${DOC}summarize-operator`,
    query: 'datatable(a:string, b:long)["x",1, "y",2, "x",3] | summarize count() by a',
    columns: ['a', 'count_'],
    rows: [
      ['x', 2],
      ['y', 1],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}summarize-operator`,
    query: 'datatable(a:string)[] | summarize count()',
    rows: [[0]],
    note: 'without by-columns, one row even over no input',
  },
  {
    doc: `${DOC}summarize-operator`,
    query: 'datatable(a:string)[] | summarize count() by a',
    rows: [],
    note: 'with by-columns, no rows over no input',
  },
  {
    doc: `${DOC}count-aggregation-function`,
    query: 'datatable(s:string)["a", "", "b"] | summarize c = count()',
    rows: [[3]],
  },
  {
    doc: `${DOC}countif-aggregation-function`,
    query: 'datatable(Name:string)["Bob", "Alice", "Bobby"] | summarize c = countif(Name startswith "Bob")',
    rows: [[2]],
  },
  {
    doc: `${DOC}dcount-aggregation-function`,
    query: 'datatable(s:string)["a", "b", "a", "c"] | summarize d = dcount(s)',
    rows: [[3]],
    note: 'exact here (the engine estimates; equal for small cardinalities)',
  },
  { doc: `${DOC}sum-aggregation-function`, query: 'datatable(n:long)[1, 2, 3] | summarize s = sum(n)', rows: [[6]] },
  {
    doc: `${DOC}sumif-aggregation-function`,
    query: 'datatable(n:long)[1, 2, 3] | summarize s = sumif(n, n > 1)',
    rows: [[5]],
  },
  {
    doc: `${DOC}avg-aggregation-function`,
    query: 'datatable(n:long)[1, 2, 3, 4] | summarize a = avg(n)',
    rows: [[2.5]],
  },
  {
    doc: `${DOC}min-aggregation-function`,
    query: 'datatable(d:datetime)[datetime(2020-01-02), datetime(2020-01-01)] | summarize m = min(d)',
    rows: [['2020-01-01T00:00:00Z']],
  },
  {
    doc: `${DOC}max-aggregation-function`,
    query: 'datatable(s:string, n:long)["a",1, "a",5, "b",2] | summarize m = max(n) by s',
    rows: [
      ['a', 5],
      ['b', 2],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}maxif-aggregation-function`,
    query: 'datatable(n:long, ok:bool)[5,false, 3,true, 1,true] | summarize m = maxif(n, ok)',
    rows: [[3]],
  },
  {
    doc: `${DOC}minif-aggregation-function`,
    query: 'datatable(n:long, ok:bool)[5,true, 3,false, 4,true] | summarize m = minif(n, ok)',
    rows: [[4]],
  },
  {
    doc: `${DOC}take-any-aggregation-function`,
    query: 'datatable(s:string, n:long)["a",1] | summarize t = take_any(n) by s',
    rows: [['a', 1]],
  },
  {
    doc: `${DOC}make-set-aggregation-function`,
    query: 'datatable(s:string)["a", "b", "a"] | summarize states = make_set(s)',
    rows: [['["a","b"]']],
  },
  {
    doc: `${DOC}make-set-aggregation-function`,
    query:
      "datatable (Val: int, Arr1: dynamic)[1, dynamic(['A1', 'A2', 'A3']), 5, dynamic(['A2', 'C1']), 7, dynamic(['C2', 'A3']), 5, dynamic(['C2', 'A1'])]\n| summarize Val_set = make_set(Val), Arr1_set = make_set(Arr1)",
    rows: [['[1,5,7]', '["A1","A2","A3","C1","C2"]']],
    note: 'an array input is flattened into the set',
  },
  {
    doc: `${DOC}make-set-aggregation-function`,
    query: 'datatable(s:string)["a", "b", "c"] | summarize m = make_set(s, 2)',
    rows: [['["a","b"]']],
  },
  {
    doc: `${DOC}make-set-if-aggregation-function`,
    query: 'datatable(s:string, n:long)["a",1, "b",2, "a",3] | summarize m = make_set_if(s, n > 1)',
    rows: [['["b","a"]']],
  },
  {
    doc: `${DOC}make-list-aggregation-function`,
    query: 'datatable(s:string)["a", "b", "a"] | summarize l = make_list(s)',
    rows: [['["a","b","a"]']],
  },
  {
    doc: `${DOC}make-list-aggregation-function`,
    query: 'datatable(s:string)["a", "b"] | summarize l = make_list(s) by k = 1',
    columns: ['k', 'l'],
    rows: [[1, '["a","b"]']],
  },
  {
    doc: `${DOC}arg-max-aggregation-function`,
    query:
      'datatable(State:string, Time:datetime, Event:string)["TX",datetime(2020-01-01),"a", "TX",datetime(2020-01-03),"b", "OK",datetime(2020-01-02),"c"]\n| summarize arg_max(Time, Event) by State',
    columns: ['State', 'Time', 'Event'],
    rows: [
      ['TX', '2020-01-03T00:00:00Z', 'b'],
      ['OK', '2020-01-02T00:00:00Z', 'c'],
    ],
    unordered: true,
  },
  {
    doc: `${DOC}arg-max-aggregation-function`,
    query:
      'datatable(State:string, Time:datetime, Event:string)["TX",datetime(2020-01-01),"a", "TX",datetime(2020-01-03),"b"]\n| summarize arg_max(Time, *) by State',
    columns: ['State', 'Time', 'Event'],
    rows: [['TX', '2020-01-03T00:00:00Z', 'b']],
  },
  {
    doc: `${DOC}arg-min-aggregation-function`,
    query:
      'datatable(State:string, Time:datetime, Event:string)["TX",datetime(2020-01-01),"a", "TX",datetime(2020-01-03),"b"]\n| summarize arg_min(Time, Event) by State',
    rows: [['TX', '2020-01-01T00:00:00Z', 'a']],
  },
  // --- mv-expand (mv-expand-operator page examples)
  {
    doc: `${DOC}mv-expand-operator`,
    query: "datatable (a: int, b: dynamic)[1, dynamic([10, 20]), 2, dynamic(['a', 'b'])]\n| mv-expand b",
    rows: [
      [1, 10],
      [1, 20],
      [2, 'a'],
      [2, 'b'],
    ],
  },
  {
    doc: `${DOC}mv-expand-operator`,
    query:
      'datatable (a: int, b: dynamic)[1, dynamic({"prop1": "a1", "prop2": "b1"}), 2, dynamic({"prop1": "a2", "prop2": "b2"})]\n| mv-expand b',
    rows: [
      [1, '{"prop1":"a1"}'],
      [1, '{"prop2":"b1"}'],
      [2, '{"prop1":"a2"}'],
      [2, '{"prop2":"b2"}'],
    ],
  },
  {
    doc: `${DOC}mv-expand-operator`,
    query:
      'datatable (a: int, b: dynamic, c: dynamic)[1, dynamic({"prop1": "a", "prop2": "b"}), dynamic([5, 4, 3])]\n| mv-expand b, c',
    rows: [
      [1, '{"prop1":"a"}', 5],
      [1, '{"prop2":"b"}', 4],
      [1, '', 3],
    ],
  },
  {
    doc: `${DOC}mv-expand-operator`,
    query:
      'datatable (a: string, b: dynamic)["Constant", dynamic([1, 2, 3, 4])]\n| mv-expand b to typeof(long)\n| extend c = b * 2',
    rows: [
      ['Constant', 1, 2],
      ['Constant', 2, 4],
      ['Constant', 3, 6],
      ['Constant', 4, 8],
    ],
  },
  {
    doc: `${DOC}mv-expand-operator`,
    query: 'datatable (a: int, b: dynamic)[1, dynamic([]), 2, dynamic(null), 3, dynamic([7])]\n| mv-expand b',
    rows: [
      [2, ''],
      [3, 7],
    ],
    note: 'an empty array yields no row, a null one row',
  },
  {
    doc: `${DOC}mv-expand-operator`,
    query: 'print x = dynamic(["a", "b"])\n| mv-expand y = x to typeof(string)',
    columns: ['x', 'y'],
    rows: [
      ['["a","b"]', 'a'],
      ['["a","b"]', 'b'],
    ],
  },
  {
    doc: `${DOC}mv-expand-operator`,
    query: 'print x = dynamic([1, "two"]) | mv-expand x to typeof(long)',
    rows: [[1], ['']],
    note: 'items that are not of the declared type become null (a cast, not a parse)',
  },
  // --- mv-apply (mv-apply-operator page examples; the page builds _data with range and make_list)
  {
    doc: `${DOC}mv-apply-operator`,
    query:
      'let _data = datatable(xMod2:long, l:dynamic)[1, dynamic([1, 3, 5, 7]), 0, dynamic([2, 4, 6, 8])];\n_data\n| mv-apply element=l to typeof(long) on (top 2 by element)',
    columns: ['xMod2', 'l', 'element'],
    rows: [
      [1, '[1,3,5,7]', 7],
      [1, '[1,3,5,7]', 5],
      [0, '[2,4,6,8]', 8],
      [0, '[2,4,6,8]', 6],
    ],
  },
  {
    doc: `${DOC}mv-apply-operator`,
    query:
      'let _data = datatable(xMod2:long, l:dynamic)[1, dynamic([1, 3, 5, 7]), 0, dynamic([2, 4, 6, 8])];\n_data\n| mv-apply l to typeof(long) on (top 2 by l | summarize SumOfTop2=sum(l))',
    columns: ['xMod2', 'SumOfTop2'],
    rows: [
      [1, 12],
      [0, 14],
    ],
  },
  {
    doc: `${DOC}mv-apply-operator`,
    query:
      'datatable(id:long, arr:dynamic)[1, dynamic([1, 2]), 2, dynamic([5])]\n| mv-apply v = arr to typeof(long) on (where v > 1)',
    columns: ['id', 'arr', 'v'],
    rows: [
      [1, '[1,2]', 2],
      [2, '[5]', 5],
    ],
  },
  {
    doc: `${DOC}mv-apply-operator`,
    query:
      'datatable(id:long, arr:dynamic)[1, dynamic([1, 2]), 2, dynamic([])]\n| mv-apply v = arr on (summarize n = count())',
    columns: ['id', 'arr', 'n'],
    rows: [
      [1, '[1,2]', 2],
      [2, '[]', 0],
    ],
    note: 'a summarize subquery yields one row even for an empty array',
  },
];

describe('conformance with the Kusto documentation examples', () => {
  it('holds at least 150 cases, each citing its documentation page', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
    expect(CASES.filter((c) => !c.doc.startsWith('https://learn.microsoft.com/kusto/query/'))).toEqual([]);
  });

  it.each(
    CASES.map((c, i) => [`${i + 1} ${c.doc.replace(DOC, '')}: ${c.query.split('\n').pop()!.slice(0, 80)}`, c] as const),
  )('%s', (_name, c) => {
    const t = run(c.query);
    if (c.columns) expect(t.columns.map((x) => x.name)).toEqual(c.columns);
    const got = cells(t);
    const want = norm(c.rows);
    if (c.unordered) expect(sorted(got)).toEqual(sorted(want));
    else expect(got).toEqual(want);
  });
});

// --------------------------------------------------------------------------------------------- property tests

/** Random small tables: a string key from a small alphabet (collisions), a nullable long, a dynamic array. */
const rowArb = fc.record({
  k: fc.constantFrom('a', 'b', 'c', 'A', ''),
  n: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
  arr: fc.option(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), { nil: null }),
});
type R = { k: string; n: number | null; arr: number[] | null };
const lit = (r: R) =>
  `${JSON.stringify(r.k)}, ${r.n === null ? 'long(null)' : `long(${r.n})`}, ${r.arr === null ? 'dynamic(null)' : `dynamic(${JSON.stringify(r.arr)})`}`;
const dt = (name: string, rows: R[]) =>
  `let ${name} = datatable(k:string, n:long, arr:dynamic)[${rows.map(lit).join(', ')}];`;

describe('property tests against a plain reference implementation (fixed seed)', () => {
  it('summarize count(), countif, sum, min, max, make_set by k', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 12 }), (rows) => {
        const t = run(
          `${dt('T', rows)}\nT | summarize c = count(), p = countif(n > 0), s = sum(n), lo = min(n), hi = max(n), ks = make_set(n) by k`,
        );
        const ref = new Map<string, R[]>();
        for (const r of rows) ref.set(r.k, [...(ref.get(r.k) ?? []), r]);
        const want = [...ref.entries()].map(([k, rs]) => {
          const ns = rs.map((r) => r.n).filter((x): x is number => x !== null);
          return [
            k,
            String(rs.length),
            String(ns.filter((x) => x > 0).length),
            ns.length ? String(ns.reduce((a, b) => a + b, 0)) : '',
            ns.length ? String(Math.min(...ns)) : '',
            ns.length ? String(Math.max(...ns)) : '',
            JSON.stringify([...new Set(ns)]),
          ];
        });
        expect(sorted(cells(t))).toEqual(sorted(want));
      }),
      { numRuns: 60 },
    );
  });

  it.each(['inner', 'leftouter', 'leftanti', 'leftsemi', 'rightanti', 'fullouter'])('join kind=%s on k', (kind) => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 8 }), fc.array(rowArb, { maxLength: 8 }), (left, right) => {
        const t = run(
          `${dt('L', left)}\n${dt('R', right)}\nL | project k, n | join kind=${kind} (R | project k, m = n) on k`,
        );
        const show = (v: number | null) => (v === null ? '' : String(v));
        const want: string[][] = [];
        const matched = new Set<number>();
        for (const l of left) {
          const hits = right.map((r, i) => [r, i] as const).filter(([r]) => r.k === l.k);
          if (kind === 'leftanti') {
            if (!hits.length) want.push([l.k, show(l.n)]);
          } else if (kind === 'leftsemi') {
            if (hits.length) want.push([l.k, show(l.n)]);
          } else if (kind !== 'rightanti') {
            for (const [r, i] of hits) (matched.add(i), want.push([l.k, show(l.n), r.k, show(r.n)]));
            if (!hits.length && (kind === 'leftouter' || kind === 'fullouter')) want.push([l.k, show(l.n), '', '']);
          }
        }
        if (kind === 'rightanti')
          for (const r of right) if (!left.some((l) => l.k === r.k)) want.push([r.k, show(r.n)]);
        if (kind === 'fullouter') right.forEach((r, i) => !matched.has(i) && want.push(['', '', r.k, show(r.n)]));
        expect(sorted(cells(t))).toEqual(sorted(want));
      }),
      { numRuns: 40 },
    );
  });

  it('mv-expand of a dynamic array (empty: no row; null: one row)', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 8 }), (rows) => {
        const t = run(`${dt('T', rows)}\nT | mv-expand arr to typeof(long) | project k, n, arr`);
        const want = rows.flatMap((r) =>
          r.arr === null
            ? [[r.k, r.n === null ? '' : String(r.n), '']]
            : r.arr.map((x) => [r.k, r.n === null ? '' : String(r.n), String(x)]),
        );
        expect(cells(t)).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it('mv-apply with summarize is summarize per row', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 8 }), (rows) => {
        const t = run(
          `${dt('T', rows)}\nT | mv-apply x = arr to typeof(long) on (summarize total = sum(x), c = count()) | project k, total, c`,
        );
        const want = rows.map((r) => {
          const xs = r.arr ?? [null];
          const nums = xs.filter((x): x is number => x !== null);
          return [
            r.k,
            nums.length ? String(nums.reduce((a, b) => a + b, 0)) : '',
            String(r.arr === null ? 1 : r.arr.length),
          ];
        });
        expect(cells(t)).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });
});

describe('refusals: outside the offline scope, never guessed', () => {
  it.each([
    ['range x from 1 to 3 step 1', 'range'],
    ['print series_fir(dynamic([1,2,3]), dynamic([1]))', 'series_fir()'],
    ['datatable(a:long)[1] | lookup (datatable(a:long, b:long)[1, 2]) on a', 'lookup'],
    ['datatable(a:string)["x"] | parse a with "x" b', 'parse'],
    ['datatable(a:string)["x"] | where a matches regex "x"', 'MatchesRegex'],
    ['datatable(a:long)[1] | make-series count() on a step 1', 'make-series'],
    ["print datetime_diff('nanosecond', now(), now())", "datetime_diff('nanosecond', ...)"],
  ])('%s', (query, what: string) => {
    const q = compileQuery(query, defaultAnalyzer());
    const errors = [...q.unsupported.map((e) => e.message)];
    if (!errors.length) {
      try {
        evaluate(q, { tables: {}, now: NOW });
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    expect(errors.join('\n')).toMatch(
      new RegExp(`not supported offline: .*${what.replace(/[()]/g, '\\$&')}.* at \\d+:\\d+ \\(run btg test --live\\)`),
    );
  });
});
