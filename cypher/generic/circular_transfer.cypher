// ---
// id: generic.circular_transfer
// version: 2
// title: {zh: 时间递增的循环转账, en: Time-ordered circular transfer}
// description: >
//   Money goes round a cycle of 3 or 4 distinct accounts and comes back, each transfer
//   later than the previous one (timestamps strictly ascending around the cycle, starting
//   anywhere), the whole loop within a time window. One row per cycle of accounts,
//   written from its smallest account uid; all edge combinations are aggregated.
//   Enumerated from each cycle's earliest transfer forward, each next transfer later than
//   the previous and within the window of the first, the 3- and 4-account cycles sharing
//   their first two hops, so only time-feasible prefixes are expanded.
//   With any_order (default false) the order of the timestamps is ignored and cycles of
//   3 to 5 accounts are matched on account pairs (the first transfers of the hops within
//   window_ms; cycles = edge combinations, max_cycle_amount = sum of each hop's largest
//   transfer): for sources that do not keep the hops in time order, such as simulators
//   that schedule each hop at a random step. min_split_hops (default 0; used with
//   any_order only) asks that at least that many hops carry two or more transfers (拆分:
//   one payment split into several, to stay under thresholds); the enumeration then
//   starts from such a hop, which keeps it tractable on large graphs. AMLSim parameter set (bench/amlsim.py,
//   AMLSim-specific, not the default): any_order true, min_split_hops 1, window_ms 150
//   days (the whole run).
// legal_basis: [刑法 191 洗钱罪, 刑法 205 虚开增值税专用发票罪（资金回流）, 刑法 307-1 虚假诉讼罪（资金闭环）]
// params:
//   window_ms: {type: int, default: 2592000000, min: 1, description: max time between first and last transfer (ms)}
//   min_amount: {type: float, default: 0, min: 0, description: each transfer at least this amount}
//   any_order: {type: bool, default: false, description: ignore the order of timestamps (pair-level cycles of 3-5 accounts)}
//   min_split_hops: {type: int, default: 0, min: 0, max: 5, description: "with any_order: hops carrying two or more transfers"}
// returns: [accounts, hops, cycles, max_cycle_amount, span_ms, members]
// backends: [neo4j, falkordb]
// tags: [aml, cycle, money-loop]
// members: members
// score: max_cycle_amount
// explain_zh: "资金在 {hops} 个账户间循环流转并回到起点（{accounts}），共 {cycles} 组转账，单圈最高金额 {max_cycle_amount} 元，最短历时 {span_ms} 毫秒。"
// ---
WITH $any_order AS any_order
WHERE NOT any_order
MATCH (a:BankAccount)-[r1:TRANSFERRED_TO]->(b:BankAccount)
WHERE a <> b AND r1.amount >= $min_amount
WITH a, b, r1.ts AS t1, r1.amount AS m1
MATCH (b)-[r2:TRANSFERRED_TO]->(c:BankAccount)
WHERE r2.ts > t1 AND r2.ts <= t1 + $window_ms AND r2.amount >= $min_amount AND c <> a AND c <> b
WITH a, b, c, t1, m1, r2.ts AS t2, r2.amount AS m2
MATCH (c)-[r3:TRANSFERRED_TO]->(d:BankAccount)
WHERE r3.ts > t2 AND r3.ts <= t1 + $window_ms AND r3.amount >= $min_amount AND d <> b AND d <> c
WITH a, b, c, d, t1, m1, m2, r3.ts AS t3, r3.amount AS m3
OPTIONAL MATCH (d)-[r4:TRANSFERRED_TO]->(a)
WHERE d <> a AND r4.ts > t3 AND r4.ts <= t1 + $window_ms AND r4.amount >= $min_amount
WITH a, b, c, d, t1, m1, m2, t3, m3, r4
WHERE d = a OR r4 IS NOT NULL
WITH CASE WHEN d = a THEN [a.uid, b.uid, c.uid] ELSE [a.uid, b.uid, c.uid, d.uid] END AS us,
     CASE WHEN d = a THEN [m1, m2, m3] ELSE [m1, m2, m3, r4.amount] END AS ms,
     CASE WHEN d = a THEN t3 - t1 ELSE r4.ts - t1 END AS span
