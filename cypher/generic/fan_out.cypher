// ---
// id: generic.fan_out
// version: 1
// title: {zh: 一对多分散转出, en: Fan-out (one account to many receivers)}
// description: >
//   An account sends transfers to at least min_receivers distinct accounts within a
//   sliding window of window_ms, totalling at least min_total (分散转移、化整为零).
//   The window starting at each outgoing transfer is tried; the one with most receivers
//   (then largest total, then earliest start) is reported.
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
MATCH (a:BankAccount)-[t0:TRANSFERRED_TO]->(:BankAccount)
WHERE t0.amount >= $min_amount
MATCH (a)-[t:TRANSFERRED_TO]->(d:BankAccount)
WHERE d <> a AND t.amount >= $min_amount AND t.ts >= t0.ts AND t.ts <= t0.ts + $window_ms
WITH a, t0, d, sum(t.amount) AS amt
ORDER BY d.uid
WITH a, t0, count(d) AS receivers, sum(amt) AS total, collect(d.uid) AS dsts
WHERE receivers >= $min_receivers AND total >= $min_total
WITH a, receivers, total, t0.ts AS start, dsts
ORDER BY receivers DESC, total DESC, start ASC
WITH a, collect([receivers, total, start, dsts])[0] AS best
RETURN a.uid AS account, best[0] AS receivers, toInteger(round(best[1])) AS total_amount, best[2] AS window_start,
       [a.uid] + best[3] AS members
