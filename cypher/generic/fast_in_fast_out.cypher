// ---
// id: generic.fast_in_fast_out
// version: 1
// title: {zh: 快进快出, en: Fast in, fast out}
// description: >
//   Money arrives in an account and about the same amount (within tolerance) leaves it
//   again within max_gap_ms (过桥、走账). One row per (source, pass-through, target).
// legal_basis: [刑法 191 洗钱罪, 刑法 175-1 骗取贷款罪（过桥资金）, 刑法 287-2 帮助信息网络犯罪活动罪]
// params:
//   max_gap_ms: {type: int, default: 7200000, min: 1, description: max time from transfer in to transfer out (ms)}
//   tolerance: {type: float, default: 0.1, min: 0, max: 1, description: allowed relative difference of amounts}
//   min_amount: {type: float, default: 50000, min: 0}
// returns: [account, source, target, pairs, max_amount, min_gap_ms, members]
// backends: [neo4j, falkordb]
// tags: [aml, pass-through]
// members: members
// score: max_amount
// explain_zh: "账户 {account} 收到 {source} 转入后在 {min_gap_ms} 毫秒内向 {target} 转出相近金额，共 {pairs} 对，最高 {max_amount} 元。"
// ---
MATCH (s:BankAccount)-[i:TRANSFERRED_TO]->(m:BankAccount)-[o:TRANSFERRED_TO]->(d:BankAccount)
WHERE s <> m AND m <> d AND i <> o AND o.ts > i.ts AND o.ts - i.ts <= $max_gap_ms
  AND i.amount >= $min_amount
  AND o.amount >= i.amount * (1 - $tolerance) AND o.amount <= i.amount * (1 + $tolerance)
WITH s, m, d, count(*) AS pairs, max(i.amount) AS best, min(o.ts - i.ts) AS gap
RETURN m.uid AS account, s.uid AS source, d.uid AS target, pairs, toInteger(round(best)) AS max_amount,
       gap AS min_gap_ms, [s.uid, m.uid, d.uid] AS members