WITH us, ms, span, reduce(m = us[0], x IN us | CASE WHEN x < m THEN x ELSE m END) AS mn
WITH us, ms, span, head([i IN range(0, size(us) - 1) WHERE us[i] = mn]) AS k
WITH us[k..] + us[..k] AS accounts, ms[k..] + ms[..k] AS ms, span
WITH accounts, CASE WHEN size(ms) = 3 THEN ms[0] + ms[1] + ms[2] ELSE ms[0] + ms[1] + ms[2] + ms[3] END AS amount, span
WITH accounts, count(*) AS cycles, max(amount) AS best, min(span) AS span_ms
RETURN accounts, size(accounts) AS hops, cycles, toInteger(round(best)) AS max_cycle_amount, span_ms,
       accounts AS members
UNION ALL
WITH $any_order AS any_order
WHERE any_order
MATCH (a:BankAccount)-[r1:TRANSFERRED_TO]->(b:BankAccount)
WHERE a <> b AND r1.amount >= $min_amount
WITH a, b, count(r1) AS n1, min(r1.ts) AS f1, max(r1.amount) AS m1
WHERE n1 >= CASE WHEN $min_split_hops > 0 THEN 2 ELSE 1 END
MATCH (b)-[r2:TRANSFERRED_TO]->(c:BankAccount)
WHERE c <> a AND c <> b AND r2.amount >= $min_amount
WITH a, b, c, n1, f1, m1, count(r2) AS n2, min(r2.ts) AS f2, max(r2.amount) AS m2
MATCH (c)-[r3:TRANSFERRED_TO]->(a)
WHERE r3.amount >= $min_amount
WITH a, b, c, n1, f1, m1, n2, f2, m2, count(r3) AS n3, min(r3.ts) AS f3, max(r3.amount) AS m3
WITH [a.uid, b.uid, c.uid] AS us, [n1, n2, n3] AS ns, [f1, f2, f3] AS fs, [m1, m2, m3] AS ms
WITH us, ns, fs, ms, reduce(m = us[0], x IN us | CASE WHEN x < m THEN x ELSE m END) AS mn
WITH us, ns, fs, ms, head([i IN range(0, size(us) - 1) WHERE us[i] = mn]) AS k,
     reduce(hi = fs[0], x IN fs | CASE WHEN x > hi THEN x ELSE hi END)
     - reduce(lo = fs[0], x IN fs | CASE WHEN x < lo THEN x ELSE lo END) AS span
WHERE span <= $window_ms AND size([n IN ns WHERE n >= 2]) >= $min_split_hops
WITH us[k..] + us[..k] AS accounts, reduce(p = 1, n IN ns | p * n) AS combos, reduce(t = 0.0, m IN ms | t + m) AS amount,
     span
WITH accounts, max(combos) AS cycles, max(amount) AS best, min(span) AS span_ms
RETURN accounts, size(accounts) AS hops, cycles, toInteger(round(best)) AS max_cycle_amount, span_ms,
       accounts AS members
UNION ALL
WITH $any_order AS any_order
WHERE any_order
MATCH (a:BankAccount)-[r1:TRANSFERRED_TO]->(b:BankAccount)
WHERE a <> b AND r1.amount >= $min_amount
WITH a, b, count(r1) AS n1, min(r1.ts) AS f1, max(r1.amount) AS m1
WHERE n1 >= CASE WHEN $min_split_hops > 0 THEN 2 ELSE 1 END
MATCH (b)-[r2:TRANSFERRED_TO]->(c:BankAccount)
WHERE c <> a AND c <> b AND r2.amount >= $min_amount
WITH a, b, c, n1, f1, m1, count(r2) AS n2, min(r2.ts) AS f2, max(r2.amount) AS m2
MATCH (c)-[r3:TRANSFERRED_TO]->(d:BankAccount)
WHERE d <> a AND d <> b AND d <> c AND r3.amount >= $min_amount
WITH a, b, c, d, n1, f1, m1, n2, f2, m2, count(r3) AS n3, min(r3.ts) AS f3, max(r3.amount) AS m3
MATCH (d)-[r4:TRANSFERRED_TO]->(a)
WHERE r4.amount >= $min_amount
WITH a, b, c, d, n1, f1, m1, n2, f2, m2, n3, f3, m3, count(r4) AS n4, min(r4.ts) AS f4, max(r4.amount) AS m4
WITH [a.uid, b.uid, c.uid, d.uid] AS us, [n1, n2, n3, n4] AS ns, [f1, f2, f3, f4] AS fs, [m1, m2, m3, m4] AS ms
WITH us, ns, fs, ms, reduce(m = us[0], x IN us | CASE WHEN x < m THEN x ELSE m END) AS mn
WITH us, ns, fs, ms, head([i IN range(0, size(us) - 1) WHERE us[i] = mn]) AS k,
     reduce(hi = fs[0], x IN fs | CASE WHEN x > hi THEN x ELSE hi END)
     - reduce(lo = fs[0], x IN fs | CASE WHEN x < lo THEN x ELSE lo END) AS span
