// ---
// id: generic.fan_out
// version: 1
// title: {zh: 一对多分散转出, en: Fan-out (one account to many receivers)}
// description: >
//   An account sends transfers to at least min_receivers distinct accounts within a
//   sliding window of window_ms, totalling at least min_total (分散转移、化整为零).
//   The window starting at each outgoing transfer is tried; the one with most receivers
//   (then largest total, then earliest start) is reported.
//   Performance: only accounts with at least min_receivers outgoing transfers (the store's
//   degree: COUNT {} here, outdegree() in the .falkordb.cypher sibling, which differs only
//   there) are read; each one's transfers are sorted by time once, a window is only
//   evaluated from a start whose min_receivers-th transfer is still inside it, and its end
//   is found by binary search.
// legal_basis: [刑法 191 洗钱罪, 刑法 312 掩饰、隐瞒犯罪所得罪]
// params:
//   window_ms: {type: int, default: 86400000, min: 1}
//   min_receivers: {type: int, default: 5, min: 2}
//   min_amount: {type: float, default: 0, min: 0, description: only transfers of at least this amount count}
//   min_total: {type: float, default_from: thresholds.large_transfer_individual_cny, min: 0}
// returns: [account, receivers, total_amount, window_start, members]
// backends: [neo4j, falkordb]
// tags: [aml, fan-out, dispersal]
// members: members
// score: total_amount
// explain_zh: "账户 {account} 在一个时间窗口内向 {receivers} 个不同账户转出，合计 {total_amount} 元。"
// ---
MATCH (a:BankAccount)
WHERE outdegree(a, 'TRANSFERRED_TO') >= $min_receivers
MATCH (a)-[t:TRANSFERRED_TO]->(d:BankAccount)
WHERE t.amount >= $min_amount AND t.ts IS NOT NULL
WITH a, t.ts AS ts, CASE WHEN d <> a THEN d.uid END AS other, t.amount AS amt
ORDER BY ts
WITH a, collect([ts, other, amt]) AS xs
WITH a, xs, [i IN range(0, size(xs) - $min_receivers) WHERE (i = 0 OR xs[i - 1][0] < xs[i][0])
                AND xs[i + $min_receivers - 1][0] <= xs[i][0] + $window_ms] AS starts
UNWIND starts AS i
WITH a, xs, i, reduce(b = [i, size(xs)], k IN range(1, 40) |
       CASE WHEN b[0] >= b[1] THEN b
            WHEN xs[(b[0] + b[1]) / 2][0] <= xs[i][0] + $window_ms THEN [(b[0] + b[1]) / 2 + 1, b[1]]
            ELSE [b[0], (b[0] + b[1]) / 2] END)[0] AS e
UNWIND range(i, e - 1) AS j
WITH a, xs[i][0] AS start, xs[j] AS x
WHERE x[1] IS NOT NULL
WITH a, start, x[1] AS dst, sum(x[2]) AS amt
ORDER BY dst
WITH a, start, count(dst) AS receivers, sum(amt) AS total, collect(dst) AS dsts
WHERE receivers >= $min_receivers AND total >= $min_total
WITH a, receivers, total, start, dsts
ORDER BY receivers DESC, total DESC, start ASC
WITH a, collect([receivers, total, start, dsts])[0] AS best
RETURN a.uid AS account, best[0] AS receivers, toInteger(round(best[1])) AS total_amount, best[2] AS window_start,
       [a.uid] + best[3] AS members
