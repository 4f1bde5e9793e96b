// ---
// id: generic.circular_transfer
// version: 1
// title: {zh: 时间递增的循环转账, en: Time-ordered circular transfer}
// description: >
//   Money goes round a cycle of 3 or 4 distinct accounts and comes back, each transfer
//   later than the previous one (timestamps strictly ascending around the cycle, starting
//   anywhere), the whole loop within a time window. One row per cycle of accounts,
//   written from its smallest account uid; all edge combinations are aggregated.
// legal_basis: [刑法 191 洗钱罪, 刑法 205 虚开增值税专用发票罪（资金回流）, 刑法 307-1 虚假诉讼罪（资金闭环）]
// params:
//   window_ms: {type: int, default: 2592000000, min: 1, description: max time between first and last transfer (ms)}
//   min_amount: {type: float, default: 0, min: 0, description: each transfer at least this amount}
// returns: [accounts, hops, cycles, max_cycle_amount, span_ms, members]
// backends: [neo4j, falkordb]
// tags: [aml, cycle, money-loop]
// members: members
// score: max_cycle_amount
// explain_zh: "资金在 {hops} 个账户间按时间顺序循环流转并回到起点（{accounts}），共 {cycles} 组转账，单圈最高金额 {max_cycle_amount} 元，最短历时 {span_ms} 毫秒。"
// ---
MATCH (a:BankAccount)-[r1:TRANSFERRED_TO]->(b:BankAccount)-[r2:TRANSFERRED_TO]->(c:BankAccount)-[r3:TRANSFERRED_TO]->(a)
WHERE a.uid < b.uid AND a.uid < c.uid AND b <> c AND r1 <> r2 AND r2 <> r3 AND r1 <> r3
  AND r1.amount >= $min_amount AND r2.amount >= $min_amount AND r3.amount >= $min_amount
  AND ((r1.ts < r2.ts AND r2.ts < r3.ts) OR (r2.ts < r3.ts AND r3.ts < r1.ts) OR (r3.ts < r1.ts AND r1.ts < r2.ts))
WITH a, b, c, r1.amount + r2.amount + r3.amount AS amount,
     reduce(hi = r1.ts, x IN [r2.ts, r3.ts] | CASE WHEN x > hi THEN x ELSE hi END)
     - reduce(lo = r1.ts, x IN [r2.ts, r3.ts] | CASE WHEN x < lo THEN x ELSE lo END) AS span
WHERE span <= $window_ms
WITH a, b, c, count(*) AS cycles, max(amount) AS best, min(span) AS span_ms
RETURN [a.uid, b.uid, c.uid] AS accounts, 3 AS hops, cycles, toInteger(round(best)) AS max_cycle_amount, span_ms,
       [a.uid, b.uid, c.uid] AS members
UNION ALL
MATCH (a:BankAccount)-[r1:TRANSFERRED_TO]->(b:BankAccount)-[r2:TRANSFERRED_TO]->(c:BankAccount)-[r3:TRANSFERRED_TO]->(d:BankAccount)-[r4:TRANSFERRED_TO]->(a)
WHERE a.uid < b.uid AND a.uid < c.uid AND a.uid < d.uid AND b <> c AND b <> d AND c <> d
  AND r1 <> r2 AND r1 <> r3 AND r1 <> r4 AND r2 <> r3 AND r2 <> r4 AND r3 <> r4
  AND r1.amount >= $min_amount AND r2.amount >= $min_amount AND r3.amount >= $min_amount AND r4.amount >= $min_amount
  AND ((r1.ts < r2.ts AND r2.ts < r3.ts AND r3.ts < r4.ts) OR (r2.ts < r3.ts AND r3.ts < r4.ts AND r4.ts < r1.ts)
    OR (r3.ts < r4.ts AND r4.ts < r1.ts AND r1.ts < r2.ts) OR (r4.ts < r1.ts AND r1.ts < r2.ts AND r2.ts < r3.ts))
WITH a, b, c, d, r1.amount + r2.amount + r3.amount + r4.amount AS amount,
     reduce(hi = r1.ts, x IN [r2.ts, r3.ts, r4.ts] | CASE WHEN x > hi THEN x ELSE hi END)
     - reduce(lo = r1.ts, x IN [r2.ts, r3.ts, r4.ts] | CASE WHEN x < lo THEN x ELSE lo END) AS span
WHERE span <= $window_ms
WITH a, b, c, d, count(*) AS cycles, max(amount) AS best, min(span) AS span_ms
RETURN [a.uid, b.uid, c.uid, d.uid] AS accounts, 4 AS hops, cycles, toInteger(round(best)) AS max_cycle_amount, span_ms,
       [a.uid, b.uid, c.uid, d.uid] AS members