WHERE span <= $window_ms AND size([n IN ns WHERE n >= 2]) >= $min_split_hops
WITH us[k..] + us[..k] AS accounts, reduce(p = 1, n IN ns | p * n) AS combos, reduce(t = 0.0, m IN ms | t + m) AS amount,
     span
WITH accounts, max(combos) AS cycles, max(amount) AS best, min(span) AS span_ms
RETURN accounts, size(accounts) AS hops, cycles, toInteger(round(best)) AS max_cycle_amount, span_ms,
       accounts AS members
UNION ALL
WITH $any_order AS any_order
WHERE any_order
MATCH (a:BankAccount)-[r1:TRANSFERRED_TO]->(b:BankAccount)
WHERE a <> b AND r1.amount >= $min_amount
WITH a, b, count(r1) AS n1, min(r1.ts) AS f1, max(r1.amount) AS m1
WHERE n1 >= CASE WHEN $min_split_hops > 0 THEN 2 ELSE 1 END
MATCH (b)-[r2:TRANSFERRED_TO]->(c:BankAccount)
WHERE c <> a AND c <> b AND r2.amount >= $min_amount
WITH a, b, c, n1, f1, m1, count(r2) AS n2, min(r2.ts) AS f2, max(r2.amount) AS m2
MATCH (c)-[r3:TRANSFERRED_TO]->(d:BankAccount)
WHERE d <> a AND d <> b AND d <> c AND r3.amount >= $min_amount
WITH a, b, c, d, n1, f1, m1, n2, f2, m2, count(r3) AS n3, min(r3.ts) AS f3, max(r3.amount) AS m3
MATCH (d)-[r4:TRANSFERRED_TO]->(e:BankAccount)
WHERE e <> a AND e <> b AND e <> c AND e <> d AND r4.amount >= $min_amount
WITH a, b, c, d, e, n1, f1, m1, n2, f2, m2, n3, f3, m3, count(r4) AS n4, min(r4.ts) AS f4, max(r4.amount) AS m4
MATCH (e)-[r5:TRANSFERRED_TO]->(a)
WHERE r5.amount >= $min_amount
WITH a, b, c, d, e, n1, f1, m1, n2, f2, m2, n3, f3, m3, n4, f4, m4, count(r5) AS n5, min(r5.ts) AS f5,
     max(r5.amount) AS m5
WITH [a.uid, b.uid, c.uid, d.uid, e.uid] AS us, [n1, n2, n3, n4, n5] AS ns, [f1, f2, f3, f4, f5] AS fs,
     [m1, m2, m3, m4, m5] AS ms
WITH us, ns, fs, ms, reduce(m = us[0], x IN us | CASE WHEN x < m THEN x ELSE m END) AS mn
WITH us, ns, fs, ms, head([i IN range(0, size(us) - 1) WHERE us[i] = mn]) AS k,
     reduce(hi = fs[0], x IN fs | CASE WHEN x > hi THEN x ELSE hi END)
     - reduce(lo = fs[0], x IN fs | CASE WHEN x < lo THEN x ELSE lo END) AS span
WHERE span <= $window_ms AND size([n IN ns WHERE n >= 2]) >= $min_split_hops
WITH us[k..] + us[..k] AS accounts, reduce(p = 1, n IN ns | p * n) AS combos, reduce(t = 0.0, m IN ms | t + m) AS amount,
     span
WITH accounts, max(combos) AS cycles, max(amount) AS best, min(span) AS span_ms
RETURN accounts, size(accounts) AS hops, cycles, toInteger(round(best)) AS max_cycle_amount, span_ms,
       accounts AS members
