/** What was written, in plain words: "11 analytics rules, 3 hunting queries, 1 workbook, …". */
export function describeCounts(kinds: readonly string[]): string {
  const n = (k: string) => kinds.filter((x) => x === k).length;
  const parts: [number, string, string][] = [
    [n('rule-yaml'), 'analytics rule', 'analytics rules'],
    [n('hunting-yaml'), 'hunting query', 'hunting queries'],
    [n('workbook-json'), 'workbook', 'workbooks'],
    [n('playbook-arm'), 'playbook', 'playbooks'],
    [n('automation-arm'), 'automation rule', 'automation rules'],
    [n('monitor-arm'), 'Azure Monitor alert', 'Azure Monitor alerts'],
    [n('watchlist-csv'), 'watchlist', 'watchlists'],
    [n('routine'), 'routine', 'routines'],
  ];
  return parts
    .filter(([c]) => c > 0)
    .map(([c, one, many]) => `${c} ${c === 1 ? one : many}`)
    .join(', ');
}
