// ---
// id: generic.long_circular_transfer
// version: 1
// title: {zh: 时间递增的长链循环转账（5-6 个账户）, en: Long time-ordered circular transfer (5-6 accounts)}
// description: >
//   Money goes round a cycle of 5 to max_len (<= 6) distinct accounts and comes back,
//   each transfer strictly later than the previous one starting from the cycle's
//   earliest transfer, the whole loop (first to last transfer) within window_ms, every
//   transfer at least min_amount. Enumerated from the earliest transfer hop by hop, each
//   next transfer later than the previous and within the window of the first, so only
//   time-feasible prefixes are expanded (the 5- and 6-account cycles share the first four
//   hops). One row per cycle of accounts, written from its
//   smallest account uid; all edge combinations are aggregated (cycles). loop_amount is
//   the largest amount that went the whole way round (the smallest transfer of a
//   combination, maximised over combinations); max_cycle_amount the largest sum of the
//   transfers of one combination (as in generic.circular_transfer).
// legal_basis: [刑法 191 洗钱罪, 刑法 205 虚开增值税专用发票罪（资金回流）, 刑法 307-1 虚假诉讼罪（资金闭环）]
// params:
//   max_len: {type: int, default: 6, min: 5, max: 6, description: longest cycle (number of accounts); the shortest is 5}
//   window_ms: {type: int, default: 2592000000, min: 1, description: max time between first and last transfer (ms)}
//   min_amount: {type: float, default: 0, min: 0, description: each transfer at least this amount}
// returns: [accounts, hops, cycles, loop_amount, max_cycle_amount, span_ms, members]
// backends: [neo4j, falkordb]
// tags: [aml, cycle, money-loop]
// members: members
// score: loop_amount
// explain_zh: "资金在 {hops} 个账户间按时间顺序循环流转并回到起点（{accounts}），共 {cycles} 组转账，整圈回流的最高金额 {loop_amount} 元（单圈各笔合计最高 {max_cycle_amount} 元），最短历时 {span_ms} 毫秒。"
// ---
MATCH (a:BankAccount)-[r1:TRANSFERRED_TO]->(b:BankAccount)
WHERE a <> b AND r1.amount >= $min_amount
WITH a, b, r1.ts AS t0, r1.amount AS tot, r1.amount AS lo
MATCH (b)-[r2:TRANSFERRED_TO]->(c:BankAccount)
WHERE r2.ts > t0 AND r2.ts <= t0 + $window_ms AND r2.amount >= $min_amount AND c <> a AND c <> b
WITH a, b, c, t0, r2.ts AS t, tot + r2.amount AS tot, CASE WHEN r2.amount < lo THEN r2.amount ELSE lo END AS lo
MATCH (c)-[r3:TRANSFERRED_TO]->(d:BankAccount)
WHERE r3.ts > t AND r3.ts <= t0 + $window_ms AND r3.amount >= $min_amount AND d <> a AND d <> b AND d <> c
WITH a, b, c, d, t0, r3.ts AS t, tot + r3.amount AS tot, CASE WHEN r3.amount < lo THEN r3.amount ELSE lo END AS lo
MATCH (d)-[r4:TRANSFERRED_TO]->(e:BankAccount)
WHERE r4.ts > t AND r4.ts <= t0 + $window_ms AND r4.amount >= $min_amount AND e <> a AND e <> b AND e <> c AND e <> d
WITH a, b, c, d, e, t0, r4.ts AS t, tot + r4.amount AS tot, CASE WHEN r4.amount < lo THEN r4.amount ELSE lo END AS lo
MATCH (e)-[r5:TRANSFERRED_TO]->(f:BankAccount)
WHERE r5.ts > t AND r5.ts <= t0 + $window_ms AND r5.amount >= $min_amount
  AND (f = a OR ($max_len >= 6 AND f <> b AND f <> c AND f <> d AND f <> e))
WITH a, b, c, d, e, f, t0, r5.ts AS t, tot + r5.amount AS tot, CASE WHEN r5.amount < lo THEN r5.amount ELSE lo END AS lo
OPTIONAL MATCH (f)-[r6:TRANSFERRED_TO]->(a)
WHERE f <> a AND r6.ts > t AND r6.ts <= t0 + $window_ms AND r6.amount >= $min_amount
WITH a, b, c, d, e, f, t0, t, tot, lo, r6
WHERE f = a OR r6 IS NOT NULL
WITH CASE WHEN f = a THEN [a.uid, b.uid, c.uid, d.uid, e.uid] ELSE [a.uid, b.uid, c.uid, d.uid, e.uid, f.uid] END AS us,
     CASE WHEN f = a THEN t - t0 ELSE r6.ts - t0 END AS span,
     CASE WHEN f = a THEN tot ELSE tot + r6.amount END AS tot,
     CASE WHEN f = a OR r6.amount >= lo THEN lo ELSE r6.amount END AS lo
WITH us, span, tot, lo, reduce(m = us[0], x IN us | CASE WHEN x < m THEN x ELSE m END) AS mn
WITH us, span, tot, lo, head([i IN range(0, size(us) - 1) WHERE us[i] = mn]) AS k
WITH us[k..] + us[..k] AS accounts, span, tot, lo
WITH accounts, count(*) AS cycles, max(lo) AS lo, max(tot) AS tot, min(span) AS span_ms
RETURN accounts, size(accounts) AS hops, cycles, toInteger(round(lo)) AS loop_amount,
       toInteger(round(tot)) AS max_cycle_amount, span_ms, accounts AS members
